"""The legal case tables under tests/cases/*.yaml: each case is a scenario and what the law says."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from chujing import Scenario, assess

CASES_DIR = Path(__file__).parent.parent / "cases"


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in (over or {}).items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def load_cases(directory: Path):
    """Each case of each table in `directory`: (scenario with the table's defaults, expectations)."""
    for path in sorted(directory.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            yield pytest.param(_merge(doc.get("defaults", {}), case["scenario"]), case["expect"],
                               id=f"{path.stem}: {case['name']}")


def check(decision: dict, expect: dict) -> None:
    by_status: dict[str, set[str]] = {}
    for f in decision["findings"]:
        by_status.setdefault(f["status"], set()).add(f["rule"])
    seen = {f["rule"] for f in decision["findings"]}
    assert decision["pathway"] == expect["pathway"], decision["summary"]["en"]
    for key, status in (("applies", "applies"), ("not_applies", "not_applicable"),
                        ("defeated", "defeated"), ("superseded", "superseded")):
        for rule in expect.get(key, []):
            assert rule in by_status.get(status, set()), f"{rule} should be {status}"
    for rule in expect.get("absent", []):
        assert rule not in seen, f"{rule} should not be considered"
    if "questions" in expect:
        assert sorted(q["fact"] for q in decision["questions"]) == sorted(expect["questions"])
    if "possible" in expect:
        assert decision["possible_pathways"] == expect["possible"]
    for key, value in expect.get("counts", {}).items():
        assert decision["counts"][key] == value, key
    if "items" in expect:
        assert [i["route"] for i in decision["items"]] == expect["items"]


@pytest.mark.parametrize(("scenario", "expect"), list(load_cases(CASES_DIR)))
def test_case(scenario, expect, book):
    decision = assess(Scenario.model_validate(scenario), book).to_dict()
    check(decision, expect)
