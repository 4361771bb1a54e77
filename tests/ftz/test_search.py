"""`chujing rules search` finds FTZ list items by their zh and en keywords."""

from __future__ import annotations

from datetime import date

import pytest

from chujing.cli.rules import search_rules


@pytest.mark.parametrize(("text", "expected"), [
    ("充电桩", "ftz/beijing-2024/automotive/3"),
    ("charging pile", "ftz/beijing-2024/automotive/3"),
    ("flight recorder", "ftz/beijing-2024/civil-aviation/1"),
    ("flight recorder", "ftz/beijing-2024/civil-aviation/2"),
    ("飞行数据记录器", "ftz/beijing-2024/civil-aviation/1"),
    ("算法源代码", "ftz/beijing-2024/ai/1"),
    ("algorithm source code", "ftz/beijing-2024/ai/1"),
    ("车牌", "ftz/beijing-2024/automotive/4"),
    ("受试者", "ftz/beijing-2024/pharma/9"),
    ("人类遗传资源", "ftz/beijing-2024/pharma/14"),
])
def test_finds_list_item(book, text, expected):
    assert expected in {r.id for r in search_rules(book, text)}


def test_search_by_date_finds_the_edition_in_force(book):
    assert "ftz/beijing-2025/automotive/3" in {r.id for r in search_rules(book, "充电桩", date(2026, 11, 23))}
    ids = {r.id for r in search_rules(book, "充电桩", date(2025, 6, 1))}
    assert "ftz/beijing-2024/automotive/3" in ids and "ftz/beijing-2025/automotive/3" not in ids


def test_unrelated_words_find_no_list_item(book):
    assert not [r for r in search_rules(book, "充电桩 flight recorder") if r.id.startswith("ftz/")]
