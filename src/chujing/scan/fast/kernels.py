"""Numba kernels: one pass over an Arrow string-view column per identifier kind.

Each kernel returns a status per cell: VALID (the cell, as it is, is the normalised identifier),
INVALID (no cleaning the Polars validator does could make it one), or DEFER (spaces, separators,
prefixes, lower-case letters, non-ASCII bytes such as full-width digits: the Polars validator
decides those cells). The kernels decide only the clean common shapes, exactly as the Polars
validators would; tests/scan/test_fast.py checks that on generated values with traps.

String-view layout (Arrow): 16 bytes per cell; int32 length first; up to 12 bytes inline after
it, else int32 prefix, buffer index, offset into that data buffer. Each kernel's cell check is
inlined twice (inline bytes, data buffer) so that no array is passed around per cell.
"""

from __future__ import annotations

from numba import int64, njit, uint64

from chujing.scan.fast.keys import at as _at
from chujing.scan.fast.keys import load_u64, load_u64_be

INVALID, VALID, DEFER = 0, 1, 2
_HIGH_BITS = uint64(0x8080808080808080)
_ALL = uint64(0xFFFFFFFFFFFFFFFF)
# No reference counting (`_nrt=False`, as in text_kernels.py): the kernels allocate nothing, and
# numba counted references to the arrays at every inlined cell check (an atomic add and a call
# each), which cost more than some checks: names 22 -> 10 ns a cell, IDs 33 -> 19, mobiles 10 -> 3.
_JIT = {"cache": True, "nogil": True, "_nrt": False}
_INLINE = {**_JIT, "inline": "always"}


@njit(**_INLINE)
def _is_digit(b):
    return 48 <= b <= 57


@njit(**_INLINE)
def _unclean(b):
    """Bytes a Polars validator may clean away or fold: whitespace, non-ASCII."""
    return b == 32 or (9 <= b <= 13) or b >= 128


@njit(**_INLINE)
def _days_in_month(year, month):
    if month == 2:
        leap = (year % 4 == 0) and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    if month == 4 or month == 6 or month == 9 or month == 11:
        return 30
    return 31


# -- cell checks: (bytes, start, length, …) -> status ------------------------------------------

_RID_WEIGHTS = [(1 << (17 - k)) % 11 for k in range(17)]  # GB 11643: 7 9 10 5 8 4 2 1 6 3 …


def _lane_weights(first: int, odd: int) -> int:
    """The multiplier that sums four 16-bit lanes (the even or odd bytes of an 8-digit word
    from place `first`) times their weights into the top lane: lane j meets weight 3 - j."""
    places = [first + odd + 2 * j for j in range(4)]
    return sum(_RID_WEIGHTS[p] << (16 * (3 - j)) for j, p in enumerate(places))


_W0_EVEN, _W0_ODD = uint64(_lane_weights(0, 0)), uint64(_lane_weights(0, 1))
_W1_EVEN, _W1_ODD = uint64(_lane_weights(8, 0)), uint64(_lane_weights(8, 1))
_W16 = _RID_WEIGHTS[16]
_ZEROS = uint64(0x3030303030303030)
_HIGH_NIBBLES = uint64(0xF0F0F0F0F0F0F0F0)
_SIXES = uint64(0x0606060606060606)
_EVEN_BYTES = uint64(0x00FF00FF00FF00FF)


@njit(**_INLINE)
def _digit_bytes(w, mask):
    """Every byte of w that `mask` keeps is an ASCII digit: high nibble 3, and adding 6 does
    not carry out of the low nibble (a carry reaches the next byte only from bytes >= 0xFA,
    which already fail the first test)."""
    hi = _HIGH_NIBBLES & mask
    want = _ZEROS & mask
    return ((w & hi) == want) & (((w + _SIXES) & hi) == want)


@njit(**_INLINE)
def _weighted(x, even, odd):
    """Sum of an 8-digit word's digit values (x: the word less '0's) times their weights."""
    return (((x & _EVEN_BYTES) * even) >> uint64(48)) + ((((x >> uint64(8)) & _EVEN_BYTES) * odd)
                                                        >> uint64(48))


