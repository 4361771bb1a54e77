"""`Decision.to_json()` (engine/trace_json.py: class-constant parts serialised once and reused) gives
exactly the bytes of orjson over `to_dict()` (the reference path), on the examples, every legal case
table and generated scenarios, where each scenario is assessed after others of its class have
filled the memos with different numbers, dates and items."""

from __future__ import annotations

import copy
import importlib.util
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


POINTS = [0, 1, 9_999, 10_000, 10_001, 99_999, 100_000, 100_001, 999_999, 1_000_000, 1_000_001]


@settings(max_examples=300, deadline=None)
@given(scenarios, st.lists(st.integers(0, 2_000_000), min_size=3, max_size=3),
       st.lists(st.sampled_from(POINTS), min_size=3, max_size=3))
def test_generated_scenarios_and_their_neighbours(raw, others, points):
    raw["history"] = [h for h in raw["history"] if h["date"] <= raw["as_of"]]
    _check(raw)
    # The same class with other head-counts (items', earlier transfers', the stated totals): the
    # memos answer, the numbers must be this decision's.
    for n, p in zip(others, points, strict=True):
        near = copy.deepcopy(raw)
        for it in near["transfer"]["data"]:
            if it["subjects"] is not None:
                it["subjects"] = n if n % 2 else p
        for h in near["history"]:
            h["subjects"] = p if n % 3 else n % 300_000
        if n % 5 == 0:
            near["transfer"]["subjects_total"] = p
        if n % 7 == 0:
            near["transfer"]["sensitive_subjects_total"] = n % 200_000
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


# --- a whole answer from its class's template (engine/answer_json.py) -------------------------

