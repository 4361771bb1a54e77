"""Numba kernel: identifiers in free-text cells, candidates and validation in one byte pass.

It decides the cells whose identifiers can only be plain digit runs between Han characters and
common punctuation (手机13812345678联系, 核验身份证…通过, 卡号6222…, 金额1234.56元), exactly as
the regex pass of `scan/text.py` would (tests/scan/test_fast_text.py holds it to that). Any cell
holding something whose regex semantics it does not model defers to the regex pass: ASCII
letters (e-mail, VIN, plates, IMEI…; but an X after 17 digits and before no letter or digit
is a resident ID's check character, decided here when the ID is valid), whitespace,
`@ + - ( ) _ %`, a second colon (IPv6, MAC), a 1-3 digit run before a dot that starts a GPS
pair or IPv4 shape (other dotted numbers, such as GPS values with short decimals, hold
nothing the regex pass would find), travel-document words (护照, 通行证…), non-ASCII other than Han U+4E00-9FFF and a short list of Chinese punctuation
(full-width digits and brackets, middle dots, rarer ideographs). Commas and a single colon
(电话:1380…, folded from ，and ：) are inert: no shape but GPS and IPv6/MAC uses them.

Within those cells the regex pass reduces to: a digit run is one candidate, unless a card
context word (卡, 卡号, 账号, 尾号, 银行账户…) ends at most 8 characters before a run of 16+
digits, which then is a card candidate (validated as a card only, never as an ID). Runs of 18
digits are IDs, 15 legacy IDs (upgraded) or 0086 + mobile, 11 mobile, 13 86 + mobile.
"""

from __future__ import annotations

from numba import njit

HANDLED, DEFER = 0, 2
RID, MOBILE, CARD = 0, 1, 2
# No reference counting (`_nrt=False`): the kernel allocates nothing, and counting references
# to its arrays at every inlined call cost more than some of the checks.
_JIT = {"cache": True, "nogil": True, "_nrt": False}
# Numba-level inlining for everything but the output writers: inlining those too tripled the
# compile time (~90 s under load) for no speed; without inlining the kernel ran 1.6x slower.
_INLINE = _JIT
_HOT = {**_JIT, "inline": "always"}

_KA, _HAO, _ZHANG, _WEI, _YIN, _HANG, _HU = 0x5361, 0x53F7, 0x8D26, 0x5C3E, 0x94F6, 0x884C, 0x6237
_HU_ZHAO, _ZHAO, _ZHENG = 0x62A4, 0x7167, 0x8BC1
_TONG, _XIANG, _HUI, _BAO, _TAI = 0x901A, 0x4E61, 0x56DE, 0x80DE, 0x53F0


# -- copied from fast/kernels.py (owned elsewhere; numba's cache would not see its edits) -------

@njit(**_HOT)
def _start(v32, starts, i):
    return starts[v32[4 * i + 2]] + v32[4 * i + 3]


@njit(**_HOT)
def _absent(valid, i):
    return valid.size != 0 and valid[i] == 0


@njit(**_HOT)
def _rid_check(buf, s, provinces, earliest, latest):
    """18 ASCII digits: GB 11643 check digit, province, a real birth date in range."""
    r = _weighted(buf, s) % 11
    check = 1 if r == 0 else (0 if r == 1 else 12 - r)  # "10X98765432"[r], X = 10
    return check != 10 and check == buf[s + 17] - 48 and _region_birth(buf, s, provinces,
                                                                        earliest, latest)


@njit(**_HOT)
def _weighted(buf, s):
    """GB 11643's weighted sum of the 17 leading digits."""
    total = 0
    for k in range(17):
        total += (buf[s + k] - 48) * ((1 << (17 - k)) % 11)
    return total


