"""Assemble a draft as a list of blocks (title, heading, para, todo, table, checklist), bilingual.

Writers (markdown.py, docx.py) pick the language. Everything user-supplied is scrubbed first, so a
draft holds masked samples only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chujing.report import labels as L
from chujing.report.context import canonical_json, inputs_hash, scenario_dict
from chujing.report.drafts import outlines as O
from chujing.report.drafts.outlines import bi
from chujing.report.safety import scrub_tree

Block = dict[str, Any]
NUMERALS = "一二三四五六七八九十"


def same(text: Any) -> dict[str, str]:
    return {"zh": str(text), "en": str(text)}


def _people_zh(n: int | None) -> str:
    return L.TODO if n is None else f"{n:,}人"


def _people_en(n: int | None) -> str:
    return L.TODO if n is None else f"{n:,}"


def or_todo(value: Any) -> dict[str, str]:
    if value is None or value == "" or value == []:
        return same(L.TODO)
    if isinstance(value, dict) and "zh" in value:
        return value
    return same(value)


@dataclass
class Draft:
    route: str
    title: dict[str, str]
    blocks: list[Block] = field(default_factory=list)

    def add(self, kind: str, **kw: Any) -> None:
        self.blocks.append({"type": kind, **kw})

    def heading(self, level: int, text: dict[str, str]) -> None:
        self.add("heading", level=level, text=text)

    def para(self, text: dict[str, str]) -> None:
        self.add("para", text=text)

    def todo(self, hint: dict[str, str] | None = None) -> None:
        self.add("todo", text=hint)

    def table(self, head: list[dict[str, str]], rows: list[list[dict[str, str]]]) -> None:
        self.add("table", head=head, rows=rows)

    def checklist(self, items: list[dict[str, Any]]) -> None:
        self.add("checklist", items=items)

    def signature(self) -> str:
        """A stable digest of the content, for tests and for the file's own record."""
        import hashlib

        return hashlib.sha256(canonical_json(self.blocks).encode()).hexdigest()


class Facts:
    """What the draft can prefill, from the scenario, decision and scan (already scrubbed)."""

    def __init__(self, decision: dict | None, scenario: Any, inventory: dict | None) -> None:
        s_raw = scenario_dict(scenario)
        self.inputs_hash = inputs_hash(decision or {}, s_raw, inventory)
        self.d = scrub_tree(decision) if decision else None
        self.s = scrub_tree(s_raw) if s_raw else {}
        self.inv = scrub_tree(inventory) if inventory else None
        self.p = self.s.get("processor") or {}
        self.t = self.s.get("transfer") or {}
        self.r = self.t.get("recipient") or {}
        self.items = self.t.get("data") or []
        self.counts = (self.d or {}).get("counts") or {}

    def word(self, kind: str, value: str | None) -> dict[str, str] | None:
        if value is None:
            return None
        from chujing.report.context import _word

        return _word(kind, value)

    def category_names(self) -> dict[str, dict[str, str]]:
        from chujing.report.inventory import _names

        return _names()

    def categories(self, sensitive: bool | None = None) -> list[str]:
        """Category ids from the items (by kind) and the scan."""
        cats: list[str] = []
        for it in self.items:
            is_sens = it.get("kind") == "sensitive_personal_information"
            if sensitive is None or sensitive == is_sens:
                cats += it.get("categories") or []
        if self.inv:
            for c in self.inv["categories"]:
                if sensitive is None or sensitive == c["sensitive"]:
                    cats.append(c["id"])
        return list(dict.fromkeys(cats))

    def category_text(self, sensitive: bool | None) -> dict[str, str] | None:
        cats = self.categories(sensitive)
        if not cats:
            return None
        names = self.category_names()
        return {lg: ("、" if lg == "zh" else ", ").join(names.get(c, {lg: c})[lg] for c in cats)
                for lg in ("zh", "en")}

    def people(self) -> dict[str, str] | None:
        this = self.counts.get("this_transfer") or {}
        pi, spi = this.get("personal_information"), this.get("sensitive_personal_information")
        if pi is None and self.inv:
            pi, spi = self.inv.get("subjects"), self.inv.get("sensitive_subjects")
        if pi is None:
            subjects = [it.get("subjects") for it in self.items]
            if not subjects or any(x is None for x in subjects):
                return None
            pi = sum(subjects)
            spi = sum(it["subjects"] for it in self.items if it["kind"] == "sensitive_personal_information")
        # As the engine counts: every person with PI, and of them those with sensitive PI.
        # An unknown sensitive count is left for the filer to complete, never written as 0.
        zh = f"个人信息{pi:,}人，其中敏感个人信息{_people_zh(spi)}"
        en = f"{pi:,} people's personal information, {_people_en(spi)} of them sensitive"
        ytd_pi = self.counts.get("personal_information")
        if ytd_pi is not None:
            ytd_spi = self.counts.get("sensitive_personal_information")
            zh += f"。自当年1月1日起累计：个人信息{ytd_pi:,}人，其中敏感个人信息{_people_zh(ytd_spi)}"
            en += f". Since 1 January: {ytd_pi:,} people's PI, {_people_en(ytd_spi)} of them sensitive"
        return {"zh": zh + "（按自然人去重）。", "en": en + " (distinct natural persons)."}


