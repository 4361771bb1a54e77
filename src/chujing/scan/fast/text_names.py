"""Numba kernel: personal names in free-text cells, as the name pass's regexes find them.

For each cell holding a name word (the text kernel's flag) it does what `scan/text.py`'s
name pass does with `person_name.TEXT_PATTERN` and `validate_text`: finds the candidates as
`str.extract_all` would (leftmost start, then the pattern's own priority: alternatives in
order, greedy and lazy repeats, word alternations in their listed order), drops those under
5 bytes, and validates each with the four anchored extract patterns, first that matches. The
matchers below follow the patterns piece by piece; a cell is decoded to code points first, and
character classes (`\\p{Han}`, `\\s`, surnames, given-name characters, punctuation) are bits
of a table over the Basic Multilingual Plane built from the regex engine itself. Cells with a
character beyond U+FFFF are deferred to the regex pass.
tests/scan/test_fast_text.py holds it to the regex pass on generated text and traps.
"""

from __future__ import annotations

import numpy as np
from numba import njit

HANDLED, DEFER = 0, 2
# Character table bits.
HAN, SPACE, SURNAME, GIVEN, CLAUSE, GAP, JOIN, COMPOUND_FIRST, ROLE_FIRST = (
    1, 2, 4, 8, 16, 32, 64, 128, 256)
STRICT_FIRST, AFTER_FIRST, SAYS_FIRST, PAIR_END_FIRST = 512, 1024, 2048, 4096
# One int32 table holds everything (few arrays: numba counts references to each array it
# passes around, which cost more than the matching): a header, the character bits, each
# character's slot among the words' first characters, the compound surnames, and per word
# list (header entries ROLES…PAIR_END) the offset of its index (word rows per slot) and of its
# rows (WIDTH each: length, characters).
PROPS, SLOTS, COMPOUNDS, N_COMPOUNDS = 0, 1, 2, 3
ROLES, STRICT, AFTER, SAYS, PAIR_END = 4, 6, 8, 10, 12
HEADER, WIDTH = 16, 8

# No reference counting (`_nrt=False`): the kernel allocates nothing, and counting the
# references to `c` and `tab` at every inlined call doubled its time.
_JIT = {"cache": True, "nogil": True, "_nrt": False}
_HOT = {**_JIT, "inline": "always"}


@njit(**_HOT)
def _bits(tab, cp):
    return tab[HEADER + cp]


@njit(**_HOT)
def _tail(c, tab, r, hi, need_end, words, first_bit, open_end):
    """End of the first alternative matching at r: a word of list `words` (in order), then
    with `open_end` a non-Han character, then the end of the text; with `need_end` only one
    ending at hi. -1: none."""
    if r < hi and _bits(tab, c[r]) & first_bit:
        index = tab[words]
        rows = tab[words + 1]
        slot = tab[tab[SLOTS] + c[r]]
        for k in range(tab[index + slot], tab[index + slot + 1]):
            row = rows + k * WIDTH
            size = tab[row]
            if r + size > hi or (need_end and r + size != hi):
                continue
            same = True
            for j in range(1, size):  # the first character is known to match
                if c[r + j] != tab[row + 1 + j]:
                    same = False
                    break
            if same:
                return r + size
    if open_end:
        if r < hi and not _bits(tab, c[r]) & HAN and (not need_end or r + 1 == hi):
            return r + 1
        if r == hi:
            return r
    return -1


@njit(**_HOT)
def _surnames(c, tab, i, hi):
    """Surname lengths at i in the pattern's order (a compound, then one character); 0: none."""
    first = 0
    second = 0
    if i < hi:
        bits = _bits(tab, c[i])
        if i + 1 < hi and bits & COMPOUND_FIRST:
            start = tab[COMPOUNDS]
            for k in range(tab[N_COMPOUNDS]):
                if c[i] == tab[start + 2 * k] and c[i + 1] == tab[start + 2 * k + 1]:
                    first = 2
                    break
        if bits & SURNAME:
            if first:
                second = 1
            else:
                first = 1
    return first, second


@njit(**_HOT)
def _all(c, tab, i, j, bit):
    for k in range(i, j):  # noqa: SIM110 - numba
        if not _bits(tab, c[k]) & bit:
            return False
    return True


