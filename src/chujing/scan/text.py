"""Free-text detection: identifiers, names, addresses and category keywords inside cells.

One regex pass per cell extracts every candidate (`detectors.TEXT_PATTERN`, a leftmost-first
alternation whose last alternative consumes digit runs, so no candidate starts inside a longer
number); the candidates, a handful per cell, are then validated in bulk, each by the first
detector in registry order that accepts it.
"""

from __future__ import annotations

import polars as pl

from chujing.scan.detectors import IDENTIFIERS, NAME, TEXT_PATTERN
from chujing.scan.detectors import address as address_detector
from chujing.scan.detectors.special import KEYWORD_CATEGORY

KEYWORD_DETECTOR = "keyword"  # findings are "keyword:<category>"
MIN_CANDIDATE_BYTES = 5  # shortest identifier candidate (a name with its cue is longer)

FINDINGS_SCHEMA = {"row": pl.UInt32, "detector": pl.Utf8, "value": pl.Utf8}

_ORDER = (*IDENTIFIERS, NAME, address_detector.DETECTOR)


def extract_candidates(rows: pl.Series, texts: pl.Series) -> pl.DataFrame:
    """(row, cand) for every candidate substring of every text cell."""
    frame = pl.DataFrame({"row": rows, "cand": texts.str.extract_all(TEXT_PATTERN)})
    return (
        frame.explode("cand")
        .filter(pl.col("cand").str.len_bytes() >= MIN_CANDIDATE_BYTES)
    )


def detect_in_text(rows: pl.Series, texts: pl.Series) -> pl.DataFrame:
    """Findings (row, detector, value) in free-text cells; `value` is the normalised form."""
    remaining = extract_candidates(rows, texts)
    found: list[pl.DataFrame] = []
    keyword_hit = remaining["cand"].is_in(list(KEYWORD_CATEGORY))
    found.append(remaining.filter(keyword_hit).select(
        "row",
        detector=pl.lit(KEYWORD_DETECTOR + ":")
        + pl.col("cand").replace_strict(KEYWORD_CATEGORY, return_dtype=pl.Utf8),
        value=pl.col("cand")))
    remaining = remaining.filter(~keyword_hit)
    for detector in _ORDER:
        if remaining.height == 0:
            break
        value = detector.validate_text(remaining["cand"])
        hit = value.is_not_null()
        if hit.any():
            found.append(pl.DataFrame({
                "row": remaining["row"].filter(hit),
                "detector": pl.repeat(detector.id, hit.sum(), dtype=pl.Utf8, eager=True),
                "value": value.filter(hit),
            }))
            remaining = remaining.filter(~hit)
    if not found:
        return pl.DataFrame(schema=FINDINGS_SCHEMA)
    return pl.concat([f.cast(FINDINGS_SCHEMA) for f in found])
