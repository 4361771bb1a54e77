"""Shanghai lists: report to the data-export service centre within 15 business days after the export."""

from __future__ import annotations

from chujing import Scenario, assess

SHANGHAI = {"ciio": False, "ftz": "shanghai", "sector": "reinsurance", "independent_legal_person": True,
            "data_stored_in_ftz": True}


def _reports(processor, day="2025-06-03"):
    s = Scenario.model_validate({"as_of": day, "processor": processor, "transfer": {
        "date": day, "data": [{"kind": "personal_information", "subjects": 300000, "list_route": "exempt"}]}})
    return [o for o in assess(s).obligations if o.topic == "ftz_reporting"]


def test_due_15_working_days_after_the_export():
    (ob,) = _reports(SHANGHAI)
    assert ob.rule == "ftz/shanghai-2024/reporting"
    assert ob.due.isoformat() == "2025-06-24"  # 2025-06-03 + 15 working days (no holiday in between)


def test_city_wide_edition_from_2026_04_24():
    (ob,) = _reports({**SHANGHAI, "ftz": None, "registered_city": "shanghai"}, "2026-06-01")
    assert ob.rule == "ftz/shanghai-2025/reporting"


def test_not_for_handlers_outside_shanghai():
    assert _reports({**SHANGHAI, "ftz": "beijing"}) == []
