"""The free-text byte kernel finds exactly what the regex pass (the reference) finds.

Same detector, row, value and order, on generated sentences with the traps of issue 4 (wrong
check digits, ID-like order numbers, masks, full-width digits, numbers glued to Chinese, card
context words near and far) and on hypothesis-generated strings.
"""

from __future__ import annotations

import random

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from chujing.scan.fast.text import available, scan_text
from chujing.scan.normalise import fold_width
from chujing.scan.text import WORD_GROUPS, detect_in_text
from tests.scan import gen


def check(texts: list[str | None], fold: bool = True) -> pl.DataFrame:
    series = pl.Series("note", texts, dtype=pl.Utf8)
    if fold:
        series = fold_width(series)
    rows = pl.Series("row", [3 * i + 7 for i in range(len(texts))], dtype=pl.UInt32)
    ours = detect_in_text(rows, series)
    reference = detect_in_text(rows, series, fast=False)
    assert ours.to_dicts() == reference.to_dicts()
    return ours


def _legacy(rng: random.Random) -> str:
    full = gen.rid(rng)
    return full[:6] + full[8:17] if full[6:8] == "19" else full[:6] + "49" + full[8:15]


def _pieces(rng: random.Random) -> list[str]:
    rid, card, mobile = gen.rid(rng), gen.card(rng), gen.mobile(rng)
    return [
        rid, gen.rid_bad_check(rng), rid[:17] + "X", rid.lower(), _legacy(rng), card,
        gen.luhn_fail(card), gen.card(rng, prefix="1234"), gen.card(rng, length=19), mobile,
        "86" + mobile, "0086" + mobile, "+86" + mobile, mobile[:3] + "****" + mobile[7:],
        rid[:6] + "********" + rid[-4:], "9" + mobile, mobile + "1", "12" + mobile[2:],
        "2024" + "".join(rng.choice("0123456789") for _ in range(14)), gen.imei(rng),
        "1234.56", "10.2.3.4", "1.2.3", "31.230416,121.473701", "a@b.com", "E12345678",
        "京A12345", mobile[:3] + "-" + mobile[3:7] + "-" + mobile[7:],
        "".join(chr(ord(c) + 0xFEE0) for c in mobile), card[:4] + " " + card[4:], "12345",
        # colons and commas: one colon and commas are inert, two colons may be IPv6
        "12:30", "12:30:45", "1::2", "::1", "2001:db8::1", "1,234,567", mobile + "," + mobile,
        "31.2304,121.4737", ":" + mobile, mobile[:5] + ":" + mobile[5:],
    ]


CONTEXTS = ["", "卡号", "银行卡", "信用卡：", "尾号", "账号", "银行账户", "卡", "账户", "手机", "身份证",
            "核验身份证", "护照号", "通行证", "订单号", "客户王伟来电，手机", "退款到卡号是这个的最新的",
            "卡一二三四五六七八", "卡一二三四五六七", "IMEI:", "card ", "联系", "。", "，", "\n"]
AFTERS = ["", "联系", "通过", "。", "元", ".", "X", "号", "，电话", " ", "\u3000", "·", "*", ",",
          ":", "：", "，"]


def test_generated_sentences_with_traps():
    rng = random.Random(11)
    texts: list[str | None] = [None, "", "无", "客户要求尽快发货"]
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 3)):
            parts += [rng.choice(CONTEXTS), rng.choice(_pieces(rng)), rng.choice(AFTERS)]
        texts.append("".join(parts))
    check(texts)
    check(texts, fold=False)  # full-width digits reach the kernel: it defers them


def test_kernel_decides_plain_sentences():
    rng = random.Random(12)
    texts = [f"客户王伟来电，手机{gen.mobile(rng)}" for _ in range(50)]
    texts += [f"核验身份证{gen.rid(rng)}通过" for _ in range(50)]
    texts += [f"要求退款到卡号{gen.card(rng)}" for _ in range(50)]
    found = check(texts)
    scanned = scan_text(pl.Series(texts), WORD_GROUPS)
    assert available() and scanned is not None
    kernel = scanned[0]
    # IDs ending in X (about one in eleven) are decided too: no ID sentence is deferred.
    assert kernel.deferred.size <= 20 and not set(kernel.deferred.tolist()) & set(range(50, 100))
    assert set(found["detector"]) >= {"cn_mobile", "bank_card"}


