"""`assess` with a ledger: only people not already exported this window are added."""

from __future__ import annotations

from datetime import date

import pytest

from chujing.engine import assess
from chujing.errors import InputError, StoreError
from chujing.facts import Scenario
from chujing.ledger import integration

from .conftest import KEY, keys, record, write_manifest

DAY = date(2025, 6, 1)


def scenario(**transfer) -> Scenario:
    return Scenario.model_validate({
        "as_of": DAY.isoformat(),
        "processor": {"ciio": False, "name": "Example Co."},
        "transfer": {"date": DAY.isoformat(), "recipient": {"name": "HQ", "country": "DE"}, **transfer},
    })


def run(s: Scenario, ledger, manifest=None, book=None):
    prepared = integration.prepare(s, ledger, manifest, DAY, book=book)
    return prepared, assess(prepared, book, as_of=DAY)


@pytest.mark.parametrize(("known", "pathway", "spi"), [
    (4, "security_assessment", 10_001),  # 6 new → 9,995 + 6 ≥ 10,000 (1万人以上)
    (5, "security_assessment", 10_000),  # 5 new → exactly 10,000: at the threshold
    (6, "standard_contract_or_certification", 9_999),  # 4 new → below; 10k+ PI → SC
])
def test_sensitive_threshold_counts_only_new_people(ledger, tmp_path, book, known, pathway, spi):
    record(ledger, "earlier", date(2025, 2, 1), keys(range(10_000, 20_000)), keys(range(10_000, 19_995)))
    # The manifest: 10 sensitive persons, `known` of them exported before.
    persons = list(range(19_995 - known, 19_995)) + list(range(30_000, 30_000 + 10 - known))
    m = write_manifest(tmp_path / "m.parquet", KEY, persons, set(persons))
    prepared, d = run(scenario(), ledger, m, book)
    assert prepared.transfer.subjects_total == 10 - known
    assert prepared.transfer.sensitive_subjects_total == 10 - known
    assert d.counts["sensitive_personal_information"] == spi
    assert d.counts["personal_information"] == 10_000 + 10 - known
    assert str(d.pathway) == pathway


def test_headroom_and_cumulative_figures_come_from_the_ledger(ledger, tmp_path, book):
    record(ledger, "a", date(2025, 1, 10), keys(range(0, 3_000)), keys(range(0, 100)))
    record(ledger, "b", date(2025, 3, 10), keys(range(2_000, 5_000)), keys(range(50, 200)))
    record(ledger, "exempt-hr", date(2025, 4, 1), keys(range(5_000, 9_000)), exempt=True)
    m = write_manifest(tmp_path / "m.parquet", KEY, list(range(4_000, 6_000)), set())
    _, d = run(scenario(), ledger, m, book)
    assert d.counts["personal_information"] == 6_000
    assert d.counts["sensitive_personal_information"] == 200
    assert d.counts["this_transfer"]["personal_information"] == 1_000
    heads = {(h.counter, h.threshold): h.remaining for h in d.headroom}
    assert heads[("count.pi", 100_000)] == 100_000 - 6_000 - 1
    assert heads[("count.spi", 10_000)] == 10_000 - 200 - 1
    assert str(d.pathway) == "exempt"


def test_declared_scenario_without_manifest(ledger, book):
    record(ledger, "a", date(2025, 1, 10), keys(range(0, 95_000)))
    _, d = run(scenario(data=[{"kind": "personal_information", "subjects": 5_000}]), ledger, None, book)
    assert d.counts["personal_information"] == 100_000
    assert str(d.pathway) == "standard_contract_or_certification"


def test_earlier_regime_window_from_the_rulebook(ledger, book):
    # Before 2024-03-22 the count ran since 1 January of the previous year.
    record(ledger, "2022", date(2022, 12, 1), keys(range(0, 60_000)))
    record(ledger, "2023", date(2023, 2, 1), keys(range(30_000, 90_000)))
    s = Scenario.model_validate({"processor": {"ciio": False, "pi_subjects_processed": 200_000},
                                 "transfer": {"date": "2023-06-01",
                                              "data": [{"kind": "personal_information", "subjects": 10_000}]}})
    day = date(2023, 6, 1)
    prepared = integration.prepare(s, ledger, None, day, book=book)
    d = assess(prepared, book, as_of=day)
    assert d.counts["window"]["start"] == "2022-01-01"
    assert d.counts["personal_information"] == 100_000
    assert str(d.pathway) == "security_assessment"


