"""The three examples for this area give the answers their comments promise."""

from __future__ import annotations

from pathlib import Path

import pytest

from chujing import assess
from chujing.scenario_io import load_scenario

EXAMPLES = Path(__file__).parent.parent.parent / "examples"


def _decide(name, book):
    return assess(load_scenario(EXAMPLES / name, book), book).to_dict()


def _ids(entries):
    return {e["rule"] for e in entries}


def test_platform_us_listing(around_book):
    d = _decide("platform-us-listing.yaml", around_book)
    assert d["pathway"] == "standard_contract_or_certification"
    assert {"cn/cs-review-2022/art-7", "cn/audit-measures-2025/art-4", "cn/ndsr-around/art-28"} <= _ids(d["obligations"])
    audit = next(o for o in d["obligations"] if o["rule"] == "cn/audit-measures-2025/art-4")
    assert audit["due"] == "2027-03-10"
    risks = {r["rule"]: r for r in d["risks"]}
    assert {"foreign/us/transfer-regime", "foreign/us/doj-bulk-data-rule"} <= set(risks)
    pipl66 = risks["cn/pipl-around/art-66"]["figures"]["fines"][1]
    assert pipl66["turnover_cap_cny"] == 160_000_000 and pipl66["ceiling_cny"] == 160_000_000
    assert not any(r["topic"] == "screening" for r in d["risks"])
    assert d["questions"] == []


def test_carmaker_vehicle_data(around_book):
    d = _decide("carmaker-vehicle-data-2026.yaml", around_book)
    assert d["pathway"] == "standard_contract_or_certification"
    assert [i["route"] for i in d["items"]] == ["standard_contract_or_certification", "exempt", "exempt"]
    assert {"cn/auto-provisions-2021/art-3-5", "cn/auto-provisions-2021/art-3-1-4",
            "foreign/eu/transfer-regime"} <= _ids(d["risks"])
    applied = {f["rule"] for f in d["findings"] if f["status"] == "applies"}
    assert "cn/auto-guideline-2026/remedy-exemption" in applied
    report = next(o for o in d["obligations"] if o["rule"] == "cn/auto-provisions-2021/art-13-14")
    assert report["due"] == "2026-12-15"


def test_pharma_audited(around_book):
    d = _decide("pharma-audited.yaml", around_book)
    assert d["pathway"] == "security_assessment"
    audit = next(o for o in d["obligations"] if o["rule"] == "cn/audit-measures-2025/art-4")
    assert audit["due"] == "2026-09-30"
    assert "cn/hgr/filing" in _ids(d["obligations"])
    assert "cn/hgr/licence" not in {f["rule"] for f in d["findings"] if f["status"] == "applies"}


@pytest.mark.parametrize("name", ["platform-us-listing.yaml", "carmaker-vehicle-data-2026.yaml",
                                  "pharma-audited.yaml"])
def test_every_entry_has_rule_and_chinese_citation(around_book, name):
    d = _decide(name, around_book)
    for e in d["obligations"] + d["risks"]:
        assert e["rule"] and e["citation"]["zh"]
