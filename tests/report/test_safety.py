import pytest

from chujing.report.safety import scrub, scrub_tree


@pytest.mark.parametrize("text,expected", [
    ("call 13812345678 now", "call 138******78 now"),
    ("ID 11010519491231002X", "ID 110*************2X"),
    ("card 6222 0212 3456 7890 123", "card 622" + "*" * 18 + "23"),
    ("+86 138-1234-5678", "+86" + "*" * 12 + "78"),
    ("mail zhang.san@example.com", "mail z***@example.com"),
])
def test_identifiers_are_masked(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize("text", [
    "2026-01-01 – 2026-06-30",
    "2026-01-01 2026-06-30",
    "count.pi 340,000 ≥ 100,000 (10万人以上)",
    "Provisions Arts. 5(4), 7, 8",
    "rulebook 2026.11.0",
    "GB/T 45574-2025 and GB/T 35273-2020",
    "123456",  # six digits: a postcode, not a person
    "138****5678",  # already masked by the scanner
])
def test_our_own_text_is_left_alone(text):
    assert scrub(text) == text


def test_tree_leaves_hashes_and_ids():
    tree = {"hash": "1234567890abcdef1234567", "rule": "cn/x/12345678",
            "name": "张三 13812345678", "list": ["13812345678"]}
    out = scrub_tree(tree)
    assert out["hash"] == tree["hash"] and out["rule"] == tree["rule"]
    assert out["name"] == "张三 138******78" and out["list"] == ["138******78"]
