"""Ledger fixtures: every store test runs on SQLite and on PostgreSQL.

PostgreSQL comes from CHUJING_TEST_PG_URL (e.g. postgresql://chujing:chujing@127.0.0.1:5432/chujing);
each test gets its own schema, dropped afterwards. Locally an unreachable server skips those
tests with the reason; in CI (CI=true) it fails them: CI must test both.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import date
from pathlib import Path

import pytest

from chujing.personkey import key_fingerprint

KEY = bytes(range(32))
KEY_HEX = KEY.hex()
FP = key_fingerprint(KEY)
PG_ENV = "CHUJING_TEST_PG_URL"


def _pg_url_or_skip() -> str:
    url = os.environ.get(PG_ENV)
    in_ci = os.environ.get("CI", "").lower() == "true"
    if not url:
        msg = f"{PG_ENV} is not set: PostgreSQL ledger tests not run"
        if in_ci:
            pytest.fail(msg + " (CI must run them)")
        pytest.skip(msg)
    import psycopg

    try:
        psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=5).close()
    except psycopg.Error as exc:
        msg = f"PostgreSQL at {PG_ENV} unreachable: {str(exc).strip().splitlines()[0]}"
        if in_ci:
            pytest.fail(msg + " (CI must run them)")
        pytest.skip(msg)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "ledger.sqlite")
        return
    import psycopg

    base = _pg_url_or_skip().replace("postgresql+psycopg://", "postgresql://")
    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(base, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(base, autocommit=True) as con:
        con.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def ledger(ledger_url):
    from chujing.ledger import open_ledger

    led = open_ledger(ledger_url, fingerprint=FP)
    yield led
    led.close()


@pytest.fixture
def key_env(monkeypatch, tmp_path):
    monkeypatch.setenv("CHUJING_KEY", KEY_HEX)
    monkeypatch.setenv("CHUJING_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CHUJING_LEDGER", raising=False)
    return KEY_HEX


def pk(i: int) -> bytes:
    """A person key for person number i (tests need no real identifiers)."""
    return i.to_bytes(16, "big")


def keys(r) -> list[bytes]:
    return [pk(i) for i in r]


def record(led, tid: str, day: date, persons, sensitive=(), *, exempt=False,
           populations: dict[str, list[bytes]] | None = None, declared: tuple[int, int] | None = None):
    from chujing.ledger import TransferRecord

    persons, sensitive = list(persons), list(sensitive)
    ks = None if declared else {"pi": persons, "spi": sensitive, **(populations or {})}
    n, ns = declared or (len(persons), len(sensitive))
    rec = TransferRecord(
        id=tid, date=day, recipient_name="Example Inc.", recipient_country="US", route=None,
        exempt=exempt, grounds=["hr"] if exempt else [], exemption_rules=[],
        kinds=["personal_information"], persons=n, sensitive_persons=ns,
        populations={} if ks else {k: len(v) for k, v in (populations or {}).items()},
        facts={"t": tid}, decision={}, keys=ks)
    return led.record(rec)


def write_manifest(path: Path, key: bytes, persons: list[int], sensitive: set[int],
                   as_of: date = date(2025, 6, 1)) -> Path:
    """A scan manifest in the scanner's format, for persons numbered like `pk(i)`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from chujing.scan.manifest import FORMAT, METADATA_KEY, VERSION

    bits = ["contact", "health"]  # bit 0: contact, bit 1: health (sensitive)
    rows = sorted((pk(i), 0b11 if i in sensitive else 0b01) for i in persons)
    summary = {
        "format": FORMAT, "version": VERSION, "as_of": as_of.isoformat(), "profile": "test",
        "sensitive_categories_of_profile": ["health"], "key_fingerprint": key_fingerprint(key),
        "rows": len(rows), "subjects": len(rows),
        "sensitive_subjects": sum(1 for i in persons if i in sensitive), "minors_under_14": 0,
        "categories": {"contact": len(rows), "health": sum(1 for i in persons if i in sensitive)},
        "sensitive_categories": ["health"], "category_bits": bits, "unkeyed_rows_with_pi": 0,
        "files": [],
    }
    table = pa.table({"person_key": pa.array([r[0] for r in rows], type=pa.binary(16)),
                      "categories": pa.array([r[1] for r in rows], type=pa.uint32())})
    table = table.replace_schema_metadata({METADATA_KEY: json.dumps(summary)})
    pq.write_table(table, path)
    return path