def build_draft(route: str, decision: dict | None, scenario: Any, inventory: dict | None) -> Draft:
    f = Facts(decision, scenario, inventory)
    title = {"standard_contract": O.PIPIA_TITLE, "security_assessment": O.SA_TITLE,
             "certification": O.CERT_TITLE, "inventory": O.INVENTORY_TITLE}[route]
    doc = Draft(route=route, title=title)
    doc.add("title", text=title)
    _cover(doc, f)
    if route == "standard_contract":
        _pipia(doc, f)
        doc.add("pagebreak")
        _sc_annex(doc, f)
        doc.add("pagebreak")
        _sc_filing(doc, f)
    elif route == "security_assessment":
        _self_assessment(doc, f)
        doc.add("pagebreak")
        _sa_checklist(doc, f)
    elif route == "certification":
        _cert(doc, f)
    doc.add("pagebreak")
    _inventory(doc, f, top=route == "inventory")
    return doc


def _cover(doc: Draft, f: Facts) -> None:
    d = f.d or {}
    rows = [
        (bi("个人信息处理者 / 数据处理者", "Handler"), or_todo(f.p.get("name"))),
        (bi("评估日期", "Date of assessment"), or_todo(d.get("as_of") or f.s.get("as_of"))),
        (bi("出境路径（工具结论）", "Route (tool's result)"),
         or_todo(d.get("pathway_label") or (L.ROUTE.get(d["pathway"]) if d.get("pathway") else None))),
        (bi("规则库版本", "Rulebook version"), or_todo((d.get("rulebook") or {}).get("version"))),
        (bi("输入哈希（SHA-256）", "Hash of the inputs (SHA-256)"), same(f.inputs_hash)),
    ]
    doc.add("meta", rows=rows)
    doc.add("notice", text=O.NOTICE)


def _n(i: int) -> str:
    return NUMERALS[i] if i < len(NUMERALS) else str(i + 1)


def _h1(doc: Draft, i: int, text: dict[str, str]) -> None:
    doc.heading(1, {"zh": f"{_n(i)}、{text['zh']}", "en": f"{i + 1}. {text['en']}"})


def _h2(doc: Draft, i: int, text: dict[str, str]) -> None:
    doc.heading(2, {"zh": f"（{_n(i)}）{text['zh']}", "en": f"({i + 1}) {text['en']}"})


def _kv(doc: Draft, rows: list[tuple[dict[str, str], Any]]) -> None:
    doc.table([bi("事项", "Item"), bi("内容", "Content")], [[k, or_todo(v)] for k, v in rows])


def _items_table(doc: Draft, f: Facts) -> None:
    names = f.category_names()
    rows = []
    for i, it in enumerate(f.items):
        cats = it.get("categories") or []
        cat_text = {lg: ("、" if lg == "zh" else ", ").join(names.get(c, {lg: c})[lg] for c in cats)
                    for lg in ("zh", "en")} if cats else None
        rows.append([same(i), or_todo(it.get("name")), L.KIND.get(it["kind"], same(it["kind"])),
                     or_todo(cat_text), or_todo(f"{it['subjects']:,}" if it.get("subjects") is not None else None)])
    if not rows:
        rows.append([same("—"), same(L.TODO), same(L.TODO), same(L.TODO), same(L.TODO)])
    doc.table([same("#"), bi("数据项", "Data item"), bi("类型", "Kind"), bi("类别", "Categories"),
               bi("人数", "People")], rows)


def _route_paragraph(doc: Draft, f: Facts) -> None:
    if f.d and f.d.get("summary"):
        doc.para(f.d["summary"])