def test_ids_ending_in_x_are_decided_by_the_kernel():
    rng = random.Random(17)
    ids = []
    while len(ids) < 40:
        rid = gen.rid(rng)
        if rid.endswith("X"):
            ids.append(rid)
    texts = [f"核验身份证{rid}通过" for rid in ids] + [f"证件{rid.lower()}。" for rid in ids]
    texts += [f"身份证{ids[0]}", f"{ids[1]}", f"{ids[2]},{ids[3]}:{ids[4]}"]
    found = check(texts)
    kernel = scan_text(pl.Series(texts), WORD_GROUPS)[0]
    assert kernel.deferred.size == 0
    assert set(found["value"]) == set(ids[:40]) and len(found) == len(texts) + 2
    # traps the regex pass keeps: a letter or digit after the X, a card context, a wrong
    # check character, two IDs glued, a 16-digit run
    traps = [f"身份证{ids[0]}A", f"身份证{ids[0]}1", f"卡号{ids[0]}", f"尾号{ids[1]}联系",
             f"{ids[0][:16]}9X号", f"{ids[0]}{ids[1]}", f"{ids[0][1:]}", f"{ids[0]}X",
             f"{ids[0][:17]}x{ids[1]}", f"{ids[2][:16]}X"]
    check(traps)
    assert scan_text(pl.Series(traps), WORD_GROUPS)[0].deferred.size >= 6


def test_dotted_numbers_without_gps_or_ipv4_shape_are_decided():
    rng = random.Random(18)
    short = [f"{rng.randint(0, 999)}.{rng.randint(0, 999999)},{rng.randint(0, 999)}."
             f"{rng.randint(0, 999):0{rng.randint(1, 3)}d}" for _ in range(200)]
    mobile, rid = gen.mobile(rng), gen.rid(rng)
    decided = short + ["1.2.3", "1.2.3手机" + mobile, "版本1.2,3.4567", "12.3456,78.9", "0.5元",
                       "12.", "1.2.3.", "1.2..3", f"{rid}，31.2304", "1.23456，12.345"]
    gps_or_ip = ["31.2304,121.4737", "31.2304，121.4737", "1.2.3.4", "10.2.3.4567", "1.2.3.4.5",
                 "0.0000,0.0000", "位置31.230416,121.473701附近", "999.9999,999.9999",
                 "1.2.3.4手机" + mobile]
    check(decided + gps_or_ip)
    check(decided + gps_or_ip, fold=False)
    deferred = set(scan_text(pl.Series(decided + gps_or_ip), WORD_GROUPS)[0].deferred.tolist())
    assert deferred == set(range(len(decided), len(decided) + len(gps_or_ip)))


def test_card_context_at_most_eight_characters_before():
    rng = random.Random(13)
    card = gen.card(rng)
    near = check([f"卡{'字' * 8}{card}"])
    far = check([f"卡{'字' * 9}{card}"])
    assert ("bank_card", card) in set(zip(near["detector"], near["value"], strict=True))
    assert "bank_card" not in set(far["detector"])


def test_valid_id_after_card_word_is_a_card_candidate():
    rng = random.Random(14)
    rid = gen.rid(rng)
    check([f"卡号{rid}", f"证件{rid}", f"尾号{rid}联系", f"银行账户{rid}"])


def test_sliced_and_chunked_columns():
    rng = random.Random(15)
    texts = [f"手机{gen.mobile(rng)}，身份证{gen.rid(rng)}" for _ in range(300)] + [None] * 10
    series = pl.Series("note", texts, dtype=pl.Utf8)
    chunked = pl.concat([series[:100], series[100:]], rechunk=False)
    for values in (series.slice(37, 200), chunked):
        rows = pl.int_range(len(values), eager=True, dtype=pl.UInt32)
        ours = detect_in_text(rows, values)
        assert ours.to_dicts() == detect_in_text(rows, values, fast=False).to_dicts()


