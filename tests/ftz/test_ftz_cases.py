"""FTZ negative lists: the case tables under tests/cases/ftz/*.yaml, one per list."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from chujing import Scenario, assess
from tests.engine.test_cases import _merge, check

CASES_DIR = Path(__file__).parent.parent / "cases" / "ftz"


def _load():
    for path in sorted(CASES_DIR.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            yield pytest.param(_merge(doc.get("defaults", {}), case["scenario"]), case["expect"],
                               id=f"{path.stem}: {case['name']}")


@pytest.mark.parametrize(("scenario", "expect"), list(_load()))
def test_case(scenario, expect, book):
    decision = assess(Scenario.model_validate(scenario), book).to_dict()
    check(decision, expect)