def _processor_rows(f: Facts) -> list[tuple[dict[str, str], Any]]:
    ciio = f.p.get("ciio")
    return [
        (bi("名称", "Name"), f.p.get("name")),
        (bi("所属行业", "Sector"), f.word("sector", f.p.get("sector"))),
        (bi("是否关键信息基础设施运营者", "CIIO"),
         None if ciio is None else L.T["yes" if ciio else "no"]),
        (bi("处理个人信息的人数", "People whose PI it processes"),
         None if f.p.get("pi_subjects_processed") is None else f"{f.p['pi_subjects_processed']:,}"),
        (bi("组织架构与个人信息保护负责人", "Organisation and PI protection officer"), None),
        (bi("联系人及联系方式", "Contact"), None),
    ]


def _recipient_rows(f: Facts) -> list[tuple[dict[str, str], Any]]:
    return [
        (bi("境外接收方名称", "Recipient"), f.r.get("name")),
        (bi("所在国家或地区", "Country or region"), f.r.get("country")),
        (bi("联系方式", "Contact"), None),
        (bi("处理目的与方式", "Purpose and method of its processing"), None),
        (bi("安全保护能力与措施", "Security capability and measures"), None),
    ]


def _pipia(doc: Draft, f: Facts) -> None:
    _h1(doc, 0, bi("评估工作概述", "About this assessment"))
    _kv(doc, [(bi("评估时间", "When"), None), (bi("评估团队", "Team"), None),
              (bi("评估方法", "Method"), None)])
    doc.para(bi("评估依据：", "Basis:"))
    doc.add("bullets", items=O.PIPIA_BASIS)
    _h1(doc, 1, bi("出境活动整体情况", "The transfer"))
    _h2(doc, 0, bi("个人信息处理者基本情况", "The handler"))
    _kv(doc, _processor_rows(f))
    _h2(doc, 1, bi("境外接收方基本情况", "The overseas recipient"))
    _kv(doc, _recipient_rows(f))
    _h2(doc, 2, bi("拟出境个人信息情况", "The personal information to be exported"))
    _items_table(doc, f)
    doc.para(or_todo(f.people()))
    _h2(doc, 3, bi("出境涉及的业务和信息系统", "Business and systems involved"))
    doc.para(or_todo(f.word("scenario", f.t.get("scenario"))))
    doc.todo(bi("描述业务流程、信息系统、传输方式和数据流（可附数据流图）。",
                "Describe the business process, systems, transfer method and data flow (attach a diagram)."))
    _h2(doc, 4, bi("适用的出境路径", "The route"))
    _route_paragraph(doc, f)
    _h1(doc, 2, bi("拟出境活动的影响评估", "Impact assessment"))
    for i, (point, hint) in enumerate(O.PIPIA_POINTS):
        _h2(doc, i, point)
        if i == 1:
            doc.para(or_todo(f.people()))
            sens = f.category_text(True)
            doc.para({"zh": "敏感个人信息：" + (sens["zh"] if sens else "无（据所填事实）"),
                      "en": "Sensitive personal information: " + (sens["en"] if sens else "none (on the facts given)")})
            doc.todo(bi("评估上述规模、种类和敏感程度对个人信息权益的风险。",
                        "Assess the risks this scale, these categories and this sensitivity pose to individuals."))
        elif i == 4 and f.r.get("country"):
            doc.para({"zh": f"接收方所在国家或地区：{f.r['country']}", "en": f"Recipient's country or region: {f.r['country']}"})
            doc.todo(hint)
        else:
            doc.todo(hint)
    _h1(doc, 3, bi("评估结论", "Conclusion"))
    doc.todo(bi("综合上述评估，说明风险是否可控、是否同意出境及需采取的措施。",
                "Say whether the risk is under control, whether the export may proceed, and on what measures."))
    _obligations(doc, f)


def _risks(doc: Draft, f: Facts) -> None:
    risks = (f.d or {}).get("risks") or []
    if not risks:
        return
    doc.heading(2, bi("附：风险提示（工具所列，供评估时考虑）", "Attached: risks the tool raised (to weigh in the assessment)"))
    doc.table([bi("风险", "Risk"), bi("出处", "Citation")], [[r["text"], r["citation"]] for r in risks])


# Obligations of the other mechanism are left out of a mechanism's draft.
OTHER_MECHANISM = {"standard_contract": ("cn/cert-measures",), "certification": ("cn/sc-measures",)}


