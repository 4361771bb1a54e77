"""Numba kernel: the free-text cells of a batch gathered and width-folded in one pass.

`normalise.fold_width` (full-width ASCII variants U+FF01-FF5E and the ideographic space to
ASCII) over chosen cells, written straight into a new Arrow string-view array: no Polars
filter, find, gather, replace and scatter passes. Most cells hold nothing to fold: their views
are copied as they are and still point into the column's own data buffers, so their text is
read once and never copied; only the folded cells' bytes go to a new buffer.
"""

from __future__ import annotations

from numba import njit

_JIT = {"cache": True, "nogil": True, "_nrt": False}


@njit(**_JIT, inline="always")
def _fold(buf, s, n, out, at):
    """The cell's bytes folded into out[at:]; returns their count."""
    m = 0
    k = 0
    while k < n:  # by character where it is 3 bytes (Han, full-width): a third of the steps
        b = buf[s + k]
        if 0xE0 <= b < 0xF0 and k + 2 < n:
            c, d = buf[s + k + 1], buf[s + k + 2]
            if b == 0xEF and ((c == 0xBC and d >= 0x81) or (c == 0xBD and d <= 0x9E)):
                # U+FF01-FF3F are EF BC 81-BF, U+FF40-FF5E EF BD 80-9E: minus 0xFEE0 is ASCII
                out[at + m] = d - (0x60 if c == 0xBC else 0x20)
                m += 1
            elif b == 0xE3 and c == 0x80 and d == 0x80:
                out[at + m] = 32  # U+3000 ideographic space
                m += 1
            else:
                out[at + m] = b
                out[at + m + 1] = c
                out[at + m + 2] = d
                m += 3
            k += 3
        else:  # ASCII, and the bytes of 2- and 4-byte characters (never E0-EF)
            out[at + m] = b
            m += 1
            k += 1
    return m


@njit(**_JIT, inline="always")
def _foldable(buf, s, n):
    """Whether the cell holds a character `_fold` changes (a lead byte EF or E3 is never a
    continuation byte, so a byte scan finds exactly the characters `_fold` steps on)."""
    for k in range(s, s + n - 2):
        b = buf[k]
        if b == 0xEF:
            c, d = buf[k + 1], buf[k + 2]
            if (c == 0xBC and d >= 0x81) or (c == 0xBD and d <= 0x9E):
                return True
        elif b == 0xE3 and buf[k + 1] == 0x80 and buf[k + 2] == 0x80:
            return True
    return False


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
