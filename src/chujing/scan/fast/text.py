"""Free text at memory speed: one byte pass decides plain cells' identifiers, regex the rest.

`scan_text` walks a text column's Arrow buffers once (`text_kernels.scan`): for each cell
either its identifier findings (resident ID, mobile, bank card, with normalised values) or
"deferred" — the cell holds something the kernel does not model, and `scan/text.py` runs its
regex pass (the reference) on the deferred cells alone; and for every cell which word groups
(keywords, name cues, administrative units) it holds, so the other passes skip the cells
without. numba is imported on first use only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import polars as pl

from chujing.scan.detectors import bank_card, phone, resident_id
from chujing.scan.fast import kernel_module

# Finding kinds of the kernel, in the kernel's numbering (RID, MOBILE, CARD).
KIND_DETECTORS = (resident_id.DETECTOR.id, phone.MOBILE.id, bank_card.DETECTOR.id)


@dataclass(frozen=True)
class KernelFindings:
    deferred: np.ndarray  # positions of the cells the regex pass must take
    position: np.ndarray  # per finding: position of its cell in the input
    kind: np.ndarray  # per finding: index into KIND_DETECTORS
    value: pl.Series  # per finding: the normalised value


def _kernels():
    return kernel_module("text_kernels")


@cache
def _bin_table() -> tuple[np.ndarray, np.ndarray]:
    prefixes = bank_card.BIN_PREFIXES  # longest first, as the regex alternation tries them
    table = np.zeros((len(prefixes), max(map(len, prefixes))), dtype=np.uint8)
    for k, prefix in enumerate(prefixes):
        table[k, :len(prefix)] = np.frombuffer(prefix.encode(), dtype=np.uint8)
    return table, np.array([len(p) for p in prefixes], dtype=np.int64)


def available() -> bool:
    return _kernels() is not None


Buffers = tuple[np.ndarray, ...]


def text_buffers(texts: pl.Series) -> Buffers | None:
    """The Arrow buffers of a text column for the kernels, or None without numba or non-text.

    Built once per column: gathering a filtered column's data buffers copies them."""
    import pyarrow as pa

    from chujing.scan.fast import _buffers

    if _kernels() is None or texts.dtype != pl.Utf8:
        return None
    array = texts.to_arrow(compat_level=pl.CompatLevel.newest())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return _buffers(array)


def folded_cells(parts: list[tuple[pl.Series, np.ndarray]]) -> pl.Series | None:
    """The cells at `rows` of each text Series, in order, width-folded as `normalise.fold_width`
    folds them, as one Series (`text_fold`): the views of cells with nothing to fold point into
    the parts' own data buffers, the folded cells' bytes are in one new buffer after them. None
    without numba or for non-text."""
    import pyarrow as pa

    from chujing.scan.fast import _arrow, _buffers

    k = kernel_module("text_fold")
    if k is None or any(values.dtype != pl.Utf8 for values, _ in parts):
        return None
    n = sum(rows.size for _, rows in parts)
    views = np.empty(16 * n, dtype=np.uint8)
    inputs, present, data_buffers, room = [], [], [], 16
    for values, rows in parts:
        array = _arrow(values)
        v32, vu8, data, starts, valid = _buffers(array)
        rows = rows.astype(np.int64, copy=False)
        present.append(valid[rows] != 0 if valid.size else np.ones(rows.size, dtype=np.bool_))
        room += int(v32[0::4][rows][present[-1]].sum())  # folding only shortens
        inputs.append((v32, vu8, data, starts, valid, rows, len(data_buffers)))
        data_buffers += [b if b is not None else pa.py_buffer(b"") for b in array.buffers()[2:]]
    out = np.empty(room, dtype=np.uint8)  # pages are touched only where folded bytes go
    at = j = 0
    for v32, vu8, data, starts, valid, rows, shift in inputs:
        at = k.gather_folded(v32, vu8, data, starts, valid, rows, shift,
                             views[16 * j:16 * (j + rows.size)], out, at, len(data_buffers))
        j += rows.size
    mask = np.concatenate(present) if present else np.zeros(0, dtype=np.bool_)
    validity = None if mask.all() else pa.py_buffer(np.packbits(mask, bitorder="little"))
    folded = pa.py_buffer(out[:at].copy() if at else b"")
    array = pa.Array.from_buffers(pa.string_view(), n,
                                  [validity, pa.py_buffer(views), *data_buffers, folded])
    return pl.Series(parts[0][0].name if parts else "", array)