def _bench_shapes() -> list[dict]:
    """bench/serve.py's two shapes (what its unique mode sends), loaded from the file itself."""
    path = Path(__file__).resolve().parents[2] / "bench" / "serve.py"
    spec = importlib.util.spec_from_file_location("bench_serve", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TEMPLATES


# bench/serve.py's two shapes, and two more; "@A@" an item's people, "@B@" history's or a second item's
SHAPES = [
    *_bench_shapes(),
    {"as_of": "2024-05-01", "processor": {"ciio": False, "ftz": "beijing", "sector": "pharma"},
     "transfer": {"date": "2024-05-01", "recipient": {"country": "SG"}, "grounds": ["hr"],
                  "data": [{"kind": "sensitive_personal_information", "subjects": "@A@", "population": "staff"},
                           {"kind": "personal_information", "subjects": "@B@", "population": "staff"}]},
     "history": [{"date": "2024-01-10", "kind": "sensitive_personal_information", "subjects": "@B@",
                  "population": "staff"}]},
    # A CIIO's route is the security assessment whatever the counts: crossing a threshold changes
    # findings, not the route.
    {"as_of": "2025-03-01", "processor": {"ciio": True, "sector": "software"},
     "transfer": {"date": "2025-03-01", "recipient": {"country": "DE"},
                  "data": [{"kind": "personal_information", "subjects": "@A@"},
                           {"kind": "sensitive_personal_information", "subjects": "@B@"}]}},
]


def _fill(shape: dict, a: int, b: int) -> dict:
    return json.loads(json.dumps(shape).replace('"@A@"', str(a)).replace('"@B@"', str(b)))


def _around_every_point() -> list[int]:
    from chujing.engine.answer_json import HOLE_FACTS

    points = {0, 1}
    for r in BOOK.rules.values():
        for c in r.condition.comparisons:
            if c.fact in HOLE_FACTS:
                points |= {c.threshold - 1, c.threshold, c.threshold + 1, c.threshold + 2}
    return sorted(p for p in points if p >= 0)


def _same_bytes(raw: dict) -> bool:
    scenario = Scenario.model_validate(raw)
    for trace in (True, False):
        new = assess(scenario, BOOK).to_json(trace)
        if new != orjson.dumps(assess(scenario, BOOK).to_dict(trace), default=str):
            return False
    return True


@pytest.mark.parametrize("shape", range(len(SHAPES)))
def test_one_class_either_side_of_every_threshold(shape):
    """Head-counts at, below and above every point where a test on a count turns, each answered
    after the others filled the templates: a template reused across a boundary would show."""
    around = _around_every_point()
    rnd = __import__("random").Random(shape)
    for a in around:
        assert _same_bytes(_fill(SHAPES[shape], a, rnd.choice(around)))
    for b in around:
        assert _same_bytes(_fill(SHAPES[shape], rnd.choice(around), b))


def test_templates_are_made_once_per_class_and_reused(monkeypatch):
    from chujing.engine import answer_json

    made = []
    real = answer_json.make
    monkeypatch.setattr(answer_json, "make", lambda *a: made.append(1) or real(*a))
    raws = [_fill(SHAPES[0], 200 + n, 300 + n) for n in range(20)]  # one class: far from every point
    for raw in raws:
        assert _same_bytes(raw)
    assert len(made) <= 2  # full and summary, once each (0 if an earlier test made them)
    answers = {assess(Scenario.model_validate(raw), BOOK).to_json() for raw in raws}
    assert len(answers) == len(raws)


def test_the_checks_fail_when_a_class_is_too_coarse(monkeypatch):
    """With the count points left out of the key, one template serves both sides of a threshold
    and the bytes differ: the tests above can fail."""
    from chujing.engine import answer_json

    coarse = {f: () for f in answer_json.HOLE_FACTS}
    monkeypatch.setattr(answer_json, "_points", lambda later: (coarse, frozenset()))
    days = [date.fromisoformat(shape["as_of"]) for shape in SHAPES]
    for day in days:
        for memo in ("json_answers", "answer_at"):
            BOOK.in_force(day).cache.pop(memo, None)
    results = [_same_bytes(_fill(shape, a, b)) for shape in SHAPES for a in _around_every_point()
               for b in (3, 50_000)]
    for day in days:  # none of those templates stay
        for memo in ("json_answers", "answer_at"):
            BOOK.in_force(day).cache.pop(memo, None)
    assert not all(results)


def test_a_count_used_otherwise_than_shown_refuses_the_template():
    from chujing.engine.answer_json import Marker, NotTemplated

    m = Marker(1_000, 0)
    assert f"{m:,}" == "\ue0000c\ue001"
    for use in (lambda: m + 1, lambda: 1 + m, lambda: m - 1, lambda: str(m), lambda: m < 5, lambda: m == 1_000,
                lambda: hash(m), lambda: bool(m), lambda: f"{m}", lambda: int(m), lambda: -m):
        with pytest.raises(NotTemplated):
            use()


def test_placeholder_characters_in_the_scenario():
    raw = _fill(SHAPES[1], 1_234, 56)
    raw["transfer"]["data"][0]["name"] = "orders \ue0000c\ue001 %(0c)s %d"
    for _ in range(3):
        assert _same_bytes(raw)
    raw = _fill(SHAPES[1], 1_234, 56)
    raw["transfer"]["data"][0]["name"] = "orders %(0c)s %d %"
    for n in (1_235, 1_236):
        raw["transfer"]["data"][0]["subjects"] = n
        assert _same_bytes(raw)


def test_a_decision_whose_items_were_read_and_changed_writes_them():
    raw = _fill(SHAPES[0], 1_234, 5)
    assert _same_bytes(raw)  # the class's template exists
    d = assess(Scenario.model_validate(raw), BOOK)
    d.items[0].name = "changed"
    d.summary["en"] = "changed"
    out = json.loads(d.to_json())
    assert out["items"][0]["name"] == "changed" and out["summary"]["en"] == "changed"


def test_a_decision_made_by_trying_missing_facts_is_not_templated():
    """ciio unknown: assess tries its values (and whether the important-data item is left out of
    the count, when the stated totals stop counting and the items' own numbers do). The key classes
    the first pass's counts only, so a template made from 10,001 people (Art. 7's sensitive
    threshold crossed in a tried case) must not answer for 0 people."""
    def raw(n: int) -> dict:
        return {"as_of": "2026-11-18",
                "processor": {"pi_subjects_processed": 10_000, "state_organ": True, "ciio": None},
                "transfer": {"data": [{"kind": "important_data", "subjects": n, "important_data": {"notified": None}},
                                      {"kind": "sensitive_personal_information", "subjects": n}],
                             "subjects_total": n, "sensitive_subjects_total": 0}}
    _check(raw(10_001))
    _check(raw(0))
    spi_rule = "cn/provisions-2024/art-7/spi"
    assert spi_rule in assess(Scenario.model_validate(raw(10_001)), BOOK).items[1].decided_by
    assert spi_rule not in assess(Scenario.model_validate(raw(0)), BOOK).items[1].decided_by