@njit(**_INLINE)
def _date_digits(x):
    """(yyyymmdd, mm, dd) of an 8-digit word (x: the word less '0's; its first digit in the
    low byte), in three multiply steps; the first gives the 2-digit lanes."""
    x = (x * uint64(10) + (x >> uint64(8))) & _EVEN_BYTES
    month, day = (x >> uint64(32)) & uint64(0xFF), x >> uint64(48)
    x = (x * uint64(100) + (x >> uint64(16))) & uint64(0x0000FFFF0000FFFF)
    return int64((x * uint64(10000) + (x >> uint64(32))) & uint64(0xFFFFFFFF)), int64(month), int64(day)


@njit(**_INLINE)
def _rid_cell(buf, s, n, provinces, earliest, latest):
    """18-character IDs: digits, check character a digit or upper-case X (GB 11643). An
    18-byte cell is read as three 8-byte words (bytes 0-7, 8-15, 10-17): digits tested, the
    weighted sum and the birth date (bytes 6-13) computed a word at a time."""
    if n == 18:
        w0, w1, w2 = load_u64(buf, s), load_u64(buf, s + 8), load_u64(buf, s + 10)
        last = _at(buf, s + 17)
        if (_digit_bytes(w0, _ALL) & _digit_bytes(w1, _ALL)
                & _digit_bytes(w2, uint64(0x00FFFFFFFFFFFFFF)) & (_is_digit(last) | (last == 88))):
            x0, x1 = w0 - _ZEROS, w1 - _ZEROS
            total = int64(_weighted(x0, _W0_EVEN, _W0_ODD) + _weighted(x1, _W1_EVEN, _W1_ODD)) + (
                int64(_at(buf, s + 16)) - 48) * _W16
            code = 10 if last == 88 else last - 48
            first = int64(_at(buf, s)) - 48
            ymd, month, day = _date_digits(load_u64(buf, s + 6) - _ZEROS)
            # remainder r -> check character "10X98765432"[r] (X = 10)
            r = total % 11
            check = 1 if r == 0 else (0 if r == 1 else 12 - r)
            if (1 <= first <= 8 and _at(provinces, first * 10 + _at(buf, s + 1) - 48)
                    and earliest <= ymd <= latest and 1 <= month <= 12
                    and 1 <= day <= _days_in_month(ymd // 10000, month) and check == code):
                return VALID
            return INVALID
    # Anything else: the Polars path strips, upper-cases, folds and upgrades 15 digits.
    status = DEFER if n == 15 else INVALID
    for k in range(n):
        b = _at(buf, s + k)
        if _unclean(b) or b == 120:  # 'x'
            return DEFER
    return status


@njit(**_INLINE)
def _mobile_cell(buf, s, n):
    """Bare 11-digit mobile numbers 1[3-9]…; written forms (+86, spaces, dashes) defer. 11
    bytes are tested as two overlapping words (bytes 0-7, 3-10) before any loop."""
    if n == 11 and _digit_bytes(load_u64(buf, s), _ALL) & _digit_bytes(load_u64(buf, s + 3), _ALL):
        return VALID if _at(buf, s) == 49 and _at(buf, s + 1) >= 51 else INVALID
    digits = 0
    for k in range(n):
        b = _at(buf, s + k)
        if _is_digit(b):
            digits += 1
        elif _unclean(b) or b == 45 or b == 40 or b == 41 or b == 43:  # - ( ) +
            return DEFER
    if digits == n and n == 11:
        return VALID if _at(buf, s) == 49 and _at(buf, s + 1) >= 51 else INVALID
    if digits == n and (n == 13 or n == 15):  # 86… / 0086…
        return DEFER
    return INVALID


_LUHN = __import__("numpy").array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9,  # digits in odd places from the end
                                   0, 2, 4, 6, 8, 1, 3, 5, 7, 9])  # even places: doubled


_BYTE_SUM = uint64(0x0101010101010101)  # x * this >> 56: the sum of x's bytes (if < 256)
_ODD_BYTES = uint64(0xFF00FF00FF00FF00)


