"""Crash safety and concurrency: a killed writer changes nothing, two writers lose nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from chujing.errors import StoreError
from chujing.ledger import Ledger
from chujing.ledger.counting import count_window, recount

from .conftest import keys, record

ROOT = Path(__file__).resolve().parents[2]
Y25, END = date(2025, 1, 1), date(2025, 12, 31)


def writer(url: str, tid: str, first: int, count: int, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.ledger._writer", url, tid, str(first), str(count),
                             *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def totals(led):
    with led.read() as conn:
        c = count_window(led, conn, Y25, END)
        slow = recount(led, conn, Y25, END)
    assert c.deduplicated["personal_information"] == slow.get(0, 0)
    return c.pi, c.spi, [t["id"] for t in led.transfers()], len(led.audit_log())


def test_killed_writer_leaves_the_ledger_as_it_was(ledger, ledger_url, tmp_path):
    record(ledger, "before", date(2025, 2, 1), keys(range(0, 1_000)), keys(range(0, 100)))
    before = totals(ledger)
    flag = tmp_path / "flag"
    proc = writer(ledger_url, "killed", 500, 20_000, "--pause-in-transaction", str(flag))
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "writer never reached its transaction"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert totals(ledger) == before
    # The ledger still takes writes (no lock left behind), and the killed id is free.
    record(ledger, "killed", date(2025, 5, 1), keys(range(500, 600)))
    assert totals(ledger)[0] == 1_000


def test_error_mid_record_changes_nothing(ledger, monkeypatch):
    record(ledger, "before", date(2025, 2, 1), keys(range(0, 100)))
    before = totals(ledger)

    def boom(self, conn, year, delta):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Ledger, "_apply_tally", boom)
    with pytest.raises(RuntimeError):
        record(ledger, "fails", date(2025, 3, 1), keys(range(50, 500)))
    monkeypatch.undo()
    assert totals(ledger) == before
    assert record(ledger, "fails", date(2025, 3, 1), keys(range(50, 500))).status == "recorded"


def test_two_writers_at_once_neither_lose_nor_double_count(ledger, ledger_url):
    record(ledger, "seed", date(2025, 1, 5), keys(range(0, 10)))
    # Overlapping persons: 5,000-14,999 and 10,000-19,999, recorded by two processes at once.
    a = writer(ledger_url, "A", 5_000, 10_000)
    b = writer(ledger_url, "B", 10_000, 10_000)
    outs = [p.communicate(timeout=120) for p in (a, b)]
    assert [p.returncode for p in (a, b)] == [0, 0], outs
    new = sorted(int(o[0].split()[1]) for o in outs)
    assert new == [5_000, 10_000]  # whoever commits second finds 5,000 of its persons known
    pi, spi, ids, _ = totals(ledger)
    assert pi == 10 + 15_000
    assert spi == 1_000 + 1_000  # 5,000-5,999 and 10,000-10,999
    assert sorted(ids) == ["A", "B", "seed"]


def test_same_id_from_two_processes_is_recorded_once(ledger, ledger_url):
    procs = [writer(ledger_url, "same", 0, 5_000) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sorted(o[0].split()[0] for o in outs) == ["recorded", "unchanged"]
    assert totals(ledger)[:3] == (5_000, 500, ["same"])


def test_unreachable_database_is_a_store_error(tmp_path):
    from chujing.ledger import open_ledger

    (tmp_path / "dir.sqlite").mkdir()
    with pytest.raises(StoreError):
        open_ledger(str(tmp_path / "dir.sqlite"), fingerprint="0" * 32)
    with pytest.raises(StoreError):
        open_ledger("postgresql://nobody:x@127.0.0.1:1/none", fingerprint="0" * 32)
