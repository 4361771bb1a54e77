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
    # validate each distinct candidate once when many repeat: pays where validating costs
    # more than finding the distinct ones and joining back (names' four capture regexes)
    dedupe: bool = True

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
             prefilter_words=("省", "市", "区", "县", "自治区", "旗", "镇", "乡"), dedupe=False),
)
_KEYWORDS = sorted(KEYWORD_CATEGORY, key=len, reverse=True)
# The fast path's word flags: bit 0 keywords, then the word prefilters of PASSES[1:].
WORD_GROUPS = (tuple(_KEYWORDS), *(p.prefilter_words for p in PASSES[1:]))


def _candidates(rows: pl.Series, texts: pl.Series, text_pass: TextPass) -> pl.DataFrame:
    """Candidates of the cells that pass the prefilter."""
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


# A pass's findings of one detector (or, for keywords, one code per finding): positions (or
# rows), detector code(s) (indices into `detector_names()`), normalised values.
Part = tuple[pl.Series, "int | np.ndarray", pl.Series]


@cache
def _codes() -> tuple[tuple[str, ...], dict[str, int], dict[str, int]]:
    """Every detector id a finding can carry, its code, and each keyword's code."""
    keywords = sorted({f"{KEYWORD_DETECTOR}:{c}" for c in KEYWORD_CATEGORY.values()})
    names = (*BY_ID, *keywords)
    code = {name: i for i, name in enumerate(names)}
    assert len(names) < 1 << 16
    return names, code, {kw: code[f"{KEYWORD_DETECTOR}:{c}"] for kw, c in
                         KEYWORD_CATEGORY.items()}


def detector_names() -> tuple[str, ...]:
    return _codes()[0]


def _validate(candidates: pl.DataFrame, detectors: tuple[Detector, ...],
              dedupe: bool = False) -> list[Part]:
    """Each candidate validated by the first detector (in order) whose shape it has and that
    accepts it. The shapes of all detectors are matched in one Polars call, the candidates
    still open kept as a numpy mask: a call per detector and question cost ~1 ms each."""
    found: list[Part] = []
    if candidates.height == 0:
        return found
    code = _codes()[1]
    shapes = candidates.select(
        pl.col("cand").str.contains(d.text_shape).fill_null(False).alias(str(k))
        for k, d in enumerate(detectors) if d.text_shape)
    remaining = np.ones(candidates.height, dtype=np.bool_)
    for k, detector in enumerate(detectors):
        where = np.flatnonzero(remaining & shapes[str(k)].to_numpy() if detector.text_shape
                               else remaining)
        if where.size == 0:
            if not remaining.any():
                break
            continue
        index = pl.Series(where, dtype=pl.UInt32)
        value = _validated(detector, candidates["cand"].gather(index), dedupe)
        hit = value.is_not_null().to_numpy()
        if hit.any():
            rows = candidates["row"].gather(pl.Series(where[hit], dtype=pl.UInt32))
            values = value.filter(pl.Series(hit))
            if detector is NAME:  # two names joined (刘桂英和刘超…) are one candidate
                one = pl.DataFrame({"row": rows, "value": values.str.split(PAIR_SEPARATOR)})
                one = one.explode("value")
                rows, values = one["row"], one["value"]
            found.append((rows, code[detector.id], values))
            # a candidate is one identifier: once validated, no later detector sees it
            remaining[where[hit]] = False
    return found


def _keywords(rows: pl.Series, texts: pl.Series) -> Part:
    frame = pl.DataFrame({"row": rows, "value": texts.str.extract_many(_KEYWORDS)})
    frame = frame.explode("value").drop_nulls("value")
    codes = frame["value"].replace_strict(_codes()[2], return_dtype=pl.UInt16)
    return frame["row"], codes.to_numpy(), frame["value"]


@cache
def _keyword_codes() -> tuple[np.ndarray, pl.Series]:
    """Per keyword (in `_KEYWORDS` order) its detector code, and the keywords as a Series."""
    code = _codes()[2]
    return (np.array([code[kw] for kw in _KEYWORDS], dtype=np.uint16),
            pl.Series("value", _KEYWORDS, dtype=pl.Utf8))


def _keywords_by_kernel(rows: pl.Series, texts: pl.Series, flags, buffers) -> Part:
    """`_keywords` of the cells with the keyword flag, by the keyword kernel."""
    from chujing.scan.fast.text import find_keywords

    cells, word = find_keywords(texts, flags, 0, buffers, tuple(_KEYWORDS))
    codes, values = _keyword_codes()
    return (rows.gather(pl.Series(cells, dtype=pl.UInt32)), codes[word],
            values.gather(pl.Series(word, dtype=pl.UInt32)))


def _in_cell_order(rows: pl.Series, parts: list[tuple[np.ndarray, pl.Series]], code: int) -> Part:
    """Parts of one detector (positions in `texts`, values) as one, in cell order (stable),
    positions mapped to `rows`."""
    if len(parts) == 1:
        position, values = parts[0]
    else:
        position = np.concatenate([p for p, _ in parts])
        order = np.argsort(position, kind="stable")
        position = position[order]
        values = pl.concat([v for _, v in parts]).gather(pl.Series(order, dtype=pl.UInt32))
    return rows.gather(pl.Series(position, dtype=pl.UInt32)), code, values


