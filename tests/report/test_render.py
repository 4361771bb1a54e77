"""Markdown and HTML per language; chart; inventory annex; provenance."""

import re
from html.parser import HTMLParser

import pytest

from chujing.report import build_context, render
from chujing.report.chart import headroom_svg
from tests.report.conftest import RAW_PI, load_case


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_languages(fmt):
    d, s = load_case("standard_contract")
    zh = render(d, s, fmt, "zh")
    en = render(d, s, fmt, "en")
    both = render(d, s, fmt, "both")
    assert "出境路径" in zh and "Route" not in zh and "Decision trace" not in zh
    assert "Route" in en and "出境路径" not in en and "判定过程" not in en
    for text in ("出境路径", "Route", "判定过程", "Decision trace", "本工具不作判断的事项",
                 "What this tool does not decide"):
        assert text in both
    assert both.index("订立个人信息出境标准合同") < both.index("standard contract (with filing)")


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_report_opens_with_route_and_reason_then_sections_in_order(fmt):
    d, s = load_case("standard_contract")
    out = render(d, s, fmt, "en")
    order = ["Route", d["summary"]["en"][:40], "Facts as understood", "Decision trace",
             "Obligations and deadlines", "Headroom to each threshold", "Annex: data inventory",
             "Rulebook hash", "What this tool does not decide"]
    out = out[max(out.find("<body"), 0):]  # the HTML <title> and header name the company and date first
    positions = [out.index(x) for x in order]
    assert positions == sorted(positions)


def test_trace_has_every_finding_with_citation_and_figures():
    d, s = load_case("standard_contract")
    out = render(d, s, "markdown", "en")
    for f in d["findings"]:
        assert f"`{f['rule']}`" in out
        assert f["citation"]["en"] in out
        for fig in f["figures"]:
            assert fig["text"] in out


def test_obligation_deadline_shown():
    d, s = load_case("standard_contract")
    due = [o["due"] for o in d["obligations"] if o.get("due")]
    assert due
    out = render(d, s, "html", "zh")
    for day in due:
        assert day in out


def test_provenance():
    d, s = load_case("security_assessment")
    ctx = build_context(d, s)
    out = render(d, s, "markdown", "both")
    assert d["rulebook"]["version"] in out and d["rulebook"]["hash"] in out
    assert ctx["inputs_hash"] in out and re.fullmatch(r"[0-9a-f]{64}", ctx["inputs_hash"])
    # The hash covers the inputs: a changed fact changes it.
    s2 = {**s, "processor": {**s["processor"], "name": "另一家银行"}}
    assert build_context(d, s2)["inputs_hash"] != ctx["inputs_hash"]


def test_from_decision_alone_needs_no_scenario():
    d, _ = load_case("exempt")
    out = render(d, None, "markdown", "en")
    assert "made from a decision (JSON) without the scenario file" in out
    assert d["items"][0]["name"].split()[0] in out


class _Checker(HTMLParser):
    VOID = {"meta", "br", "rect", "line", "link", "img", "hr"}

    def __init__(self):
        super().__init__()
        self.stack, self.tags = [], set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.add(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}> after {self.stack[-3:]}"
        self.stack.pop()


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_html_is_balanced_self_contained_and_scriptless(case, lang):
    name, d, s = case
    html = render(d, s, "html", lang)
    checker = _Checker()
    checker.feed(html)
    assert checker.stack == []
    assert "script" not in checker.tags
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert html.startswith("<!DOCTYPE html>")
    if d["headroom"]:
        assert "<svg" in html


def test_chart_rows_and_bars():
    d, s = load_case("standard_contract")
    ctx = build_context(d, s)
    rows = {(r["counter"], r["threshold"]): r for r in ctx["chart"]}
    assert rows[("count.pi", 100000)]["reached"] is True
    assert rows[("count.pi", 1000000)]["reached"] is False
    assert rows[("count.pi", 1000000)]["remaining"] == 659999
    assert rows[("count.spi", 10000)]["current"] == 0
    svg = headroom_svg(ctx["chart"], ["zh", "en"])
    assert svg.count("<line") == len(ctx["chart"])
    assert "340,000 / 1,000,000" in svg and "#c53030" in svg  # a reached threshold is red


def test_chart_threshold_boundary():
    from chujing.report.chart import reached

    assert reached("at_least", 100000, 100000) and not reached("at_least", 99999, 100000)
    assert not reached("more_than", 100000, 100000) and reached("more_than", 100001, 100000)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_no_raw_pi_anywhere(fmt, lang, scan_inventory):
    d, s = load_case("needs_information")
    out = render(d, s, fmt, lang, inventory=scan_inventory)
    for raw in RAW_PI + ["11010519491231002X", "13987654321"]:
        assert raw not in out
    assert "138******78" in out  # the planted phone, masked
    assert "138****5678" in out  # the scanner's own masked sample


def test_inventory_annex_from_scan(scan_inventory):
    d, s = load_case("needs_information")
    out = render(d, s, "markdown", "both", inventory=scan_inventory)
    annex = out[out.index("数据资产清单"):]
    for text in ("customers.csv", "手机号", "电话号码", "医疗健康", "gbt-45574-2025"):
        assert text in annex
    assert "/home/" not in out


def test_inventory_annex_without_scan_is_marked_to_complete():
    d, s = load_case("standard_contract")
    out = render(d, s, "markdown", "zh")
    annex = out[out.index("数据资产清单"):]
    assert "【待填写 / TO COMPLETE】" in annex


def test_inventory_from_manifest():
    from chujing.report.inventory import load_inventory
    from tests.report.conftest import FIXTURES

    inv = load_inventory(FIXTURES / "scan-manifest.parquet")
    assert inv["source"] == "manifest" and inv["subjects"] == 2 and inv["sensitive_subjects"] == 2
    assert inv["datasets"][0]["name"] == "customers.csv" and inv["datasets"][0]["fields"] is None
    assert {c["id"] for c in inv["categories"] if c["sensitive"]} == {"medical_health"}


def test_bad_arguments():
    d, s = load_case("exempt")
    with pytest.raises(ValueError):
        render(d, s, "docx", "zh")
    with pytest.raises(ValueError):
        render(d, s, "html", "fr")
