"""One broken rule file per error kind: the loader names the file, the line, the rule and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chujing.errors import RulebookError
from chujing.rulebook import load_rulebook
from chujing.rulebook.loader import DATA_DIR
from chujing.rulebook.lock import check as lock_check

HEADER = """instrument:
  id: test/extra
  kind: national
  title: {zh: 测试, en: Test}
  effective_from: 2024-03-22
  source: test fixture
rules:
"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(DATA_DIR, dst)
    return dst


def write(data: Path, body: str) -> Path:
    p = data / "cn" / "zz-extra.yaml"
    p.write_text(HEADER + body, encoding="utf-8")
    return p


RULE = """  - id: test/extra/r
    kind: {kind}
    article: "1"
    citation: {{zh: 测试第一条, en: Test Art. 1}}
    summary: {{zh: 测试, en: test}}
"""

CASES = [
    ("invalid YAML", "  - id: [unclosed\n", "invalid YAML", None),
    ("trigger without a route", RULE.format(kind="trigger") + "    scope: [general]\n",
     "a trigger needs a route", "test/extra/r"),
    ("unknown field", RULE.format(kind="definition") + "    colour: red\n",
     "Extra inputs are not permitted", "test/extra/r"),
    ("unknown fact", RULE.format(kind="trigger") + "    route: security_assessment\n    scope: [general]\n"
     "    when:\n      processor.favourite_colour: blue\n", "unknown fact 'processor.favourite_colour'", "test/extra/r"),
    ("wording contradicts the operator", RULE.format(kind="trigger") + "    route: security_assessment\n"
     "    scope: [personal_information]\n    when:\n      count.pi: {at_least: 5, wording: 不满5人}\n",
     "implies below, not at_least", "test/extra/r"),
    ("numeric test without wording", RULE.format(kind="trigger") + "    route: security_assessment\n"
     "    scope: [personal_information]\n    when:\n      count.pi: {at_least: 5}\n",
     "needs the law's `wording`", "test/extra/r"),
    ("unknown word", RULE.format(kind="trigger") + "    route: security_assessment\n"
     "    scope: [general]\n    when:\n      processor.sector: spaceships\n",
     "'spaceships' is not a known sector word", "test/extra/r"),
    ("exemption and trigger with no stated priority", RULE.format(kind="exemption") +
     "    scope: [personal_information]\n    when:\n      processor.ciio: false\n",
     "no stated priority", "test/extra/r"),
    ("override that matches nothing", RULE.format(kind="exemption") +
     "    scope: [general]\n    overrides: [cn/nowhere/*]\n", "matches no rule", "test/extra/r"),
    ("a second counting window", RULE.format(kind="counting") + "    window: since_previous_year_start\n",
     "two counting windows", "test/extra/r"),
    ("duplicate rule id", RULE.format(kind="definition").replace("test/extra/r", "cn/pipl/art-38"),
     "must start with", None),
]


@pytest.mark.parametrize(("body", "message", "rule"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_rule_file(data, body, message, rule):
    path = write(data, body)
    with pytest.raises(RulebookError) as info:
        load_rulebook(data)
    err = info.value
    assert message in str(err)
    assert err.file and (err.file == str(path) or err.file.endswith(".yaml"))
    assert err.line is not None
    if rule:
        assert err.rule == rule


def test_mutual_override_is_a_conflict(data):
    write(data, """  - id: test/extra/a
    kind: trigger
    route: security_assessment
    article: "1"
    citation: {zh: 甲, en: A}
    summary: {zh: 甲, en: A}
    scope: [general]
    overrides: [test/extra/b]
  - id: test/extra/b
    kind: trigger
    route: standard_contract_or_certification
    article: "2"
    citation: {zh: 乙, en: B}
    summary: {zh: 乙, en: B}
    scope: [general]
    overrides: [test/extra/a]
""")
    with pytest.raises(RulebookError, match="override each other"):
        load_rulebook(data)


def test_the_bundled_rulebook_is_locked():
    assert lock_check() == []


def test_a_rule_change_without_a_version_bump_is_caught(data):
    p = data / "cn" / "pipl.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("第三十八条", "第三十八条 "), encoding="utf-8")
    problems = lock_check(data)
    assert any("bump" in prob for prob in problems)
