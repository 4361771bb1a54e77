"""The numba column kernels agree with the Polars validators (the reference) cell for cell.

Values mix genuine identifiers with traps: wrong check digits, separators, +86, full-width
digits, lower-case x, masks, nulls, placeholders, short (inline) and long strings.
"""

from __future__ import annotations

import random

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chujing.scan.detectors import BY_ID
from chujing.scan.fast import check_column, has_kernel, validate_column
from chujing.scan.normalise import fold_width
from tests.scan import gen

FAST = ["cn_resident_id", "cn_mobile", "bank_card", "ipv4", "email", "gps", "cn_person_name",
        "cn_address", "cn_plate"]
ADDRESSES = ["北京市朝阳区建国路88号", "上海市浦东新区世纪大道100号", "广东省深圳市南山区科技园路1栋",
             "浙江省杭州市西湖区文一西路", "北京市东城区南锣鼓巷胡同3号", "市区路", "北京市", "朝阳区建国路",
             "北京市朝阳区12号", "北京市朝阳区A号", "北京市朝阳区-路", "北京市朝阳区路", "北京市 朝阳区建国路",
             "北京市，朝阳区建国路8号", "北京市朝阳区建国路８号", "内蒙古自治区呼和浩特市新城区大学街",
             "新疆自治区X小区", "浙江省杭州市小区", "北京市胡同", "北京市a胡同", "上海市abc弄", "县城8号楼",
             "中国北京市朝阳区建国路88号院", "区1号", "Beijing市a路", "北京市\n朝阳路", "某市.路",
             "北京市朝阳区建国路㐀", "北京市朝阳区㐀路", "北京市·建国路", "广州市天河区体育西路１号"]
PLATES = ["京A12345", "粤B1234D", "沪AD12345", "沪A12345F", "苏E1234挂", "京A1234学", "京I12345",
          "京AO2345", "京A1234", "京A123456", "京1A2345", "A12345", "京A12345挂", "京A 12345",
          "京A·12345", "京a12345", "京A-12345", "京A1234警", "京警1234", "港A12345", "京A1234港港",
          "京A12D45F", "京AF2345D", "京AD2345X", "京A1234挂5", "京京12345", "京Ａ12345", "京A1234　"]
NAMES = ["王伟", "李秀英", "欧阳娜娜", "司马光", "诸葛亮", "张", "王小明明", "欧阳", "和平", "阿卜杜·热合曼",
         "伟王", "明天", "㐀伟", "王𠀀", "王 伟", " 李娜 ", "王\u3000伟", "Zhang Wei", "王伟1", "王·伟",
         "上官婉儿", "上官", "公孙胜利啊", "李娜·", "司徒"]


def reference(detector_id: str, hinted: bool, values: pl.Series) -> pl.Series:
    det = BY_ID[detector_id]
    return (det.validate_hinted if hinted else det.validate)(fold_width(values))


def check(detector_id: str, values: list[str | None]) -> None:
    """Values and the non-empty mask, which the column check writes in the same walk."""
    from chujing.scan.normalise import non_empty

    series = pl.Series("c", values, dtype=pl.Utf8)
    said = non_empty(series).to_list()
    for hinted in (True, False):
        ours = validate_column(BY_ID[detector_id], hinted, series)
        ref = reference(detector_id, hinted, series)
        assert ours.to_list() == ref.to_list(), (detector_id, hinted)
        present, checked = check_column(BY_ID[detector_id], hinted, series)
        assert checked.to_list() == ref.to_list(), (detector_id, hinted)
        assert present.tolist() == said, (detector_id, hinted)


def test_kernels_are_available():
    assert all(has_kernel(BY_ID[d]) for d in FAST)


def _genuine(rng: random.Random) -> dict[str, list[str]]:
    return {
        "cn_resident_id": [gen.rid(rng) for _ in range(300)] + [gen.rid_bad_check(rng)
                                                               for _ in range(300)],
        "cn_mobile": [gen.mobile(rng) for _ in range(300)],
        "bank_card": [gen.card(rng) for _ in range(300)] + [gen.luhn_fail(gen.card(rng))
                                                           for _ in range(300)],
        "ipv4": [".".join(str(rng.randrange(300)) for _ in range(4)) for _ in range(300)],
        "email": [f"user{rng.randrange(999)}@mail{rng.randrange(9)}.com" for _ in range(300)],
        "cn_person_name": NAMES * 10,
        "cn_address": ADDRESSES * 10,
        "cn_plate": PLATES * 10,
        "gps": [f"{rng.uniform(-95, 95):.{rng.choice([3, 4, 6])}f},"
                f"{rng.uniform(-185, 185):.{rng.choice([4, 6])}f}" for _ in range(300)],
    }


