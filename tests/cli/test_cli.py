"""The command line: exit codes, one-line errors naming file, line and field, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chujing", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=60)


def test_assess_json_contract():
    r = run("assess", str(EXAMPLES / "saas-300k-users.yaml"), "--format", "json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    for key in ("pathway", "as_of", "rulebook_version", "findings", "obligations", "headroom", "questions"):
        assert key in d
    assert d["pathway"] == "standard_contract_or_certification"
    assert all({"rule", "citation", "applies"} <= f.keys() for f in d["findings"])


def test_text_puts_the_route_first():
    r = run("assess", str(EXAMPLES / "ciio-bank.yaml"), "--lang", "en")
    assert r.returncode == 0
    assert r.stdout.splitlines()[0].startswith("Route: security_assessment")


@pytest.mark.parametrize(("fail_on", "code"), [("security_assessment", 0), ("standard_contract_or_certification", 10)])
def test_fail_on_gate(fail_on, code):
    r = run("assess", str(EXAMPLES / "saas-300k-users.yaml"), "--fail-on", fail_on)
    assert r.returncode == code


def _bad(tmp_path: Path, text: str, name: str = "s.yaml") -> subprocess.CompletedProcess:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return run("assess", str(p))


@pytest.mark.parametrize(("text", "expect"), [
    ("processor: {ciio: false\n", "s.yaml:2: invalid YAML"),
    ("processor:\n  ciio: false\n  colour: red\n", ":3: field 'processor.colour': unknown field"),
    ("transfer:\n  data:\n    - kind: personal_information\n      subjects: -5\n",
     ":4: field 'transfer.data[0].subjects'"),
    ("processor:\n  sector: spaceships\n", "unknown sector 'spaceships'; known: automotive"),
    ("processor:\n  ftz: atlantis\n", "unknown ftz 'atlantis'"),
    ("transfer:\n  scenario: picnic\n", "unknown scenario 'picnic'"),
    ("transfer:\n  data:\n    - kind: gossip\n", "field 'transfer.data[0].kind'"),
    ("- just\n- a list\n", "a scenario is a mapping"),
])
def test_bad_input_is_one_line_with_location(tmp_path, text, expect):
    r = _bad(tmp_path, text)
    assert r.returncode == 3, r.stderr
    assert expect in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_bad_json_names_the_line(tmp_path):
    r = _bad(tmp_path, '{\n  "processor": {\n    "ciio": fals\n  }\n}\n', "s.json")
    assert r.returncode == 3 and "s.json:3" in r.stderr


def test_missing_file():
    r = run("assess", "/nonexistent/s.yaml")
    assert r.returncode == 3 and "no such file" in r.stderr


def test_bad_as_of():
    r = run("assess", str(EXAMPLES / "ciio-bank.yaml"), "--as-of", "yesterday")
    assert r.returncode == 3 and "--as-of" in r.stderr


def test_rules_list_show_search():
    r = run("rules", "--as-of", "2023-07-01")
    assert r.returncode == 0 and "cn/sa-measures-2022/art-4/pi" in r.stdout
    assert "cn/provisions-2024/art-7/pi" not in r.stdout
    r = run("rules", "show", "cn/provisions-2024/art-5-4")
    assert r.returncode == 0 and "不满10万人" in r.stdout and "Art. 5(4)" in r.stdout
    r = run("rules", "show", "cn/nope")
    assert r.returncode == 4 and "no rule" in r.stderr
    r = run("rules", "search", "标准合同")
    assert r.returncode == 0 and "cn/sc-measures-2023/art-7" in r.stdout
    r = run("rules", "search", "flight", "recorder")  # several words, no quotes
    assert r.returncode == 0 and "civil-aviation" in r.stdout
