"""Every day from 2022-09-01 to today is covered by a regime with a counting rule and triggers."""

from __future__ import annotations

from datetime import date, timedelta

from chujing import Scenario, assess

TODAY = date(2026, 11, 23)


def test_every_day_has_a_regime(book):
    base = {"processor": {"ciio": False, "pi_subjects_processed": 10},
            "transfer": {"data": [{"kind": "personal_information", "subjects": 150000}]}}
    day = date(2022, 9, 1)
    seen = set()
    while day <= TODAY:
        rs = book.in_force(day)
        assert rs.counting is not None, f"no counting rule on {day}"
        assert rs.triggers, f"no trigger on {day}"
        d = assess(Scenario.model_validate({**base, "as_of": day}), book)
        assert d.pathway.value != "needs_information", day
        seen.add(d.pathway.value)
        day += timedelta(days=1)
    # 150,000 people: SA under the old regime, SC/CERT from 2024-03-22.
    assert seen == {"security_assessment", "standard_contract_or_certification"}


def test_before_any_regime_is_an_error(book):
    import pytest

    from chujing.errors import RulebookError

    with pytest.raises(RulebookError, match="no regime"):
        assess(Scenario.model_validate({"as_of": "2021-10-31",
                                        "transfer": {"data": [{"kind": "general"}]}}), book)