@njit(**_INLINE)
def _luhn_word(x, doubled):
    """Luhn sum of a word of digit values (x: bytes 0-9); `doubled` keeps the bytes that are
    doubled (2d, less 9 from d >= 5 on: each byte + 123 reaches bit 7)."""
    d = x & doubled
    five = ((d + uint64(0x7B7B7B7B7B7B7B7B)) >> uint64(7)) & _BYTE_SUM & doubled
    return int64(((x + d) * _BYTE_SUM) >> uint64(56)) - 9 * int64((five * _BYTE_SUM) >> uint64(56))


@njit(**_INLINE)
def _luhn_cell(buf, s, n, low, high):
    """Bare digit strings of low..high digits passing Luhn; spaces and dashes defer. 16-19
    digits (bank cards, always in a data buffer) as three 8-byte words (bytes 0-7, 8-15 and
    the last 8, of which the bytes past 15 count): digits tested and Luhn values summed a word
    at a time. Else one pass: each digit's Luhn value from a table by its place from the end."""
    if 16 <= n <= 19 and low <= n <= high:
        w0, w1, w2 = load_u64(buf, s), load_u64(buf, s + 8), load_u64(buf, s + n - 8)
        tail = _ALL << uint64(8 * (24 - n)) if n > 16 else uint64(0)  # bytes 16.. of w2
        if _digit_bytes(w0, _ALL) & _digit_bytes(w1, _ALL) & _digit_bytes(w2, tail):
            # doubled: odd places from the end; in w0 and w1 the bytes of n's parity, in
            # w2 (ending at the last byte) the even bytes
            doubled = _ODD_BYTES if n & 1 else _EVEN_BYTES
            total = (_luhn_word(w0 - _ZEROS, doubled) + _luhn_word(w1 - _ZEROS, doubled)
                     + _luhn_word((w2 - _ZEROS) & tail, _EVEN_BYTES))
            return VALID if total % 10 == 0 else INVALID
    digits = True
    total = 0
    for k in range(n):
        b = _at(buf, s + k)
        if _is_digit(b):
            total += _at(_LUHN, ((n - 1 - k) & 1) * 10 + b - 48)
        else:
            digits = False
            if _unclean(b) or b == 45:
                return DEFER
    if not digits or n < low or n > high:
        return INVALID
    return VALID if total % 10 == 0 else INVALID


@njit(**_INLINE)
def _ipv4_cell(buf, s, n):
    """Dotted quads, each octet 0-255 without leading zeros."""
    groups = 0
    width = 0
    value = 0
    lead_zero = False
    ok = n > 0
    for k in range(n + 1):
        b = 46 if k == n else _at(buf, s + k)
        if b >= 128:
            return DEFER  # full-width digits fold to ASCII: the Polars path decides
        if _is_digit(b):
            if width == 0:
                lead_zero = b == 48
            width += 1
            value = value * 10 + b - 48
            if width > 3:
                ok = False
        elif b == 46:
            if width == 0 or value > 255 or (lead_zero and width > 1):
                ok = False
            groups += 1
            width = 0
            value = 0
        else:
            ok = False
    return VALID if ok and groups == 4 else INVALID


def _email_classes():
    import numpy as np

    table = np.zeros(256, dtype=np.uint8)
    for b in range(256):
        if b == 32 or 9 <= b <= 13 or b >= 128 or 65 <= b <= 90:
            table[b] |= _E_DEFER
        if not (48 <= b <= 57 or 97 <= b <= 122 or chr(b) in "._%+-"):
            table[b] |= _E_NOT_LOCAL
        if not 97 <= b <= 122:
            table[b] |= _E_NOT_LETTER
        if not (48 <= b <= 57 or 97 <= b <= 122 or b == 45):
            table[b] |= _E_NOT_LABEL
    return table


# what a byte is not, so that a part's bytes are checked by OR-ing their classes
_E_DEFER, _E_NOT_LOCAL, _E_NOT_LETTER, _E_NOT_LABEL = 1, 2, 4, 8
_E_CLASS = _email_classes()


