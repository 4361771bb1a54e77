"""Bad input: a clear error naming the file (and line), never a partial result, no raw values."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from chujing.errors import InputError, RulebookError
from chujing.scan import scan_paths

DAY = date(2025, 11, 1)


def scan(*paths: Path, **kw):
    return scan_paths(list(paths), as_of=DAY, **kw)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        scan(tmp_path / "nope.csv")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty") as exc:
        scan(path)
    assert exc.value.file == str(path)


def test_unsupported_type(tmp_path):
    path = tmp_path / "x.docx"
    path.write_bytes(b"PK")
    with pytest.raises(InputError, match="unsupported"):
        scan(path)


def test_ragged_rows_name_the_line_and_hide_the_row(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("姓名,手机\n张伟,13812345678\n李娜,13912345678,extra\n王芳,15012345678\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as exc:
        scan(path)
    assert exc.value.line == 3
    assert "13912345678" not in str(exc.value)
    result = scan(path, skip_bad_rows=True)
    assert result.subjects == 2
    assert result.files[0].skipped_rows == 1
    assert result.files[0].skipped_lines == [3]
    assert result.to_dict()["skipped_rows"] == 1


def test_short_row_is_also_ragged(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        scan(path)
    assert exc.value.line == 3


def test_bad_utf8_names_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes("手机\n13812345678\n".encode() + b"\xff\xfe\x00bad\n")
    with pytest.raises(InputError) as exc:
        scan(path, encoding="utf-8")
    assert exc.value.line == 3


def test_wrong_declared_encoding(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes("姓名\n张伟\n".encode("utf-16"))
    with pytest.raises(InputError):
        scan(path, encoding="gbk")
    with pytest.raises(InputError, match="unknown encoding"):
        scan(path, encoding="no-such-codec")


def test_corrupt_parquet(tmp_path):
    good = tmp_path / "good.parquet"
    pl.DataFrame({"phone": ["13812345678"] * 100}).write_parquet(good)
    data = good.read_bytes()
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="Parquet") as exc:
        scan(bad)
    assert exc.value.file == str(bad)


def test_bad_jsonl_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"phone": "13812345678"}\n{"phone": 1381\n[1,2]\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        scan(path)
    assert exc.value.line == 2
    result = scan(path, skip_bad_rows=True)
    assert result.files[0].skipped_rows == 2
    assert result.subjects == 1


def test_corrupt_excel(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="Excel"):
        scan(path)


def test_one_bad_file_fails_the_whole_scan(tmp_path):
    good = tmp_path / "a.csv"
    good.write_text("手机\n13812345678\n", encoding="utf-8")
    bad = tmp_path / "b.csv"
    bad.write_text("a,b\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError):
        scan(good, bad)


def test_unknown_profile_fails_before_reading(tmp_path):
    with pytest.raises(RulebookError):
        scan(tmp_path / "whatever.csv", profile="nope")


def test_unknown_person_key_column(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("手机\n13812345678\n", encoding="utf-8")
    with pytest.raises(InputError, match="--person-key"):
        scan(path, person_key=["nope"])


def test_header_only_file_warns(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("手机,姓名\n", encoding="utf-8")
    result = scan(path)
    assert result.rows == 0
    assert any("no data rows" in w for w in result.raw.warnings)
