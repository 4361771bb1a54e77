"""Missing facts are tried at every value they could take (engine/assess.py). A value tried for
one fact can leave another open that was not before; those are tried too, never a crash."""

from __future__ import annotations

from datetime import date

from chujing import Scenario, assess
from chujing.rulebook import default_rulebook

DAY = date(2026, 11, 24)


def _scenario(notified: bool | None) -> Scenario:
    # The transfer's stated totals count only while no item is left out of the count. Whether the
    # important-data item is (Provisions Art. 2, not notified) is unknown; once tried as left out,
    # the genetic item's own, unstated number of people decides the thresholds.
    return Scenario.model_validate({"transfer": {
        "data": [{"kind": "genetic"}, {"kind": "general"},
                 {"kind": "important_data", "important_data": {"notified": notified}}],
        "foreign_authority_request": False, "subjects_total": 1, "sensitive_subjects_total": 0}})


def test_a_fact_opened_by_another_is_asked_not_a_crash():
    d = assess(_scenario(None), default_rulebook(), as_of=DAY)  # was KeyError: 'needs_information'
    assert str(d.pathway) == "needs_information"
    asked = {(q.fact, q.item) for q in d.questions}
    assert ("item.subjects", 0) in asked  # opened only when the exemption is tried as holding
    assert ("processor.ciio", None) in asked
    assert d.possible_pathways == ["standard_contract_or_certification", "security_assessment"]


def test_once_the_opening_fact_is_given_its_question_goes():
    d = assess(_scenario(True), default_rulebook(), as_of=DAY)  # notified: no exemption, totals count
    assert ("item.subjects", 0) not in {(q.fact, q.item) for q in d.questions}


def test_a_given_total_with_an_unknown_sensitive_count_is_summed_up_not_a_crash():
    """transfer.subjects_total given, the sensitive item's own count not: the window's sensitive
    count is unknown. Under the 2022 Measures 100,000 people decide the route alone (Art. 4(3));
    the summary says the sensitive count is not known (was a TypeError formatting None)."""
    import orjson

    raw = {"as_of": "2022-09-01", "transfer": {"data": [{"kind": "sensitive_personal_information"}],
                                               "subjects_total": 100_000}}
    book = default_rulebook()
    d = assess(Scenario.model_validate(raw), book)
    assert str(d.pathway) == "security_assessment"
    assert d.counts["personal_information"] == 100_000 and d.counts["sensitive_personal_information"] is None
    assert "100,000" in d.summary["en"] and "how many of them sensitive is not known" in d.summary["en"]
    assert "其中敏感个人信息人数未知" in d.summary["zh"]
    assert d.to_json() == orjson.dumps(assess(Scenario.model_validate(raw), book).to_dict(), default=str)