def _traps(value: str, rng: random.Random) -> list[str]:
    full = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in value)
    mid = len(value) // 2
    return [
        f" {value} ", value.lower(), value.upper(), full, "+86" + value, "86" + value,
        "0086" + value, value[:3] + "-" + value[3:7] + "-" + value[7:], value[:3] + " " + value[3:],
        value[:3] + "****" + value[7:], value[:mid] + value[mid + 1:], value + "0", value[1:],
        f"({value})", value.replace(",", "，"), value.replace(",", ", "), value[:-1] + "x",
        value[:15], value + "\t", "0" + value, value.replace(".", ".0", 1),
    ]


@pytest.mark.parametrize("detector_id", FAST)
def test_genuine_values_and_traps(detector_id):
    rng = random.Random(4)
    values: list[str | None] = []
    for value in _genuine(rng)[detector_id]:
        values.append(value)
        values.extend(rng.sample(_traps(value, rng), 6))
    values += [None, "", "N/A", "-", "null", "NULL", "None", "--", "/", "nul", "N/A ", "na", "0.0000,0.0000", "90.0000,180.0000",
               "90.0001,10.0000", "a@b.c", "A@B.COM", "a..b@c.com", ".a@b.com", "a.@b.com",
               "a@b..com", "a@-b.com", "a@b.c0m", "255.255.255.255", "256.1.1.1", "01.2.3.4",
               "110101180001010000", "11010119491231002X", "110101491231002", "１３８１２３４５６７８"]
    check(detector_id, values)


def test_sliced_and_chunked_columns():
    rng = random.Random(5)
    ids = [gen.rid(rng) for _ in range(200)] + [None, "x"] * 20
    series = pl.Series("c", ids, dtype=pl.Utf8)
    chunked = pl.concat([series[:100], series[100:]], rechunk=False)
    for values in (series.slice(37, 150), chunked):
        ours = validate_column(BY_ID["cn_resident_id"], True, values)
        assert ours.to_list() == reference("cn_resident_id", True, values).to_list()


_ALPHABETS = {
    "cn_resident_id": "0123456789Xx ",
    "cn_mobile": "0123456789+- ()",
    "bank_card": "0123456789 -",
    "ipv4": "0123456789.",
    "email": "abcAB0._%+-@ .",
    "gps": "0123456789.,- ",
    "cn_person_name": "王李欧阳司马明伟天·\u3000 a㐀",
    "cn_address": "北市区省县路街道大胡同小号1a-,，  ·\n㐀䷿一鿯鿰\u9fff𠀀#",
    "cn_plate": "京粤挂学ADFIO019 -·a㐀\u3000",
}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["", " ", "N/A", "na", "None", "NULL", "—",
                                                      "\\n", "--", "-", "/", "x", "nulls"]),
                          st.text("nul/ -—NA\\", max_size=6)), min_size=1, max_size=30))
def test_present_mask_matches_non_empty(values):
    from chujing.scan.fast import present_mask
    from chujing.scan.normalise import non_empty

    series = pl.Series("c", values, dtype=pl.Utf8)
    assert present_mask(series).tolist() == non_empty(series).to_list()


@pytest.mark.parametrize("detector_id", FAST)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_random_strings_agree(detector_id, data):
    alphabet = _ALPHABETS[detector_id]
    values = data.draw(st.lists(st.one_of(st.none(), st.text(alphabet, max_size=24)),
                                min_size=1, max_size=40))
    check(detector_id, values)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(
    st.sampled_from("1aＡ１＠－\u3000 中文\uff5e\uff5f\uff00\u3001"), max_size=20)), min_size=1,
    max_size=30))
def test_fold_width_kernel_matches_replace_many(values):
    from chujing.scan.normalise import _FULL, _HALF

    series = pl.Series("c", values, dtype=pl.Utf8)
    assert fold_width(series).to_list() == series.str.replace_many(_FULL, _HALF).to_list()
    assert series.to_list() == values  # the input is left as it was


def _shuffled(rng: random.Random, alphabet: str, seeds: list[str], count: int) -> list[str]:
    """Near misses of genuine values: a character dropped, doubled, replaced or swapped."""
    out = []
    for _ in range(count):
        value = list(rng.choice(seeds))
        for _ in range(rng.randint(0, 2)):
            at = rng.randrange(len(value) + 1)
            op = rng.randrange(4)
            if op == 0 and at < len(value):
                del value[at]
            elif op == 1:
                value.insert(at, rng.choice(alphabet))
            elif op == 2 and at < len(value):
                value[at] = rng.choice(alphabet)
            elif at + 1 < len(value):
                value[at], value[at + 1] = value[at + 1], value[at]
        out.append("".join(value))
    return out


