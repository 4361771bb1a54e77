"""`chujing report` and `chujing draft`: files written, errors as one line with an exit code."""

import subprocess
import sys

import pytest

from tests.report.conftest import FIXTURES, RAW_PI


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "chujing", *args], capture_output=True,
                          text=True, timeout=120, env=env)


def test_report_from_decision_json_needs_no_engine(tmp_path):
    out = tmp_path / "r.md"
    r = run("report", str(FIXTURES / "exempt.decision.json"), "--format", "markdown",
            "--lang", "en", "-o", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_text("utf-8")
    assert text.startswith("# Outbound data transfer assessment")
    assert "`exempt`" in text


def test_report_from_scenario_with_scan(tmp_path):
    out = tmp_path / "r.html"
    r = run("report", str(FIXTURES / "needs_information.scenario.yaml"), "--format", "html",
            "--manifest", str(FIXTURES / "scan.json"), "-o", str(out))
    assert r.returncode == 0, r.stderr
    html = out.read_text("utf-8")
    assert "需要补充信息" in html and "customers.csv" in html
    for raw in RAW_PI:
        assert raw not in html


def test_report_to_stdout_is_reproducible():
    args = ("report", str(FIXTURES / "standard_contract.decision.json"), "--format", "html")
    a, b = run(*args), run(*args)
    assert a.returncode == 0 and a.stdout == b.stdout


def test_pdf_needs_an_output_file():
    r = run("report", str(FIXTURES / "exempt.decision.json"), "--format", "pdf")
    assert r.returncode == 3
    assert r.stderr.startswith("chujing: error:") and "--output" in r.stderr
    assert "Traceback" not in r.stderr


def test_incomplete_decision_names_the_field(tmp_path):
    bad = tmp_path / "d.json"
    bad.write_text('{"pathway": "exempt", "as_of": "2026-01-01"}', encoding="utf-8")
    r = run("report", str(bad), "--format", "markdown")
    assert r.returncode == 3 and "field 'summary'" in r.stderr and str(bad) in r.stderr


def test_missing_file():
    r = run("report", "/nonexistent/x.yaml")
    assert r.returncode == 3 and "no such file" in r.stderr


@pytest.mark.parametrize("route,suffix", [("sc", ".docx"), ("sa", ".md")])
def test_draft(tmp_path, route, suffix):
    out = tmp_path / f"draft{suffix}"
    r = run("draft", route, str(FIXTURES / "standard_contract.scenario.yaml"), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size > 0


def test_draft_bad_route_and_suffix(tmp_path):
    r = run("draft", "xx", str(FIXTURES / "standard_contract.scenario.yaml"), "-o", str(tmp_path / "a.md"))
    assert r.returncode == 3 and "unknown route 'xx'" in r.stderr
    r = run("draft", "sc", str(FIXTURES / "standard_contract.scenario.yaml"), "-o", str(tmp_path / "a.pdf"))
    assert r.returncode == 3 and ".docx or .md" in r.stderr
    assert not list(tmp_path.iterdir())


def test_report_counts_earlier_transfers_from_the_ledger(tmp_path):
    import os

    import yaml

    env = {**os.environ, "CHUJING_HOME": str(tmp_path / "home")}
    base = yaml.safe_load((FIXTURES / "standard_contract.scenario.yaml").read_text("utf-8"))
    base.pop("history")
    earlier = {**base, "as_of": "2026-02-10",
               "transfer": {**base["transfer"], "date": "2026-02-10",
                            "data": [{"name": "pilot", "kind": "personal_information",
                                      "subjects": 40000}]}}
    (tmp_path / "earlier.yaml").write_text(yaml.safe_dump(earlier, allow_unicode=True), "utf-8")
    (tmp_path / "now.yaml").write_text(yaml.safe_dump(base, allow_unicode=True), "utf-8")
    ledger = str(tmp_path / "l.sqlite")
    r = run("ledger", "record", str(tmp_path / "earlier.yaml"), "--id", "pilot-1", "--ledger", ledger, env=env)
    assert r.returncode == 0, r.stderr
    r = run("report", str(tmp_path / "now.yaml"), "--format", "markdown", "--lang", "en",
            "--ledger", ledger, env=env)
    assert r.returncode == 0, r.stderr
    assert "| personal information | 340,000 |" in r.stdout  # 300,000 now + 40,000 from the ledger
