"""The report as Markdown: the same sections as the HTML, tables instead of the chart."""

from __future__ import annotations

from typing import Any

from chujing.report import labels as L


def langs_of(lang: str) -> list[str]:
    return ["zh", "en"] if lang == "both" else [lang]


def _cell(text: Any) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


class _Md:
    def __init__(self, lang: str) -> None:
        self.langs = langs_of(lang)
        self.lines: list[str] = []

    def t(self, text: dict[str, str] | None, sep: str = " / ") -> str:
        if text is None:
            return ""
        values = [text.get(lg, "") for lg in self.langs]
        if len(set(values)) == 1:  # numbers, dates, names: once is enough
            return values[0]
        return sep.join(values)

    def h(self, level: int, key_or_text: str | dict[str, str], suffix: str = "") -> None:
        text = L.T[key_or_text] if isinstance(key_or_text, str) else key_or_text
        self.lines += ["#" * level + " " + self.t(text) + suffix, ""]

    def para(self, text: dict[str, str]) -> None:
        for value in dict.fromkeys(text[lg] for lg in self.langs):
            self.lines += [value, ""]

    def table(self, heads: list[str], rows: list[list[Any]]) -> None:
        self.lines.append("| " + " | ".join(self.t(L.T[h]) if h in L.T else h for h in heads) + " |")
        self.lines.append("|" + "---|" * len(heads))
        for r in rows:
            self.lines.append("| " + " | ".join(_cell(c) for c in r) + " |")
        self.lines.append("")


def render_markdown(ctx: dict[str, Any], lang: str = "both") -> str:
    m = _Md(lang)
    m.h(1, "title")
    head = [f"**{m.t(L.T['as_of'])}**: {ctx['as_of']}"]
    if ctx["company"]:
        head.insert(0, f"**{m.t(L.T['company'])}**: {ctx['company']}")
    m.lines += [" · ".join(head), ""]
    m.h(2, "route", f": `{ctx['pathway']}`")
    m.lines += [f"**{m.t(ctx['pathway_label'])}**", ""]
    m.para(ctx["summary"])
    if ctx["possible_pathways"]:
        m.lines += [f"{m.t(L.T['possible'])}: " + "; ".join(
            f"`{p['id']}` ({m.t(p['label'])})" for p in ctx["possible_pathways"]), ""]
    if ctx["questions"]:
        m.h(3, "questions")
        for q in ctx["questions"]:
            item = f" [#{q['item']}]" if q.get("item") is not None else ""
            m.lines.append(f"- `{q['fact']}`{item}: " + m.t(q["question"], "<br>"))
        m.lines.append("")
    _facts(m, ctx)
    _trace(m, ctx)
    _obligations(m, ctx)
    _headroom(m, ctx)
    if ctx["risks"]:
        m.h(2, "risks")
        for r in ctx["risks"]:
            m.lines.append(f"- [{r['severity']}] `{r['rule']}` {m.t(r['citation'])}: {m.t(r['text'], ' / ')}")
        m.lines.append("")
    if ctx["notes"]:
        m.h(2, "notes")
        for n in ctx["notes"]:
            m.lines.append("- " + m.t(n, " / "))
        m.lines.append("")
    _inventory(m, ctx)
    _provenance(m, ctx)
    return "\n".join(m.lines).rstrip("\n") + "\n"


def _facts(m: _Md, ctx: dict[str, Any]) -> None:
    m.h(2, "facts")
    if not ctx["has_scenario"]:
        m.para(L.T["facts_from_decision"])
    else:
        m.table(["h_field", "h_value"],
                [[m.t(r["label"]), m.t(r["value"])] for r in ctx["facts"]])
    if ctx["items"]:
        m.h(3, "data_items")
        m.table(["#", "h_name", "h_kind", "h_subjects", "h_categories", "h_route", "h_counted"],
                [[r["index"], r["name"], m.t(r["kind"]), m.t(r["subjects"]), m.t(r["categories"], "<br>"),
                  f"`{r['route']}`" if r["route"] else "", m.t(r["counted"])] for r in ctx["items"]])
    if ctx["history"]:
        m.h(3, "history")
        m.table(["h_date", "h_kind", "h_subjects", "h_grounds"],
                [[r["date"], m.t(r["kind"]), m.t(r["subjects"]), m.t(r["grounds"])]
                 for r in ctx["history"]])
    c = ctx["counts"]
    if c:
        m.h(3, "counts")
        w = c.get("window") or {}
        rows = []
        if w:
            rows.append([m.t({"zh": "计数窗口", "en": "Counting window"}), f"{w.get('start')} – {w.get('end')}"])
        for key in ("personal_information", "sensitive_personal_information"):
            if key in c:
                rows.append([m.t(L.KIND[key]), f"{c[key]:,}" if isinstance(c[key], int) else c[key]])
        m.table(["h_counter", "h_persons"], rows)