_TOKENS = st.sampled_from([
    "0", "1", "13812345678", "86", "0086", "110105194912310021", "62220212345678901",
    "6222021234567890128", "130503670401001", ".", "X", "x", " ", "\n", "卡", "号", "账", "尾",
    "银行", "户", "护照", "通行证", "行", "证", "手机", "，", "。", "：", "·", "１", "@", ":", "-",
    "(", "京", "A", "*", "元", "的", ",", "::", "12:30", "\u3000", "㐀", "é", "𠀀", "!", "/",
    # words of the keyword, name and address passes (the kernel's prefilter flags)
    "患者", "王", "欧阳", "伟", "先生", "说", "和", "确诊", "DNA", "卡号", "省", "市", "区", "路", "号",
    "自治", "北京市朝阳区建国路", "12",
    # the name kernel's pieces: role gaps, clause starts, pair joiners and ends, compounds
    "客户", "是", "为", "来电", "表示", "一起", "、", "刘桂英", "欧阳娜", "；", "?", "\t", "高血压",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(_TOKENS, max_size=12).map("".join)),
                min_size=1, max_size=25))
def test_random_strings_agree(texts):
    check(texts)
    check(texts, fold=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(_TOKENS, max_size=10).map("".join)),
                min_size=1, max_size=30))
def test_word_flags_match_contains_any(texts):
    series = pl.Series("note", texts, dtype=pl.Utf8)
    _, flags = scan_text(series, WORD_GROUPS)
    for bit, words in enumerate(WORD_GROUPS):
        expected = series.str.contains_any(list(words)).fill_null(False).to_list()
        assert [bool((f >> bit) & 1) for f in flags] == expected


def test_repeated_candidates_are_validated_once_with_the_same_findings():
    # Over 1,024 name and address candidates, most repeated: the fast path validates each
    # distinct candidate once and maps the results back.
    rng = random.Random(16)
    people = [(rng.choice("王李张刘陈杨黄赵吴周和高马") + rng.choice("伟芳娜敏静丽强磊军说"),
               gen.mobile(rng)) for _ in range(40)]
    texts = []
    for _ in range(3000):
        name, mobile = rng.choice(people)
        texts.append(rng.choice([
            f"客户{name}来电，手机{mobile}", f"{name}先生要求退款", f"患者{name}，男",
            f"收货地址：浙江省杭州市西湖区文一西路{rng.randrange(1, 30)}号，电话{mobile}",
            f"{name}和{rng.choice(people)[0]}一起来访", "客户满意", "明天说"]))
    found = check(texts)
    assert (found["detector"] == "cn_person_name").sum() > 1024


def _name_sentences(rng: random.Random, count: int) -> list[str]:
    """Names next to every kind of cue, pairs, and the traps of the name pass."""
    from chujing.scan.detectors import person_name as pn

    given = pn.GIVEN_CHARS
    surnames = pn.COMPOUND + pn.SINGLE[:80] + ["和", "同", "都"]  # with the text stop-list

    def name() -> str:
        return rng.choice(surnames) + "".join(
            rng.choice(given + "天说明高马上来") for _ in range(rng.randint(0, 3)))

    words = (list(pn.ROLES) + list(pn.HONORIFICS) + list(pn.REPORTING) + list(pn.SAYS_WORDS)
             + list(pn.AFTER_ROLE_WORDS) + list(pn.PAIR_END_WORDS) + list(pn.PAIR_WORDS)
             + list(pn.CLAUSE_PUNCT) + list(pn.ROLE_GAP)
             + ["高血压", "马上", "白云和蓝天", "明天说", " ", "\t", "\u3000", "·", "A", "1", "𠀀",
                "㐀", "\u9fff", "，", "。", "的", "是", "为", ""])
    return _joined(rng, count, words, name, 0.6, 9)


def _joined(rng: random.Random, count: int, words: list[str], other, share: float,
            most: int) -> list[str]:
    """`count` texts of 1-`most` pieces, each a word (with probability `share`) or other()."""
    return ["".join(rng.choice(words) if rng.random() < share else other()
                    for _ in range(rng.randint(1, most))) for _ in range(count)]


def test_name_kernel_on_generated_names_and_traps():
    rng = random.Random(21)
    found = check(_name_sentences(rng, 6000))
    check(_name_sentences(rng, 2000), fold=False)
    assert (found["detector"] == "cn_person_name").sum() > 500


def _keywords_by_kernel(texts: list[str | None], words: list[str]) -> list[list[str] | None]:
    from chujing.scan.fast.text import find_keywords, text_buffers

    series = pl.Series("note", texts, dtype=pl.Utf8)
    cells, word = find_keywords(series, np.ones(len(texts), dtype=np.uint8), 0,
                                text_buffers(series), tuple(words))
    out: list[list[str] | None] = [None if t is None else [] for t in texts]
    for cell, w in zip(cells.tolist(), word.tolist(), strict=True):
        out[cell].append(words[w])
    return out