@njit(**_HOT)
def _clause_start(c, tab, p, lo, hi, option):
    """`(?:^|[，。；！？,;!?\\s])` at p: option 0 the start of the text, 1 a character; -1."""
    if option == 0:
        return p if p == lo else -1
    return p + 1 if p < hi and _bits(tab, c[p]) & (CLAUSE | SPACE) else -1


@njit(**_HOT)
def _pair(c, tab, p, lo, hi, need_end):
    """PAIR_PATTERN at p: (end, first name's start, end, second name's start, end); end -1."""
    for option in range(2):
        q = _clause_start(c, tab, p, lo, hi, option)
        if q < 0:
            continue
        for s1 in _surnames(c, tab, q, hi):
            if s1 == 0:
                continue
            for g1 in range(2, 0, -1):  # [given]{1,2}, greedy
                r = q + s1 + g1
                if r >= hi or not _all(c, tab, q + s1, r, GIVEN) or not _bits(tab, c[r]) & JOIN:
                    continue
                r2 = r + 1
                for s2 in _surnames(c, tab, r2, hi):
                    if s2 == 0:
                        continue
                    for g2 in range(2, 0, -1):
                        r3 = r2 + s2 + g2
                        if r3 > hi or not _all(c, tab, r2 + s2, r3, GIVEN):
                            continue
                        e = _tail(c, tab, r3, hi, need_end, PAIR_END, PAIR_END_FIRST, True)
                        if e >= 0:
                            return e, q, r, r2, r3
    return -1, 0, 0, 0, 0


@njit(**_HOT)
def _name_then(c, tab, q, hi, need_end, words, first_bit, open_end):
    """surname + `\\p{Han}{1,2}?` at q, then a tail: (end, name end); end -1."""
    for s in _surnames(c, tab, q, hi):
        if s == 0:
            continue
        for g in range(1, 3):  # lazy
            r = q + s + g
            if r > hi or not _all(c, tab, q + s, r, HAN):
                break
            e = _tail(c, tab, r, hi, need_end, words, first_bit, open_end)
            if e >= 0:
                return e, r
    return -1, 0


@njit(**_HOT)
def _role(c, tab, p, hi, need_end):
    """Role word, `[\\s:：是为]{0,2}`, name, AFTER_ROLE at p: (end, name start, name end)."""
    if p >= hi or not _bits(tab, c[p]) & ROLE_FIRST:
        return -1, 0, 0
    index = tab[ROLES]
    rows = tab[ROLES + 1]
    slot = tab[tab[SLOTS] + c[p]]
    for k in range(tab[index + slot], tab[index + slot + 1]):
        row = rows + k * WIDTH
        size = tab[row]
        if p + size > hi:
            continue
        same = True
        for j in range(1, size):
            if c[p + j] != tab[row + 1 + j]:
                same = False
                break
        if not same:
            continue
        q = p + size
        gap = 0
        while gap < 2 and q + gap < hi and _bits(tab, c[q + gap]) & (GAP | SPACE):
            gap += 1
        for back in range(gap, -1, -1):  # greedy
            e, r = _name_then(c, tab, q + back, hi, need_end, AFTER, AFTER_FIRST, True)
            if e >= 0:
                return e, q + back, r
    return -1, 0, 0


@njit(**_HOT)
def _says(c, tab, p, lo, hi, need_end):
    """Clause start, name, reporting verb at p: (end, name start, name end)."""
    for option in range(2):
        q = _clause_start(c, tab, p, lo, hi, option)
        if q < 0:
            continue
        e, r = _name_then(c, tab, q, hi, need_end, SAYS, SAYS_FIRST, False)
        if e >= 0:
            return e, q, r
    return -1, 0, 0


@njit(**_JIT)
def _emit(cell, raw, off, a, b, out_cell, offsets, values, count):
    """Append the name of characters a..b; False when the output is full."""
    k = count[0]
    size = off[b] - off[a]
    if k >= out_cell.size or offsets[k] + size > values.size:
        return False
    for j in range(size):
        values[offsets[k] + j] = raw[off[a] + j]
    offsets[k + 1] = offsets[k] + size
    out_cell[k] = cell
    count[0] = k + 1
    return True


