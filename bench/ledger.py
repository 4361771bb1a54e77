"""Ledger speed: record 1M new person keys into a ledger holding N (20M), and `ledger status`.

    python bench/ledger.py                    # SQLite, 20M keys (built once into bench/data/)
    python bench/ledger.py --keys 2000000     # a quick run
    python bench/ledger.py --pg postgresql://chujing:chujing@127.0.0.1:5432/chujing

Targets (issue 5): recording 1M new keys into 20M ≤ 10 s on SQLite — every record, so three are
recorded in a row and the slowest is the figure; `ledger status` at 20M ≤ 1 s — as a cold
`chujing ledger status` process (three runs, the median is the figure).

The base ledger is built from random 16-byte keys in transfers of 1M persons (10% sensitive),
dated through 2025, and kept in bench/data/ (gitignored) for later runs; each run records into a
copy, so the base stays as built. For PostgreSQL the base is a database `<db>_bench_<N>` and the
copy is made with CREATE DATABASE … TEMPLATE.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
KEY_HEX = "00112233445566778899aabbccddeeff"  # the bench's person key (never a real one)
CHUNK = 1_000_000
SENSITIVE_SHARE = 10  # one person in ten has sensitive PI


def _keys(n: int, seed: int) -> bytes:
    """n random 16-byte person keys, concatenated (the same n and seed give the same keys)."""
    import random

    return random.Random(seed).randbytes(16 * n)


def _record(led, tid: str, day: date, keys: bytes):
    import numpy as np

    from chujing.ledger import TransferRecord

    sensitive = np.frombuffer(keys, dtype=np.dtype((np.void, 16)))[::SENSITIVE_SHARE].tobytes()
    rec = TransferRecord(
        id=tid, date=day, recipient_name="Bench Inc.", recipient_country="US",
        route="standard_contract_or_certification", exempt=False, grounds=[], exemption_rules=[],
        kinds=["personal_information", "sensitive_personal_information"], persons=len(keys) // 16,
        sensitive_persons=len(sensitive) // 16, populations={}, facts={"bench": True}, decision={},
        keys={"pi": keys, "spi": sensitive})
    return led.record(rec)


def build(url: str, n: int, log) -> None:
    """Record n random persons in transfers of up to 1M, dated one week apart from 2 Jan 2025."""
    from chujing.ledger import open_ledger

    with open_ledger(url) as led:
        done = {t["id"] for t in led.transfers()}
        day = date(2025, 1, 2)
        for i, start in enumerate(range(0, n, CHUNK)):
            tid = f"base-{i:03d}"
            size = min(CHUNK, n - start)
            if tid not in done:
                t0 = time.perf_counter()
                _record(led, tid, day, _keys(size, seed=i))
                log(f"  built {tid}: {start + size:>11,} keys, {time.perf_counter() - t0:6.2f} s")
            day += timedelta(days=7)


def measure(url: str, cli_url: str, n: int) -> dict:
    from chujing.ledger import integration, open_ledger
    from chujing.rulebook import default_rulebook

    book = default_rulebook()
    out: dict = {}
    with open_ledger(url) as led:
        # Every record must hold the target, not only the first: three in a row, each 1M new.
        each, cpu = [], []
        for i, day in enumerate((date(2025, 11, 3), date(2025, 11, 4), date(2025, 11, 5))):
            keys = _keys(CHUNK, seed=10_000 + n + i)  # new persons
            t0, c0 = time.perf_counter(), time.process_time()
            res = _record(led, f"bench-new-1M-{i}", day, keys)
            each.append(round(time.perf_counter() - t0, 3))
            cpu.append(round(time.process_time() - c0, 3))  # this process's CPU: steadier under load
            assert res.new_persons["personal_information"] == CHUNK, res
        out["record_1M_new_s"] = each
        out["record_1M_new_max_s"] = max(each)
        out["record_1M_new_cpu_s"] = cpu
        half = _keys(CHUNK // 2, seed=0) + _keys(CHUNK // 2, seed=20_000 + n)  # half already in
        t0 = time.perf_counter()
        res = _record(led, "bench-half-known-1M", date(2025, 11, 10), half)
        out["record_1M_half_known_s"] = time.perf_counter() - t0
        assert res.new_persons["personal_information"] == CHUNK // 2, res
        t0 = time.perf_counter()
        st = integration.status(led, book, date(2025, 12, 31))
        out["status_in_process_s"] = time.perf_counter() - t0
        out["persons_counted"] = st["counts"]["personal_information"]
        assert out["persons_counted"] == n + 3 * CHUNK + CHUNK // 2, st["counts"]
        t0 = time.perf_counter()
        led.void("bench-half-known-1M", "bench")
        out["void_1M_s"] = time.perf_counter() - t0
    if led.dialect == "sqlite":  # the CLI must not pay for checkpointing the writes above
        _checkpoint(Path(url))
    env = {**os.environ, "CHUJING_KEY": KEY_HEX}
    cli = [str(Path(sys.executable).parent / "chujing"), "ledger", "status", "--ledger", cli_url,
           "--year", "2025", "--format", "json"]
    runs = []
    for _ in range(3):  # each a new process: imports, rulebook, ledger opened from scratch
        t0 = time.perf_counter()
        proc = subprocess.run(cli, capture_output=True, text=True, env=env, check=False)
        runs.append(round(time.perf_counter() - t0, 3))
        if proc.returncode != 0:
            out["status_cli_error"] = proc.stderr.strip()[-300:]
    out["status_cli_s"] = runs
    out["status_cli_median_s"] = sorted(runs)[1]
    return out


def run_sqlite(n: int, log) -> dict:
    DATA.mkdir(parents=True, exist_ok=True)
    base = DATA / f"ledger-{n}.sqlite"
    t0 = time.perf_counter()
    build(str(base), n, log)
    log(f"  base ready ({time.perf_counter() - t0:.1f} s), {base.stat().st_size / 2**30:.2f} GiB")
    work = DATA / f"ledger-{n}-work.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    _checkpoint(base)
    _vacuum_if_sparse(base, log)
    shutil.copyfile(base, work)
    try:
        return measure(str(work), str(work), n)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)


def _checkpoint(path: Path) -> None:
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def _vacuum_if_sparse(path: Path, log) -> None:
    """A base made before migration 0002 keeps its dropped index's pages free: give them back."""
    import sqlite3

    con = sqlite3.connect(path)
    free, total = (con.execute(f"PRAGMA {p}").fetchone()[0] for p in ("freelist_count", "page_count"))
    if free * 4 > total:
        t0 = time.perf_counter()
        con.execute("VACUUM")
        log(f"  vacuumed the base ({free:,} of {total:,} pages free), {time.perf_counter() - t0:.1f} s")
    con.close()