def _extract_many(texts: list[str | None], words: list[str]) -> list[list[str] | None]:
    found = pl.Series("note", texts, dtype=pl.Utf8).str.extract_many(words).to_list()
    return [None if t is None else (f or []) for t, f in zip(texts, found, strict=True)]


def test_keyword_kernel_reports_the_earliest_end_then_the_longest():
    """extract_many's own choices among overlapping keywords, whatever their order."""
    cases = [(["ABCD", "BC"], "ABCD"), (["住院号", "住院"], "住院号"), (["BC", "ABC", "C"], "ABC"),
             (["AB", "BCD"], "ABCD"), (["ABCDE", "BC", "CD"], "ABCDE"), (["AB", "ABC"], "ABCABAB"),
             (["诊断为", "就诊"], "就诊断为确诊"), (["DNA", "dna"], "dnaDNAdNa")]
    for words, text in cases:
        for order in (words, words[::-1]):
            assert _keywords_by_kernel([text, None, ""], order) == _extract_many(
                [text, None, ""], order), (order, text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(st.sampled_from(
    ["住院", "住院号", "院号", "确诊", "诊断为", "就诊", "DNA", "D", "病史", "高血压", "血压", "血", "𠀀", "é",
     "，", "a", "1", "号", "患有糖尿病", "信用卡号", "银行卡号", "卡号",
     # last byte off by one: 陡 (U+9661) for 院, 厌 (U+538C) for 压
     "DNB", "住陡", "高血厌"]), max_size=12).map("".join)),
    min_size=1, max_size=20))
def test_keyword_kernel_agrees_with_extract_many(texts):
    from chujing.scan.text import _KEYWORDS

    assert _keywords_by_kernel(texts, _KEYWORDS) == _extract_many(texts, _KEYWORDS)
    words = ["住院号", "院号", "血", "D", "卡号", "银行卡号"]
    assert _keywords_by_kernel(texts, words) == _extract_many(texts, words)


def _address_sentences(rng: random.Random, count: int) -> list[str]:
    """Address pieces in every order: the pattern's words, labels, Han and non-Han runs at
    and around the repeat bounds (1-10 Han before a unit, 1-20 before a street word, 0-10
    before a number), digits, letters and dashes, and characters outside the classes."""
    from chujing.scan.detectors import address as ad

    words = (list(ad.ADMIN_UNITS + ad.SUB_UNITS + ad.STREET_WORDS + ad.NUMBER_WORDS + ad.LABELS)
             + ["自治", "街", "大", "单", "小", "胡", "中山", "朝阳", "浦东新", "人民", "A", "b", "-",
                "7", "12", "3B", " ", "，", "：", ":", "·", "。", "𠀀", "㐀", "\u9fff", "々", "〇",
                "电话", "北京市朝阳区建国路88号", "上海市浦东新区中山路413号"])

    def run() -> str:
        size = rng.choice([1, 2, 9, 10, 11, 19, 20, 21])
        chars = rng.choice(["中山东西南北新华", "中a1-B"])  # Han only, or the part class
        return "".join(rng.choice(chars) for _ in range(size))

    return _joined(rng, count, words, run, 0.7, 12)


def test_address_kernel_on_generated_addresses_and_traps():
    rng = random.Random(23)
    found = check(_address_sentences(rng, 6000))
    check(_address_sentences(rng, 2000), fold=False)
    assert (found["detector"] == "cn_address").sum() > 500


def test_address_kernel_at_the_repeat_bounds():
    """1-10 Han before an admin or sub-unit, 1-20 before a street word, 0-10 before the
    number's digits: at, under and over each bound, the kernel finds what the regex finds."""
    from chujing.scan.detectors import address as ad

    texts = []
    for size in range(0, 24):
        han, part = "中" * size, ("中a1-" * 6)[:size]
        texts += [f"{han}市人民路8号", f"北京市{han}区人民路8号", f"北京市{part}路8号",
                  f"北京市朝阳路{han}8号", f"北京市朝阳路{part}8号", f"北京市朝阳路{han}A8号"]
    values = check(texts)["value"].to_list()
    most = ad.NUMBER_PREFIX_MAX
    assert f"北京市朝阳路{'中' * most}8号" in values  # at the bound: one address
    assert not any(v.endswith(f"{'中' * (most + 1)}8号") for v in values)  # over it: none
    assert len(values) > 60


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(
    ["省", "市", "区", "县", "自治区", "街道", "路", "街", "大道", "胡同", "小区", "里", "号", "单元",
     "楼", "地址", "住在", "中", "山", "a", "1", "-", "，", " ", "𠀀"]), max_size=16).map("".join),
    min_size=1, max_size=20))
