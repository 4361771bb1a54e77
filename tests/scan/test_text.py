"""Free-text detection: identifiers inside Chinese sentences, with the traps of issue 4."""

from __future__ import annotations

import polars as pl
import pytest

from chujing.scan.normalise import fold_width
from chujing.scan.text import Findings, detect_in_text


def found(text: str) -> set[tuple[str, str]]:
    texts = fold_width(pl.Series([text], dtype=pl.Utf8))
    out = detect_in_text(pl.Series([0], dtype=pl.UInt32), texts)
    return {(d, v) for d, v in zip(out["detector"], out["value"], strict=True)}


CASES = [
    ("手机13812345678联系", {("cn_mobile", "13812345678")}),
    ("请拨打138-1234-5678或+86 139 1234 5678", {("cn_mobile", "13812345678"),
                                             ("cn_mobile", "13912345678")}),
    ("电话：１３８１２３４５６７８", {("cn_mobile", "13812345678")}),  # full-width digits
    ("身份证11010519491231002X已核验", {("cn_resident_id", "11010519491231002X")}),
    ("身份证１１０１０５１９４９１２３１００２Ｘ", {("cn_resident_id", "11010519491231002X")}),
    ("卡号6222021234567890128", {("bank_card", "6222021234567890128"),
                               ("keyword:financial_account", "卡号")}),
    ("邮箱zhang.wei@example.com。", {("email", "zhang.wei@example.com")}),
    ("护照号码：E12345678", {("travel_document", "E12345678")}),
    ("IMEI:356938035643809", {("imei", "356938035643809")}),
    ("车牌京A12345违停", {("cn_plate", "京A12345")}),
    ("登录IP 10.2.3.4", {("ipv4", "10.2.3.4")}),
    ("患者张伟，男", {("cn_person_name", "张伟")}),
    ("王小明先生来电", {("cn_person_name", "王小明")}),
    ("确诊糖尿病", {("keyword:medical_health", "确诊"), ("keyword:medical_health", "糖尿病")}),
]

