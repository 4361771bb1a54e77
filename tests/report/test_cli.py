"""`chujing report` and `chujing draft`: files written, errors as one line with an exit code.

Most run in-process (fast); one runs the real entry point to check the one-line error and exit code.
"""

import subprocess
import sys

import pytest
import yaml
from typer.testing import CliRunner

from chujing.errors import InputError
from tests.report.conftest import FIXTURES, RAW_PI


def invoke(*args):
    from chujing.cli import app

    return CliRunner().invoke(app, list(args), catch_exceptions=True)


def ok(*args):
    r = invoke(*args)
    assert r.exit_code == 0, repr(r.exception)
    return r


def refused(*args) -> InputError:
    r = invoke(*args)
    assert isinstance(r.exception, InputError), repr(r.exception)
    return r.exception


def test_report_from_decision_json_needs_no_engine(tmp_path):
    out = tmp_path / "r.md"
    ok("report", str(FIXTURES / "exempt.decision.json"), "--format", "markdown", "--lang", "en",
       "-o", str(out))
    text = out.read_text("utf-8")
    assert text.startswith("# Outbound data transfer assessment")
    assert "`exempt`" in text


def test_report_from_scenario_with_scan(tmp_path):
    out = tmp_path / "r.html"
    ok("report", str(FIXTURES / "needs_information.scenario.yaml"), "--format", "html",
       "--manifest", str(FIXTURES / "scan.json"), "-o", str(out))
    html = out.read_text("utf-8")
    assert "需要补充信息" in html and "customers.csv" in html
    for raw in RAW_PI:
        assert raw not in html


def test_report_to_stdout_is_reproducible():
    args = ("report", str(FIXTURES / "standard_contract.decision.json"), "--format", "html")
    a, b = ok(*args), ok(*args)
    assert a.stdout_bytes.startswith(b"<!DOCTYPE html>") and a.stdout_bytes == b.stdout_bytes


def test_pdf_needs_an_output_file_one_line_error_exit_3():
    r = subprocess.run([sys.executable, "-m", "chujing", "report",
                        str(FIXTURES / "exempt.decision.json"), "--format", "pdf"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 3
    assert r.stderr.startswith("chujing: error:") and "--output" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_incomplete_decision_names_the_field(tmp_path):
    bad = tmp_path / "d.json"
    bad.write_text('{"pathway": "exempt", "as_of": "2026-01-01"}', encoding="utf-8")
    err = refused("report", str(bad), "--format", "markdown")
    assert err.field == "summary" and err.file == str(bad)


def test_missing_file():
    assert "no such file" in str(refused("report", "/nonexistent/x.yaml"))


def test_decision_with_ledger_is_refused():
    err = refused("report", str(FIXTURES / "exempt.decision.json"), "--ledger", "/tmp/x.sqlite")
    assert err.field == "--ledger"


@pytest.mark.parametrize("route,suffix", [("sc", ".docx"), ("sa", ".md")])
def test_draft(tmp_path, route, suffix):
    out = tmp_path / f"draft{suffix}"
    ok("draft", route, str(FIXTURES / "standard_contract.scenario.yaml"), "-o", str(out))
    assert out.stat().st_size > 0


def test_draft_bad_route_and_suffix(tmp_path):
    scen = str(FIXTURES / "standard_contract.scenario.yaml")
    assert "unknown route 'xx'" in str(refused("draft", "xx", scen, "-o", str(tmp_path / "a.md")))
    assert ".docx or .md" in str(refused("draft", "sc", scen, "-o", str(tmp_path / "a.pdf")))
    assert not list(tmp_path.iterdir())


def test_report_counts_earlier_transfers_from_the_ledger(tmp_path):
    base = yaml.safe_load((FIXTURES / "standard_contract.scenario.yaml").read_text("utf-8"))
    base.pop("history")
    earlier = {**base, "as_of": "2026-02-10",
               "transfer": {**base["transfer"], "date": "2026-02-10",
                            "data": [{"name": "pilot", "kind": "personal_information",
                                      "subjects": 40000}]}}
    (tmp_path / "earlier.yaml").write_text(yaml.safe_dump(earlier, allow_unicode=True), "utf-8")
    (tmp_path / "now.yaml").write_text(yaml.safe_dump(base, allow_unicode=True), "utf-8")
    ledger = str(tmp_path / "l.sqlite")
    ok("ledger", "record", str(tmp_path / "earlier.yaml"), "--id", "pilot-1", "--ledger", ledger)
    out = tmp_path / "r.md"
    ok("report", str(tmp_path / "now.yaml"), "--format", "markdown", "--lang", "en",
       "--ledger", ledger, "-o", str(out))
    # 300,000 people now + 40,000 recorded earlier in the ledger.
    assert "| personal information | 340,000 |" in out.read_text("utf-8")
