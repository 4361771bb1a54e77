"""`chujing ledger …` and `chujing assess --ledger` end to end, as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import KEY, KEY_HEX, write_manifest

CHUJING = str(Path(sys.executable).parent / "chujing")

SCENARIO = """\
as_of: 2025-06-01
processor: {name: 示例科技有限公司, ciio: false}
transfer:
  date: 2025-06-01
  recipient: {name: Example Inc., country: US}
  data:
    - {kind: personal_information, subjects: 40}
"""
SCAN_SCENARIO = """\
as_of: 2025-07-01
processor: {name: 示例科技有限公司, ciio: false}
transfer:
  date: 2025-07-01
  recipient: {name: Example Inc., country: US}
"""


class Result:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = code, stdout, stderr


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run `chujing ARGS` in this process (as `main()` does: errors → one line + exit code)."""
    from chujing.cli import main

    def run(*args: str, env: dict, code: int = 0) -> Result:
        for k in ("CHUJING_KEY", "CHUJING_HOME", "CHUJING_LEDGER"):
            if k in env:
                monkeypatch.setenv(k, env[k])
            else:
                monkeypatch.delenv(k, raising=False)
        monkeypatch.setattr(sys, "argv", ["chujing", *args])
        capsys.readouterr()
        try:
            main()
            got = 0
        except SystemExit as exc:
            got = exc.code or 0
        out, err = capsys.readouterr()
        assert got == code, (got, out, err)
        if code:
            assert len(err.strip().splitlines()) == 1, err  # one line, no traceback
            assert "Traceback" not in err
        return Result(got, out, err)

    return run


def run_process(*args: str, env: dict, code: int = 0) -> subprocess.CompletedProcess:
    p = subprocess.run([CHUJING, *args], capture_output=True, text=True, env=env, check=False)
    assert p.returncode == code, (p.returncode, p.stdout, p.stderr)
    if code:
        assert len(p.stderr.strip().splitlines()) == 1, p.stderr
        assert "Traceback" not in p.stderr
    return p


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "CHUJING_KEY": KEY_HEX, "CHUJING_HOME": str(tmp_path / "home"),
            "CHUJING_LEDGER": str(tmp_path / "ledger.sqlite")}


def test_record_status_list_show_void_export(cli, env, tmp_path):
    run = cli
    s = tmp_path / "t.yaml"
    s.write_text(SCENARIO, encoding="utf-8")
    m = write_manifest(tmp_path / "m.parquet", KEY, list(range(100)), set(range(10)))
    s2 = tmp_path / "scan.yaml"
    s2.write_text(SCAN_SCENARIO, encoding="utf-8")

    out = run("ledger", "record", str(s), "--id", "T-1", env=env)
    assert "recorded T-1" in out.stdout
    assert "unchanged" in run("ledger", "record", str(s), "--id", "T-1", "--format", "json", env=env).stdout
    run("ledger", "record", str(s2), "--id", "T-2", "--manifest", str(m), env=env)

    st = json.loads(run("ledger", "status", "--year", "2025", "--format", "json", env=env).stdout)
    assert st["year"] == 2025
    assert st["counts"]["personal_information"] == 140  # 40 declared + 100 by key
    assert st["counts"]["sensitive_personal_information"] == 10
    assert st["headroom"]["personal_information"]["next_threshold"] == 100_000
    text = run("ledger", "status", "--year", "2025", env=env).stdout
    assert "140" in text and "敏感个人信息" in text and "headroom" in text

    listing = run("ledger", "list", env=env).stdout
    assert "T-1" in listing and "T-2" in listing and "declared" in listing
    shown = json.loads(run("ledger", "show", "T-2", "--format", "json", env=env).stdout)
    assert shown["person_keys"] == {"personal_information": 100, "sensitive_personal_information": 10}
    assert "route" in run("ledger", "show", "T-2", env=env).stdout

    run("ledger", "void", "T-1", "--reason", "recorded twice by mistake", env=env)
    st = json.loads(run("ledger", "status", "--format", "json", "--as-of", "2025-12-31", env=env).stdout)
    assert st["counts"]["personal_information"] == 100
    assert "VOID" in run("ledger", "list", "--year", "2025", env=env).stdout

    rows = list(csv.DictReader(io.StringIO(run("ledger", "export", "--format", "csv", env=env).stdout)))
    assert [r["id"] for r in rows] == ["T-1", "T-2"] and rows[0]["voided"] == "True"
    data = json.loads(run("ledger", "export", "--format", "json", env=env).stdout)
    assert len(data["transfers"]) == 2
    audit = json.loads(run("ledger", "export", "--audit", env=env).stdout)["audit_log"]
    assert [a["action"] for a in audit] == ["create", "record", "record", "void"]
    out_file = tmp_path / "export.csv"
    run("ledger", "export", "--format", "csv", "--output", str(out_file), env=env)
    assert out_file.read_text(encoding="utf-8").startswith("id,date")
    # Never person keys nor the hash key in an export.
    raw = run("ledger", "export", "--format", "json", env=env).stdout
    assert KEY_HEX not in raw and (0).to_bytes(16, "big").hex() not in raw