def scan_text(texts: pl.Series, groups: tuple[tuple[str, ...], ...],
              buffers: Buffers | None = None) -> tuple[KernelFindings, np.ndarray] | None:
    """One kernel pass: identifier findings and deferred cells, and per cell the bits of the
    word groups it holds (bit g: a word of groups[g]; at most 8 groups, first characters below
    U+10000). None without numba, for non-text, or for groups the kernel cannot index."""
    import pyarrow as pa

    from chujing.scan.fast import _province_table

    table = _word_table(groups) if len(groups) <= 8 else None
    buffers = buffers or text_buffers(texts) if table else None
    if buffers is None:
        return None
    n = len(texts)
    capacity = n // 2 + 64  # cells whose findings do not fit are deferred, not lost
    status = np.empty(n, dtype=np.uint8)
    flags = np.empty(n, dtype=np.uint8)
    position = np.empty(capacity, dtype=np.int64)
    kind = np.empty(capacity, dtype=np.uint8)
    offsets = np.zeros(capacity + 1, dtype=np.int32)
    values = np.empty(capacity * 19, dtype=np.uint8)
    count = np.zeros(1, dtype=np.int64)
    latest = int(date.today().strftime("%Y%m%d"))
    k = _kernels()
    k.scan(*buffers, _province_table(), int(resident_id.EARLIEST_BIRTH), latest, *_bin_table(),
           *table, status, flags, position, kind, offsets, values, count)
    found = int(count[0])
    strings = pa.Array.from_buffers(
        pa.string(), found,
        [None, pa.py_buffer(offsets[:found + 1].copy()), pa.py_buffer(values[:offsets[found]])])
    findings = KernelFindings(deferred=np.flatnonzero(status == k.DEFER),
                              position=position[:found], kind=kind[:found],
                              value=pl.Series("value", strings, dtype=pl.Utf8))
    return findings, flags


def _by_first_character(words) -> list[str]:
    """The word table's row order: by first character, then by the word."""
    return sorted(words, key=lambda word: (ord(word[0]), word))


@cache
def _word_table(groups: tuple[tuple[str, ...], ...]):
    """Words (UTF-8) sorted by first character, each with its group bits (1 << group), and
    per first character (code point) a bit, the index of its first word and its word count."""
    bits_of: dict[str, int] = {}
    for group, words in enumerate(groups):
        for word in words:
            if not word or ord(word[0]) >= 0x10000:
                return None  # the kernel indexes first characters below U+10000
            bits_of[word] = bits_of.get(word, 0) | (1 << group)
    ordered = _by_first_character(bits_of)
    encoded = [word.encode() for word in ordered]
    table = np.zeros((len(ordered), max(map(len, encoded))), dtype=np.uint8)
    first_start = np.zeros(0x10000, dtype=np.int32)
    first_count = np.zeros(0x10000, dtype=np.int32)
    for k, (word, raw) in enumerate(zip(ordered, encoded, strict=True)):
        table[k, :len(raw)] = np.frombuffer(raw, dtype=np.uint8)
        if first_count[ord(word[0])] == 0:
            first_start[ord(word[0])] = k
        first_count[ord(word[0])] += 1
    lengths = np.array([len(raw) for raw in encoded], dtype=np.int64)
    bits = np.array([bits_of[word] for word in ordered], dtype=np.uint8)
    first_bits = np.packbits(first_count > 0, bitorder="little")  # 8 KB: stays in L1
    return first_bits, first_start, first_count, table, lengths, bits


def _name_kernel():
    return kernel_module("text_names")


@cache
def _bmp_class(pattern: str) -> np.ndarray:
    """The code points of the Basic Multilingual Plane (surrogates aside) that the regex
    engine matches with the one-character `pattern`, asked of the engine itself."""
    codes = np.array([cp for cp in range(0x10000) if not 0xD800 <= cp < 0xE000])
    chars = pl.Series([chr(cp) for cp in codes], dtype=pl.Utf8)
    return codes[chars.str.contains(f"^{pattern}$").to_numpy()]