def _identifiers(rows: pl.Series, texts: pl.Series, kernel) -> list[Part]:
    """The identifier pass: the byte kernel's findings (`kernel`: its KernelFindings, or None)
    where it decides, the regex pass on the rest."""
    id_pass = PASSES[0]
    if kernel is None:
        candidates = _candidates(rows, texts, id_pass)
        return _validate(candidates, id_pass.detectors) if candidates.height else []
    from chujing.scan.fast.text import KIND_DETECTORS

    deferred: list[Part] = []
    if kernel.deferred.size:  # by position in `texts`, mapped to rows below
        where = pl.Series(kernel.deferred, dtype=pl.UInt32)
        candidates = _candidates(where, texts.gather(where), id_pass)
        if candidates.height:
            deferred = _validate(candidates, id_pass.detectors)
    code = _codes()[1]
    found = []
    for detector in id_pass.detectors:  # the regex pass's order: registry, then cell order
        mine = code[detector.id]
        parts = [(p.to_numpy(), v) for p, c, v in deferred if c == mine]
        if detector.id in KIND_DETECTORS:
            decided = np.flatnonzero(kernel.kind == KIND_DETECTORS.index(detector.id))
            if decided.size:
                parts.append((kernel.position[decided],
                              kernel.value.gather(pl.Series(decided, dtype=pl.UInt32))))
        if parts:
            found.append(_in_cell_order(rows, parts, mine))
    return found


def _kernel_pass(rows: pl.Series, texts: pl.Series, flags, bit: int, buffers) -> list[Part]:
    """A word-flagged pass (names, addresses) by its kernel, with the regex pass on the cells
    the kernel defers."""
    from chujing.scan.fast.text import find_addresses, find_names

    text_pass = PASSES[bit]
    finder = {NAME.id: find_names, ADDRESS.id: find_addresses}[text_pass.detectors[0].id]
    deferred, cells, values = finder(texts, flags, bit, buffers)
    parts = []
    if deferred.size:  # by position in `texts`, mapped to rows below
        where = pl.Series(deferred, dtype=pl.UInt32)
        candidates = _candidates(where, texts.gather(where), text_pass)
        if candidates.height:
            parts = [(p.to_numpy(), v) for p, _, v in
                     _validate(candidates, text_pass.detectors, dedupe=text_pass.dedupe)]
    if cells.size:
        parts.append((cells, values))
    code = _codes()[1][text_pass.detectors[0].id]
    return [_in_cell_order(rows, parts, code)] if parts else []


@dataclass(frozen=True)
class Findings:
    """Findings in free text as arrays: row, detector code (`detector_names()`), value."""

    rows: np.ndarray  # uint32
    codes: np.ndarray  # uint16
    values: pl.Series

    def take(self, mask: np.ndarray) -> Findings:
        return Findings(self.rows[mask], self.codes[mask], self.values.filter(pl.Series(mask)))

    def frame(self) -> pl.DataFrame:
        names = pl.Series("detector", detector_names(), dtype=pl.Utf8)
        return pl.DataFrame([pl.Series("row", self.rows, dtype=pl.UInt32),
                             names.gather(pl.Series(self.codes, dtype=pl.UInt32)),
                             self.values.alias("value").cast(pl.Utf8)])

    @staticmethod
    def of(frame: pl.DataFrame) -> Findings:
        """From `detect_in_text`'s frame (ids outside the registry are not expected)."""
        codes = frame["detector"].replace_strict(_codes()[1], return_dtype=pl.UInt16)
        return Findings(frame["row"].cast(pl.UInt32).to_numpy(), codes.to_numpy(),
                        frame["value"])


def find_in_text(rows: pl.Series, texts: pl.Series, *, fast: bool = True) -> Findings:
    """`detect_in_text` as arrays (no detector strings): what the scanner takes."""
    kernel = flags = buffers = None
    if fast:
        from chujing.scan.fast.text import scan_text, text_buffers

        buffers = text_buffers(texts)
        scanned = scan_text(texts, WORD_GROUPS, buffers) if buffers is not None else None
        if scanned is not None:
            kernel, flags = scanned
    if flags is None:
        found = [_keywords(rows, texts)]
    else:  # the cells that hold a keyword, by the keyword kernel (extract_many's semantics)
        found = [_keywords_by_kernel(rows, texts, flags, buffers)]
    found.extend(_identifiers(rows, texts, kernel))
    for bit, text_pass in enumerate(PASSES[1:], start=1):
        if flags is not None:  # the kernel's word flags: names' and addresses' own kernels
            found.extend(_kernel_pass(rows, texts, flags, bit, buffers))
            continue
        candidates = _candidates(rows, texts, text_pass)
        if candidates.height:
            found.extend(_validate(candidates, text_pass.detectors,
                                   dedupe=fast and text_pass.dedupe))
    found = [f for f in found if len(f[2])]
    if not found:
        return Findings(np.zeros(0, np.uint32), np.zeros(0, np.uint16),
                        pl.Series("value", [], dtype=pl.Utf8))
    return Findings(
        np.concatenate([r.cast(pl.UInt32).to_numpy() for r, _, _ in found]),
        np.concatenate([np.full(len(v), c, dtype=np.uint16) if isinstance(c, int)
                        else c.astype(np.uint16) for _, c, v in found]),
        pl.concat([v.cast(pl.Utf8) for _, _, v in found]))


def detect_in_text(rows: pl.Series, texts: pl.Series, *, fast: bool = True) -> pl.DataFrame:
    """Findings (row, detector, value) in free-text cells; `value` is the normalised form.

    `fast=False` runs the regex passes on every cell: the reference the kernels are tested
    and benchmarked against.
    """
    return find_in_text(rows, texts, fast=fast).frame()


def category_of(detector: str) -> str | None:
    """The PI category of a finding's detector id (keyword findings name theirs)."""
    if detector.startswith(KEYWORD_DETECTOR + ":"):
        return detector[len(KEYWORD_DETECTOR) + 1:]
    det = BY_ID.get(detector)
    return det.category if det else None
