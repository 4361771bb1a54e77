"""The Beijing examples (examples/ftz-beijing-*.yaml) give the routes their comments promise."""

from __future__ import annotations

from pathlib import Path

import pytest

from chujing import assess
from chujing.scenario_io import load_scenario

EXAMPLES = Path(__file__).parent.parent.parent / "examples"


@pytest.mark.parametrize(("name", "pathway", "decided_by"), [
    ("automotive", "security_assessment", [["ftz/beijing-2024/automotive/3"], ["ftz/beijing-2024/automotive/10"]]),
    ("pharma", "standard_contract_or_certification", [["ftz/beijing-2024/pharma/9"]]),
    ("civil-aviation", "security_assessment", [["ftz/beijing-2024/civil-aviation/7"], ["ftz/beijing-2024/civil-aviation/1"]]),
    ("retail-services", "exempt", [["ftz/beijing-2024/retail-services/off-list"]]),
    ("ai", "security_assessment", [["ftz/beijing-2024/ai/8"], ["cn/provisions-2024/art-7/spi"]]),
])
def test_example(book, name, pathway, decided_by):
    d = assess(load_scenario(EXAMPLES / f"ftz-beijing-{name}.yaml"), book).to_dict()
    assert d["pathway"] == pathway
    assert [i["decided_by"] for i in d["items"]] == decided_by