@njit(**_INLINE)
def _email_cell(buf, s, n):
    """Lower-case ASCII e-mail addresses; upper case, spaces and non-ASCII defer. Two loops
    over byte classes from a table, OR-ed per part and tested once at the end (no per-byte
    test of which part a byte is in, nor of its class): the local part up to the first @ of
    [a-z0-9._%+-], not starting or ending with a dot; a domain of [a-z0-9-] labels joined by
    single dots, 2+ labels, the last 2+ letters; no ".." anywhere."""
    pairs = False
    prev_dot = False
    local = 0
    k = 0
    while k < n:  # the local part, up to the first @
        b = _at(buf, s + k)
        if b == 64:
            break
        local |= _at(_E_CLASS, b)
        dot = b == 46
        pairs |= dot & prev_dot
        prev_dot = dot
        k += 1
    at = k if k < n else -1
    labels = 0
    width = 0
    empty = False
    domain = 0
    label = 0  # the classes of the last label's bytes
    for j in range(at + 1 if at >= 0 else n, n):  # the domain (".." there: an empty label)
        b = _at(buf, s + j)
        if b == 46:
            empty |= width == 0
            labels += 1
            width = 0
            label = 0
        else:
            c = _at(_E_CLASS, b)
            domain |= c
            label |= c
            width += 1
    if (local | domain) & _E_DEFER:
        return DEFER
    if (pairs or empty or local & _E_NOT_LOCAL or domain & _E_NOT_LABEL or at <= 0
            or _at(buf, s) == 46 or _at(buf, s + at - 1) == 46):
        return INVALID
    # the end closes the last label
    if width < 2 or label & _E_NOT_LETTER or labels < 1:
        return INVALID
    return VALID


@njit(**_INLINE)
def _coordinate(buf, s, end):
    """-?\\d{1,3}\\.\\d{4,}: (whole degrees, fraction all zeros), whole -1 if not the shape."""
    k = s
    if k < end and _at(buf, k) == 45:
        k += 1
    whole = 0
    width = 0
    while k < end and _is_digit(_at(buf, k)):
        whole = whole * 10 + _at(buf, k) - 48
        width += 1
        k += 1
    if width < 1 or width > 3 or k >= end or _at(buf, k) != 46:
        return -1, False
    k += 1
    fraction = 0
    zero = True
    while k < end and _is_digit(_at(buf, k)):
        fraction += 1
        if _at(buf, k) != 48:
            zero = False
        k += 1
    if fraction < 4 or k != end:
        return -1, False
    return whole, zero


@njit(**_INLINE)
def _within(whole, zero, limit):
    """1 within ±limit, 2 within and zero, 0 outside, -2 unsure (exactly the limit with a
    fraction: float rounding decides)."""
    if whole < limit:
        return 2 if whole == 0 and zero else 1
    if whole == limit:
        return 1 if zero else -2
    return 0


@njit(**_INLINE)
def _gps_cell(buf, s, n):
    """"lat,lon" (or "lon,lat") with 4+ decimals; brackets, spaces, non-ASCII defer. One pass:
    each side of the first comma is -?\\d{1,3}\\.\\d{4,} (see _coordinate)."""
    ok = True
    first = -1  # the first coordinate's whole degrees, once its comma is seen
    first_zero = False
    whole = 0
    width = 0
    fraction = -1  # digits after the dot, -1 before it
    zero = True
    sign_ok = True
    for k in range(n):
        b = _at(buf, s + k)
        if _is_digit(b):
            if fraction < 0:
                whole = whole * 10 + b - 48 if width < 4 else whole
                width += 1
            else:
                fraction += 1
                zero = zero and b == 48
            sign_ok = False
        elif b == 46:
            ok = ok and fraction < 0 and 1 <= width <= 3
            fraction = 0
            sign_ok = False
        elif b == 44 and first < 0 and ok:
            if fraction < 4:
                ok = False
            first = whole
            first_zero = zero
            whole = 0
            width = 0
            fraction = -1
            zero = True
            sign_ok = True
        elif b == 45 and sign_ok:
            sign_ok = False
        elif _unclean(b) or b == 40 or b == 41 or b == 91 or b == 93:
            return DEFER
        else:
            ok = False
            sign_ok = False
    if not ok or first < 0 or fraction < 4:
        return INVALID
    a, a_zero, b, b_zero = first, first_zero, whole, zero
    a90, a180 = _within(a, a_zero, 90), _within(a, a_zero, 180)
    b90, b180 = _within(b, b_zero, 90), _within(b, b_zero, 180)
    if a90 == -2 or a180 == -2 or b90 == -2 or b180 == -2:
        return DEFER
    if a90 == 2 and b90 == 2:
        return INVALID  # 0,0
    if (a90 > 0 and b180 > 0) or (a180 > 0 and b90 > 0):
        return VALID
    return INVALID