def test_assess_with_ledger_and_record(cli, env, tmp_path, ledger_url):
    run = cli
    env = {**env, "CHUJING_LEDGER": ledger_url}
    m1 = write_manifest(tmp_path / "m1.parquet", KEY, list(range(0, 9_990)), set(range(0, 9_990)))
    m2 = write_manifest(tmp_path / "m2.parquet", KEY, list(range(9_980, 10_000)), set(range(9_980, 10_000)))
    s = tmp_path / "scan.yaml"
    s.write_text(SCAN_SCENARIO, encoding="utf-8")
    p = run("assess", str(s), "--manifest", str(m1), "--record", "first", "--format", "json", env=env)
    assert "recorded first" in p.stderr
    first = json.loads(p.stdout)
    assert first["counts"]["sensitive_personal_information"] == 9_990
    heads = {(h["counter"], h["threshold"]): h["remaining"] for h in first["headroom"]}
    assert heads[("count.spi", 10_000)] == 9  # 9,990 now: 9 more stay below 1万人
    # The second scan overlaps the first by 10 persons: 10 new → 10,000 → security assessment.
    d = json.loads(run("assess", str(s), "--manifest", str(m2), "--format", "json", env=env).stdout)
    assert d["counts"]["sensitive_personal_information"] == 10_000
    assert d["counts"]["this_transfer"]["sensitive_personal_information"] == 10
    assert d["pathway"] == "security_assessment"


def test_bad_input_is_one_line(cli, env, tmp_path):
    run = cli
    run("ledger", "show", "nope", env=env, code=5)
    run("ledger", "void", "nope", "--reason", "x", env=env, code=5)
    run("ledger", "record", str(tmp_path / "missing.yaml"), "--id", "x", env=env, code=3)
    bad = tmp_path / "bad.yaml"
    bad.write_text("transfer: {data: [{kind: personal_information}]}\n", encoding="utf-8")
    run("ledger", "record", str(bad), "--id", "x", env=env, code=3)  # persons unknown
    run("ledger", "status", "--as-of", "2025-13-01", env=env, code=3)
    assert "no transfers" in run("ledger", "list", env=env).stdout


def test_wrong_key_exits_5_in_a_real_process(cli, env, tmp_path):
    s = tmp_path / "t.yaml"
    s.write_text(SCENARIO, encoding="utf-8")
    cli("ledger", "record", str(s), "--id", "T-1", env=env)
    other = {**env, "CHUJING_KEY": "ff" * 32}
    p = run_process("ledger", "status", env=other, code=5)
    assert "another person key" in p.stderr
    run_process("ledger", "show", "nope", env=env, code=5)


def test_default_ledger_path_is_under_chujing_home(cli, tmp_path):
    e = {"CHUJING_KEY": KEY_HEX, "CHUJING_HOME": str(tmp_path / "home")}
    st = json.loads(cli("ledger", "status", "--format", "json", env=e).stdout)
    assert st["ledger"].endswith(str(tmp_path / "home" / "ledger.sqlite"))
    assert (tmp_path / "home" / "ledger.sqlite").exists()
