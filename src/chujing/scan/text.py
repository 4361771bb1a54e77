"""Free-text detection: identifiers, names, addresses and category keywords inside cells.

Chinese text has no word boundaries, and one regex holding every shape is too large for the
regex engine's fast path, so detection runs in passes, each with a cheap prefilter that skips
cells which cannot match:

1. identifiers: one alternation of the identifier shapes whose last alternative consumes digit
   runs, so that no candidate starts inside a longer number (the digit look-around that Rust's
   regex engine lacks: 手机13812345678联系 yields 13812345678, 9138 1234 5678 yields nothing);
   cells without three digits, an @ or a colon are skipped;
2. names: only cells holding a cue word (患者, 先生, 联系人…);
3. addresses: only cells holding an administrative unit (省, 市, 区, 县…);
4. category keywords: Aho-Corasick over the keyword list.

Candidates, a handful per cell, are validated in bulk, each by the first detector of its pass
(registry order) that accepts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl

from chujing.scan.detectors import ADDRESS, BY_ID, IDENTIFIERS, NAME, Detector
from chujing.scan.detectors.person_name import CUE_WORDS, PAIR_SEPARATOR, PAIR_WORDS
from chujing.scan.detectors.special import KEYWORD_CATEGORY

KEYWORD_DETECTOR = "keyword"  # findings are "keyword:<category>"
FINDINGS_SCHEMA = {"row": pl.UInt32, "detector": pl.Utf8, "value": pl.Utf8}

# Shapes no specific alternative produces: digit runs (consumed whole, see the docstring).
_DIGIT_RUN = r"\d+[Xx]?"


@dataclass(frozen=True)
class TextPass:
    name: str
    pattern: str
    detectors: tuple[Detector, ...]
    prefilter_regex: str | None = None
    prefilter_words: tuple[str, ...] = ()
    min_bytes: int = 5

    def cells(self, texts: pl.Series) -> pl.Series:
        if self.prefilter_regex:
            return texts.str.contains(self.prefilter_regex).fill_null(False)
        if self.prefilter_words:
            return texts.str.contains_any(list(self.prefilter_words)).fill_null(False)
        return texts.is_not_null()


PASSES = (
    TextPass(
        "identifiers",
        "|".join([d.text_pattern for d in IDENTIFIERS if d.text_pattern] + [_DIGIT_RUN]),
        IDENTIFIERS,
        prefilter_regex=r"\d{3}|@|:|\d\.\d",
    ),
    TextPass("names", NAME.text_pattern or "", (NAME,),
             prefilter_words=CUE_WORDS + PAIR_WORDS),
    TextPass("addresses", ADDRESS.text_pattern or "", (ADDRESS,),
             prefilter_words=("省", "市", "区", "县", "自治区", "旗", "镇", "乡")),
)
_KEYWORDS = sorted(KEYWORD_CATEGORY, key=len, reverse=True)
# The fast path's word flags: bit 0 keywords, then the word prefilters of PASSES[1:].
WORD_GROUPS = (tuple(_KEYWORDS), *(p.prefilter_words for p in PASSES[1:]))


def _candidates(rows: pl.Series, texts: pl.Series, text_pass: TextPass,
                keep: pl.Series | None = None) -> pl.DataFrame:
    """Candidates of the cells that pass the prefilter (`keep`: its outcome, if known)."""
    if keep is None:
        keep = text_pass.cells(texts)
    frame = pl.DataFrame({"row": rows.filter(keep),
                          "cand": texts.filter(keep).str.extract_all(text_pass.pattern)})
    return frame.explode("cand").filter(pl.col("cand").str.len_bytes() >= text_pass.min_bytes)


def _validated(detector: Detector, candidates: pl.Series, dedupe: bool) -> pl.Series:
    """`validate_text` of each candidate; with `dedupe`, of each distinct candidate once when
    a quarter or more repeat (a customer's name recurs in their notes)."""
    if dedupe and len(candidates) >= 1024:
        distinct = candidates.unique()
        if 4 * len(distinct) <= 3 * len(candidates):
            table = pl.DataFrame({"cand": distinct, "value": detector.validate_text(distinct)})
            return pl.DataFrame({"cand": candidates}).join(
                table, on="cand", how="left", maintain_order="left")["value"]
    return detector.validate_text(candidates)


def _validate(candidates: pl.DataFrame, detectors: tuple[Detector, ...],
              dedupe: bool = False) -> list[pl.DataFrame]:
    found = []
    remaining = candidates
    for detector in detectors:
        if remaining.height == 0:
            break
        shaped, where = remaining, None
        if detector.text_shape:
            where = remaining["cand"].str.contains(detector.text_shape).fill_null(False)
            shaped = remaining.filter(where)
            if shaped.height == 0:
                continue
        value = _validated(detector, shaped["cand"], dedupe)
        hit = value.is_not_null()
        hits = int(hit.sum())
        if hits:
            one = pl.DataFrame({
                "row": shaped["row"].filter(hit),
                "detector": pl.repeat(detector.id, hits, dtype=pl.Utf8, eager=True),
                "value": value.filter(hit),
            })
            if detector is NAME:  # two names joined (刘桂英和刘超…) are one candidate
                one = one.with_columns(pl.col("value").str.split(PAIR_SEPARATOR)).explode("value")
            found.append(one)
            # a candidate is one identifier: once validated, no later detector sees it
            taken = hit.to_numpy()
            if where is not None:
                taken_all = np.zeros(remaining.height, dtype=np.bool_)
                taken_all[np.flatnonzero(where.to_numpy())[taken]] = True
                taken = taken_all
            remaining = remaining.filter(pl.Series(~taken))
    return found


def _keywords(rows: pl.Series, texts: pl.Series) -> pl.DataFrame:
    frame = pl.DataFrame({"row": rows, "value": texts.str.extract_many(_KEYWORDS)})
    frame = frame.explode("value").drop_nulls("value")
    return frame.select(
        "row",
        detector=pl.lit(KEYWORD_DETECTOR + ":")
        + pl.col("value").replace_strict(KEYWORD_CATEGORY, return_dtype=pl.Utf8),
        value="value",
    )


def _identifiers(rows: pl.Series, texts: pl.Series, kernel) -> list[pl.DataFrame]:
    """The identifier pass: the byte kernel's findings (`kernel`: its KernelFindings, or None)
    where it decides, the regex pass on the rest."""
    id_pass = PASSES[0]
    if kernel is None:
        candidates = _candidates(rows, texts, id_pass)
        return _validate(candidates, id_pass.detectors) if candidates.height else []
    from chujing.scan.fast.text import KIND_DETECTORS

    deferred: list[pl.DataFrame] = []
    if kernel.deferred.size:  # by position in `texts`, mapped to rows below
        where = pl.Series(kernel.deferred, dtype=pl.UInt32)
        candidates = _candidates(where, texts.gather(where), id_pass)
        if candidates.height:
            deferred = _validate(candidates, id_pass.detectors)
    decided = pl.DataFrame({"row": pl.Series(kernel.position, dtype=pl.UInt32),
                            "kind": kernel.kind, "value": kernel.value})
    found = []
    for detector in id_pass.detectors:  # the regex pass's order: registry, then cell order
        parts = [f for f in deferred if f["detector"][0] == detector.id]
        if detector.id in KIND_DETECTORS:
            mine = decided.filter(pl.col("kind") == KIND_DETECTORS.index(detector.id))
            if mine.height:
                parts.append(mine.select("row", detector=pl.lit(detector.id), value="value"))
        if parts:
            frame = pl.concat(parts).sort("row", maintain_order=True) if len(parts) > 1 \
                else parts[0]
            found.append(frame.with_columns(row=rows.gather(frame["row"])))
    return found


def _names(rows: pl.Series, texts: pl.Series, flags, bit: int, buffers) -> list[pl.DataFrame]:
    """The name pass by the name kernel, with the regex pass on the cells it defers."""
    from chujing.scan.fast.text import find_names

    deferred, cells, values = find_names(texts, flags, bit, buffers)
    parts = []
    if deferred.size:  # by position in `texts`, mapped to rows below
        where = pl.Series(deferred, dtype=pl.UInt32)
        candidates = _candidates(where, texts.gather(where), PASSES[bit])
        if candidates.height:
            parts = _validate(candidates, PASSES[bit].detectors, dedupe=True)
    if cells.size:
        parts.append(pl.DataFrame({"row": pl.Series(cells, dtype=pl.UInt32),
                                   "detector": pl.repeat(NAME.id, cells.size, dtype=pl.Utf8,
                                                         eager=True),
                                   "value": values}))
    if not parts:
        return []
    frame = pl.concat(parts).sort("row", maintain_order=True) if len(parts) > 1 else parts[0]
    return [frame.with_columns(row=rows.gather(frame["row"]))]


def detect_in_text(rows: pl.Series, texts: pl.Series, *, fast: bool = True) -> pl.DataFrame:
    """Findings (row, detector, value) in free-text cells; `value` is the normalised form.

    `fast=False` runs the regex passes on every cell: the reference the kernels are tested
    and benchmarked against.
    """
    kernel = flags = buffers = None
    if fast:
        from chujing.scan.fast.text import scan_text, text_buffers

        buffers = text_buffers(texts)
        scanned = scan_text(texts, WORD_GROUPS, buffers) if buffers is not None else None
        if scanned is not None:
            kernel, flags = scanned
    if flags is None:
        found = [_keywords(rows, texts)]
    else:  # Aho-Corasick only over the cells that hold a keyword (building it costs ~5 ms)
        where = flags & 1
        found = [_keywords(rows.filter(pl.Series(where, dtype=pl.Boolean)),
                           texts.filter(pl.Series(where, dtype=pl.Boolean)))] \
            if where.any() else []
    found.extend(_identifiers(rows, texts, kernel))
    for bit, text_pass in enumerate(PASSES[1:], start=1):
        if flags is not None and text_pass.detectors == (NAME,):
            found.extend(_names(rows, texts, flags, bit, buffers))
            continue
        keep = None
        if flags is not None and text_pass.prefilter_words and not text_pass.prefilter_regex:
            keep = pl.Series((flags >> bit) & 1, dtype=pl.Boolean)
        candidates = _candidates(rows, texts, text_pass, keep)
        if candidates.height:
            found.extend(_validate(candidates, text_pass.detectors, dedupe=fast))
    found = [f for f in found if f.height]
    if not found:
        return pl.DataFrame(schema=FINDINGS_SCHEMA)
    return pl.concat([f.cast(FINDINGS_SCHEMA) for f in found])


@cache
def _detector_enum() -> tuple[pl.Enum, tuple[str, ...]]:
    keywords = sorted({f"{KEYWORD_DETECTOR}:{c}" for c in KEYWORD_CATEGORY.values()})
    names = (*BY_ID, *keywords)
    return pl.Enum(names), names


def detector_codes(detectors: pl.Series) -> tuple[np.ndarray, tuple[str, ...]]:
    """The findings' detector ids as small integers, and the id of each integer: one cast,
    where comparing the strings costs a pass per detector."""
    enum, names = _detector_enum()
    try:
        return detectors.cast(enum).to_physical().to_numpy(), names
    except pl.exceptions.PolarsError:  # an id outside the registry: this batch's own
        names = tuple(detectors.unique(maintain_order=True).to_list())
        return detectors.replace_strict(names, range(len(names)),
                                        return_dtype=pl.UInt32).to_numpy(), names


def category_of(detector: str) -> str | None:
    """The PI category of a finding's detector id (keyword findings name theirs)."""
    if detector.startswith(KEYWORD_DETECTOR + ":"):
        return detector[len(KEYWORD_DETECTOR) + 1:]
    det = BY_ID.get(detector)
    return det.category if det else None
