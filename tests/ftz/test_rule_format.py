"""The list-file features of the rule format: gates, unless_any, globbed overrides — and their errors."""

from __future__ import annotations

import shutil

import pytest

from chujing.errors import RulebookError
from chujing.rulebook import loader
from chujing.rulebook.rulebook import load_rulebook

LIST = """
instrument:
  id: ftz/testzone-2025
  kind: ftz_list
  title: {zh: 测试清单, en: Test list}
  effective_from: 2025-01-01
  source: test
rules:
  - id: ftz/testzone-2025/gate/registered
    kind: gate
    article: "1"
    citation: {zh: 测试清单, en: Test list}
    summary: {zh: 注册地, en: registration}
    when: {processor.ftz: beijing}
    extra: {role: registration}
  - id: ftz/testzone-2025/pharma/1
    kind: trigger
    route: standard_contract_or_certification
    article: "1"
    citation: {zh: 测试清单第1项, en: Test list item 1}
    summary: {zh: 受试者1万人以上, en: "10,000 trial subjects or more"}
    scope: [personal_information, sensitive_personal_information]
    gates: [GATE]
    when:
      count.population: {at_least: 10000, wording: 1万人以上}
    overrides: ["cn/provisions-2024/art-7/spi"]
  - id: ftz/testzone-2025/pharma/off-list
    kind: exemption
    article: "6"
    citation: {zh: 第六条, en: Art. 6}
    summary: {zh: 清单外, en: off the list}
    scope: [personal_information, sensitive_personal_information]
    gates: [ftz/testzone-2025/gate/registered]
    unless_any: ["UNLESS"]
    overrides: [cn/pipl/art-38, "cn/provisions-2024/art-8/*", cn/provisions-2024/art-7/spi, cn/provisions-2024/art-7/pi]
    unaffected: [cn/provisions-2024/art-7/ciio, "ftz/*"]
"""


def _book(tmp_path, gate="ftz/testzone-2025/gate/registered", unless="ftz/testzone-2025/pharma/[0-9]*"):
    data = tmp_path / "data"
    shutil.copytree(loader.DATA_DIR, data)
    (data / "ftz" / "testzone-2025.yaml").write_text(LIST.replace("GATE", gate).replace("UNLESS", unless),
                                                    encoding="utf-8")
    return load_rulebook(data)


def test_gates_are_anded_into_the_rule(tmp_path):
    book = _book(tmp_path)
    item = book.rules["ftz/testzone-2025/pharma/1"]
    assert {"processor.ftz", "count.population"} <= item.condition.facts
    base = {"processor.ftz": "beijing", "count.population": 10000}
    assert item.condition.evaluate(base) is True
    assert item.condition.evaluate({**base, "processor.ftz": "none"}) is False


def test_unless_any_is_off_the_list(tmp_path):
    book = _book(tmp_path)
    off = book.rules["ftz/testzone-2025/pharma/off-list"]
    facts = {"processor.ftz": "beijing", "item.kind": "sensitive_personal_information"}
    assert off.condition.evaluate({**facts, "count.population": 9999}) is True
    assert off.condition.evaluate({**facts, "count.population": 10000}) is False
    assert off.condition.evaluate({**facts, "count.population": None}) is None


def test_national_grounds_reach_list_items_through_the_glob(tmp_path):
    book = _book(tmp_path)
    assert "ftz/testzone-2025/pharma/1" in book.rules["cn/provisions-2024/art-5-1"].overrides
    # Gates, exemptions and non-exemptible items are not reached by the glob.
    assert "ftz/testzone-2025/gate/registered" not in book.rules["cn/provisions-2024/art-5-1"].overrides
    assert "ftz/beijing-2024/pharma/14" not in book.rules["cn/provisions-2024/art-5-1"].overrides


def test_a_gate_that_is_not_a_gate_rule_is_an_error(tmp_path):
    with pytest.raises(RulebookError, match="not a gate rule") as exc:
        _book(tmp_path, gate="ftz/testzone-2025/pharma/off-list")
    assert "testzone-2025.yaml" in str(exc.value)


def test_unless_any_matching_nothing_is_an_error(tmp_path):
    with pytest.raises(RulebookError, match="matches no trigger"):
        _book(tmp_path, unless="ftz/testzone-2025/nothing/*")
