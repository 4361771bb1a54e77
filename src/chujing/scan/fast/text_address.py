"""Numba kernel: postal addresses in free-text cells, as the address pass's regex finds them.

For each cell holding an administrative unit (the text kernel's flag) it finds what
`str.extract_all(address.TEXT_PATTERN)` finds: the leftmost start, then the pattern's own
priority (lazy repeats shortest first, the greedy `(…)*` of sub-units longest first, word
alternatives in their listed order). It is a backtracking search over the cell's code points
that remembers, per position, where the rest of the pattern fails or ends: that depends on the
position only, so no position is searched twice and no input makes it slow.

A candidate without a leading label (收货地址, 住在…) is its own validated value: it holds
`ADDRESS_VALUE` (its admin part, anything, its street part) and no space or comma. A cell with
a labelled candidate, or with a character beyond U+FFFF, is deferred to the regex pass, which
strips the label and validates. Character classes (`\\p{Han}`) come from the regex engine
itself, per code point of the Basic Multilingual Plane (`fast/text.py`'s `_address_table`).
tests/scan/test_fast_text.py holds the kernel to the regex pass.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from chujing.scan.fast.text_names import SKIP, _emit, decode_flagged

HANDLED, DEFER = 0, 2
# Character bits: classes, and the first characters of each word list.
HAN, PART, ALNUM = 1, 2, 4
ADMIN_FIRST, SUB_FIRST, STREET_FIRST, NUMBER_FIRST, LABEL_FIRST = 8, 16, 32, 64, 128
# Word lists: rows lists[k]..lists[k+1] of `words` (each row: length, code points).
ADMIN, SUB, STREET, NUMBER, LABEL = 0, 1, 2, 3, 4
WIDTH = 8
# Limits (the patterns' repeat bounds, the pass's minimum bytes).
ADMIN_MAX, STREET_MAX, NUMBER_PREFIX_MAX, MIN_BYTES = 0, 1, 2, 3
_NONE = -1
_UNKNOWN = -2

_JIT = {"cache": True, "nogil": True, "_nrt": False}
_HOT = {**_JIT, "inline": "always"}


@njit(**_HOT)
def _word_end(c, m, u, words, lists, k):
    """The end of the first word of list k at position u, or -1."""
    for w in range(lists[k], lists[k + 1]):
        size = words[w, 0]
        if u + size > m:
            continue
        same = True
        for j in range(size):
            if c[u + j] != words[w, 1 + j]:
                same = False
                break
        if same:
            return u + size
    return _NONE


@njit(**_HOT)
def _after_run(c, m, props, p, need, most, first_bit, words, lists, k, u0):
    """The next option of `[class]{1,most}?(?:word|…)` at p, from word start u0 on: the
    first u >= u0 with every character p..u-1 in the class (`need`: its bit) and u - p at
    most `most`, where a word of list k (first characters: `first_bit`) starts; returns
    (u, end of the word) or (-1, -1). Resuming (u0 > p + 1) after an option at u0 - 1, the
    characters before it are known to be in the class."""
    limit = min(p + most, m - 1)
    for u in range(max(u0, p + 1), limit + 1):
        if not props[c[u - 1]] & need:
            break
        if props[c[u]] & first_bit:
            end = _word_end(c, m, u, words, lists, k)
            if end >= 0:
                return u, end
    return _NONE, _NONE


@njit(**_HOT)
def _number(c, m, props, r, words, lists, limits, memo, gen):
    """`[part]{0,N}?[A-Za-z0-9]+(?:号|…)` at r: its end or -1 (memo rows 3, 4). The number words
    start with no letter or digit, so the greedy run before one can only be the whole run."""
    if memo[3, r] == gen:
        return memo[4, r]
    end = _NONE
    for d in range(limits[NUMBER_PREFIX_MAX] + 1):
        t = r + d
        if t >= m or (d > 0 and not props[c[t - 1]] & PART):
            break
        if props[c[t]] & ALNUM:
            w = t + 1
            while w < m and props[c[w]] & ALNUM:
                w += 1
            end = _word_end(c, m, w, words, lists, NUMBER)
            if end >= 0:
                break
    memo[3, r] = gen
    memo[4, r] = end
    return end


@njit(**_HOT)
def _street_number(c, m, props, q, words, lists, limits, memo, gen):
    """`[part]{1,N}?(?:路|…)` then the number at q: the end or -1 (memo rows 1, 2)."""
    if memo[1, q] == gen:
        return memo[2, q]
    end = _NONE
    u = q + 1
    while True:
        u, r = _after_run(c, m, props, q, PART, limits[STREET_MAX], STREET_FIRST, words, lists,
                          STREET, u)
        if u < 0:
            break
        end = _number(c, m, props, r, words, lists, limits, memo, gen)
        if end >= 0:
            break
        u += 1
    memo[1, q] = gen
    memo[2, q] = end
    return end


@njit(**_HOT)
def _after_admin(c, m, props, q0, words, lists, limits, memo, gen, stack):
    """`(?:\\p{Han}{1,N}?(?:市|…|街道))*` then street and number at q0: the end or -1. A
    depth-first search in the pattern's order: at each position the sub-unit options first
    (shortest first), the rest of the pattern after them; memo row 0 marks positions from
    which nothing matches."""
    if memo[0, q0] == gen:
        return _NONE
    sp = 0
    stack[0, 0] = q0
    stack[1, 0] = q0 + 1
    while sp >= 0:
        q = stack[0, sp]
        u, r = _after_run(c, m, props, q, HAN, limits[ADMIN_MAX], SUB_FIRST, words, lists, SUB,
                          stack[1, sp])
        while u >= 0 and memo[0, r] == gen:  # known to fail from there
            u, r = _after_run(c, m, props, q, HAN, limits[ADMIN_MAX], SUB_FIRST, words, lists,
                              SUB, u + 1)
        if u >= 0:  # one more sub-unit: its own options come before this one's rest
            stack[1, sp] = u + 1
            sp += 1
            stack[0, sp] = r
            stack[1, sp] = r + 1
            continue
        end = _street_number(c, m, props, q, words, lists, limits, memo, gen)
        if end >= 0:
            return end
        memo[0, q] = gen
        sp -= 1
    return _NONE


@njit(**_JIT)
def _cell(raw, m, cell, c, off, props, words, lists, limits, memo, gen, stack, out_cell,
          offsets, values, count):
    """Addresses of one decoded cell (appended to the output): HANDLED, or DEFER with none.
    Memo entries stamped `gen` are this cell's."""
    first = count[0]
    pos = 0
    while pos < m:
        start = end = _NONE
        for p in range(pos, m):  # leftmost start: `\p{Han}{1,N}?(?:省|…)` then the rest
            u = p + 1
            while True:
                u, q = _after_run(c, m, props, p, HAN, limits[ADMIN_MAX], ADMIN_FIRST, words,
                                  lists, ADMIN, u)
                if u < 0:
                    break
                end = _after_admin(c, m, props, q, words, lists, limits, memo, gen, stack)
                if end >= 0:
                    break
                u += 1
            if end >= 0:
                start = p
                break
        if end < 0:
            break
        if off[end] - off[start] >= limits[MIN_BYTES]:
            if props[c[start]] & LABEL_FIRST and _word_end(c, m, start, words, lists, LABEL) >= 0:
                count[0] = first
                return DEFER  # the regex pass strips the label and validates what is left
            if not _emit(cell, raw, off, start, end, out_cell, offsets, values, count):
                count[0] = first
                return DEFER
        pos = end
    return HANDLED


@njit(**_JIT)
def addresses(v32, vu8, data, starts, valid, flags, bit, c, off, raw, memo, stack, props,
              words, lists, limits, status, out_cell, offsets, values, count):
    """Per cell with `flags & bit` its status; the addresses found, in cell order (count[0])."""
    for i in range(status.size):
        m = decode_flagged(v32, vu8, data, starts, valid, flags, bit, i, c, off, raw)
        # memo entries stamped i + 1 are cell i's (the memo starts at -1)
        status[i] = HANDLED if m == SKIP else DEFER if m < 0 else _cell(
            raw, m, i, c, off, props, words, lists, limits, memo, i + 1, stack, out_cell,
            offsets, values, count)


def empty_work(size: int) -> tuple[np.ndarray, ...]:
    """Work arrays for cells up to `size` bytes: code points, byte offsets, bytes, the memos
    (per position: failed after the admin part; street, number: stamp and end) and the search
    stack (position, next option)."""
    return (np.empty(size + 1, dtype=np.int32), np.empty(size + 2, dtype=np.int64),
            np.empty(size + 1, dtype=np.uint8), np.full((5, size + 2), -1, dtype=np.int64),
            np.empty((2, size + 2), dtype=np.int64))
