from datetime import date

import chinese_calendar

from chujing import Scenario, assess
from chujing.engine.deadlines import add_working_days, subtract_working_days


def test_national_day_2025_and_make_up_days():
    # 2025: Oct 1–8 off; Sun Sep 28 and Sat Oct 11 are make-up working days (State Council notice).
    due, guessed = add_working_days(date(2025, 9, 26), 10)
    assert due == date(2025, 10, 16) and not guessed


def test_working_days_agree_with_the_calendar():
    start = date(2026, 1, 20)
    due, _ = add_working_days(start, 10)
    days = [date.fromordinal(o) for o in range(start.toordinal() + 1, due.toordinal() + 1)]
    assert sum(chinese_calendar.is_workday(d) for d in days) == 10
    assert chinese_calendar.is_workday(due)


def test_unpublished_year_falls_back_and_says_so():
    due, guessed = add_working_days(date(2026, 12, 24), 10)
    assert guessed == {2027}
    assert due.weekday() < 5


def test_window_before_counts_back_working_days():
    first, _ = subtract_working_days(date(2026, 6, 30), 60)
    days = [date.fromordinal(o) for o in range(first.toordinal(), date(2026, 6, 30).toordinal() + 1)]
    assert sum(chinese_calendar.is_workday(d) for d in days) == 60


def test_sc_filing_deadline_in_the_decision(book):
    s = Scenario.model_validate({"as_of": "2025-09-26", "processor": {"ciio": False},
                                 "transfer": {"contract_effective_date": "2025-09-26",
                                              "data": [{"kind": "personal_information", "subjects": 200000}]}})
    d = assess(s, book)
    filing = [o for o in d.obligations if o.rule == "cn/sc-measures-2023/art-7"]
    assert filing and filing[0].due == date(2025, 10, 16)


def test_sa_validity_and_renewal_window(book):
    s = Scenario.model_validate({"as_of": "2025-09-26", "processor": {"ciio": True},
                                 "transfer": {"security_assessment_approved": "2025-06-30",
                                              "data": [{"kind": "personal_information", "subjects": 1}]}})
    d = assess(s, book)
    validity = [o for o in d.obligations if o.rule == "cn/provisions-2024/art-9"][0]
    assert validity.due == date(2028, 6, 30)  # 3 years, Civil Code Art. 202
    assert validity.window_opens is not None and validity.window_opens < validity.due
    assert validity.calendar_note  # 2028's holidays are not published yet


def test_important_data_two_months(book):
    s = Scenario.model_validate({"as_of": "2025-09-26", "processor": {"ciio": False},
                                 "transfer": {"data": [{"kind": "important_data", "important_data":
                                                        {"notified": True, "notified_date": "2025-07-31"}}]}})
    d = assess(s, book)
    ob = [o for o in d.obligations if o.rule == "cn/cac-qa-2025-05/q2"][0]
    assert ob.due == date(2025, 9, 30)  # 2 months; Sep has no 31st → last day of the month


def test_headroom_counts_down_to_each_threshold(book):
    s = Scenario.model_validate({"as_of": "2025-06-01", "processor": {"ciio": False},
                                 "transfer": {"data": [{"kind": "personal_information", "subjects": 60000}]}})
    d = assess(s, book)
    h = {(x.counter, x.threshold): x.remaining for x in d.headroom}
    assert h[("count.pi", 100000)] == 39999
    assert h[("count.pi", 1000000)] == 939999
    assert h[("count.spi", 10000)] == 9999


def test_headroom_lists_only_thresholds_stricter_than_the_route(book):
    s = Scenario.model_validate({"as_of": "2025-06-01", "processor": {"ciio": False},
                                 "transfer": {"data": [{"kind": "personal_information", "subjects": 340000}]}})
    d = assess(s, book)
    assert {(h.counter, h.threshold) for h in d.headroom} == {("count.pi", 1000000), ("count.spi", 10000)}
    assert all(h.route == "security_assessment" for h in d.headroom)


def test_resolved_unknowns_still_name_the_deciding_rules(book):
    s = Scenario.model_validate({"as_of": "2025-06-01",
                                 "transfer": {"data": [{"kind": "sensitive_personal_information", "subjects": 20000}]}})
    d = assess(s, book)
    assert d.items[0].decided_by == ["cn/provisions-2024/art-7/ciio", "cn/provisions-2024/art-7/spi"]
    assert "No rule requires" not in d.summary["en"]
    assert d.headroom == []


def test_every_example_serialises_with_labelled_headroom(book):
    from pathlib import Path

    from chujing.scenario_io import load_scenario

    for path in sorted((Path(__file__).parents[2] / "examples").glob("*.yaml")):
        d = assess(load_scenario(path, book), book).to_dict()
        for h in d["headroom"]:
            assert h["label"]["zh"] and h["label"]["en"], path
