"""PersonTable (128-bit key hashes in numpy) against the reference text-key bookkeeping.

The same scan runs twice, once with each; persons, their flags, the unkeyed count, the counts
and the manifest's hashes must be equal. Small batches make persons recur across batches.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chujing.scan import scan_paths
from chujing.scan import scanner as scanner_module
from chujing.scan.manifest import read_manifest, write_manifest
from chujing.scan.persons import KeyCandidate, PersonTable

from . import gen
from .reference_persons import ReferencePersons

KEY = b"p" * 32
FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def _dataset(path: Path, rows: int = 2000) -> Path:
    rng = random.Random(7)
    people = []
    for i in range(rows // 4):
        born = date(2013 + i % 3, 1 + i % 12, 1) if i % 9 == 0 else None
        people.append({"rid": gen.rid(rng, born=born), "phone": gen.mobile(rng),
                       "email": f"u{i}@example.com", "name": rng.choice("王李张刘陈") + "伟",
                       "addr": f"北京市朝阳区建国路{i % 50}号"})
    out = {c: [] for c in ("姓名", "身份证号", "手机", "邮箱", "地址", "位置", "诊断", "备注")}
    for _ in range(rows):
        p = rng.choice(people)
        trap = rng.random()
        rid = p["rid"] if trap > 0.3 else rng.choice(["", gen.rid_bad_check(rng),
                                                       p["rid"].lower(), p["rid"][:6] + "*" * 8
                                                       + p["rid"][14:]])
        phone = p["phone"] if trap > 0.2 else rng.choice(
            ["", "+86 " + p["phone"], p["phone"].translate(FULL), p["phone"][:3] + "****"
             + p["phone"][7:], "1234"])
        email = p["email"] if rng.random() > 0.5 else ""
        lat, lon = 30 + rng.randrange(4) / 1000, 120 + rng.randrange(3) / 1000
        where = f"{lat:.4f},{lon:.4f}" if rng.random() > 0.3 else rng.choice(["", "1.2,3"])
        note = rng.choice(["", "客户来电，手机" + gen.mobile(rng), "核验身份证" + gen.rid(rng),
                           "轨迹 31.2304,121.4737 到 31.2400,121.4800", "手机138****5678",
                           "邮箱 x" + str(rng.randrange(50)) + "@example.org"])
        values = [p["name"] if rng.random() > 0.1 else "",
                  rid, phone, email, p["addr"] if rng.random() > 0.1 else "", where,
                  "高血压" if rng.random() < 0.05 else "", note]
        for column, value in zip(out, values, strict=True):
            out[column].append(value)
    pl.DataFrame(out).write_csv(path)
    return path


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _dataset(tmp_path_factory.mktemp("persons") / "people.csv")


def _both(monkeypatch: pytest.MonkeyPatch, paths: list[Path], **options):
    new = scan_paths(paths, as_of=date(2025, 11, 1), batch_rows=257, **options)
    with monkeypatch.context() as m:
        m.setattr(scanner_module, "PersonTable", ReferencePersons)
        old = scan_paths(paths, as_of=date(2025, 11, 1), batch_rows=257, **options)
    return new, old


def _same(new, old, tmp_path: Path) -> None:
    assert new.raw.persons.sort("key").equals(old.raw.persons.sort("key"))
    assert new.raw.unkeyed_rows_with_pi == old.raw.unkeyed_rows_with_pi
    assert (new.subjects, new.sensitive_subjects, new.minors_under_14, new.categories) == (
        old.subjects, old.sensitive_subjects, old.minors_under_14, old.categories)
    a = read_manifest(write_manifest(tmp_path / "new.parquet", new, KEY))
    b = read_manifest(write_manifest(tmp_path / "old.parquet", old, KEY))
    assert list(a.person_keys()) == list(b.person_keys())
    assert list(a.sensitive_person_keys()) == list(b.sensitive_person_keys())


def test_scan_equals_reference(dataset: Path, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    new, old = _both(monkeypatch, [dataset])
    assert new.subjects > 300 and new.minors_under_14 > 0
    assert new.categories.get("whereabouts_tracks", 0) > 0
    assert new.raw.unkeyed_rows_with_pi > 0
    _same(new, old, tmp_path)


def test_custom_key_equals_reference(dataset: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    new, old = _both(monkeypatch, [dataset], person_key=["姓名", "地址"])
    _same(new, old, tmp_path)


_text = st.text(alphabet="ab1|:长", max_size=6)  # keys of up to 12 bytes inline, longer not


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(st.none() | _text, st.none() | _text, st.none() | _text,
                                   st.integers(0, 7), st.none() | _text),
                         min_size=1, max_size=12), min_size=1, max_size=4))
def test_table_equals_reference(batches) -> None:
    """Random batches: a dense, a sparse and a pair candidate; flags; one point per row."""
    tables = (PersonTable(), ReferencePersons())
    for batch in batches:
        dense = pl.Series([r[0] for r in batch], dtype=pl.Utf8)
        sparse_rows = np.array([i for i, r in enumerate(batch) if r[1] is not None])
        sparse = pl.Series([batch[i][1] for i in sparse_rows], dtype=pl.Utf8)
        second = pl.Series([r[2] for r in batch], dtype=pl.Utf8)
        flags = np.array([r[3] for r in batch], dtype=np.uint32)
        point_rows = np.array([i for i, r in enumerate(batch) if r[4] is not None])
        points = [(point_rows, pl.Series([batch[i][4] for i in point_rows], dtype=pl.Utf8))]
        for table in tables:
            candidates = [KeyCandidate("a:", dense)]
            if sparse_rows.size:
                candidates.append(KeyCandidate("a:", sparse, rows=sparse_rows))
            candidates.append(KeyCandidate("p:", dense, second=second))
            table.add(candidates, flags, points if point_rows.size else [])
    new, old = (t.result().sort("key") for t in tables)
    assert new.equals(old)
    assert tables[0].unkeyed_rows_with_pi == tables[1].unkeyed_rows_with_pi


@pytest.mark.parametrize("chunk_bytes", [None, "group", 1])
def test_parquet_batches_cut_from_chunks_equal_csv(dataset: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   chunk_bytes: int | None) -> None:
    """Parquet is decoded in chunks of row groups (or batch-sized slices of a large one) and
    cut into zero-copy batches whose views point into the chunk's buffers at odd offsets: the scan
    must equal the CSV scan of the same values."""
    from chujing.scan import readers

    parquet = tmp_path / "people.parquet"
    pl.read_csv(dataset, infer_schema=False).write_parquet(parquet, row_group_size=700)
    if chunk_bytes == "group":  # each row group alone
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(parquet).metadata
        chunk_bytes = max(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if chunk_bytes is not None:  # None: all groups in one chunk; 1: batch-sized slices
        monkeypatch.setattr(readers, "PARQUET_CHUNK_BYTES", chunk_bytes)
    got = scan_paths([parquet], as_of=date(2025, 11, 1), batch_rows=257)
    want = scan_paths([dataset], as_of=date(2025, 11, 1), batch_rows=257)
    assert got.raw.persons.sort("key").equals(want.raw.persons.sort("key"))
    assert (got.subjects, got.sensitive_subjects, got.categories) == (
        want.subjects, want.sensitive_subjects, want.categories)
    stats = [{k: v for k, v in s.to_json().items() if k != "file"}
             for s in got.raw.column_stats]
    assert stats == [{k: v for k, v in s.to_json().items() if k != "file"}
                     for s in want.raw.column_stats]
