"""Numba kernel: the free-text cells of a batch gathered and width-folded in one pass.

`normalise.fold_width` (full-width ASCII variants U+FF01-FF5E and the ideographic space to
ASCII) over chosen cells, written straight into a new Arrow string-view array: no Polars
filter, find, gather, replace and scatter passes. Most cells hold nothing to fold: their views
are copied as they are and still point into the column's own data buffers, so their text is
read once and never copied; only the folded cells' bytes go to a new buffer.

Both the check and the copy go 8 bytes at a time: a character that folds starts with byte EF
or E3, and a word without either byte is neither checked further nor copied byte by byte.
"""

from __future__ import annotations

from numba import njit, uint64

from chujing.scan.fast.keys import at as _at
from chujing.scan.fast.keys import load_u64, store_u64

_JIT = {"cache": True, "nogil": True, "_nrt": False}
_ONES = uint64(0x0101010101010101)
_HIGH = uint64(0x8080808080808080)
_EF = uint64(0xEFEFEFEFEFEFEFEF)
_E3 = uint64(0xE3E3E3E3E3E3E3E3)


@njit(**_JIT, inline="always")
def _leads(word):
    """Non-zero when a byte of `word` is EF or E3 (the zero-byte test on word ^ EF.., word ^
    E3..: exact for whether one exists, though not for which)."""
    x = word ^ _EF
    y = word ^ _E3
    return (((x - _ONES) & ~x) | ((y - _ONES) & ~y)) & _HIGH


@njit(**_JIT, inline="always")
def _folds_at(buf, k, end):
    """Whether the character at buf[k] is one `_fold` changes: U+FF01-FF3F are EF BC 81-BF,
    U+FF40-FF5E EF BD 80-9E, U+3000 E3 80 80; all of it before `end`."""
    if k + 2 >= end:
        return False
    b, c, d = _at(buf, k), _at(buf, k + 1), _at(buf, k + 2)
    if b == 0xEF:
        return (c == 0xBC and d >= 0x81) or (c == 0xBD and d <= 0x9E)
    return b == 0xE3 and c == 0x80 and d == 0x80


@njit(**_JIT, inline="always")
def _folds_in(buf, k, end):
    """Whether a character starting in buf[k:min(k+8, end)] folds."""
    for q in range(k, min(k + 8, end)):
        b = _at(buf, q)
        if (b == 0xEF or b == 0xE3) and _folds_at(buf, q, end):
            return True
    return False


@njit(**_JIT, inline="always")
def _fold(buf, s, n, out, at):
    """The cell's bytes folded into out[at:]; returns their count. Words holding no EF or E3
    byte are copied whole: folding only shortens, so out has room for them."""
    m = 0
    k = 0
    while k < n:
        if k + 8 <= n:
            word = load_u64(buf, s + k)
            if not _leads(word):
                store_u64(out, at + m, word)
                m += 8
                k += 8
                continue
        b = _at(buf, s + k)
        if (b == 0xEF or b == 0xE3) and _folds_at(buf, s + k, s + n):
            d = _at(buf, s + k + 2)
            if b == 0xE3:
                out[at + m] = 32  # the ideographic space
            else:  # minus 0xFEE0 is ASCII
                out[at + m] = d - (0x60 if _at(buf, s + k + 1) == 0xBC else 0x20)
            m += 1
            k += 3
        else:  # lead bytes EF and E3 are never continuation bytes: any other byte is copied
            out[at + m] = b
            m += 1
            k += 1
    return m


@njit(**_JIT, inline="always")
def _foldable(buf, s, n):
    """Whether the cell holds a character `_fold` changes. The last word is read back from the
    cell's end (n >= 8) or, for a shorter cell, from its start with the bytes after it masked
    off: such a cell is inline in its 16-byte view, so 8 bytes from s stay inside the view."""
    k = s
    end = s + n
    while k + 8 <= end:
        if _leads(load_u64(buf, k)) and _folds_in(buf, k, end):
            return True
        k += 8
    if k == end:
        return False
    if n >= 8:
        return _leads(load_u64(buf, end - 8)) != 0 and _folds_in(buf, end - 8, end)
    word = load_u64(buf, s) & ((uint64(1) << uint64(8 * n)) - uint64(1))
    return _leads(word) != 0 and _folds_in(buf, s, end)


@njit(**_JIT, inline="always")
def _keep_view(v32, i, shift, out32, j):
    """View i copied as view j; an out-of-line cell's buffer index moved by `shift`."""
    for q in range(4):
        out32[4 * j + q] = v32[4 * i + q]
    if v32[4 * i] > 12:
        out32[4 * j + 2] += shift


@njit(**_JIT)
def gather_folded(v32, vu8, data, starts, valid, rows, shift, out_views, out_data, at, own):
    """Cell `rows[j]` as view j (16 bytes each in `out_views`): a cell with nothing to fold
    keeps its view, its data buffer renumbered by `shift`; a cell with something to fold is
    folded into `out_data` from byte `at` on (buffer `own` of the result) when longer than
    12 bytes after folding, else inline. Returns the next free byte of `out_data`. A null
    cell gives an empty view (its validity is the caller's)."""
    out32 = out_views.view(v32.dtype)
    for j in range(rows.size):
        i = rows[j]
        if valid.size != 0 and valid[i] == 0:
            for q in range(4):
                out32[4 * j + q] = 0
            continue
        n = v32[4 * i]
        if n <= 12:  # two call sites: one buffer type each
            if not _foldable(vu8, 16 * i + 4, n):
                _keep_view(v32, i, 0, out32, j)
                continue
            m = _fold(vu8, 16 * i + 4, n, out_data, at)
        else:
            s = starts[v32[4 * i + 2]] + v32[4 * i + 3]
            if not _foldable(data, s, n):
                _keep_view(v32, i, shift, out32, j)
                continue
            m = _fold(data, s, n, out_data, at)
        out32[4 * j] = m
        if m <= 12:  # inline: the bytes in the view, zero padded
            for q in range(12):
                out_views[16 * j + 4 + q] = out_data[at + q] if q < m else 0
        else:  # prefix, buffer `own`, offset
            for q in range(4):
                out_views[16 * j + 4 + q] = out_data[at + q]
            out32[4 * j + 2] = own
            out32[4 * j + 3] = at
            at += m
    return at