@cache
def _name_table() -> np.ndarray:
    """The name kernel's table (layout in `text_names`): character bits per BMP code point
    (`\\p{Han}` and `\\s` asked of the regex engine itself), the compound surnames and the
    word lists, each word list in its pattern's order."""
    from chujing.scan.detectors import person_name as pn

    k = _name_kernel()
    props = np.zeros(0x10000, dtype=np.int32)
    props[_bmp_class(r"\p{Han}")] |= k.HAN
    props[_bmp_class(r"\s")] |= k.SPACE
    after = pn.STRICT_ORDER + pn.AFTER_ROLE_WORDS
    lists = {k.ROLES: pn.ROLE_ORDER, k.STRICT: pn.STRICT_ORDER, k.AFTER: after,
             k.SAYS: pn.SAYS_WORDS, k.PAIR_END: pn.PAIR_END_WORDS}
    for chars_of, bit in ((pn.TEXT_SINGLE, k.SURNAME), (pn.GIVEN_CHARS, k.GIVEN),
                          (pn.CLAUSE_PUNCT, k.CLAUSE), (pn.ROLE_GAP, k.GAP),
                          (pn.PAIR_WORDS, k.JOIN),
                          ([w[0] for w in pn.COMPOUND], k.COMPOUND_FIRST),
                          ([w[0] for w in pn.ROLE_ORDER], k.ROLE_FIRST),
                          ([w[0] for w in pn.STRICT_ORDER], k.STRICT_FIRST),
                          ([w[0] for w in after], k.AFTER_FIRST),
                          ([w[0] for w in pn.SAYS_WORDS], k.SAYS_FIRST),
                          ([w[0] for w in pn.PAIR_END_WORDS], k.PAIR_END_FIRST)):
        for ch in chars_of:
            assert len(ch) == 1, ch  # one character each: a character class
            props[ord(ch)] |= bit
    assert {len(w) for w in pn.COMPOUND} == {2}  # the kernel's compounds are two characters
    firsts = sorted({w[0] for words in lists.values() for w in words})
    slots = np.zeros(0x10000, dtype=np.int32)
    slots[[ord(ch) for ch in firsts]] = np.arange(len(firsts))
    header = np.zeros(k.HEADER, dtype=np.int32)
    parts = [header, props, slots,
             np.array([ord(ch) for w in pn.COMPOUND for ch in w], dtype=np.int32)]
    header[k.SLOTS] = k.HEADER + props.size
    header[k.COMPOUNDS] = header[k.SLOTS] + slots.size
    header[k.N_COMPOUNDS] = len(pn.COMPOUND)
    at = header[k.COMPOUNDS] + parts[-1].size
    for entry, words in lists.items():
        # rows grouped by first character (its slot), in list order within a group
        order = sorted(words, key=lambda w: slots[ord(w[0])])  # stable
        index = np.zeros(len(firsts) + 1, dtype=np.int32)
        rows = np.zeros((len(words), k.WIDTH), dtype=np.int32)
        for row, word in enumerate(order):
            assert len(word) < k.WIDTH
            rows[row, 0] = len(word)
            rows[row, 1:1 + len(word)] = [ord(ch) for ch in word]
            index[slots[ord(word[0])] + 1] = row + 1
        np.maximum.accumulate(index, out=index)
        header[entry], header[entry + 1] = at, at + index.size
        parts += [index, rows.ravel()]
        at += index.size + rows.size
    return np.concatenate(parts)


def find_keywords(texts: pl.Series, flags: np.ndarray, bit: int, buffers: Buffers,
                  words: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray] | None:
    """The `words` found in the cells with word bit `bit`, as `str.extract_many(words)` finds
    them (`text_keywords`): per finding its cell's position and its word's index in `words`,
    in cell order. None without numba."""
    k = kernel_module("text_keywords")
    if k is None:
        return None
    first_bits, first_start, first_count, table, lengths, bits = _word_table((words,))
    n = len(texts)
    sizes = buffers[0][0::4][:n]
    # findings do not overlap: at most one per shortest keyword's bytes
    capacity = int(sizes[(flags & (1 << bit)) != 0].sum()) // int(lengths.min()) + 1
    out_cell = np.empty(capacity, dtype=np.int64)
    out_word = np.empty(capacity, dtype=np.int64)
    count = np.zeros(1, dtype=np.int64)
    k.keywords(*buffers, flags, 1 << bit, first_bits, first_start, first_count, table, lengths,
               bits, out_cell, out_word, count)
    found = int(count[0])
    return out_cell[:found], _table_order(words)[out_word[:found]]


@cache
def _table_order(words: tuple[str, ...]) -> np.ndarray:
    """Per row of `_word_table((words,))` the word's index in `words`."""
    index = {word: i for i, word in enumerate(words)}
    return np.array([index[w] for w in _by_first_character(index)], dtype=np.int64)