# -- column kernels -----------------------------------------------------------------------------

@njit(**_INLINE)
def _start(v32, starts, i):
    return _at(starts, _at(v32, 4 * i + 2)) + _at(v32, 4 * i + 3)


@njit(**_INLINE)
def _absent(valid, i):
    return valid.size != 0 and _at(valid, i) == 0


@njit(**_JIT)
def resident_id(v32, vu8, data, starts, valid, provinces, earliest, latest, out):
    for i in range(out.size):
        n = _at(v32, 4 * i)
        if _absent(valid, i):
            out[i] = INVALID
        elif n <= 12:
            out[i] = _rid_cell(vu8, 16 * i + 4, n, provinces, earliest, latest)
        else:
            out[i] = _rid_cell(data, _start(v32, starts, i), n, provinces, earliest, latest)


@njit(**_JIT)
def mobile(v32, vu8, data, starts, valid, out):
    for i in range(out.size):
        n = _at(v32, 4 * i)
        if _absent(valid, i):
            out[i] = INVALID
        elif n <= 12:
            out[i] = _mobile_cell(vu8, 16 * i + 4, n)
        else:
            out[i] = _mobile_cell(data, _start(v32, starts, i), n)


@njit(**_JIT)
def luhn_digits(v32, vu8, data, starts, valid, low, high, out):
    for i in range(out.size):
        n = _at(v32, 4 * i)
        if _absent(valid, i):
            out[i] = INVALID
        elif n <= 12:
            out[i] = _luhn_cell(vu8, 16 * i + 4, n, low, high)
        else:
            out[i] = _luhn_cell(data, _start(v32, starts, i), n, low, high)


@njit(**_JIT)
def ipv4(v32, vu8, data, starts, valid, out):
    for i in range(out.size):
        n = _at(v32, 4 * i)
        if _absent(valid, i):
            out[i] = INVALID
        elif n <= 12:
            out[i] = _ipv4_cell(vu8, 16 * i + 4, n)
        else:
            out[i] = _ipv4_cell(data, _start(v32, starts, i), n)


@njit(**_JIT)
def email(v32, vu8, data, starts, valid, out):
    for i in range(out.size):
        n = _at(v32, 4 * i)
        if _absent(valid, i):
            out[i] = INVALID
        elif n <= 12:
            out[i] = _email_cell(vu8, 16 * i + 4, n)
        else:
            out[i] = _email_cell(data, _start(v32, starts, i), n)


@njit(**_JIT)
def gps(v32, vu8, data, starts, valid, out):
    for i in range(out.size):
        n = _at(v32, 4 * i)
        if _absent(valid, i):
            out[i] = INVALID
        elif n <= 12:
            out[i] = _gps_cell(vu8, 16 * i + 4, n)
        else:
            out[i] = _gps_cell(data, _start(v32, starts, i), n)


@njit(**_INLINE)
def _full_width_cell(buf, s, n):
    """Holds U+FF01-FF5E (EF BC 81-BF, EF BD 80-9E) or the ideographic space (E3 80 80)."""
    for k in range(n - 2):
        b = _at(buf, s + k)
        if b == 0xEF:
            c, d = _at(buf, s + k + 1), _at(buf, s + k + 2)
            if (c == 0xBC and d >= 0x81) or (c == 0xBD and d <= 0x9E):
                return VALID
        elif b == 0xE3 and _at(buf, s + k + 1) == 0x80 and _at(buf, s + k + 2) == 0x80:
            return VALID
    return INVALID


