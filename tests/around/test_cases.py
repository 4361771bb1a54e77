"""The case tables under tests/cases/around/*.yaml: scenarios around the transfer and what the law says.

Besides the route (`pathway`, `applies`, `not_applies`) a case can expect obligations and risks by
rule id (present or absent), questions asked or not, due dates and figures of a risk.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chujing import Scenario, assess
from tests.engine.test_cases import load_cases

CASES_DIR = Path(__file__).parent.parent / "cases" / "around"


def _dig(value, path: str):
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def check(d: dict, expect: dict) -> None:
    status = {}
    for f in d["findings"]:
        status.setdefault(f["status"], set()).add(f["rule"])
    obligations = {o["rule"] for o in d["obligations"]}
    risks = {r["rule"]: r for r in d["risks"]}
    asked = {q["fact"] for q in d["questions"]}
    if "pathway" in expect:
        assert d["pathway"] == expect["pathway"], d["summary"]["en"]
    for rule in expect.get("applies", []):
        assert rule in status.get("applies", set()), f"{rule} should apply"
    for rule in expect.get("not_applies", []):
        assert rule not in status.get("applies", set()), f"{rule} should not apply"
    for rule in expect.get("obligations", []):
        assert rule in obligations, f"obligation {rule} missing: {sorted(obligations)}"
    for rule in expect.get("no_obligations", []):
        assert rule not in obligations, f"obligation {rule} should not be there"
    for rule in expect.get("risks", []):
        assert rule in risks, f"risk {rule} missing: {sorted(risks)}"
    for rule in expect.get("no_risks", []):
        assert rule not in risks, f"risk {rule} should not be there"
    for fact in expect.get("asks", []):
        assert fact in asked, f"should ask {fact}: {sorted(asked)}"
    for fact in expect.get("not_asks", []):
        assert fact not in asked, f"should not ask {fact}"
    if "questions" in expect:
        assert sorted(asked) == sorted(expect["questions"])
    for rule, due in expect.get("due", {}).items():
        dues = [o.get("due") for o in d["obligations"] if o["rule"] == rule]
        assert (str(due) if due else None) in dues, f"{rule} due {dues}, expected {due}"
    for rule, figs in expect.get("risk_figures", {}).items():
        for path, value in figs.items():
            assert _dig(risks[rule]["figures"], path) == value, f"{rule} {path}"
    for rule, severity in expect.get("severity", {}).items():
        assert risks[rule]["severity"] == severity
    for text in expect.get("risk_text_contains", []):
        rule, _, needle = text.partition(": ")
        assert needle in risks[rule]["text"]["zh"] + risks[rule]["text"]["en"], text


@pytest.mark.parametrize(("scenario", "expect"), list(load_cases(CASES_DIR)))
def test_case(scenario, expect, around_book):
    d = assess(Scenario.model_validate(scenario), around_book).to_dict()
    check(d, expect)
    # Every obligation and risk carries its rule id and a Chinese citation.
    for entry in d["obligations"] + d["risks"]:
        assert entry["rule"] in around_book.rules
        assert entry["citation"]["zh"]
