"""`chujing scan` on the command line: output, manifest, exit codes, no raw identifiers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from chujing.scan.manifest import read_manifest


def run(*args: str, env_home) -> subprocess.CompletedProcess:
    env = {"CHUJING_HOME": str(env_home), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "chujing", "scan", *args], capture_output=True,
                          text=True, env=env, timeout=120)


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("姓名,身份证号,手机\n张伟,11010519491231002X,13812345678\n"
                    "李娜,,13912345678\n", encoding="utf-8")
    return path


def test_json_and_manifest(tmp_path, data):
    out = tmp_path / "m.parquet"
    proc = run(str(data), "--format", "json", "--manifest", str(out), "--as-of", "2025-11-01",
               env_home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["subjects"] == 2
    assert doc["profile"]["id"] == "gbt-45574-2025"
    assert "11010519491231002X" not in proc.stdout
    assert read_manifest(out).subjects == 2
    assert (tmp_path / "key").stat().st_mode & 0o777 == 0o600


def test_text_summary(tmp_path, data):
    proc = run(str(data), "--as-of", "2025-10-31", "--profile", "gbt-35273-2020",
               env_home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "GB/T 35273-2020" in proc.stdout
    assert "13812345678" not in proc.stdout and "138****5678" in proc.stdout


def test_bad_input_exit_code_3_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n13812345678,2,3\n", encoding="utf-8")
    proc = run(str(bad), env_home=tmp_path)
    assert proc.returncode == 3
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert "bad.csv:2" in proc.stderr
    assert "13812345678" not in proc.stderr


def test_bad_date(tmp_path, data):
    proc = run(str(data), "--as-of", "someday", env_home=tmp_path)
    assert proc.returncode == 3
    assert "--as-of" in proc.stderr
