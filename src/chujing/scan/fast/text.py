"""Free-text identifiers at memory speed: the byte kernel decides plain cells, regex the rest.

`scan_identifiers` walks a text column's Arrow buffers once (`text_kernels.identifiers`): for
each cell either its findings (resident ID, mobile, bank card, with normalised values) or
"deferred" — the cell holds something the kernel does not model, and `scan/text.py` runs its
regex pass (the reference) on the deferred cells alone. numba is imported on first use only.
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


def scan_identifiers(texts: pl.Series) -> KernelFindings | None:
    """The kernel's findings and deferred cells, or None without numba or for non-text."""
    import pyarrow as pa

    from chujing.scan.fast import _buffers, _province_table

    k = _kernels()
    if k is None or texts.dtype != pl.Utf8:
        return None
    array = texts.to_arrow(compat_level=pl.CompatLevel.newest())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    n = len(texts)
    capacity = n // 2 + 64  # cells whose findings do not fit are deferred, not lost
    status = np.empty(n, dtype=np.uint8)
    position = np.empty(capacity, dtype=np.int64)
    kind = np.empty(capacity, dtype=np.uint8)
    offsets = np.zeros(capacity + 1, dtype=np.int32)
    values = np.empty(capacity * 19, dtype=np.uint8)
    count = np.zeros(1, dtype=np.int64)
    latest = int(date.today().strftime("%Y%m%d"))
    k.identifiers(*_buffers(array), _province_table(), int(resident_id.EARLIEST_BIRTH), latest,
                  *_bin_table(), status, position, kind, offsets, values, count)
    found = int(count[0])
    strings = pa.Array.from_buffers(
        pa.string(), found,
        [None, pa.py_buffer(offsets[:found + 1].copy()), pa.py_buffer(values[:offsets[found]])])
    return KernelFindings(deferred=np.flatnonzero(status == k.DEFER),
                          position=position[:found], kind=kind[:found],
                          value=pl.Series("value", strings, dtype=pl.Utf8))


@cache
def _word_table(groups: tuple[tuple[str, ...], ...]):
    """Words sorted by their first two bytes, with each word's group bits (1 << group)."""
    bits_of: dict[bytes, int] = {}
    for group, words in enumerate(groups):
        for word in words:
            raw = word.encode()
            assert len(raw) >= 2, word
            bits_of[raw] = bits_of.get(raw, 0) | (1 << group)
    ordered = sorted(bits_of, key=lambda raw: (raw[0] * 256 + raw[1], raw))
    table = np.zeros((len(ordered), max(map(len, ordered))), dtype=np.uint8)
    key_start = np.zeros(65536, dtype=np.int32)
    key_count = np.zeros(65536, dtype=np.int32)
    for k, raw in enumerate(ordered):
        table[k, :len(raw)] = np.frombuffer(raw, dtype=np.uint8)
        key = raw[0] * 256 + raw[1]
        if key_count[key] == 0:
            key_start[key] = k
        key_count[key] += 1
    lengths = np.array([len(raw) for raw in ordered], dtype=np.int64)
    bits = np.array([bits_of[raw] for raw in ordered], dtype=np.uint8)
    return key_start, key_count, table, lengths, bits


def word_flags(texts: pl.Series, groups: tuple[tuple[str, ...], ...]) -> np.ndarray | None:
    """Per cell, bit g set when the cell holds a word of groups[g] (at most 8 groups)."""
    import pyarrow as pa

    from chujing.scan.fast import _buffers

    k = _kernels()
    if k is None or texts.dtype != pl.Utf8 or len(groups) > 8:
        return None
    array = texts.to_arrow(compat_level=pl.CompatLevel.newest())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    out = np.empty(len(texts), dtype=np.uint8)
    k.word_flags(*_buffers(array), *_word_table(groups), out)
    return out