def _obligations(doc: Draft, f: Facts) -> None:
    _risks(doc, f)
    skip = OTHER_MECHANISM.get(doc.route, ())
    obls = [o for o in (f.d or {}).get("obligations") or [] if not o["rule"].startswith(skip)]
    if not obls:
        return
    doc.heading(2, bi("附：相关义务与期限（工具所列）", "Attached: obligations and deadlines (from the tool)"))
    rows = []
    for o in obls:
        if o.get("due"):
            deadline = same(o["due"])
        elif o.get("deadline_rule"):
            deadline = o["deadline_rule"]
        elif o.get("retention_years") is not None:
            deadline = {"zh": f"保存至少{o['retention_years']}年", "en": f"keep at least {o['retention_years']} years"}
        else:
            deadline = same("")
        rows.append([o["text"], o["citation"], deadline])
    doc.table([bi("义务", "Obligation"), bi("出处", "Citation"), bi("期限", "Deadline")], rows)


def _sc_annex(doc: Draft, f: Facts) -> None:
    doc.heading(1, O.SC_ANNEX_TITLE)
    scen = f.word("scenario", f.t.get("scenario"))
    purpose = None
    if scen:
        purpose = {"zh": f"业务场景：{scen['zh']}。具体处理目的：{L.TODO}",
                   "en": f"Scenario: {scen['en']}. Specific purpose: {L.TODO}"}
    recipient = None
    if f.r.get("name") or f.r.get("country"):
        recipient = same(" / ".join(x for x in (f.r.get("name"), f.r.get("country")) if x))
    _kv(doc, [
        (bi("1. 处理目的", "1. Purpose of processing"), purpose),
        (bi("2. 处理方式", "2. Method of processing"), None),
        (bi("3. 出境个人信息的种类", "3. Categories of personal information"), f.category_text(None)),
        (bi("4. 出境敏感个人信息种类（如适用）", "4. Categories of sensitive personal information (if any)"),
         f.category_text(True) or (bi("无（据所填事实）", "none (on the facts given)") if f.items else None)),
        (bi("5. 境外接收方（及其向境外第三方提供的，仅限以下接收方）", "5. Recipients (onward transfer only to these)"), recipient),
        (bi("6. 传输方式", "6. Transfer method"), None),
        (bi("7. 出境后存储期限", "7. Storage period after export"), None),
        (bi("8. 出境后存储地点", "8. Storage place after export"), None),
        (bi("9. 出境个人信息涉及的人数", "9. People counted"), f.people()),
        (bi("10. 其他事项", "10. Other"), None),
    ])


def _sc_filing(doc: Draft, f: Facts) -> None:
    doc.heading(1, bi("标准合同备案材料清单", "Standard contract filing: materials"))
    doc.checklist([{"text": m, "done": None} for m in O.SC_FILING_MATERIALS])
    doc.para(same("依据 / Source: " + O.SC_FILING_SOURCE))
    _deadline_note(doc, f, "cn/sc-measures-2023/art-7")


def _deadline_note(doc: Draft, f: Facts, rule: str) -> None:
    for o in (f.d or {}).get("obligations") or []:
        if o["rule"] == rule:
            text = dict(o["text"])
            if o.get("due"):
                text = {"zh": f"截止日期：{o['due']}。{text['zh']}", "en": f"Due {o['due']}. {text['en']}"}
            doc.para(text)


def _self_assessment(doc: Draft, f: Facts) -> None:
    _h1(doc, 0, bi("自评估工作简述", "The self-assessment"))
    _h2(doc, 0, bi("自评估工作开展情况", "How it was carried out"))
    _kv(doc, [(bi("评估时间", "When"), None), (bi("组织与人员", "Organisation and people"), None),
              (bi("评估过程与方法", "Process and method"), None)])
    doc.para(bi("评估依据：", "Basis:"))
    doc.add("bullets", items=O.SA_BASIS)
    _h2(doc, 1, bi("自评估结论", "Conclusion in brief"))
    doc.todo(None)
    _h1(doc, 1, bi("出境活动整体情况", "The transfer"))
    for i, (head, hint) in enumerate(O.SA_OVERVIEW):
        _h2(doc, i, head)
        if i == 0:
            _kv(doc, _processor_rows(f))
        elif i == 2:
            _items_table(doc, f)
            doc.para(or_todo(f.people()))
            imp = [it for it in f.items if it.get("kind") == "important_data"]
            if imp:
                doc.para(bi(f"含重要数据{len(imp)}项（已被告知或公开发布为重要数据的，须申报安全评估）。",
                            f"{len(imp)} item(s) of important data (notified or published important data needs a security assessment)."))
            _route_paragraph(doc, f)
        elif i == 4:
            _kv(doc, _recipient_rows(f))
        elif i == 5:
            doc.para(bi("法律文件应当约定的事项（《数据出境安全评估办法》第九条），逐项说明约定情况：",
                        "What the legal document must cover (SA Measures Art. 9); say how each is agreed:"))
            doc.checklist([{"text": x, "done": None} for x in O.SA_LEGAL_DOCUMENT])
        if hint:
            doc.todo(hint)
        elif i not in (0, 2, 4):
            doc.todo(None)
    _h1(doc, 2, bi("拟出境活动风险评估情况", "Risk assessment of the export"))
    for i, point in enumerate(O.SA_POINTS):
        _h2(doc, i, point)
        doc.todo(None)
    _h1(doc, 3, bi("出境活动风险自评估结论", "Conclusion"))
    doc.todo(bi("说明风险是否可控、拟采取的措施，以及报告完成日期（须在申报前3个月内）。",
                "Say whether the risk is under control, the measures to take, and the report's date (within 3 months before declaring)."))
    _obligations(doc, f)


