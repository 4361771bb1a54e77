"""End-to-end scans of small files: persons, categories, minors, profiles, formats."""

from __future__ import annotations

import csv
import json
import random
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from chujing.scan import scan_paths
from chujing.scan.persons import minor_birth_threshold

from . import gen

KEY = b"k" * 32


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture
def people(tmp_path: Path) -> Path:
    rng = random.Random(11)
    adult = gen.rid(rng, born=date(1980, 5, 1))
    child = gen.rid(rng, born=date(2015, 6, 1))
    rows = [
        ["姓名", "身份证号", "手机", "邮箱", "诊断", "备注"],
        ["张伟", adult, "13812345678", "zw@example.com", "", ""],
        ["张伟", adult, "13812345678", "", "高血压", ""],  # same person, health in 2nd row
        ["李娜", child, "", "", "", ""],  # a minor
        ["王芳", "", "139-1234-5678", "", "", ""],  # keyed by phone
        ["赵敏", "", "", "zm@example.com", "", ""],  # keyed by e-mail
        ["", "", "", "", "", "联系手机15012345678"],  # phone only in free text
        ["", "", "", "", "", "无"],
    ]
    return write_csv(tmp_path / "people.csv", rows)


def test_counts_people_not_rows(people):
    result = scan_paths([people], as_of=date(2025, 11, 1))
    assert result.rows == 7
    assert result.subjects == 5
    assert result.minors_under_14 == 1
    # Under GB/T 45574-2025 the ID number is not sensitive as such: the adult (health) and the
    # child (under 14) are the sensitive subjects.
    assert result.sensitive_subjects == 2
    assert result.categories["medical_health"] == 1
    assert result.categories["id_number"] == 2
    assert result.categories["phone"] == 3


def test_profile_switch_on_2025_11_01(people):
    before = scan_paths([people], as_of=date(2025, 10, 31))
    after = scan_paths([people], as_of=date(2025, 11, 1))
    assert before.profile.id == "gbt-35273-2020"
    assert after.profile.id == "gbt-45574-2025"
    assert before.sensitive_subjects == 2  # both ID holders (the ID number is sensitive)
    assert "id_number" in before.sensitive_categories
    assert "id_number" not in after.sensitive_categories
    forced = scan_paths([people], as_of=date(2026, 1, 1), profile="gbt-35273-2020")
    assert forced.profile.id == "gbt-35273-2020"


def test_json_has_the_contract_fields_and_no_raw_identifiers(people):
    result = scan_paths([people], as_of=date(2025, 11, 1), key=KEY)
    text = result.to_json()
    doc = json.loads(text)
    for field in ("rows", "subjects", "sensitive_subjects", "minors_under_14", "profile",
                  "columns", "categories"):
        assert field in doc
    assert doc["categories"]["medical_health"]["sensitive"] is True
    id_column = next(c for c in doc["columns"] if c["detector"] == "cn_resident_id")
    assert id_column["match_rate"] == 1.0
    assert all("*" in s for s in id_column["samples"])
    raw = pl.read_csv(people, infer_schema=False)
    for column in ("身份证号", "手机", "邮箱"):
        for value in raw[column].drop_nulls():
            assert value not in text


@pytest.mark.parametrize(
    ("as_of", "born", "minor"),
    [
        (date(2025, 6, 1), date(2011, 6, 2), True),
        (date(2025, 6, 1), date(2011, 6, 1), True),  # 14th birthday: under 14 until it ends
        (date(2025, 6, 1), date(2011, 5, 31), False),
        (date(2026, 3, 1), date(2012, 2, 29), True),  # leap-day birthday falls on 1 March
        (date(2026, 3, 2), date(2012, 2, 29), False),
    ],
)
def test_minor_threshold(as_of, born, minor):
    assert (born.strftime("%Y%m%d") >= minor_birth_threshold(as_of)) is minor


def test_person_key_override(people):
    result = scan_paths([people], as_of=date(2025, 11, 1), person_key=["姓名"])
    # four distinct names; the row with a phone in free text but no name is not tied to anyone.
    assert result.subjects == 4
    assert result.raw.unkeyed_rows_with_pi == 1


