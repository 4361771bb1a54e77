"""Numba kernel: category keywords in free-text cells, as `str.extract_many` finds them.

Polars' `extract_many` (Aho-Corasick, standard semantics, no overlaps) reports the match that
ends first, the longest of those ending there, then searches on from its end. Building the
automaton cost ~5 ms a call, paid every batch; this kernel reads the text kernel's word table
(keywords indexed by first character) and walks the cells holding a keyword (its flag) once.
tests/scan/test_fast_text.py holds it to `extract_many`.
"""

from __future__ import annotations

from numba import njit

from chujing.scan.fast.keys import at as _at

_JIT = {"cache": True, "nogil": True, "_nrt": False}
_HOT = {**_JIT, "inline": "always"}


@njit(**_HOT)
def _code_point(buf, k):
    """(code point, width in bytes) of the character at buf[k]; -1 beyond U+FFFF (no keyword
    starts there: the word table indexes first characters below U+10000)."""
    b = _at(buf, k)
    if b < 0x80:
        return b, 1
    if b < 0xE0:
        return ((b & 0x1F) << 6) | (_at(buf, k + 1) & 0x3F), 2
    if b < 0xF0:
        return ((b & 0x0F) << 12) | ((_at(buf, k + 1) & 0x3F) << 6) | (_at(buf, k + 2) & 0x3F), 3
    return -1, 4


@njit(**_HOT)
def _cell(buf, s, n, cell, first_bits, first_start, first_count, words, lengths, out_cell,
          out_word, count):
    """Appends the cell's keywords: each the earliest-ending match from the previous one's end
    on, the longest of those ending there."""
    resume = 0
    while resume < n:
        best_end = n + 1
        best = -1
        k = resume
        while k < best_end - 1:  # a match starting at k ends after k + 1
            cp, width = _code_point(buf, s + k)
            if cp >= 0 and (first_bits[cp >> 3] >> (cp & 7)) & 1:
                for w in range(first_start[cp], first_start[cp] + first_count[cp]):
                    end = k + lengths[w]
                    if end >= best_end or end > n:
                        continue  # a later start ending at the same place is shorter
                    same = True
                    for j in range(1, lengths[w]):
                        if _at(buf, s + k + j) != words[w, j]:
                            same = False
                            break
                    if same:
                        best_end = end
                        best = w
            k += width  # keywords start at a character (Polars' strings are valid UTF-8)
        if best < 0:
            return
        out_cell[count[0]] = cell
        out_word[count[0]] = best
        count[0] += 1
        resume = best_end


@njit(**_JIT)
def keywords(v32, vu8, data, starts, valid, flags, bit, first_bits, first_start, first_count,
             words, lengths, bits, out_cell, out_word, count):
    """The keywords of the cells with `flags & bit`, in cell order: per finding its cell and
    its word (a row of the word table). The output has room for one finding per shortest
    keyword's bytes of those cells (findings do not overlap)."""
    for i in range(flags.size):
        if not flags[i] & bit or (valid.size != 0 and valid[i] == 0):
            continue
        n = v32[4 * i]
        if n <= 12:  # two call sites: one buffer type each
            _cell(vu8, 16 * i + 4, n, i, first_bits, first_start, first_count, words, lengths,
                  out_cell, out_word, count)
        else:
            _cell(data, starts[v32[4 * i + 2]] + v32[4 * i + 3], n, i, first_bits, first_start,
                  first_count, words, lengths, out_cell, out_word, count)