def _sa_checklist(doc: Draft, f: Facts) -> None:
    doc.heading(1, bi("数据出境安全评估申报材料清单", "Security assessment declaration: materials"))
    doc.checklist([{"text": m, "done": None} for m in O.SA_MATERIALS])
    doc.para(same("依据 / Source: " + O.SA_MATERIALS_SOURCE))
    doc.para(O.SA_FILING_NOTE)


def _cert(doc: Draft, f: Facts) -> None:
    doc.heading(1, bi("申请前自查与申请材料", "Before applying, and what to file"))
    doc.checklist([{"text": t, "done": None, "source": src} for t, src in O.CERT_CHECKLIST])
    doc.heading(2, bi("适用路径与计数", "Route and counts"))
    _route_paragraph(doc, f)
    doc.para(or_todo(f.people()))
    doc.heading(2, bi("拟认证的出境个人信息", "The personal information to be certified"))
    _items_table(doc, f)
    _obligations(doc, f)


def _inventory(doc: Draft, f: Facts, top: bool) -> None:
    if not top:
        doc.heading(1, O.INVENTORY_TITLE)
    inv = f.inv
    names = f.category_names()
    if inv is None:
        doc.para(L.T["inv_none"])
        rows = []
        for it in f.items:
            cats = it.get("categories") or []
            rows.append([or_todo(it.get("name")), same(L.TODO) if not it.get("fields") else same(", ".join(it["fields"])),
                         or_todo({lg: ", ".join(names.get(c, {lg: c})[lg] for c in cats) for lg in ("zh", "en")} if cats else None),
                         bi("是", "yes") if it["kind"] == "sensitive_personal_information" else
                         (bi("否", "no") if it["kind"] == "personal_information" else L.KIND.get(it["kind"], same(it["kind"]))),
                         or_todo(f"{it['subjects']:,}" if it.get("subjects") is not None else None)])
        if not rows:
            rows.append([same(L.TODO)] * 5)
        doc.table([bi("数据集", "Dataset"), bi("字段", "Fields"), bi("个人信息类别", "PI categories"),
                   bi("敏感", "Sensitive"), bi("人数", "People")], rows)
        return
    from chujing.report.markdown import inventory_summary

    doc.table([bi("事项", "Item"), bi("内容", "Content")],
              [[k, same(v)] for k, v in inventory_summary(inv)])
    for ds in inv["datasets"]:
        rows = ds.get("rows")
        doc.heading(2, {lg: ds["name"] + (f" ({ds['format']}, {L.T['h_rows'][lg]} {rows:,})"
                                          if rows is not None else "") for lg in ("zh", "en")})
        if ds["fields"] is None:
            doc.para(L.T["inv_fields_unknown"])
            doc.todo(None)
            continue
        doc.table([bi("字段", "Field"), bi("个人信息类别", "PI category"), bi("敏感", "Sensitive"),
                   bi("脱敏样例", "Masked samples")],
                  [[same(c["column"]), c["category_name"], L.T["yes" if c["sensitive"] else "no"],
                    same(", ".join(c["samples"]))] for c in ds["fields"]])
    doc.heading(2, bi("各类别人数", "People per category"))
    doc.table([bi("个人信息类别", "PI category"), bi("敏感", "Sensitive"), bi("人数", "People")],
              [[c["name"], L.T["yes" if c["sensitive"] else "no"],
                same("" if c["persons"] is None else f"{c['persons']:,}")] for c in inv["categories"]])
    doc.para(L.T["inv_masked"])