TRAPS = [
    "订单号202401011234567890",  # 20-digit order number
    "订单号110105194912310021",  # ID-shaped, wrong check digit
    "单号91381234567800",  # a phone number inside a longer number
    "9138 1234 5678",  # phone shape after a leading digit
    "手机138****5678",  # masked
    "身份证110105********1234",  # masked
    "卡号 6222021234567890129",  # Luhn fails (the keyword still counts)
    "编号1234567890123452",  # Luhn passes, no issuer prefix
    "订单E12345678",  # passport shape without context
    "版本1.2.3",  # not an IP
    "时间12:30:45",  # not IPv6
    "高血糖指标",  # surname-initial word without a cue is not a name
    "明天上午开会",
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_found_in_text(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", TRAPS)
def test_traps_yield_no_identifier(text):
    identifiers = {(d, v) for d, v in found(text) if not d.startswith("keyword:")}
    assert identifiers == set()


def test_rid_wins_over_card_for_gansu_ids():
    # Gansu IDs start with 62 like UnionPay cards; a valid ID is an ID.
    from stdnum import luhn
    from stdnum.cn import ric

    for seq in range(1000):
        body = f"62010219800101{seq:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number[-1] != "X" and luhn.is_valid(number):
            assert found(f"证件{number}") == {("cn_resident_id", number)}
            break
    else:  # pragma: no cover
        pytest.skip("no Luhn-valid Gansu ID in range")


def test_two_names_without_a_cue_are_both_found():
    assert found("刘桂英和刘超一起参加了培训。") == {("cn_person_name", "刘桂英"),
                                                ("cn_person_name", "刘超")}
    assert found("会上，王伟与李娜都同意了。") == {("cn_person_name", "王伟"),
                                               ("cn_person_name", "李娜")}


@pytest.mark.parametrize("text", [
    "高血压和糖尿病患者需定期复查。", "王府井和西单一带交通拥堵。", "张家口和承德都下雪了。",
    "黄金和白银都涨了。", "周一和周二都休息。", "宋朝和明朝都很繁荣。", "白天和黑夜一样热。",
    "安全和健康是第一位的。", "文化和旅游部发布通知。", "杨梅和荔枝都熟了。", "温度和湿度都正常。",
    "他和刘超一起参加了培训。",  # one name is not a pair: no cue, not counted
])
def test_joined_words_are_not_names(text):
    assert not {f for f in found(text) if f[0] == "cn_person_name"}


def _reference_text_column(scanner, batch, file, plan, found) -> None:
    """The scanner's bookkeeping of free-text findings as it was in Polars (before numpy)."""
    from chujing.scan import scanner as sm
    from chujing.scan.detectors import BY_ID
    from chujing.scan.text import KEYWORD_DETECTOR

    found = found.with_columns(
        category=pl.when(pl.col("detector").str.starts_with(KEYWORD_DETECTOR + ":"))
        .then(pl.col("detector").str.slice(len(KEYWORD_DETECTOR) + 1))
        .otherwise(pl.col("detector").replace_strict(
            {d: BY_ID[d].category for d in BY_ID}, default=None)))
    # Detectors in order of their first finding by row, samples the first by row (a stable
    # sort: findings in one row keep their order).
    by_row = found.sort("row", maintain_order=True)
    for (detector,), group in by_row.group_by("detector", maintain_order=True):
        stats = scanner.stats.get(file, plan, str(detector), free_text=True)
        stats.matches += group["row"].n_unique()
        scanner.stats.add_samples(stats, group["value"])
    bits = found["category"].replace_strict(sm.BIT, default=0, return_dtype=pl.UInt32)
    batch.scatter_flags(found["row"], bits)
    rid = found.filter(pl.col("detector") == "cn_resident_id")
    if rid.height:
        minor = (rid["value"].str.slice(6, 8) >= scanner.minor_threshold).cast(pl.UInt32)
        batch.scatter_flags(rid["row"], minor * sm.BIT["minor_under_14"] + sm._RID_DERIVED)
    batch.organisations += found.filter(pl.col("detector") == "uscc").height
    gps = found.filter(pl.col("detector") == "gps")
    if gps.height:
        per_row = gps.group_by("row").len().filter(pl.col("len") >= 2)
        if per_row.height:
            batch.scatter_flags(per_row["row"], pl.repeat(
                sm.BIT["whereabouts_tracks"], per_row.height, dtype=pl.UInt32, eager=True))
        batch.points.append((gps["row"].to_numpy(), gps["value"]))
    for det_id, key_type in (("cn_resident_id", "rid"), ("travel_document", "travel_document"),
                             ("cn_mobile", "phone"), ("email", "email")):
        sub = found.filter(pl.col("detector") == det_id)
        if sub.height:
            batch.scatter_key(sm.KEY_RANKS[key_type], sub["row"], sub["value"], key_type + ":")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_findings_bookkeeping_matches_the_polars_reference(seed):
    import random
    from datetime import date

    import numpy as np

    from chujing.scan import scanner as sm
    from chujing.scan.columns import ColumnPlan

    rng = random.Random(seed)
    height = 400
    values_of = {
        "cn_resident_id": lambda: f"110105{rng.choice(['1949', '2015', '2020'])}0101{rng.randint(1000, 9999)}",
        "cn_mobile": lambda: rng.choice(["138", "199", "100"]) + f"{rng.randint(0, 99999999):08d}",
        "email": lambda: f"u{rng.randint(0, 50)}@example.com",
        "travel_document": lambda: f"E{rng.randint(0, 99999999):08d}",
        "gps": lambda: f"31.{rng.randint(0, 9999)},121.{rng.randint(0, 9999)}",
        "uscc": lambda: "91350100M000100Y43",
        "cn_person_name": lambda: rng.choice(["张伟", "王小明", "刘桂英"]),
        "bank_card": lambda: "6222021234567890128",
        "keyword:medical_health": lambda: "确诊",
        "keyword:financial_account": lambda: "卡号",
        "cn_address": lambda: "北京市朝阳区建国路1号",
    }
    detectors = list(values_of)
    rows, dets, values = [], [], []
    for _ in range(rng.randint(1, 900)):
        det = rng.choice(detectors[: rng.randint(1, len(detectors))])
        rows.append(rng.randrange(height))
        dets.append(det)
        values.append(values_of[det]())
    found = pl.DataFrame({"row": rows, "detector": dets, "value": values},
                         schema={"row": pl.UInt32, "detector": pl.Utf8, "value": pl.Utf8})
    plan = ColumnPlan(column="note", role="text")
    results = []
    for run in ("numpy", "reference"):
        scanner = sm.Scanner(sm.ScanOptions(as_of=date(2025, 11, 1)))
        batch = sm._Batch(height)
        for _ in range(2):  # a second batch: samples already taken, mobile prefixes still counted
            if run == "numpy":
                scanner._text_column(batch, "f.csv", plan, found["value"],
                                     pl.Series([True] * height), Findings.of(found))
            else:
                _reference_text_column(scanner, batch, "f.csv", plan, found)
        keys = [(rank, k.prefix, k.values.to_list(), k.rows.tolist())
                for rank in sorted(batch.keys) for k in batch.keys[rank]]
        points = [(r.tolist(), v.to_list()) for r, v in batch.points]
        stats = [vars(s) for s in scanner.stats.by_key.values()]
        results.append((batch.flags.tolist(), keys, points, batch.organisations, stats))
    assert results[0] == results[1]
    assert np.any(np.array(results[0][0]) != 0)