def test_legacy_and_new_id_are_one_person(tmp_path):
    path = write_csv(tmp_path / "ids.csv", [["身份证"], ["130503670401001"],
                                           ["130503196704010016"]])
    assert scan_paths([path], as_of=date(2025, 1, 1)).subjects == 1


def test_gbk_csv_detected(tmp_path):
    path = write_csv(tmp_path / "gbk.csv", [["姓名", "手机"], ["张伟", "13812345678"]],
                     encoding="gbk")
    result = scan_paths([path], as_of=date(2025, 1, 1))
    assert result.subjects == 1
    assert result.files[0].encoding == "gb18030"


def test_parquet_jsonl_excel_and_directories(tmp_path):
    frame = pl.DataFrame({"mobile": ["13812345678", "13912345678"],
                          "id_no": [None, "11010519491231002X"]})
    frame.write_parquet(tmp_path / "a.parquet")
    (tmp_path / "b.jsonl").write_text(
        '{"phone": 13712345678, "note": "患者李雷，确诊肺炎"}\n{"phone": "13812345678"}\n',
        encoding="utf-8")
    _write_xlsx(tmp_path / "c.xlsx", [["mobile", "id_no"], ["13812345678", None]])
    (tmp_path / "readme.md").write_text("not data", encoding="utf-8")
    result = scan_paths([tmp_path], as_of=date(2025, 1, 1))
    assert {f.format for f in result.files} == {"parquet", "jsonl", "xlsx"}
    # 138 and the ID holder (who also has 139) and 137 from JSONL
    assert result.subjects == 3
    assert result.categories["medical_health"] == 1
    assert any("readme.md" in w for w in result.raw.warnings)


def test_integer_typed_parquet_column_is_read_as_text(tmp_path):
    pl.DataFrame({"phone": [13812345678, 13912345678]}).write_parquet(tmp_path / "i.parquet")
    assert scan_paths([tmp_path / "i.parquet"], as_of=date(2025, 1, 1)).subjects == 2


def test_track_from_points_of_one_person(tmp_path):
    rows = [["手机", "坐标"]] + [["13812345678", f"39.90{i}000,116.40{i}000"] for i in range(3)]
    rows += [["13912345678", "39.904200,116.407400"]]
    result = scan_paths([write_csv(tmp_path / "gps.csv", rows)], as_of=date(2025, 11, 1))
    assert result.categories["precise_location"] == 2
    assert result.categories["whereabouts_tracks"] == 1
    assert result.sensitive_subjects == 2  # precise location is sensitive under 45574 too


def test_signal_columns_and_age(tmp_path):
    rows = [["手机", "宗教信仰", "年龄"], ["13812345678", "佛教", "30"],
            ["13912345678", "", "9"]]
    result = scan_paths([write_csv(tmp_path / "s.csv", rows)], as_of=date(2025, 11, 1))
    assert result.categories["religious_belief"] == 1
    assert result.minors_under_14 == 1
    assert result.sensitive_subjects == 2


def test_uscc_not_counted_as_person(tmp_path):
    rng = random.Random(3)
    rows = [["统一社会信用代码"]] + [[gen.uscc_code(rng)] for _ in range(5)]
    result = scan_paths([write_csv(tmp_path / "org.csv", rows)], as_of=date(2025, 1, 1))
    assert result.subjects == 0
    assert result.raw.organisations == 5


def test_batches_do_not_change_counts(tmp_path):
    rng = random.Random(5)
    phones = [gen.mobile(rng) for _ in range(300)]
    rows = [["手机", "备注"]] + [[p, "患者" if i % 7 == 0 else ""] for i, p in
                                enumerate(phones * 3)]
    path = write_csv(tmp_path / "many.csv", rows)
    whole = scan_paths([path], as_of=date(2025, 1, 1))
    small = scan_paths([path], as_of=date(2025, 1, 1), batch_rows=50)
    assert whole.subjects == small.subjects == len(set(phones))
    assert whole.to_dict()["categories"] == small.to_dict()["categories"]


def _write_xlsx(path: Path, rows: list[list[str | None]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
