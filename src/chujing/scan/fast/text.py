"""Free text at memory speed: one byte pass decides plain cells' identifiers, regex the rest.

`scan_text` walks a text column's Arrow buffers once (`text_kernels.scan`): for each cell
either its identifier findings (resident ID, mobile, bank card, with normalised values) or
"deferred" — the cell holds something the kernel does not model, and `scan/text.py` runs its
regex pass (the reference) on the deferred cells alone; and for every cell which word groups
(keywords, name cues, administrative units) it holds, so the other passes skip the cells
without. numba is imported on first use only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import polars as pl

from chujing.scan.detectors import bank_card, phone, resident_id

# Finding kinds of the kernel, in the kernel's numbering (RID, MOBILE, CARD).
KIND_DETECTORS = (resident_id.DETECTOR.id, phone.MOBILE.id, bank_card.DETECTOR.id)


@dataclass(frozen=True)
class KernelFindings:
    deferred: np.ndarray  # positions of the cells the regex pass must take
    position: np.ndarray  # per finding: position of its cell in the input
    kind: np.ndarray  # per finding: index into KIND_DETECTORS
    value: pl.Series  # per finding: the normalised value


@cache
def _kernels():
    try:
        from chujing.scan.fast import text_kernels
    except ImportError:  # pragma: no cover - numba is a dependency
        return None
    return text_kernels


@cache
def _bin_table() -> tuple[np.ndarray, np.ndarray]:
    prefixes = bank_card.BIN_PREFIXES  # longest first, as the regex alternation tries them
    table = np.zeros((len(prefixes), max(map(len, prefixes))), dtype=np.uint8)
    for k, prefix in enumerate(prefixes):
        table[k, :len(prefix)] = np.frombuffer(prefix.encode(), dtype=np.uint8)
    return table, np.array([len(p) for p in prefixes], dtype=np.int64)


def available() -> bool:
    return _kernels() is not None


Buffers = tuple[np.ndarray, ...]


def text_buffers(texts: pl.Series) -> Buffers | None:
    """The Arrow buffers of a text column for the kernels, or None without numba or non-text.

    Built once per column: gathering a filtered column's data buffers copies them."""
    import pyarrow as pa

    from chujing.scan.fast import _buffers

    if _kernels() is None or texts.dtype != pl.Utf8:
        return None
    array = texts.to_arrow(compat_level=pl.CompatLevel.newest())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return _buffers(array)


def scan_text(texts: pl.Series, groups: tuple[tuple[str, ...], ...],
              buffers: Buffers | None = None) -> tuple[KernelFindings, np.ndarray] | None:
    """One kernel pass: identifier findings and deferred cells, and per cell the bits of the
    word groups it holds (bit g: a word of groups[g]; at most 8 groups, first characters below
    U+10000). None without numba, for non-text, or for groups the kernel cannot index."""
    import pyarrow as pa

    from chujing.scan.fast import _province_table

    table = _word_table(groups) if len(groups) <= 8 else None
    buffers = buffers or text_buffers(texts) if table else None
    if buffers is None:
        return None
    n = len(texts)
    capacity = n // 2 + 64  # cells whose findings do not fit are deferred, not lost
    status = np.empty(n, dtype=np.uint8)
    flags = np.empty(n, dtype=np.uint8)
    position = np.empty(capacity, dtype=np.int64)
    kind = np.empty(capacity, dtype=np.uint8)
    offsets = np.zeros(capacity + 1, dtype=np.int32)
    values = np.empty(capacity * 19, dtype=np.uint8)
    count = np.zeros(1, dtype=np.int64)
    latest = int(date.today().strftime("%Y%m%d"))
    k = _kernels()
    k.scan(*buffers, _province_table(), int(resident_id.EARLIEST_BIRTH), latest, *_bin_table(),
           *table, status, flags, position, kind, offsets, values, count)
    found = int(count[0])
    strings = pa.Array.from_buffers(
        pa.string(), found,
        [None, pa.py_buffer(offsets[:found + 1].copy()), pa.py_buffer(values[:offsets[found]])])
    findings = KernelFindings(deferred=np.flatnonzero(status == k.DEFER),
                              position=position[:found], kind=kind[:found],
                              value=pl.Series("value", strings, dtype=pl.Utf8))
    return findings, flags


@cache
def _word_table(groups: tuple[tuple[str, ...], ...]):
    """Words (UTF-8) sorted by first character, each with its group bits (1 << group), and
    per first character (code point) a bit, the index of its first word and its word count."""
    bits_of: dict[str, int] = {}
    for group, words in enumerate(groups):
        for word in words:
            if not word or ord(word[0]) >= 0x10000:
                return None  # the kernel indexes first characters below U+10000
            bits_of[word] = bits_of.get(word, 0) | (1 << group)
    ordered = sorted(bits_of, key=lambda word: (ord(word[0]), word))
    encoded = [word.encode() for word in ordered]
    table = np.zeros((len(ordered), max(map(len, encoded))), dtype=np.uint8)
    first_start = np.zeros(0x10000, dtype=np.int32)
    first_count = np.zeros(0x10000, dtype=np.int32)
    for k, (word, raw) in enumerate(zip(ordered, encoded, strict=True)):
        table[k, :len(raw)] = np.frombuffer(raw, dtype=np.uint8)
        if first_count[ord(word[0])] == 0:
            first_start[ord(word[0])] = k
        first_count[ord(word[0])] += 1
    lengths = np.array([len(raw) for raw in encoded], dtype=np.int64)
    bits = np.array([bits_of[word] for word in ordered], dtype=np.uint8)
    first_bits = np.packbits(first_count > 0, bitorder="little")  # 8 KB: stays in L1
    return first_bits, first_start, first_count, table, lengths, bits