@cache
def _address_table() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The address kernel's tables (`text_address`): character bits per BMP code point
    (`\\p{Han}` asked of the regex engine itself), the word lists as rows, and the limits."""
    from chujing.scan.detectors import address as ad
    from chujing.scan.text import PASSES

    k = kernel_module("text_address")
    props = np.zeros(0x10000, dtype=np.uint8)  # 64 KB: eight bits a character
    props[_bmp_class(r"\p{Han}")] |= k.HAN | k.PART
    for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789":
        props[ord(ch)] |= k.PART | k.ALNUM
    props[ord("-")] |= k.PART
    lists = [ad.ADMIN_UNITS, ad.SUB_UNITS, ad.STREET_WORDS, ad.NUMBER_WORDS, ad.LABELS]
    first_bits = [k.ADMIN_FIRST, k.SUB_FIRST, k.STREET_FIRST, k.NUMBER_FIRST, k.LABEL_FIRST]
    rows, starts = [], [0]
    for words, bit in zip(lists, first_bits, strict=True):
        # In the pattern's lists one word at most starts at a position, so the first that
        # matches is the alternative the regex takes (labels are only tested as prefixes).
        assert bit == k.LABEL_FIRST or len({w[0] for w in words}) == len(words), words
        for word in words:
            assert 0 < len(word) < k.WIDTH and all(ord(ch) < 0x10000 for ch in word)
            props[ord(word[0])] |= bit
            rows.append([len(word), *map(ord, word)] + [0] * (k.WIDTH - 1 - len(word)))
        starts.append(len(rows))
    # The greedy digit run before a number word is then the whole run (see `_number`).
    assert not any(props[ord(w[0])] & k.ALNUM for w in ad.NUMBER_WORDS)
    limits = np.zeros(4, dtype=np.int64)
    limits[[k.ADMIN_MAX, k.STREET_MAX, k.NUMBER_PREFIX_MAX, k.MIN_BYTES]] = (
        ad.ADMIN_MAX, ad.STREET_MAX, ad.NUMBER_PREFIX_MAX, PASSES[2].min_bytes)
    return (props, np.array(rows, dtype=np.int32), np.array(starts, dtype=np.int64), limits)


def find_addresses(texts: pl.Series, flags: np.ndarray, bit: int,
                   buffers: Buffers) -> tuple[np.ndarray, np.ndarray, pl.Series] | None:
    """Addresses in the cells with word bit `bit`, as `find_names` finds names: the deferred
    cells' positions, and per address its cell's position and the address. None without
    numba."""
    k = kernel_module("text_address")
    if k is None:
        return None
    # an address is 14 bytes or more (two Han, a street part and word, a digit, a number word)
    return _collect(k, k.addresses, _address_table(), texts, flags, bit, buffers, 14)


def _collect(k, kernel, table: tuple, texts: pl.Series, flags: np.ndarray, bit: int,
             buffers: Buffers, min_bytes: int) -> tuple[np.ndarray, np.ndarray, pl.Series]:
    """Runs a finding kernel (`names`, `addresses`; module k) on the cells with word bit
    `bit`; returns (deferred cell positions, each finding's cell position, the findings).
    Findings do not overlap and are `min_bytes` or more, which bounds their number."""
    import pyarrow as pa

    n = len(texts)
    lengths = buffers[0][0::4][:n].astype(np.int64)
    total = int(lengths[(flags & (1 << bit)) != 0].sum())
    work = k.empty_work(int(lengths.max()) if n else 0)
    capacity = total // min_bytes + 64
    status = np.empty(n, dtype=np.uint8)
    out_cell = np.empty(capacity, dtype=np.int64)
    offsets = np.empty(capacity + 1, dtype=np.int32)  # untouched pages cost nothing
    offsets[0] = 0
    values = np.empty(total + 16, dtype=np.uint8)
    count = np.zeros(1, dtype=np.int64)
    kernel(*buffers, flags, 1 << bit, *work, *table, status, out_cell, offsets, values, count)
    found = int(count[0])
    strings = pa.Array.from_buffers(
        pa.string(), found,
        [None, pa.py_buffer(offsets[:found + 1].copy()), pa.py_buffer(values[:offsets[found]])])
    return (np.flatnonzero(status == k.DEFER), out_cell[:found],
            pl.Series("value", strings, dtype=pl.Utf8))


def find_names(texts: pl.Series, flags: np.ndarray, bit: int,
               buffers: Buffers) -> tuple[np.ndarray, np.ndarray, pl.Series] | None:
    """Names in the cells with word bit `bit` (`scan_text`'s flags): the positions of the cells
    deferred to the regex pass, and per name its cell's position and the name. None without
    numba."""
    k = _name_kernel()
    if k is None:
        return None
    # names are 6 bytes or more (two Han)
    return _collect(k, k.names, (_name_table(),), texts, flags, bit, buffers, 6)
