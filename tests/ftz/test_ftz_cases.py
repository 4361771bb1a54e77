"""FTZ negative lists: the case tables under tests/cases/ftz/*.yaml, one per list."""

from __future__ import annotations

from pathlib import Path

import pytest

from chujing import Scenario, assess
from tests.engine.test_cases import check, load_cases

CASES_DIR = Path(__file__).parent.parent / "cases" / "ftz"


@pytest.mark.parametrize(("scenario", "expect"), list(load_cases(CASES_DIR)))
def test_case(scenario, expect, book):
    decision = assess(Scenario.model_validate(scenario), book).to_dict()
    check(decision, expect)