@njit(**_JIT)
def full_width(v32, vu8, data, starts, valid, out):
    for i in range(out.size):
        n = _at(v32, 4 * i)
        if _absent(valid, i):
            out[i] = INVALID
        elif n <= 12:
            out[i] = _full_width_cell(vu8, 16 * i + 4, n)
        else:
            out[i] = _full_width_cell(data, _start(v32, starts, i), n)


@njit(**_INLINE)
def _name_cell(buf, s, n, single, compound):
    """Surname + one or two Han characters, every character in U+4E00-9FEF and 3 UTF-8 bytes;
    anything else (spaces, middle dots, rarer ideographs) defers."""
    if n == 0 or n % 3 != 0:
        return DEFER if n else INVALID
    chars = n // 3
    first = 0
    second = 0
    for c in range(chars):
        b0, b1, b2 = _at(buf, s + 3 * c), _at(buf, s + 3 * c + 1), _at(buf, s + 3 * c + 2)
        if b0 < 0xE0 or b0 > 0xEF or b1 < 0x80 or b1 > 0xBF or b2 < 0x80 or b2 > 0xBF:
            return DEFER
        cp = ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F)
        if cp < 0x4E00 or cp > 0x9FEF:
            return DEFER
        if c == 0:
            first = cp
        elif c == 1:
            second = cp
    if (chars == 2 or chars == 3) and _at(single, first - 0x4E00):
        return VALID
    if chars == 3 or chars == 4:
        pair = first * 65536 + second
        for k in range(compound.size):
            if _at(compound, k) == pair:
                return VALID
    return INVALID


@njit(**_JIT)
def person_name(v32, vu8, data, starts, valid, single, compound, out):
    for i in range(out.size):
        n = _at(v32, 4 * i)
        if _absent(valid, i):
            out[i] = INVALID
        elif n <= 12:
            out[i] = _name_cell(vu8, 16 * i + 4, n, single, compound)
        else:
            out[i] = _name_cell(data, _start(v32, starts, i), n, single, compound)


# -- address and plate: characters classified by a table over U+4E00-9FEF --------------------

HAN_FIRST, HAN_LAST = 0x4E00, 0x9FEF


@njit(**_INLINE)
def _han(buf, k, end):
    """The code point of the UTF-8 character at k if it is in U+4E00-9FEF (lead bytes E4-E9,
    three bytes, all before `end`), else -1."""
    b = _at(buf, k)
    if b < 0xE4 or b > 0xE9 or k + 2 >= end:
        return -1
    c, d = _at(buf, k + 1), _at(buf, k + 2)
    if (c & 0xC0) != 0x80 or (d & 0xC0) != 0x80:
        return -1
    cp = ((b & 0x0F) << 12) | ((c & 0x3F) << 6) | (d & 0x3F)
    return cp if HAN_FIRST <= cp <= HAN_LAST else -1
ADMIN, STREET, HU, TONG, XIAO, QU, HAO, PROVINCE, PLATE_SUFFIX = (1 << k for k in range(9))


# The address check's character features: the bits above over U+4000-9FFF (every character
# with a lead byte E4-E9; those outside U+4E00-9FEF marked to defer), and ASCII bytes by table.
A_DEFER, A_CLASS, A_DIGIT, A_HAN = (1 << k for k in range(12, 16))
_ENDS = STREET | TONG | QU | HAO  # characters that can end the street part
HAN_BASE = 0x4000


def _address_ascii():
    import numpy as np

    table = np.zeros(128, dtype=np.uint16)
    for b in range(128):
        if b <= 32 or b == 44 or b == 127:  # whitespace, control bytes, commas: stripped
            table[b] |= A_DEFER
        if 48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122 or b == 45:  # [A-Za-z0-9-]
            table[b] |= A_CLASS
        if 48 <= b <= 57:
            table[b] |= A_DIGIT
    return table


_A_ASCII = _address_ascii()