@njit(**_HOT)
def _region_birth(buf, s, provinces, earliest, latest):
    """An ID's first digit and province are known; its birth date is real and in range."""
    first = buf[s] - 48
    if first < 1 or first > 8 or not provinces[first * 10 + buf[s + 1] - 48]:
        return False
    ymd = 0
    for k in range(6, 14):
        ymd = ymd * 10 + buf[s + k] - 48
    return earliest <= ymd <= latest and _real_date(ymd // 10000, ymd // 100 % 100, ymd % 100)


@njit(**_HOT)
def _real_date(year, month, day):
    if month < 1 or month > 12 or day < 1:
        return False
    if month == 2:
        leap = (year % 4 == 0) and (year % 100 != 0 or year % 400 == 0)
        return day <= (29 if leap else 28)
    if month == 4 or month == 6 or month == 9 or month == 11:  # noqa: PLR1714 - numba
        return day <= 30
    return day <= 31


# -- the text kernel ----------------------------------------------------------------------------

@njit(**_HOT)
def _safe_punct(cp):
    """Chinese punctuation no identifier pattern uses (not digits, spaces or brackets)."""
    return (cp == 0x3001 or cp == 0x3002 or cp == 0xFF0C or cp == 0xFF1A or cp == 0xFF1B
            or cp == 0xFF01 or cp == 0xFF1F or cp == 0x201C or cp == 0x201D or cp == 0x2018
            or cp == 0x2019 or cp == 0x300A or cp == 0x300B or cp == 0x3010 or cp == 0x3011)


@njit(**_HOT)
def _inert_ascii(b):
    """ASCII punctuation that no identifier pattern uses: ! " # $ & ' * / ; < = > ? [ \\ ] ^ ` { | } ~"""
    return (b == 33 or b == 34 or b == 35 or b == 36 or b == 38 or b == 39 or b == 42
            or b == 47 or (59 <= b <= 63) or (91 <= b <= 94) or b == 96 or (123 <= b <= 126))


@njit(**_HOT)
def _context_ends(cp, p1, p2, p3):
    """A card context word ends with `cp`: 卡 (银行卡, 信用卡…), 卡号, 账号, 尾号, 银行账户."""
    if cp == _KA:
        return True
    if cp == _HAO:
        return p1 == _KA or p1 == _ZHANG or p1 == _WEI  # noqa: PLR1714 - numba
    return cp == _HU and p1 == _ZHANG and p2 == _HANG and p3 == _YIN


@njit(**_HOT)
def _luhn(buf, s, n):
    total = 0
    for k in range(n):
        d = buf[s + n - 1 - k] - 48
        if k % 2 == 1:
            d = d * 2 - 9 if d >= 5 else d * 2
        total += d
    return total % 10 == 0


@njit(**_HOT)
def _has_bin(buf, s, n, bins, bin_lengths):
    for k in range(bin_lengths.size):
        width = bin_lengths[k]
        if width <= n:
            same = True
            for j in range(width):
                if buf[s + j] != bins[k, j]:
                    same = False
                    break
            if same:
                return True
    return False


@njit(**_HOT)
def _mobile_at(buf, s):
    return buf[s] == 49 and 51 <= buf[s + 1] <= 57


@njit(**_HOT)
def _legacy_rid(buf, s, provinces, latest):
    """15-digit ID: first digit 1-8, known province, 19YYMMDD a real date not after `latest`."""
    first = buf[s] - 48
    if first < 1 or first > 8 or not provinces[first * 10 + buf[s + 1] - 48]:
        return False
    yy = (buf[s + 6] - 48) * 10 + buf[s + 7] - 48
    month = (buf[s + 8] - 48) * 10 + buf[s + 9] - 48
    day = (buf[s + 10] - 48) * 10 + buf[s + 11] - 48
    year = 1900 + yy
    return _real_date(year, month, day) and (year * 100 + month) * 100 + day <= latest


@njit(**_INLINE)
def _emit(out_pos, out_kind, offsets, values, count, cell, kind, buf, s, n):
    """Append one finding whose value is buf[s:s+n]; False when the output is full."""
    if count[0] >= out_pos.size or offsets[count[0]] + 19 > values.size:
        return False
    k = count[0]
    for j in range(n):
        values[offsets[k] + j] = buf[s + j]
    offsets[k + 1] = offsets[k] + n
    out_pos[k] = cell
    out_kind[k] = kind
    count[0] = k + 1
    return True


@njit(**_HOT)
def _rid_x(buf, s, provinces, earliest, latest):
    """17 ASCII digits whose GB 11643 check character is X, province, real birth date in range
    (`_rid_check` with the check character X)."""
    # r = 2: "10X98765432"[2] is X
    return _weighted(buf, s) % 11 == 2 and _region_birth(buf, s, provinces, earliest, latest)


@njit(**_HOT)
def _digits(buf, s, n, k):
    """The end of the digit run starting at buf[s+k] (k when there is none)."""
    while k < n and 48 <= buf[s + k] <= 57:
        k += 1
    return k


@njit(**_HOT)
def _dotted(buf, s, n, dot):
    """Whether the GPS pair or IPv4 alternative of the regex pass may match at the 1-3 digit
    run ending at buf[s+dot] (a dot): IPv4, three more dot-separated groups of 1-3 digits (the
    last 1 or more); GPS, 4+ digits, a comma (or ，), 1-3 digits, a dot and 4+ digits.
    Whitespace and minus signs, which both patterns allow too, defer a cell anyway."""
    a = dot + 1
    b = _digits(buf, s, n, a)
    if 1 <= b - a <= 3:
        if b < n and buf[s + b] == 46:
            c = _digits(buf, s, n, b + 1)
            if 1 <= c - b - 1 <= 3 and c < n and buf[s + c] == 46:
                return _digits(buf, s, n, c + 1) > c + 1
        return False
    if b - a < 4:
        return False
    if b < n and buf[s + b] == 44:
        k = b + 1
    elif b + 2 < n and buf[s + b] == 0xEF and buf[s + b + 1] == 0xBC and buf[s + b + 2] == 0x8C:
        k = b + 3
    else:
        return False
    e = _digits(buf, s, n, k)
    if 1 <= e - k <= 3 and e < n and buf[s + e] == 46:
        return _digits(buf, s, n, e + 1) - e - 1 >= 4
    return False


@njit(**_HOT)
def _alnum(b):
    return 48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122


@njit(**_INLINE)
def _emit_legacy(out_pos, out_kind, offsets, values, count, cell, buf, s):
    """Append the 18-digit form of a 15-digit ID: AAAAAA 19 YYMMDD SSS + check character."""
    if not _emit(out_pos, out_kind, offsets, values, count, cell, RID, buf, s, 6):
        return False
    k = count[0] - 1
    o = offsets[k + 1]
    values[o] = 49
    values[o + 1] = 57
    for j in range(9):
        values[o + 2 + j] = buf[s + 6 + j]
    total = 0
    for j in range(17):
        total += (values[offsets[k] + j] - 48) * ((1 << (17 - j)) % 11)
    r = total % 11
    check = 1 if r == 0 else (0 if r == 1 else 12 - r)
    values[o + 11] = 88 if check == 10 else 48 + check
    offsets[k + 1] = o + 12
    return True


@njit(**_HOT)
def _run(buf, s, n, card, cell, provinces, earliest, latest, bins, bin_lengths,
         out_pos, out_kind, offsets, values, count):
    """Findings of one digit run buf[s:s+n]; False when the output is full."""
    if card:  # a card candidate: a card or nothing
        if 16 <= n <= 19 and _luhn(buf, s, n) and _has_bin(buf, s, n, bins, bin_lengths):
            return _emit(out_pos, out_kind, offsets, values, count, cell, CARD, buf, s, n)
        return True
    if n == 18:
        if _rid_check(buf, s, provinces, earliest, latest):
            return _emit(out_pos, out_kind, offsets, values, count, cell, RID, buf, s, n)
    elif n == 15:
        if _legacy_rid(buf, s, provinces, latest):
            return _emit_legacy(out_pos, out_kind, offsets, values, count, cell, buf, s)
        if buf[s] == 48 and buf[s + 1] == 48 and buf[s + 2] == 56 and buf[s + 3] == 54 \
                and _mobile_at(buf, s + 4):
            return _emit(out_pos, out_kind, offsets, values, count, cell, MOBILE, buf, s + 4, 11)
    elif n == 13:
        if buf[s] == 56 and buf[s + 1] == 54 and _mobile_at(buf, s + 2):
            return _emit(out_pos, out_kind, offsets, values, count, cell, MOBILE, buf, s + 2, 11)
    elif n == 11 and _mobile_at(buf, s):
        return _emit(out_pos, out_kind, offsets, values, count, cell, MOBILE, buf, s, n)
    return True


@njit(**_HOT)
def _words_at(buf, s, n, i, width, cp, found, first_start, first_count, words, lengths, bits):
    """`found` OR the bits of the words starting at buf[s+i] (whose first character is cp)."""
    first = first_start[cp]
    for w in range(first, first + first_count[cp]):
        size = lengths[w]
        if (found & bits[w]) == bits[w] or i + size > n:
            continue
        same = True
        for j in range(width, size):
            if buf[s + i + j] != words[w, j]:
                same = False
                break
        if same:
            found |= bits[w]
    return found


@njit(**_HOT)
def _cell(buf, s, n, cell, provinces, earliest, latest, bins, bin_lengths, first_bits,
          first_start, first_count, words, lengths, bits, out_pos, out_kind, offsets, values,
          count):
    """(HANDLED with findings appended, or DEFER with none; the cell's word bits)."""
    first = count[0]
    deferred = False
    found = 0  # word bits
    chars = 0  # characters before position i
    context_end = -1  # characters before the end of the latest card context word, or -1
    p1 = 0  # the previous three characters (code points), for context words
    p2 = 0
    p3 = 0
    colons = 0
    i = 0
    while i < n:
        b = buf[s + i]
        if 48 <= b <= 57:  # no word holds a digit
            j = i + 1
            while j < n and 48 <= buf[s + j] <= 57:
                j += 1
            if not deferred:
                width = j - i
                card = width >= 16 and context_end >= 0 and chars - context_end <= 8
                if width <= 3 and j < n and buf[s + j] == 46:
                    # GPS pairs and IPv4 addresses go to the regex pass; other dotted numbers
                    # (GPS values with short decimals, 1.2.3) hold nothing it would find
                    deferred = _dotted(buf, s, n, j)
                elif width == 17 and j < n and (buf[s + j] == 88 or buf[s + j] == 120):
                    # an ID ending in X (one in eleven): the regex pass's candidate is the 18
                    # characters when no letter or digit follows; decided here when it is a
                    # valid ID outside a card context (else another detector might take it)
                    x = buf[s + j]
                    if card or (j + 1 < n and _alnum(buf[s + j + 1])) \
                            or (first_bits[x >> 3] >> (x & 7)) & 1 \
                            or not _rid_x(buf, s + i, provinces, earliest, latest) \
                            or not _emit(out_pos, out_kind, offsets, values, count, cell, RID,
                                         buf, s + i, 18):
                        deferred = True
                    else:
                        values[offsets[count[0]] - 1] = 88  # upper-case X, as normalised
                        j += 1
                        width += 1
                elif width >= 11 and not _run(buf, s + i, width, card, cell, provinces,
                                              earliest, latest, bins, bin_lengths, out_pos,
                                              out_kind, offsets, values, count):
                    deferred = True  # output full: the regex pass takes the cell
                chars += width
                context_end = -1
                p1 = p2 = p3 = 48
            i = j
            continue
        if b < 0x80:
            cp, width = b, 1
        elif b < 0xE0:
            cp, width = ((b & 0x1F) << 6) | (buf[s + i + 1] & 0x3F), 2
        elif b < 0xF0:
            cp = ((b & 0x0F) << 12) | ((buf[s + i + 1] & 0x3F) << 6) | (buf[s + i + 2] & 0x3F)
            width = 3
        else:
            cp, width = 0, 4  # no word starts with a character beyond U+FFFF
        if cp and (first_bits[cp >> 3] >> (cp & 7)) & 1:
            found = _words_at(buf, s, n, i, width, cp, found, first_start, first_count, words,
                              lengths, bits)
        i += width
        if deferred:
            continue
        if width == 1:
            if b == 58:  # one colon is inert; IPv6 and MAC shapes need two or more
                colons += 1
                deferred = colons > 1
            else:  # a comma only joins GPS pairs, whose 1-3 digit run before a dot defers
                deferred = not (b == 46 or b == 44 or _inert_ascii(b))
        elif width != 3 or not (0x4E00 <= cp <= 0x9FFF or _safe_punct(cp)):
            deferred = True  # 2- and 4-byte characters (middle dot, Latin-1, ext. B…)
        elif _context_ends(cp, p1, p2, p3):
            context_end = chars + 1
        elif (cp == _ZHAO and p1 == _HU_ZHAO) or (cp == _ZHENG and (
                (p1 == _HANG and p2 == _TONG) or (p1 == _XIANG and p2 == _HUI)
                or (p1 == _BAO and p2 == _TAI))):
            deferred = True  # 护照, 通行证, 回乡证, 台胞证: travel-document context
        chars += 1
        p3 = p2
        p2 = p1
        p1 = cp
    if deferred:
        count[0] = first
        return DEFER, found
    return HANDLED, found


@njit(**_JIT)
def scan(v32, vu8, data, starts, valid, provinces, earliest, latest, bins, bin_lengths,
         first_bits, first_start, first_count, words, lengths, bits,
         status, flags, out_pos, out_kind, offsets, values, count):
    """Per cell its status and word bits; the findings of the handled cells in cell order
    (count[0] of them)."""
    for i in range(status.size):
        n = v32[4 * i]
        if _absent(valid, i):
            status[i] = HANDLED
            flags[i] = 0
            continue
        if n <= 12:  # two call sites, as in kernels.py: one buffer type each
            status[i], flags[i] = _cell(vu8, 16 * i + 4, n, i, provinces, earliest, latest,
                                        bins, bin_lengths, first_bits, first_start,
                                        first_count, words, lengths, bits, out_pos, out_kind,
                                        offsets, values, count)
        else:
            status[i], flags[i] = _cell(data, _start(v32, starts, i), n, i, provinces,
                                        earliest, latest, bins, bin_lengths, first_bits,
                                        first_start, first_count, words, lengths, bits,
                                        out_pos, out_kind, offsets, values, count)
