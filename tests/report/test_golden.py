"""One example per route, rendered to Markdown and HTML, must match the stored golden files byte
for byte. Regenerate after an intended change with: UPDATE_GOLDEN=1 pytest tests/report/test_golden.py
(and read the diff)."""

import os
from pathlib import Path

import pytest

from chujing.report import render
from tests.report.conftest import ROUTES, load_case

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", ROUTES)
@pytest.mark.parametrize("fmt,ext", [("markdown", "md"), ("html", "html")])
def test_golden(name, fmt, ext):
    decision, scenario = load_case(name)
    out = render(decision, scenario, fmt, "both")
    path = GOLDEN / f"{name}.{ext}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(out, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}: run with UPDATE_GOLDEN=1"
    assert out == path.read_text(encoding="utf-8"), f"{path.name} differs from the golden file"


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_same_inputs_same_bytes(case, fmt):
    name, decision, scenario = case
    a = render(decision, scenario, fmt, "both")
    b = render(dict(reversed(list(decision.items()))), scenario, fmt, "both")
    assert a == b


def test_golden_covers_each_route():
    pathways = {load_case(n)[0]["pathway"] for n in ROUTES}
    assert pathways == {"exempt", "standard_contract_or_certification", "security_assessment",
                        "needs_information"}
