"""Numba kernel: the free-text cells of a batch gathered and width-folded in one pass.

`normalise.fold_width` (full-width ASCII variants U+FF01-FF5E and the ideographic space to
ASCII) over chosen cells, written straight into a new Arrow string-view array with one data
buffer: no Polars filter, find, gather, replace and scatter passes, and the text kernels then
read that one buffer without joining anything.
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


@njit(**_JIT)
def gather_folded(v32, vu8, data, starts, valid, rows, out_views, out_data, at):
    """Cell `rows[j]` folded into view j (16 bytes each in `out_views`) and, when longer than
    12 bytes, into `out_data` (buffer 0) from byte `at` on; returns the next free byte. A null
    cell gives an empty view (its validity is the caller's)."""
    out32 = out_views.view(v32.dtype)
    for j in range(rows.size):
        i = rows[j]
        m = 0
        if valid.size == 0 or valid[i] != 0:
            n = v32[4 * i]
            if n <= 12:  # two call sites: one buffer type each
                m = _fold(vu8, 16 * i + 4, n, out_data, at)
            else:
                m = _fold(data, starts[v32[4 * i + 2]] + v32[4 * i + 3], n, out_data, at)
        out32[4 * j] = m
        if m <= 12:  # inline: the bytes in the view, zero padded
            for q in range(12):
                out_views[16 * j + 4 + q] = out_data[at + q] if q < m else 0
        else:  # prefix, buffer 0, offset
            for q in range(4):
                out_views[16 * j + 4 + q] = out_data[at + q]
            out32[4 * j + 2] = 0
            out32[4 * j + 3] = at
            at += m
    return at
