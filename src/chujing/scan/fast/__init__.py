"""Column validation at memory speed: numba kernels decide clean cells, Polars the rest.

An identifier column is mostly clean (bare digits, lower-case e-mail): a kernel walks the
column's Arrow buffers once and marks each cell valid, invalid or deferred. Deferred cells
(spaces, +86, dashes, full-width digits, lower-case x…) go through the detector's Polars
validator, the reference, on their own rows. A valid cell is its own normalised form, so the
result is the column itself with the invalid cells nulled (a new validity bitmap, no copy).

numba is imported only here, on the first identifier column of a scan: `chujing assess` never
loads it. Without numba every column takes the Polars path.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date
from functools import cache

import numpy as np
import polars as pl

from chujing.scan.detectors import (
    address,
    bank_card,
    email,
    location,
    network,
    person_name,
    phone,
    resident_id,
    vehicle,
)
from chujing.scan.detectors.base import Detector, keep_where

VALID, DEFER = 1, 2
Buffers = tuple[np.ndarray, ...]


@cache
def kernel_module(name: str):
    """One of this package's numba kernel modules (`kernels`, `text_kernels`, `text_names`), or
    None where numba cannot be loaded: callers then take the Polars or regex path."""
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ImportError:  # pragma: no cover - numba is a dependency
        return None


def _kernels():
    return kernel_module("kernels")


@cache
def _province_table() -> np.ndarray:
    table = np.zeros(100, dtype=np.bool_)
    for code in resident_id.PROVINCES:
        table[int(code)] = True
    return table


def _rid(k, hinted: bool, buffers: Buffers, out: np.ndarray) -> None:
    latest = int(date.today().strftime("%Y%m%d"))
    k.resident_id(*buffers, _province_table(), int(resident_id.EARLIEST_BIRTH), latest, out)


@cache
def _surname_tables() -> tuple[np.ndarray, np.ndarray]:
    single = np.zeros(0x9FF0 - 0x4E00, dtype=np.bool_)
    for surname in person_name.SINGLE:
        if 0x4E00 <= ord(surname) < 0x9FF0:
            single[ord(surname) - 0x4E00] = True
    compound = np.array([ord(c[0]) * 65536 + ord(c[1]) for c in person_name.COMPOUND
                         if len(c) == 2], dtype=np.int64)
    return single, compound


def _name(k, hinted: bool, buffers: Buffers, out: np.ndarray) -> None:
    if any(len(c) != 2 for c in person_name.COMPOUND):  # the kernel knows two-character ones
        out[:] = DEFER
        return
    k.person_name(*buffers, *_surname_tables(), out)


@cache
def _han_table() -> np.ndarray:
    """Bits of the characters the address and plate kernels look for (kernels.ADMIN …)."""
    k = _kernels()
    table = np.zeros(k.HAN_LAST - k.HAN_FIRST + 1, dtype=np.uint16)
    for chars, bit in (("省市区县旗镇乡", k.ADMIN), ("路街道巷弄村园苑里", k.STREET),
                       ("胡", k.HU), ("同", k.TONG), ("小", k.XIAO), ("区", k.QU), ("号", k.HAO),
                       (vehicle.PROVINCES, k.PROVINCE), (vehicle.PLATE_SUFFIXES, k.PLATE_SUFFIX)):
        for char in chars:
            table[ord(char) - k.HAN_FIRST] |= bit
    return table


@cache
def _address_table() -> np.ndarray:
    """The address kernel's features of U+4000-9FFF: _han_table's bits and A_CLASS, A_HAN
    over U+4E00-9FEF, A_DEFER elsewhere (non-Han characters with the same lead bytes)."""
    k = _kernels()
    table = np.full(0xA000 - k.HAN_BASE, k.A_DEFER, dtype=np.uint16)
    table[k.HAN_FIRST - k.HAN_BASE:k.HAN_LAST + 1 - k.HAN_BASE] = (
        _han_table() | np.uint16(k.A_CLASS | k.A_HAN))
    return table


@cache
def _placeholders() -> np.ndarray:
    from chujing.scan.normalise import EMPTY_VALUES

    packed = []
    for value in EMPTY_VALUES:
        raw = value.encode()
        assert len(raw) <= 4, value  # the kernel packs up to 4 bytes
        packed.append(len(raw) << 32 | int.from_bytes(raw, "little"))
    return np.array(packed, dtype=np.int64)


def present_mask(raw: pl.Series) -> np.ndarray:
    """`normalise.non_empty(raw)` as a numpy mask, by a kernel where there is one."""
    from chujing.scan.normalise import non_empty

    k = _kernels()
    if k is None or raw.dtype != pl.Utf8 or len(raw) == 0:
        return non_empty(raw).to_numpy()
    v32, vu8, _, _, valid = string_views(raw)
    out = np.empty(len(raw), dtype=np.bool_)
    k.present(v32, vu8, valid, _placeholders(), out)
    return out


def not_null(values: pl.Series) -> np.ndarray:
    """`values.is_not_null().to_numpy()`, read off the Arrow validity bitmap (a Polars boolean
    to numpy costs ~1.6 ns a cell, unpacking the bitmap a fraction of that)."""
    import pyarrow as pa

    nulls = values.null_count()
    if nulls == 0 or nulls == len(values):
        return np.full(len(values), nulls == 0, dtype=np.bool_)
    array = values.to_arrow(compat_level=pl.CompatLevel.newest())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    bitmap = array.buffers()[0]
    n, offset = len(array), array.offset
    packed = np.frombuffer(bitmap, dtype=np.uint8)[offset // 8:(offset + n + 7) // 8]
    first = offset - 8 * (offset // 8)
    return np.unpackbits(packed, bitorder="little")[first:first + n].view(np.bool_)


@cache
def _known_prefixes() -> np.ndarray | None:
    table = np.zeros(1000, dtype=np.bool_)
    for prefix in phone.KNOWN_PREFIXES:
        if len(prefix) != 3 or not prefix.isascii() or not prefix.isdigit():
            return None  # the kernel knows 3-digit prefixes only
        table[int(prefix)] = True
    return table


def unknown_prefixes(values: pl.Series) -> int:
    """`phone.unknown_prefix(values).sum()` for a column of normalised mobile numbers."""
    k = _kernels()
    table = _known_prefixes()
    if k is None or table is None or values.dtype != pl.Utf8 or len(values) == 0:
        return int(phone.unknown_prefix(values).sum())
    return int(k.unknown_prefixes(*string_views(values), table))


def slice_at_least(values: pl.Series, first: int, threshold: str) -> np.ndarray:
    """`(values.str.slice(first, len(threshold)) >= threshold).fill_null(False)` as a numpy
    mask (birth dates of ID numbers against the minors' threshold), by a kernel on ASCII."""
    k = _kernels()
    if k is not None and values.dtype == pl.Utf8 and len(values) and threshold.isascii():
        out = np.empty(len(values), dtype=np.bool_)
        wanted = np.frombuffer(threshold.encode(), dtype=np.uint8)
        if k.slice_at_least(*string_views(values), first, wanted, out):
            return out
    cut = values.str.slice(first, len(threshold))
    return (cut >= threshold).fill_null(False).to_numpy()


_RUNNERS: dict[str, Callable] = {
    address.DETECTOR.id: lambda k, hinted, b, out: k.address(*b, _address_table(), out),
    vehicle.PLATE.id: lambda k, hinted, b, out: k.plate(*b, _han_table(), out),
    person_name.DETECTOR.id: _name,
    resident_id.DETECTOR.id: _rid,
    phone.MOBILE.id: lambda k, hinted, b, out: k.mobile(*b, out),
    bank_card.DETECTOR.id: lambda k, hinted, b, out: k.luhn_digits(*b, 16, 19, out),
    network.IPV4.id: lambda k, hinted, b, out: k.ipv4(*b, out),
    email.DETECTOR.id: lambda k, hinted, b, out: k.email(*b, out),
    location.DETECTOR.id: lambda k, hinted, b, out: k.gps(*b, out),
}


class _Span:
    """Numpy's view of the address range [base, base + size), keeping `buffers` alive."""

    def __init__(self, base: int, size: int, buffers: list) -> None:
        self.buffers = buffers
        self.__array_interface__ = {"data": (base, True), "shape": (size,), "typestr": "|u1",
                                    "version": 3}


def _data(bufs: list) -> tuple[np.ndarray, np.ndarray]:
    """The bytes the views use as one read-only array, and where each data buffer's byte 0 is
    in it.

    A batch cut from a larger decoded chunk holds all the chunk's buffers (29 for a 1M-row
    Parquet row group): the array spans their address range, so no byte is copied. The
    kernels read only where a valid cell's view points, inside its buffer; the array keeps the
    buffers alive."""
    starts = np.zeros(max(1, len(bufs)), dtype=np.int64)
    held = [(k, b) for k, b in enumerate(bufs) if b is not None and b.size]
    if not held:
        return np.zeros(1, dtype=np.uint8), starts
    if len(held) == 1:
        return np.frombuffer(held[0][1], dtype=np.uint8), starts
    base = min(b.address for _, b in held)
    for k, b in held:
        starts[k] = b.address - base
    size = max(b.address + b.size for _, b in held) - base
    return np.asarray(_Span(base, size, [b for _, b in held])), starts


def _buffers(array) -> Buffers:
    """(views as int32, views as bytes, data, data-buffer starts, validity bytes or empty)."""
    bufs = array.buffers()
    n, offset = len(array), array.offset
    if n == 0 or bufs[1] is None:
        empty = np.zeros(0, dtype=np.uint8)
        return empty.view(np.int32), empty, np.zeros(1, np.uint8), np.zeros(1, np.int64), empty
    views = np.frombuffer(bufs[1], dtype=np.uint8)[16 * offset:16 * (offset + n)]
    if bufs[0] is None or array.null_count == 0:
        valid = np.zeros(0, dtype=np.uint8)
    else:
        first = offset // 8  # only the bytes of this slice (a batch of a larger chunk)
        packed = np.frombuffer(bufs[0], dtype=np.uint8)[first:(offset + n + 7) // 8]
        valid = np.unpackbits(packed, bitorder="little")[offset - 8 * first:offset - 8 * first + n]
    data, starts = _data(bufs[2:])
    return views.view(np.int32), views, data, starts, valid


def string_views(values: pl.Series) -> Buffers:
    """The Arrow string-view buffers of a Utf8 Series, for the kernels."""
    return _buffers(_arrow(values))


def _keep(raw: pl.Series, array, mask: np.ndarray) -> pl.Series:
    """`raw` with the cells outside `mask` nulled (`mask` holds no null cell): a new validity
    bitmap over the same views, no copy of the strings."""
    import pyarrow as pa

    bufs = array.buffers()
    views = bufs[1].slice(16 * array.offset, 16 * len(array))
    validity = pa.py_buffer(np.packbits(mask, bitorder="little"))
    kept = pa.Array.from_buffers(array.type, len(array), [validity, views, *bufs[2:]])
    return pl.Series(raw.name, kept).cast(pl.Utf8)


def _arrow(values: pl.Series):
    import pyarrow as pa

    array = values.to_arrow(compat_level=pl.CompatLevel.newest())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array


def _status(k, kernel: Callable, raw: pl.Series) -> tuple[object, np.ndarray]:
    array = _arrow(raw)
    status = np.empty(len(raw), dtype=np.uint8)
    kernel(k, _buffers(array), status)
    return array, status


def full_width_rows(values: pl.Series) -> np.ndarray | None:
    """Indices of the cells holding full-width forms, or None without the kernels."""
    k = _kernels()
    if k is None or values.dtype != pl.Utf8:
        return None
    _, status = _status(k, lambda k, b, out: k.full_width(*b, out), values)
    return np.flatnonzero(status == VALID)


def has_kernel(detector: Detector) -> bool:
    return detector.id in _RUNNERS and _kernels() is not None


def validate_column(detector: Detector, hinted: bool, raw: pl.Series) -> pl.Series:
    """Normalised value per cell of an unfolded column, or null (as the Polars validator)."""
    return _check(detector, hinted, raw, False)[1]


def check_column(detector: Detector, hinted: bool,
                 raw: pl.Series) -> tuple[np.ndarray, pl.Series]:
    """(`present_mask(raw)`, `validate_column(…)`) from one Arrow export and buffer view."""
    present, values = _check(detector, hinted, raw, True)
    assert present is not None
    return present, values


def _check(detector: Detector, hinted: bool, raw: pl.Series,
           mask: bool) -> tuple[np.ndarray | None, pl.Series]:
    from chujing.scan.normalise import fold_width

    slow = detector.validate_hinted if hinted else detector.validate
    run = _RUNNERS.get(detector.id)
    k = _kernels() if run else None
    if k is None or raw.dtype != pl.Utf8 or len(raw) == 0:
        return present_mask(raw) if mask else None, slow(fold_width(raw)).alias(raw.name)
    # one Arrow export and buffer view for both kernels (the mask folded into each check's
    # walk measured no faster: numba's code for the checks got slower by as much)
    array = _arrow(raw)
    buffers = _buffers(array)
    present = np.empty(len(raw), dtype=np.bool_) if mask else None
    if present is not None:
        k.present(buffers[0], buffers[1], buffers[4], _placeholders(), present)
    status = np.empty(len(raw), dtype=np.uint8)
    run(k, hinted, buffers, status)
    out = _keep(raw, array, status == VALID)
    deferred = np.flatnonzero(status == DEFER)
    if deferred.size:
        rows = pl.Series(deferred, dtype=pl.UInt32)
        out = out.scatter(rows, slow(fold_width(raw.gather(rows))))
    if detector.id == bank_card.DETECTOR.id and not hinted:
        out = keep_where(out, out.str.contains(bank_card._BIN_REGEX))
    return present, out.alias(raw.name)