@pytest.mark.parametrize("detector_id", ["email", "gps", "cn_plate", "ipv4", "cn_resident_id",
                                         "cn_address", "bank_card"])
def test_one_pass_kernels_on_near_misses(detector_id):
    """The one-pass e-mail, GPS, plate and address checks (byte classes, feature tables) and the
    word-at-a-time ID and card checks on thousands of values one or two edits from genuine
    ones (bytes next to the digits: / : and non-ASCII), against the Polars validators."""
    rng = random.Random(6)
    genuine = _genuine(rng)[detector_id]
    extra = {"email": "@.-_%+aZ9 ", "gps": "-.,0912 (", "cn_plate": "DFIO0A9挂京 -",
             "ipv4": ".0123456789a", "cn_resident_id": "0123456789Xx:/?@\x7fÿ", "bank_card": "0123456789:/ -ÿ",
             "cn_address": "省市区路道号胡同小1a-#, \t，䷿一鿯鿰\u9fff𠀀"}[detector_id]
    check(detector_id, genuine + _shuffled(rng, extra, genuine, 4000))


def test_not_null_and_unknown_prefixes():
    from chujing.scan.detectors.phone import unknown_prefix
    from chujing.scan.fast import not_null, unknown_prefixes

    rng = random.Random(7)
    values = [rng.choice([None, gen.mobile(rng), "19912345678", "10012345678", "1", ""])
              for _ in range(3000)]
    series = pl.Series("c", values, dtype=pl.Utf8)
    for part in (series, series.slice(5, 2001), pl.concat([series[:7], series[7:]],
                                                          rechunk=False)):
        assert not_null(part).tolist() == part.is_not_null().to_list()
        assert unknown_prefixes(part) == int(unknown_prefix(part).sum())
    assert not_null(pl.Series("c", [None, None], dtype=pl.Utf8)).tolist() == [False, False]
    assert not_null(pl.Series("c", ["a"], dtype=pl.Utf8)).tolist() == [True]


def test_slice_at_least_matches_polars():
    from chujing.scan.fast import slice_at_least

    rng = random.Random(8)
    values = [rng.choice([None, gen.rid(rng), gen.rid(rng)[:rng.randrange(18)], "", "王伟2010",
                          "1101012011", "110101201101019999", "110101王伟20110101123"])
              for _ in range(3000)]
    for threshold in ("20111125", "20110101", "2011", "19000101"):
        for part in (pl.Series("c", values, dtype=pl.Utf8),
                     pl.Series("c", values, dtype=pl.Utf8).slice(3, 2500)):
            ref = (part.str.slice(6, len(threshold)) >= threshold).fill_null(False).to_list()
            assert slice_at_least(part, 6, threshold).tolist() == ref


def test_point_hashes_are_the_first_lane():
    from chujing.scan.persons import _POINT_SEED, hash_strings

    from .test_person_kernels import stored_point_hashes

    rng = random.Random(9)
    values = [rng.choice([None, "", "39.9", f"{rng.uniform(-90, 90):.6f},{rng.uniform(-180, 180):.6f}",
                          "x" * rng.randrange(40)]) for _ in range(2000)]
    for part in (pl.Series("c", values, dtype=pl.Utf8), pl.Series("c", values).slice(9, 1500)):
        first_lane = hash_strings(part, _POINT_SEED)[0].tolist()
        assert stored_point_hashes(part) == [None if v is None else h
                                             for v, h in zip(part.to_list(), first_lane, strict=True)]


def test_kernels_count_no_references():
    """Every kernel is compiled without numba's reference counting: with it, each inlined cell
    check counted references to its arrays (an atomic add and a call a cell), which cost more
    than some of the checks themselves."""
    import numba

    from chujing.scan.fast import (
        kernels,
        keys,
        text_address,
        text_fold,
        text_kernels,
        text_keywords,
        text_names,
    )

    found = 0
    for module in (kernels, keys, text_address, text_fold, text_kernels, text_keywords,
                   text_names):
        for name, obj in vars(module).items():
            if isinstance(obj, numba.core.registry.CPUDispatcher):
                found += 1
                assert obj.targetoptions.get("_nrt") is False, f"{module.__name__}.{name}"
    assert found > 40
