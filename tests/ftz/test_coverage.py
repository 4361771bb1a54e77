"""Every rule of the Beijing 2024 list (items, gates, notes) is exercised by its case table."""

from __future__ import annotations

from pathlib import Path

import yaml

TABLE = Path(__file__).parent.parent / "cases" / "ftz" / "beijing-2024.yaml"


def test_every_beijing_2024_rule_has_a_case(book):
    doc = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    named = {rule for case in doc["cases"] for key in ("applies", "not_applies", "defeated")
             for rule in case["expect"].get(key, [])}
    rules = {rid for rid in book.rules if rid.startswith("ftz/beijing-2024/")}
    assert sorted(rules - named) == []