def test_address_kernel_agrees_on_random_strings(texts):
    check(texts)


def test_address_kernel_defers_labels_and_characters_beyond_the_table():
    from chujing.scan.fast.text import find_addresses, text_buffers

    texts = pl.Series(["住在北京市朝阳区建国路88号", "北京市朝阳区建国路88号𠀀", "北京市朝阳区建国路88号",
                       "电话北京市朝阳区建国路88号"], dtype=pl.Utf8)
    deferred, cells, values = find_addresses(texts, np.full(4, 4, dtype=np.uint8), 2,
                                             text_buffers(texts))
    assert deferred.tolist() == [0, 1]
    assert cells.tolist() == [2, 3]
    assert values.to_list() == ["北京市朝阳区建国路88号", "电话北京市朝阳区建国路88号"]


def test_name_kernel_on_the_accuracy_corpus():
    from tests.scan.corpus import CorpusMaker

    found = check([r.text for r in CorpusMaker(5).records(3000)])
    assert (found["detector"] == "cn_person_name").sum() > 300


def test_name_kernel_defers_characters_beyond_the_table():
    from chujing.scan.fast.text import find_names, text_buffers

    texts = pl.Series(["客户王伟来电𠀀", "客户王伟来电"], dtype=pl.Utf8)
    deferred, cells, values = find_names(texts, np.full(2, 2, dtype=np.uint8), 1,
                                         text_buffers(texts))
    assert deferred.tolist() == [0] and cells.tolist() == [1] and values.to_list() == ["王伟"]
    check(texts.to_list())


def test_one_free_text_call_per_batch_finds_what_per_column_calls_find(tmp_path, monkeypatch):
    # On one thread the scanner sends the text columns and the identifier cells that did not
    # validate to one find_in_text call; on several, text columns are detected with the
    # other columns. Same persons, flags and per-column stats, in the same order.
    from datetime import date

    from chujing.scan import scan_paths
    from chujing.scan import scanner as scanner_module
    from tests.scan.test_person_table import _dataset

    path = _dataset(tmp_path / "people.csv", rows=1500)
    calls: list[int] = []
    real = scanner_module.find_in_text

    def counted(rows, texts, **kw):
        calls.append(len(texts))
        return real(rows, texts, **kw)

    batches: list[int] = []
    scan_batch = scanner_module.Scanner.scan_batch

    def counted_batch(self, file, frame, plans):
        batches.append(frame.height)
        return scan_batch(self, file, frame, plans)

    monkeypatch.setattr(scanner_module, "find_in_text", counted)
    monkeypatch.setattr(scanner_module.Scanner, "scan_batch", counted_batch)
    results, counts = [], {}
    # (threads, TEXT_SLICE_ROWS): several threads with the text column whole, and in 2 or 3
    # row slices searched apart and joined again.
    for threads, split in ((1, 50), (2, 10**9), (2, 50), (3, 50)):
        with monkeypatch.context() as m:
            m.setattr(scanner_module.pl, "thread_pool_size", lambda threads=threads: threads)
            m.setattr(scanner_module, "TEXT_SLICE_ROWS", split)
            calls.clear()
            batches.clear()
            results.append(scan_paths([path], as_of=date(2025, 11, 1), batch_rows=257))
            if threads == 1:
                assert len(calls) == len(batches) and sum(batches) == 1500
            counts[threads, split] = len(calls)
    assert counts[2, 50] > counts[2, 10**9] and counts[3, 50] > counts[2, 50]  # slices searched
    one = results[0]
    for several in results[1:]:
        assert one.subjects == several.subjects
        assert one.raw.persons.sort("key").equals(several.raw.persons.sort("key"))
        assert [vars(s) for s in one.raw.column_stats] == [vars(s) for s in several.raw.column_stats]


_WIDE = st.sampled_from([
    "１", "３８", "Ａ", "ｚ", "，", "：", "＠", "－", "\u3000", "\uff00", "\uff5f", "～", "！", "a", "1",
    " ", "手机", "卡号", "。", "·", "é", "𠀀", "㐀", "\n", "13812345678", "长长的一句话没有全角字符",
])