@njit(**_INLINE)
def _address_cell(buf, s, n, table):
    """ADDRESS_VALUE: a Han character then an admin unit, later a street part (a Han, ASCII
    letter/digit or dash, then a street word) or digits then 号. Whitespace, commas, control
    bytes and non-Han non-ASCII characters defer (the validator strips or folds them).
    One feature lookup per character: from `table` (U+4000-9FFF) by the code point of a
    character with lead byte E4-E9 (Polars strings are valid UTF-8, so its two continuation
    bytes follow), from _A_ASCII for ASCII; any other lead byte defers."""
    if n == 0:
        return INVALID
    end = s + n
    k = s
    admin = False
    found = False
    prev_han = False
    p1 = 0  # features of the previous two characters after the admin unit
    p2 = 0
    while k < end:
        b = _at(buf, k)
        if 0xE4 <= b <= 0xE9 and k + 2 < end:  # the common case first: ~8% less time
            cp = ((b & 0x0F) << 12) | ((_at(buf, k + 1) & 0x3F) << 6) | (_at(buf, k + 2) & 0x3F)
            f = int(_at(table, cp - HAN_BASE))
            k += 3
        elif b < 128:
            f = int(_at(_A_ASCII, b))
            k += 1
        else:
            return DEFER
        if f & A_DEFER:
            return DEFER
        if found:
            continue
        if not admin:
            admin = prev_han and (f & ADMIN) != 0
            prev_han = (f & A_HAN) != 0
            continue
        # [class]{1,20}?(路|街|道|巷|弄|村|园|苑|里) (大道 included), [class]{1,20}?(胡同|小区), \d+号
        if f & _ENDS:
            found = (((f & STREET) != 0) & ((p1 & A_CLASS) != 0)) | (
                ((p2 & A_CLASS) != 0) & ((((f & TONG) != 0) & ((p1 & HU) != 0))
                                         | (((f & QU) != 0) & ((p1 & XIAO) != 0)))) | (
                ((f & HAO) != 0) & ((p1 & A_DIGIT) != 0))
        p2 = p1
        p1 = f
    return VALID if found else INVALID


@njit(**_JIT)
def address(v32, vu8, data, starts, valid, table, out):
    for i in range(out.size):
        n = _at(v32, 4 * i)
        if _absent(valid, i):
            out[i] = INVALID
        elif n <= 12:
            out[i] = _address_cell(vu8, 16 * i + 4, n, table)
        else:
            out[i] = _address_cell(data, _start(v32, starts, i), n, table)


def _plate_classes():
    import numpy as np

    table = np.zeros(128, dtype=np.uint8)
    for b in range(128):
        if b <= 32 or b == 45 or 97 <= b <= 122 or b == 127:
            table[b] |= _P_DEFER
        if 48 <= b <= 57 or (65 <= b <= 90 and b != 73 and b != 79):  # [A-HJ-NP-Z0-9]
            table[b] |= _P_CHAR
        if 48 <= b <= 57:
            table[b] |= _P_DIGIT
        if b == 68 or b == 70:
            table[b] |= _P_DF
    return table


_P_DEFER, _P_CHAR, _P_DIGIT, _P_DF = 1, 2, 4, 8
_P_CLASS = _plate_classes()


@njit(**_INLINE)
def _plate_cell(buf, s, n, table):
    """^[province][A-HJ-NP-Z] then 5 plate characters, 6 with D/F first or last, or 4 and a
    suffix (挂学警港澳); whitespace, dashes, lower case and other non-ASCII defer. ASCII bytes
    are classed by a table and their checks AND-ed (no branch per character)."""
    end = s + n
    k = s
    chars = 0
    ok = True
    ascii_run = 0
    dfirst = 0
    last = 0
    suffix = False
    while k < end:
        b = _at(buf, k)
        if b < 128:
            k += 1
            c = _at(_P_CLASS, b)
            if c & _P_DEFER:
                return DEFER
            if chars < 2 or suffix:
                ok = ok and chars == 1 and (c & (_P_CHAR | _P_DIGIT)) == _P_CHAR
            else:
                ok = ok and (c & _P_CHAR) != 0
                if chars == 2:
                    dfirst = c & _P_DF
                ascii_run += 1
                last = c
        else:
            cp = _han(buf, k, end)
            if cp < 0:
                return DEFER
            k += 3
            bits = int(_at(table, cp - HAN_FIRST))
            if bits & PROVINCE and chars == 0:
                pass
            elif bits & PLATE_SUFFIX and chars >= 2 and not suffix:
                suffix = True
            else:
                ok = False  # no stripping or upper-casing changes a Han character
        chars += 1
    if not ok or chars < 2:
        return INVALID
    if suffix:
        return VALID if ascii_run == 4 and chars == 7 else INVALID
    if ascii_run == 5:
        return VALID
    if ascii_run == 6 and (dfirst or last & _P_DF):
        return VALID
    return INVALID