def run_pg(url: str, n: int, log) -> dict:
    import psycopg

    admin = url.replace("postgresql+psycopg://", "postgresql://")
    dbname = admin.rsplit("/", 1)[1]
    base_db, work_db = f"{dbname}_bench_{n}", f"{dbname}_bench_work"
    with psycopg.connect(admin, autocommit=True) as con:
        if not con.execute("SELECT 1 FROM pg_database WHERE datname = %s", (base_db,)).fetchone():
            con.execute(f'CREATE DATABASE "{base_db}"')
    base_url = admin.rsplit("/", 1)[0] + "/" + base_db
    t0 = time.perf_counter()
    build(base_url, n, log)
    log(f"  base ready ({time.perf_counter() - t0:.1f} s)")
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{work_db}"')
        con.execute(f'CREATE DATABASE "{work_db}" TEMPLATE "{base_db}"')
    work_url = admin.rsplit("/", 1)[0] + "/" + work_db
    try:
        return measure(work_url, work_url, n)
    finally:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{work_db}"')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keys", type=int, default=20_000_000, help="persons in the base ledger")
    ap.add_argument("--pg", default=None, help="PostgreSQL URL (also run the PostgreSQL figures)")
    ap.add_argument("--no-sqlite", action="store_true")
    args = ap.parse_args()
    os.environ["CHUJING_KEY"] = KEY_HEX

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    results = {"keys": args.keys, "date": date.today().isoformat(), "nproc": os.cpu_count()}
    if not args.no_sqlite:
        log(f"SQLite, base of {args.keys:,} keys")
        results["sqlite"] = run_sqlite(args.keys, log)
    if args.pg:
        log(f"PostgreSQL, base of {args.keys:,} keys")
        results["postgresql"] = run_pg(args.pg, args.keys, log)
    results["targets"] = {"record_1M_new_max_s (SQLite)": 10.0, "status_cli_median_s (SQLite)": 1.0}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