def _fold_reference(parts: list[tuple[pl.Series, np.ndarray]]) -> list[str | None]:
    return fold_width(pl.concat([values.gather(pl.Series(rows, dtype=pl.UInt32))
                                 for values, rows in parts])).to_list()


@settings(max_examples=120, deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(_WIDE, max_size=14).map("".join)),
                min_size=1, max_size=30), st.randoms(use_true_random=False))
def test_folded_cells_are_fold_width_of_the_gathered_cells(texts, rnd):
    from chujing.scan.fast.text import folded_cells

    series = pl.Series("note", texts, dtype=pl.Utf8)
    chunked = pl.concat([series[: len(texts) // 2], series[len(texts) // 2:]], rechunk=False)
    sliced = pl.concat([series, series]).slice(len(texts) // 3, len(texts))
    parts = []
    for values in (series, chunked, sliced):
        rows = np.array(sorted(rnd.sample(range(len(values)), rnd.randint(0, len(values)))),
                        dtype=np.int64)
        parts.append((values, rows))
        one = folded_cells([(values, rows)])
        assert one is not None and one.to_list() == _fold_reference([(values, rows)])
    assert folded_cells(parts).to_list() == _fold_reference(parts)


def test_folded_cells_at_every_offset_of_a_word():
    """The kernel checks and copies 8 bytes at a time: a character that folds, or one that
    starts with the same lead byte and does not (。 E3 80 82, U+FF00 EF BC 80, U+FF5F EF BD
    9F), at every offset of the cell's words, in inline and out-of-line cells."""
    from chujing.scan.fast.text import folded_cells

    chars = ["，", "：", "１", "ｚ", "～", "\u3000", "。", "\uff00", "\uff5f", "、", "中"]
    texts = [pad * before + char + pad * after
             for pad in ("a", "中")
             for char in chars
             for before in range(0, 18)
             for after in range(0, 10)]
    texts += ["".join(chars[(k + j) % len(chars)] for j in range(k)) for k in range(1, 30)]
    series = pl.Series("note", texts, dtype=pl.Utf8)
    rows = np.arange(len(texts))
    assert folded_cells([(series, rows)]).to_list() == _fold_reference([(series, rows)])


def test_folded_cells_of_columns_with_their_own_buffers():
    """Unfolded cells keep views into their own column's buffers, renumbered after the buffers
    of the columns before them."""
    from chujing.scan.fast.text import folded_cells

    first = pl.concat([pl.Series("a", ["长长的一句话没有全角字符" * 2, "x"]),
                       pl.Series("a", ["第二块缓冲区里的长句子", None])], rechunk=False)
    second = pl.concat([pl.Series("b", ["手机１３８１２３４５６７８长句", "短", "另一个很长很长的句子在这里"]),
                        pl.Series("b", ["卡号６２２２０２１２３４５６７８９０１２ 长"])], rechunk=False)
    parts = [(first, np.arange(4)), (second, np.array([0, 1, 2, 3])), (first, np.array([2, 0]))]
    assert folded_cells(parts).to_list() == _fold_reference(parts)


def test_folded_cells_of_a_note_column():
    from chujing.scan.fast.text import folded_cells

    rng = random.Random(16)
    texts = [rng.choice(CONTEXTS) + rng.choice(_pieces(rng)) + rng.choice(AFTERS)
             for _ in range(3000)]
    texts = ["".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and rng.random() < 0.3 else c
                     for c in text) for text in texts] + [None, ""]
    series = pl.Series("note", texts, dtype=pl.Utf8)
    rows = np.flatnonzero(np.array([rng.random() < 0.8 for _ in texts]))
    folded = folded_cells([(series, rows)])
    assert folded.to_list() == _fold_reference([(series, rows)])
    check(folded.to_list(), fold=False)
    # Only the folded cells' bytes are copied: the others' views point into `series`' buffers.
    changed = [after for before, after in zip(series.gather(pl.Series(rows, dtype=pl.UInt32))
                                              .to_list(), folded.to_list(), strict=True)
               if before != after and len(after.encode()) > 12]
    assert 0 < len(changed) < len(rows)
    new_buffer = folded.to_arrow(compat_level=pl.CompatLevel.newest()).buffers()[-1]
    assert new_buffer.size == sum(len(text.encode()) for text in changed)
