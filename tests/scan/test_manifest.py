"""The manifest: hashes and counts only, readable back, corrupt files refused."""

from __future__ import annotations

import json
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chujing.errors import InputError
from chujing.personkey import key_fingerprint, person_hash
from chujing.scan import scan_paths
from chujing.scan.manifest import METADATA_KEY, read_manifest, write_manifest

KEY = bytes(range(32))


@pytest.fixture
def scanned(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "姓名,身份证号,手机,诊断\n"
        "张伟,11010519491231002X,13812345678,高血压\n"
        "李娜,,13912345678,\n"
        "王芳,,13912345678,\n",
        encoding="utf-8")
    return path, scan_paths([path], as_of=date(2025, 10, 31), key=KEY)


def test_round_trip(tmp_path, scanned):
    source, result = scanned
    out = write_manifest(tmp_path / "m.parquet", result, KEY)
    manifest = read_manifest(out)
    assert manifest.as_of == date(2025, 10, 31)
    assert manifest.profile == "gbt-35273-2020"
    assert manifest.key_fingerprint == key_fingerprint(KEY)
    assert manifest.rows == 3
    assert manifest.subjects == 2
    assert manifest.sensitive_subjects == 1
    assert manifest.minors_under_14 == 0
    assert manifest.categories["phone"] == 2
    assert set(manifest.sensitive_categories) == {"id_number", "medical_health"}
    keys = list(manifest.person_keys())
    assert person_hash(KEY, "rid:11010519491231002X") in keys
    assert person_hash(KEY, "phone:13912345678") in keys
    assert list(manifest.sensitive_person_keys()) == [person_hash(KEY, "rid:11010519491231002X")]
    assert list(manifest.keys_by_category("medical_health")) == list(
        manifest.sensitive_person_keys())
    assert list(manifest.keys_by_category("nonexistent")) == []


def test_no_raw_identifier_in_the_file(tmp_path, scanned):
    _, result = scanned
    data = write_manifest(tmp_path / "m.parquet", result, KEY).read_bytes()
    for raw in ("11010519491231002X", "13812345678", "13912345678", "张伟"):
        assert raw.encode() not in data


def test_same_key_same_hashes(tmp_path, scanned):
    _, result = scanned
    a = read_manifest(write_manifest(tmp_path / "a.parquet", result, KEY))
    b = read_manifest(write_manifest(tmp_path / "b.parquet", result, KEY))
    c = read_manifest(write_manifest(tmp_path / "c.parquet", result, b"x" * 32))
    assert list(a.person_keys()) == list(b.person_keys())
    assert set(a.person_keys()).isdisjoint(set(c.person_keys()))


def _rewrite(path, out, mutate_summary=None, table=None):
    original = pq.read_table(path)
    summary = json.loads(original.schema.metadata[METADATA_KEY])
    if mutate_summary:
        mutate_summary(summary)
    table = table if table is not None else original
    pq.write_table(table.replace_schema_metadata({METADATA_KEY: json.dumps(summary)}), out)
    return out


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s.update(subjects=99), "subject count"),
        (lambda s: s.update(sensitive_subjects=0), "sensitive persons"),
        (lambda s: s.pop("key_fingerprint"), "incomplete"),
        (lambda s: s.update(format="other"), "not a chujing scan manifest"),
        (lambda s: s.update(version=2), "unsupported manifest version"),
        (lambda s: s.update(as_of="yesterday"), "bad date"),
    ],
)
def test_tampered_summary_refused(tmp_path, scanned, mutate, message):
    _, result = scanned
    good = write_manifest(tmp_path / "m.parquet", result, KEY)
    bad = _rewrite(good, tmp_path / "bad.parquet", mutate)
    with pytest.raises(InputError, match=message) as exc:
        read_manifest(bad)
    assert exc.value.file == str(bad)


def test_not_a_manifest(tmp_path):
    plain = tmp_path / "plain.parquet"
    pq.write_table(pa.table({"a": [1]}), plain)
    with pytest.raises(InputError, match="no chujing.manifest"):
        read_manifest(plain)
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"garbage")
    with pytest.raises(InputError, match="unreadable"):
        read_manifest(junk)
    with pytest.raises(InputError, match="not found"):
        read_manifest(tmp_path / "missing.parquet")