def test_populations_partition_the_history(ledger, tmp_path, book):
    record(ledger, "t", date(2025, 2, 1), keys(range(0, 100)), keys(range(0, 30)),
           populations={"trial_subjects": keys(range(20, 60))})
    s = scenario(data=[{"kind": "sensitive_personal_information", "population": "trial_subjects"}])
    m = write_manifest(tmp_path / "m.parquet", KEY, list(range(50, 70)), set(range(50, 70)))
    prepared, d = run(s, ledger, m, book)
    assert sum(h.subjects for h in prepared.history) == 100
    assert sum(h.subjects for h in prepared.history if str(h.kind) != "personal_information") == 30
    assert sum(h.subjects for h in prepared.history if h.population == "trial_subjects") == 40
    # 50-59 were trial subjects already; 60-69 are new to the population.
    assert prepared.transfer.data[0].subjects == 10
    assert d.counts["by_population"]["trial_subjects"] == 50
    assert d.counts["personal_information"] == 100  # all 20 were exported before


def test_record_from_a_decision_is_idempotent(ledger, tmp_path, book):
    m = write_manifest(tmp_path / "m.parquet", KEY, list(range(0, 50)), set(range(0, 5)))
    prepared, d = run(scenario(), ledger, m, book)
    r = integration.record(ledger, "T-1", prepared, d, m)
    assert r.status == "recorded" and r.new_persons["personal_information"] == 50
    prepared, d = run(scenario(), ledger, m, book)  # now everyone is known
    assert prepared.transfer.subjects_total == 0
    assert integration.record(ledger, "T-1", prepared, d, m).status == "unchanged"
    t = ledger.transfer("T-1")
    assert (t["persons"], t["sensitive_persons"], t["exempt"]) == (50, 5, False)
    assert t["recipient"] == {"name": "HQ", "country": "DE"}


def test_exempt_transfer_is_recorded_not_counted(ledger, book):
    s = scenario(grounds=["hr"], data=[{"kind": "personal_information", "subjects": 300}])
    prepared, d = run(s, ledger, None, book)
    assert str(d.pathway) == "exempt"
    integration.record(ledger, "hr-1", prepared, d)
    t = ledger.transfer("hr-1")
    assert t["exempt"] and t["persons"] == 300 and t["exemption_rules"]
    _, d = run(scenario(data=[{"kind": "personal_information", "subjects": 10}]), ledger, None, book)
    assert d.counts["personal_information"] == 10


def test_unknown_counts_cannot_be_recorded(ledger, book):
    s = scenario(data=[{"kind": "personal_information"}])
    prepared, d = run(s, ledger, None, book)
    with pytest.raises(InputError, match="number of persons is unknown"):
        integration.record(ledger, "x", prepared, d)
    assert ledger.transfers() == []


def test_history_and_ledger_together_is_an_error(ledger, book):
    s = Scenario.model_validate({"as_of": "2025-06-01", "history": [
        {"date": "2025-02-01", "kind": "personal_information", "subjects": 5}]})
    with pytest.raises(InputError, match="history"):
        integration.prepare(s, ledger, None, DAY, book=book)


def test_manifest_under_another_key_is_refused(ledger, tmp_path, book):
    m = write_manifest(tmp_path / "m.parquet", b"k" * 32, [1, 2, 3], set())
    with pytest.raises(StoreError, match="another key"):
        integration.prepare(scenario(), ledger, m, DAY, book=book)


def test_status_reads_thresholds_from_the_rulebook(ledger, book):
    record(ledger, "a", date(2025, 2, 1), keys(range(0, 1_234)), keys(range(0, 34)))
    st = integration.status(ledger, book, date(2025, 12, 31))
    assert st["year"] == 2025 and st["window"]["start"] == "2025-01-01"
    assert st["counts"]["personal_information"] == 1_234
    assert st["counts"]["sensitive_personal_information"] == 34
    pi = st["headroom"]["personal_information"]
    assert pi["next_threshold"] == 100_000 and pi["remaining"] == 100_000 - 1_234 - 1
    assert st["headroom"]["sensitive_personal_information"]["next_threshold"] == 10_000
    st = integration.status(ledger, book, date(2023, 12, 31))
    assert st["window"]["start"] == "2022-01-01"
    assert st["counts"]["personal_information"] == 0


def test_assessing_a_recorded_declared_transfer_again_does_not_count_it_twice(ledger, book):
    s = scenario(data=[{"kind": "personal_information", "subjects": 60_000}])
    prepared = integration.prepare(s, ledger, None, DAY, book=book, record_id="T")
    d = assess(prepared, book, as_of=DAY)
    integration.record(ledger, "T", prepared, d)
    again = integration.prepare(s, ledger, None, DAY, book=book, record_id="T")
    assert assess(again, book, as_of=DAY).counts["personal_information"] == 60_000
    other = integration.prepare(s, ledger, None, DAY, book=book, record_id="U")
    assert assess(other, book, as_of=DAY).counts["personal_information"] == 120_000
