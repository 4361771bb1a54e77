"""Properties the law implies, checked on generated scenarios."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from chujing import Scenario, assess
from chujing.rulebook import ROUTE_ORDER

START, END = date(2022, 9, 1), date(2026, 11, 23)
KINDS = ["personal_information", "sensitive_personal_information", "important_data", "general"]
GROUNDS = ["contract", "hr", "emergency", "statutory_duty", "transit", "trade_no_pi"]

days = st.integers(0, (END - START).days).map(lambda n: START + timedelta(days=n))
items = st.fixed_dictionaries({
    "kind": st.sampled_from(KINDS),
    "subjects": st.integers(0, 3_000_000),
    "important_data": st.fixed_dictionaries({"notified": st.booleans()}),
})
scenarios = st.fixed_dictionaries({
    "as_of": days,
    "processor": st.fixed_dictionaries({"ciio": st.booleans(),
                                        "pi_subjects_processed": st.integers(0, 3_000_000)}),
    "transfer": st.fixed_dictionaries({
        "grounds": st.lists(st.sampled_from(GROUNDS), max_size=2, unique=True),
        "domestic_data_added": st.booleans(),
        "data": st.lists(items, min_size=1, max_size=3),
    }),
})


def strictness(s: dict) -> int:
    return ROUTE_ORDER[assess(Scenario.model_validate(s)).pathway.value]


@settings(max_examples=300, deadline=None)
@given(scenarios, st.integers(0, 2), st.integers(1, 2_000_000))
def test_more_people_never_less_strict(s, which, extra):
    i = which % len(s["transfer"]["data"])
    more = {**s, "transfer": {**s["transfer"], "data": list(s["transfer"]["data"])}}
    item = dict(more["transfer"]["data"][i])
    item["subjects"] += extra
    more["transfer"]["data"][i] = item
    assert strictness(more) >= strictness(s)


@settings(max_examples=300, deadline=None)
@given(scenarios, st.sampled_from(GROUNDS))
def test_a_ground_never_makes_it_stricter(s, ground):
    if ground in s["transfer"]["grounds"]:
        return
    more = {**s, "transfer": {**s["transfer"], "grounds": s["transfer"]["grounds"] + [ground]}}
    assert strictness(more) <= strictness(s)


@settings(max_examples=200, deadline=None)
@given(scenarios, st.integers(1, 2_000_000), days)
def test_earlier_transfers_never_make_it_less_strict(s, subjects, when):
    if when > s["as_of"]:
        when = s["as_of"]
    more = {**s, "history": [{"date": when, "kind": "personal_information", "subjects": subjects}]}
    assert strictness(more) >= strictness(s)


@settings(max_examples=300, deadline=None)
@given(scenarios)
def test_no_rule_is_used_outside_its_dates(s):
    from chujing.rulebook import default_rulebook

    book = default_rulebook()
    d = assess(Scenario.model_validate(s), book)
    for f in d.findings:
        rule = book.rules[f.rule]
        if f.status == "superseded":
            assert rule.active_to < d.as_of
        else:
            assert rule.in_force(d.as_of), f"{f.rule} used on {d.as_of}"


@settings(max_examples=200, deadline=None)
@given(scenarios)
def test_same_facts_same_answer(s):
    a = assess(Scenario.model_validate(s)).to_dict()
    b = assess(Scenario.model_validate(s)).to_dict()
    assert a == b
