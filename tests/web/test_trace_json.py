"""`Decision.to_json()` (engine/trace_json.py: class-constant parts serialised once and reused) gives
exactly the bytes of orjson over `to_dict()` (the reference path), on the examples, every legal case
table and generated scenarios, where each scenario is assessed after others of its class have
filled the memos with different numbers, dates and items."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chujing import Scenario, assess
from chujing.rulebook import default_rulebook
from chujing.scenario_io import load_scenario
from tests.engine.test_cases import CASES_DIR, load_cases
from tests.web.conftest import EXAMPLES

BOOK = default_rulebook()


def _both(scenario: Scenario, as_of: date | None = None) -> tuple[bytes, bytes]:
    """(to_json of one decision, orjson of to_dict of another of the same scenario)."""
    new = assess(scenario, BOOK, as_of=as_of).to_json()
    old = orjson.dumps(assess(scenario, BOOK, as_of=as_of).to_dict(), default=str)
    return new, old


def _check(raw: dict, as_of: date | None = None) -> None:
    scenario = Scenario.model_validate(raw)
    for _ in range(2):  # the second time from the memos the first one filled
        new, old = _both(scenario, as_of)
        assert new == old, _first_difference(new, old)


def _first_difference(new: bytes, old: bytes) -> str:
    a, b = json.loads(new), json.loads(old)
    for key in b:
        if a.get(key) != b[key]:
            return f"{key}: {a.get(key)!r:.400} != {b[key]!r:.400}"
    return "key order or bytes"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_examples(path: Path):
    scenario = load_scenario(path, BOOK)
    for _ in range(2):
        new, old = _both(scenario)
        assert new == old, _first_difference(new, old)


CASES = [p for d in sorted(CASES_DIR.iterdir()) if d.is_dir() for p in load_cases(d)] + list(load_cases(CASES_DIR))


@pytest.mark.parametrize(("scenario", "expect"), CASES)
def test_case_tables(scenario, expect):
    _check(copy.deepcopy(scenario))


START, END = date(2022, 9, 1), date(2026, 12, 31)
KINDS = ["personal_information", "sensitive_personal_information", "important_data", "general"]
GROUNDS = ["contract", "hr", "emergency", "statutory_duty", "transit", "trade_no_pi"]
days = st.integers(0, (END - START).days).map(lambda n: START + timedelta(days=n))
counts = st.one_of(st.none(), st.sampled_from([0, 9_999, 10_000, 99_999, 100_000, 999_999, 1_000_000]),
                   st.integers(0, 3_000_000))
items = st.fixed_dictionaries({
    "kind": st.sampled_from(KINDS),
    "subjects": counts,
    "categories": st.lists(st.sampled_from(["name", "email", "phone", "address", "health", "biometric"]),
                           max_size=3, unique=True),
    "important_data": st.fixed_dictionaries({"notified": st.one_of(st.none(), st.booleans())},
                                            optional={"notified_date": days}),
})
scenarios = st.fixed_dictionaries({
    "as_of": days,
    "processor": st.fixed_dictionaries(
        {"ciio": st.one_of(st.none(), st.booleans())},
        optional={"pi_subjects_processed": counts, "turnover_cny": st.integers(0, 10**11),
                  "sector": st.sampled_from(["software", "pharma", "automotive", "ecommerce"]),
                  "ftz": st.sampled_from(["beijing", "none"]), "state_organ": st.booleans()}),
    "transfer": st.fixed_dictionaries({
        "grounds": st.lists(st.sampled_from(GROUNDS), max_size=2, unique=True),
        "data": st.lists(items, min_size=1, max_size=3),
    }, optional={"date": days, "domestic_data_added": st.booleans(), "core_data": st.booleans(),
                 "recipient": st.fixed_dictionaries({"country": st.sampled_from(["US", "SG", "HK", "DE"])})}),
    "history": st.lists(st.fixed_dictionaries({"date": days, "kind": st.sampled_from(KINDS[:2]),
                                               "subjects": st.integers(0, 300_000)}), max_size=2),
})


@settings(max_examples=300, deadline=None)
@given(scenarios, st.lists(st.integers(0, 2_000_000), min_size=3, max_size=3))
def test_generated_scenarios_and_their_neighbours(raw, others):
    raw["history"] = [h for h in raw["history"] if h["date"] <= raw["as_of"]]
    _check(raw)
    # The same class with other head-counts: the memos answer, the numbers must be this decision's.
    for n in others:
        near = copy.deepcopy(raw)
        for it in near["transfer"]["data"]:
            if it["subjects"] is not None:
                it["subjects"] = n
        _check(near)


def test_after_the_trace_was_read_and_changed():
    """A decision whose trace objects were read (and changed by the caller) writes what they say."""
    scenario = load_scenario(EXAMPLES / "saas-300k-users.yaml", BOOK)
    d = assess(scenario, BOOK)
    d.findings[0].note = "changed"
    assert json.loads(d.to_json())["findings"][0]["note"] == "changed"


def test_summary_detail_and_numbers_past_64_bits():
    scenario = load_scenario(EXAMPLES / "saas-300k-users.yaml", BOOK)
    assert assess(scenario, BOOK).to_json(trace=False) == orjson.dumps(assess(scenario, BOOK).to_dict(trace=False))
    huge = Scenario.model_validate({**scenario.model_dump(mode="json"),
                                    "processor": {**scenario.processor.model_dump(mode="json"),
                                                  "turnover_cny": 10**30}})
    assert json.loads(assess(huge, BOOK).to_json()) == json.loads(
        json.dumps(assess(huge, BOOK).to_dict(), default=str))