@njit(**_JIT)
def plate(v32, vu8, data, starts, valid, table, out):
    for i in range(out.size):
        n = _at(v32, 4 * i)
        if _absent(valid, i):
            out[i] = INVALID
        elif n <= 12:
            out[i] = _plate_cell(vu8, 16 * i + 4, n, table)
        else:
            out[i] = _plate_cell(data, _start(v32, starts, i), n, table)


@njit(**_JIT)
def present(v32, vu8, valid, placeholders, out):
    """Cells neither null nor a placeholder (packed: length << 32 | up to 4 bytes)."""
    for i in range(out.size):
        n = _at(v32, 4 * i)
        if _absent(valid, i):
            out[i] = False
        elif n > 4:
            out[i] = True
        else:
            packed = n << 32
            for k in range(n):
                packed |= _at(vu8, 16 * i + 4 + k) << (8 * k)
            hit = False
            for p in range(placeholders.size):
                if _at(placeholders, p) == packed:
                    hit = True
                    break
            out[i] = not hit


@njit(**_JIT)
def unknown_prefixes(v32, vu8, data, starts, valid, known):
    """How many non-null cells' first three bytes are not a 3-digit prefix `known` marks."""
    count = 0
    for i in range(v32.size // 4):
        if _absent(valid, i):
            continue
        n = _at(v32, 4 * i)
        if n < 3:
            count += 1
            continue
        # the first 4 bytes are inline (the prefix) even for long cells
        a, b, c = _at(vu8, 16 * i + 4) - 48, _at(vu8, 16 * i + 5) - 48, _at(vu8, 16 * i + 6) - 48
        if 0 <= a <= 9 and 0 <= b <= 9 and 0 <= c <= 9:
            count += not _at(known, a * 100 + b * 10 + c)
        else:
            count += 1
    return count


@njit(**_INLINE)
def _from_cmp(buf, s, n, first, threshold):
    """cell[first:first+len(threshold)] >= threshold as strings; -1 if a character before
    the slice's end is not ASCII (characters would not be bytes)."""
    for k in range(min(n, first + threshold.size)):
        if _at(buf, s + k) >= 128:
            return -1
    for j in range(threshold.size):
        if first + j >= n:
            return 0  # a proper prefix sorts first
        b = _at(buf, s + first + j)
        if b != _at(threshold, j):
            return 1 if b > _at(threshold, j) else 0
    return 1




@njit(**_JIT)
def slice_at_least(v32, vu8, data, starts, valid, first, threshold, out):
    """out[i]: cell i's bytes from `first`, cut to the threshold's length, sort at or after
    `threshold` (0 for nulls); returns False if a cell is not ASCII (characters != bytes).
    An 8-byte threshold against a long cell (ID numbers' birth dates): two words checked for
    ASCII and one big-endian word compare."""
    wide = threshold.size == 8 and first <= 8
    want = load_u64_be(threshold, 0) if threshold.size == 8 else uint64(0)
    for i in range(out.size):
        n = _at(v32, 4 * i)
        if _absent(valid, i):
            r = 0
        elif wide and n > 12 and n >= first + 8:
            s = _start(v32, starts, i)
            if (load_u64(data, s) | load_u64(data, s + first)) & _HIGH_BITS:
                return False
            r = 1 if load_u64_be(data, s + first) >= want else 0
        elif n <= 12:
            r = _from_cmp(vu8, 16 * i + 4, n, first, threshold)
        else:
            r = _from_cmp(data, _start(v32, starts, i), n, first, threshold)
        if r < 0:
            return False
        out[i] = r
    return True