@njit(**_HOT)
def _decode(buf, s, n, c, off, raw):
    """The cell's code points into c, byte offsets into off, bytes into raw: the number of
    characters, or -1 for a character beyond U+FFFF (the table does not cover it)."""
    m = 0
    i = 0
    while i < n:
        b = buf[s + i]
        off[m] = i
        raw[i] = b
        if b < 0x80:
            c[m] = b
            i += 1
        elif b < 0xE0:
            raw[i + 1] = buf[s + i + 1]
            c[m] = ((b & 0x1F) << 6) | (buf[s + i + 1] & 0x3F)
            i += 2
        elif b < 0xF0:
            raw[i + 1] = buf[s + i + 1]
            raw[i + 2] = buf[s + i + 2]
            c[m] = ((b & 0x0F) << 12) | ((buf[s + i + 1] & 0x3F) << 6) | (buf[s + i + 2] & 0x3F)
            i += 3
        else:
            return -1
        m += 1
    off[m] = n
    return m


@njit(**_JIT)
def _cell(raw, m, cell, c, off, tab, out_cell, offsets, values, count):
    """Names of one decoded cell (appended to the output): HANDLED, or DEFER with none."""
    first = count[0]
    p = 0
    while p < m:  # str.extract_all: leftmost start, then the alternatives in order
        here = _bits(tab, c[p])
        clause = p == 0 or (here & (CLAUSE | SPACE)) != 0  # where PAIR and SAYS can start
        e = -1
        if clause:
            e, a, b, a2, b2 = _pair(c, tab, p, 0, m, False)
        if e < 0 and here & ROLE_FIRST:
            e, a, b = _role(c, tab, p, m, False)
        if e < 0 and here & (SURNAME | COMPOUND_FIRST):
            e, b = _name_then(c, tab, p, m, False, STRICT, STRICT_FIRST, False)
        if e < 0 and clause:
            e, a, b = _says(c, tab, p, 0, m, False)
        if e < 0:
            p += 1
            continue
        if off[e] - off[p] >= 5:  # the pass's min_bytes; then validate_text's extracts
            ok = True
            v, a, b, a2, b2 = _pair(c, tab, p, p, e, True)
            if v >= 0:
                ok = _emit(cell, raw, off, a, b, out_cell, offsets, values, count) and \
                    _emit(cell, raw, off, a2, b2, out_cell, offsets, values, count)
            else:
                v, a, b = _role(c, tab, p, e, False)
                if v < 0:
                    v, b = _name_then(c, tab, p, e, True, STRICT, STRICT_FIRST, False)
                    a = p
                if v < 0:
                    v, a, b = _says(c, tab, p, p, e, True)
                if v >= 0:
                    ok = _emit(cell, raw, off, a, b, out_cell, offsets, values, count)
            if not ok:
                count[0] = first
                return DEFER
        p = e
    return HANDLED


SKIP = -2


@njit(**_HOT)
def decode_flagged(v32, vu8, data, starts, valid, flags, bit, i, c, off, raw):
    """Cell i decoded (`_decode`) when it is present and has `flags & bit`: its number of
    characters, -1 for a character beyond U+FFFF, SKIP for a cell not to search."""
    if not flags[i] & bit or (valid.size != 0 and valid[i] == 0):
        return SKIP
    n = v32[4 * i]
    if n <= 12:  # two call sites: one buffer type each
        return _decode(vu8, 16 * i + 4, n, c, off, raw)
    return _decode(data, starts[v32[4 * i + 2]] + v32[4 * i + 3], n, c, off, raw)


@njit(**_JIT)
def names(v32, vu8, data, starts, valid, flags, bit, c, off, raw, tab, status, out_cell,
          offsets, values, count):
    """Per cell with `flags & bit` its status; the names found, in cell order (count[0])."""
    for i in range(status.size):
        m = decode_flagged(v32, vu8, data, starts, valid, flags, bit, i, c, off, raw)
        status[i] = HANDLED if m == SKIP else DEFER if m < 0 else _cell(
            raw, m, i, c, off, tab, out_cell, offsets, values, count)


def empty_work(size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-cell work arrays for cells up to `size` bytes: code points, byte offsets, bytes."""
    return (np.empty(size + 1, dtype=np.int32), np.empty(size + 2, dtype=np.int64),
            np.empty(size + 1, dtype=np.uint8))
