"""Scenarios drawn over every fact the scenario model has (every word of the rulebook's
vocabulary, every FTZ list item, dates across all regimes, unknowns anywhere), each with
neighbours whose head-counts sit on threshold points. For each: the web API's answer bytes
(memos and answer templates on, full and summary) equal a fresh evaluation's (memos off), and the
text, the Markdown report and the three filing drafts render without error. This net found an
unknown sensitive count beside a known total crashing the summary, and a template too coarse for
decisions made by trying missing facts (seventh session)."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chujing import Scenario, assess
from chujing.rulebook import default_rulebook
from tests.engine.test_memo import _fresh

BOOK = default_rulebook()
WORDS = {k: sorted(v) for k, v in BOOK.words.items()}
LIST_ITEMS = sorted(r for r in BOOK.rules if r.startswith("ftz/") and "/gate/" not in r)
LISTS = sorted(i for i in BOOK.instruments if i.startswith("ftz/") and i != "ftz/zones")
START, END = date(2022, 6, 1), date(2027, 3, 31)
POINTS = [0, 1, 9_999, 10_000, 10_001, 50_000, 99_999, 100_000, 100_001, 200_000, 499_999, 500_000,
          999_999, 1_000_000, 1_000_001, 5_000_000]
CATEGORIES = ["name", "email", "phone", "address", "health", "biometric", "financial_account", "id_number",
              "location", "whereabouts_tracks", "minor_under_14", "religion", "vehicle", "genetic", "face"]
KINDS = ["personal_information", "sensitive_personal_information", "important_data", "genetic", "general"]
GROUNDS = ["contract", "hr", "emergency", "statutory_duty", "transit", "trade_no_pi"]


def _opt(s):
    return st.one_of(st.none(), s)


days = st.integers(0, (END - START).days).map(lambda n: START + timedelta(days=n))
flag = _opt(st.booleans())
counts = st.one_of(st.none(), st.sampled_from(POINTS), st.integers(0, 3_000_000))
grounds = st.lists(st.sampled_from(GROUNDS), max_size=2, unique=True)
word = {k: _opt(st.sampled_from(v)) for k, v in WORDS.items()}
item = st.fixed_dictionaries({"kind": st.sampled_from(KINDS)}, optional={
    "subjects": counts, "modality": word["modality"], "population": word["population"],
    "categories": st.lists(st.sampled_from(CATEGORIES), max_size=3, unique=True), "grounds": _opt(grounds),
    "important_data": st.fixed_dictionaries({}, optional={
        "notified": flag, "notified_date": _opt(days), "list_item": _opt(st.sampled_from(LIST_ITEMS))}),
    "export_controlled": flag, "hgr_approved": flag, "auto_remedy_filed": flag, "ota_filed_miit": flag,
    "list_route": word["list_route"]})
processor = st.fixed_dictionaries({}, optional={
    "ciio": flag, "pi_subjects_processed": counts, "ftz": word["ftz"], "registered_city": word["city"],
    "adopted_list": _opt(st.sampled_from(LISTS)), "independent_legal_person": flag,
    "data_stored_in_ftz": flag, "sector": word["sector"], "state_organ": flag,
    "network_platform_users": counts, "foreign_listing_planned": flag, "last_audit_date": _opt(days),
    "turnover_cny": _opt(st.integers(0, 10**11)), "procurement_affects_national_security": flag,
    "processing_affects_national_security": flag, "autonomous_driving": flag})
transfer = st.fixed_dictionaries({"data": st.lists(item, max_size=3)}, optional={
    "date": _opt(days), "scenario": word["scenario"], "grounds": grounds,
    "recipient": st.fixed_dictionaries({}, optional={
        "country": _opt(st.sampled_from(["US", "SG", "HK", "MO", "TW", "DE", "JP", "KR", "GB"])),
        "foreign_judicial_or_law_enforcement": flag, "on_restricted_list": flag}),
    "domestic_data_added": flag, "subjects_total": counts, "sensitive_subjects_total": counts,
    "ongoing": flag, "contract_effective_date": _opt(days), "security_assessment_approved": _opt(days),
    "certification_date": _opt(days), "pipia_date": _opt(days), "export_controlled": flag,
    "foreign_authority_request": flag, "core_data": flag})
history = st.lists(st.fixed_dictionaries(
    {"date": days, "kind": st.sampled_from(KINDS), "subjects": st.integers(0, 2_000_000)},
    optional={"grounds": grounds, "population": word["population"], "modality": word["modality"],
              "list_item": _opt(st.sampled_from(LIST_ITEMS)), "exempt": flag}), max_size=3)
scenarios = st.fixed_dictionaries({"as_of": days}, optional={
    "processor": processor, "transfer": transfer, "history": history})


def _check(raw: dict, trace: bool, render: bool) -> None:
    from chujing.render.text import render_text
    from chujing.report import drafts
    from chujing.report import render as report

    scenario = Scenario.model_validate(raw)
    out = assess(scenario, BOOK).to_json(trace=trace)
    fresh = orjson.dumps(_fresh(scenario, trace), default=str)
    if out != fresh:
        a, b = json.loads(out), json.loads(fresh)
        raise AssertionError(f"differs in {[k for k in b if a.get(k) != b[k]]}: {json.dumps(raw)}")
    if render:
        d = assess(scenario, BOOK).to_dict()
        assert render_text(d, "both", trace=True)
        assert report(d, raw, "markdown", "both")
        for route in ("sc", "sa", "cert"):
            assert drafts.to_markdown(drafts.build(route, d, raw, None), "zh")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios, st.lists(st.sampled_from(POINTS), min_size=2, max_size=2), st.booleans())
def test_broad_scenarios_and_their_neighbours(raw, points, trace):
    raw["history"] = [h for h in raw.get("history", []) if h["date"] <= raw["as_of"]]
    _check(raw, trace, render=True)
    for p in points:  # the same facts, head-counts on threshold points: memos and templates answer
        near = copy.deepcopy(raw)
        for it in near.get("transfer", {}).get("data", []):
            if it.get("subjects") is not None:
                it["subjects"] = p
        for h in near["history"]:
            h["subjects"] = p
        _check(near, not trace, render=False)