def _trace(m: _Md, ctx: dict[str, Any]) -> None:
    m.h(2, "trace")
    m.para(L.T["trace_intro"])
    rows = []
    for i, f in enumerate(ctx["trace"], 1):
        expl = m.t(f["explanation"], "<br>")
        if f["interpretation"]:
            expl += " ⚠ " + m.t(L.T["interpretation"])
        rows.append([i, f"`{f['rule']}`", "" if f["item"] is None else f["item"],
                     m.t(f["status_label"]), "; ".join(f["figures"]),
                     m.t(f["citation"], "<br>"), expl])
    m.table(["#", "h_rule", "h_item", "h_status", "h_figures", "h_citation", "h_explanation"], rows)


def _obligations(m: _Md, ctx: dict[str, Any]) -> None:
    if not ctx["obligations"]:
        return
    m.h(2, "obligations")
    rows = []
    for o in ctx["obligations"]:
        text = m.t(o["text"], "<br>")
        if o["conditional"]:
            text = m.t(L.T["conditional"]).strip() + " " + text
        deadline = m.t(o["deadline"], "<br>") if o["deadline"] else ""
        if o["window_opens"]:
            deadline += f" ({m.t(L.T['window_opens'])} {o['window_opens']})"
        if o["calendar_note"]:
            deadline += " — " + m.t(o["calendar_note"], " / ")
        rows.append([f"`{o['rule']}`", m.t(o["citation"], "<br>"), text, deadline])
    m.table(["h_rule", "h_citation", "h_obligation", "h_deadline"], rows)


def _headroom(m: _Md, ctx: dict[str, Any]) -> None:
    if not ctx["chart"]:
        return
    m.h(2, "headroom")
    rows = []
    for r in ctx["chart"]:
        cur = "?" if r["current"] is None else f"{r['current']:,}"
        rem = m.t(L.T["reached"]) if r["reached"] else ("?" if r["remaining"] is None else f"{r['remaining']:,}")
        rows.append([m.t(r["label"]), f"{r['threshold']:,}" + (f" ({r['wording']})" if r["wording"] else ""),
                     cur, rem])
    m.table(["h_counter", "h_threshold", "h_current", "h_remaining"], rows)


def _inventory(m: _Md, ctx: dict[str, Any]) -> None:
    m.h(2, "inventory")
    inv = ctx["inventory"]
    if inv is None:
        m.para(L.T["inv_none"])
        m.table(["h_name", "h_kind", "h_column", "h_categories", "h_subjects"],
                [[r["name"], m.t(r["kind"]), r["fields"] or L.TODO, m.t(r["categories"], "<br>") or L.TODO,
                  m.t(r["subjects"])] for r in ctx["items"]])
        return
    for row in inventory_summary(inv):
        m.lines.append(f"- {m.t(row[0])}: {row[1]}")
    m.lines.append("")
    m.h(3, "inv_datasets")
    for ds in inv["datasets"]:
        meta = ", ".join(x for x in (ds.get("format"), f"{m.t(L.T['h_rows'])} {ds['rows']:,}" if ds.get("rows") is not None else None) if x)
        m.lines += [f"**{ds['name']}**" + (f" ({meta})" if meta else ""), ""]
        if ds["fields"] is None:
            m.para(L.T["inv_fields_unknown"])
            continue
        m.table(["h_column", "h_category", "h_sensitive", "h_matches", "h_samples"],
                [[f["column"], m.t(f["category_name"]), m.t(L.T["yes" if f["sensitive"] else "no"]),
                  f"{f['matches']:,}/{f['cells']:,}" if f.get("cells") else "",
                  ", ".join(f["samples"])] for f in ds["fields"]])
    m.h(3, "inv_categories")
    m.table(["h_category", "h_sensitive", "h_persons"],
            [[m.t(c["name"]), m.t(L.T["yes" if c["sensitive"] else "no"]),
              "" if c["persons"] is None else f"{c['persons']:,}"] for c in inv["categories"]])
    m.para(L.T["inv_masked"])


def inventory_summary(inv: dict[str, Any]) -> list[tuple[dict[str, str], str]]:
    def n(v):
        return "?" if v is None else f"{v:,}"
    return [(L.T["as_of"], str(inv.get("as_of"))), (L.T["inv_profile"], str(inv.get("profile"))),
            (L.T["inv_subjects"], n(inv.get("subjects"))),
            (L.T["inv_sensitive_subjects"], n(inv.get("sensitive_subjects"))),
            (L.T["inv_minors"], n(inv.get("minors_under_14"))),
            (L.T["inv_key"], str(inv.get("key_fingerprint")))]


def _provenance(m: _Md, ctx: dict[str, Any]) -> None:
    m.h(2, "provenance")
    rb = ctx["rulebook"]
    rows = [[m.t(L.T["rulebook_version"]), rb.get("version")],
            [m.t(L.T["rulebook_hash"]), f"`{rb.get('hash')}`"],
            [m.t(L.T["as_of"]), ctx["as_of"]],
            [m.t(L.T["inputs_hash"]), f"`{ctx['inputs_hash']}`"]]
    if ctx["scenario_hash"]:
        rows.append([m.t(L.T["scenario_hash"]), f"`{ctx['scenario_hash']}`"])
    m.table(["h_field", "h_value"], rows)
    m.h(2, "limits")
    for lim in ctx["limits"]:
        m.lines.append("- " + m.t(lim, "<br>"))
    m.lines.append("")
