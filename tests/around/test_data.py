"""The around-the-transfer rule data: valid, cited, and protected from exemptions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from chujing.engine.risks import AnnualDue, check_around_data, next_annual, turnover_cap
from chujing.errors import RulebookError
from chujing.rulebook import load_rulebook
from chujing.rulebook.loader import DATA_DIR

AROUND_FILES = ["pipl-around", "dsl", "csl-2016", "csl-2025", "ndsr-2024-around", "cs-review-2022",
                "audit-measures-2025", "auto-provisions-2021", "auto-guideline-2026", "export-control", "hgr"]


def test_bundled_around_data_is_valid(around_book):
    check_around_data(around_book)


def test_every_around_rule_is_cited_in_chinese(around_book):
    rules = [r for r in around_book.rules.values()
             if r.instrument.extra.get("around") or r.instrument.kind == "foreign"]
    assert len(rules) > 40
    for r in rules:
        assert r.citation["zh"] and r.summary["zh"] and r.summary["en"], r.id


@pytest.mark.parametrize("name", ["eu", "us", "sg", "jp", "kr"])
def test_destination_summaries_say_they_are_not_legal_advice(around_book, name):
    inst = around_book.instruments[f"foreign/{name}"]
    assert inst.kind == "foreign" and inst.extra["not_legal_advice"] is True
    assert inst.source and inst.effective_from
    for r in around_book.instrument_rules(f"foreign/{name}"):
        assert r.kind == "risk"
        assert "非法律意见" in r.summary["zh"] and "not legal advice" in r.summary["en"]


@pytest.mark.parametrize(("rule", "op", "threshold", "wording"), [
    ("cn/cs-review-2022/art-7", "more_than", 1_000_000, "超过100万用户"),
    ("cn/audit-measures-2025/art-4", "more_than", 10_000_000, "超过1000万人"),
    ("cn/audit-measures-2025/art-12", "more_than", 1_000_000, "超过100万人"),
    ("cn/ndsr-around/art-28", "at_least", 10_000_000, "1000万人以上"),
    ("cn/auto-provisions-2021/art-3-5", "more_than", 100_000, "超过10万人"),
])
def test_thresholds_follow_the_wording(around_book, rule, op, threshold, wording):
    (cmp,) = [c for c in around_book.rules[rule].condition.comparisons if c.threshold == threshold]
    assert (cmp.op, cmp.wording) == (op, wording)


@pytest.mark.parametrize("rule", ["cn/pipl-around/art-41", "cn/pipl-around/art-42", "cn/pipl-around/art-36",
                                  "cn/dsl/art-36", "cn/dsl/art-21-core-data", "cn/hgr/licence"])
def test_hard_blocks_are_not_exemptible(around_book, rule):
    r = around_book.rules[rule]
    assert r.kind == "trigger" and r.rule.exemptible is False and r.rule.extra.get("screening") is True


def _copy_rulebook(tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(DATA_DIR, dst)
    return dst


def test_an_exemption_cannot_override_a_hard_block(tmp_path):
    data = _copy_rulebook(tmp_path)
    path = data / "cn" / "provisions-2024.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    rule = next(r for r in doc["rules"] if r["id"] == "cn/provisions-2024/art-5-1")
    rule["overrides"].append("cn/pipl-around/art-41")
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(RulebookError, match="exemptible: false"):
        load_rulebook(data)


def test_broken_fine_data_names_the_rule(tmp_path):
    data = _copy_rulebook(tmp_path)
    path = data / "cn" / "dsl.yaml"
    text = path.read_text(encoding="utf-8").replace("min_cny: 2000000", "min_cny: -5", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulebookError) as err:
        check_around_data(load_rulebook(data))
    assert err.value.rule == "cn/dsl/art-45-2" or "cn/dsl/art-45-2" in str(err.value)


def test_refers_to_must_name_a_rule(tmp_path):
    data = _copy_rulebook(tmp_path)
    path = data / "cn" / "csl-2025.yaml"
    text = path.read_text(encoding="utf-8").replace("refers_to: [cn/dsl/art-46,", "refers_to: [cn/dsl/art-99,")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulebookError, match="art-99"):
        check_around_data(load_rulebook(data))


@pytest.mark.parametrize(("turnover", "percent", "cap"), [
    (2_000_000_000, 5, 100_000_000),
    (1_000_000_000, 5, 50_000_000),
    (999_999_999, 5, 50_000_000),        # 49,999,999.95 rounds half up
    (999_999_989, 5, 49_999_999),        # 49,999,999.45
    (10, 5, 1),                           # 0.5 → 1 (half up, not banker's rounding)
    (0, 5, 0),
    (123_456_789.5, 5, 6_172_839),       # 6,172,839.475
])
def test_turnover_cap_arithmetic(turnover, percent, cap):
    assert turnover_cap(turnover, percent) == cap


def test_next_annual_due_date():
    from datetime import date

    due = AnnualDue(month=12, day=15)
    assert next_annual(date(2025, 12, 15), due) == date(2025, 12, 15)
    assert next_annual(date(2025, 12, 16), due) == date(2026, 12, 15)
    assert next_annual(date(2025, 1, 1), due) == date(2025, 12, 15)


def test_around_files_exist():
    for name in AROUND_FILES:
        assert (DATA_DIR / "cn" / f"{name}.yaml").is_file(), name
