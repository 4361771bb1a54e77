"""A decision as text for the terminal, or as Markdown: the route first, then why, then what to do."""

from __future__ import annotations

from typing import Any

from chujing.labels import STATUS

ROUTE_TITLE = {"zh": "出境路径", "en": "Route"}
HEAD = {
    "reasons": {"zh": "依据", "en": "Why"},
    "questions": {"zh": "需要回答的问题", "en": "Questions to answer"},
    "obligations": {"zh": "义务", "en": "Obligations"},
    "headroom": {"zh": "余量（距下一门槛）", "en": "Headroom to the next threshold"},
    "counts": {"zh": "计数", "en": "Counts"},
    "notes": {"zh": "说明", "en": "Notes"},
    "trace": {"zh": "判定过程", "en": "Decision trace"},
    "rulebook": {"zh": "规则库", "en": "Rulebook"},
}


def _langs(lang: str) -> list[str]:
    return ["zh", "en"] if lang == "both" else [lang]


def _pick(text: dict[str, str], lang: str) -> str:
    if lang == "both":
        return f"{text['zh']}\n  {text['en']}"
    return text[lang]


def render_text(d: dict[str, Any], lang: str = "both", trace: bool = False) -> str:
    out: list[str] = []
    label = d["pathway_label"]
    if lang == "both":
        out.append(f"{ROUTE_TITLE['zh']} / {ROUTE_TITLE['en']}: {d['pathway']}")
        out.append(f"  {label['zh']}")
        out.append(f"  {label['en']}")
    else:
        out.append(f"{ROUTE_TITLE[lang]}: {d['pathway']} — {label[lang]}")
    out.append("")
    out.append(_pick(d["summary"], lang))
    if d.get("questions"):
        out.append("")
        out.append(_head("questions", lang))
        for q in d["questions"]:
            item = f" [item {q['item']}]" if q.get("item") is not None else ""
            out.append(f"  ? {q['fact']}{item}")
            for lg in _langs(lang):
                out.append(f"    {q['question'][lg]}")
    applied = [f for f in d["findings"] if f["status"] in ("applies", "defeated", "unknown")]
    if applied:
        out.append("")
        out.append(_head("reasons", lang))
        for f in applied:
            item = f" [item {f['item']}]" if f.get("item") is not None else ""
            out.append(f"  - {f['rule']}{item}: {_status(f['status'], lang)}")
            for lg in _langs(lang):
                out.append(f"      {f['citation'][lg]}")
            for fig in f.get("figures", []):
                out.append(f"      {fig['text']}")
            if f.get("interpretation"):
                out.append("      ⚠ " + ("解释性判断，请与监管机构确认" if lang == "zh" else
                                         "rests on an interpretation: confirm with the regulator"))
    if d.get("obligations"):
        out.append("")
        out.append(_head("obligations", lang))
        for o in d["obligations"]:
            cond = " (conditional)" if o.get("conditional") else ""
            due = f" — due {o['due']}" if o.get("due") else ""
            opens = f" (window opens {o['window_opens']})" if o.get("window_opens") else ""
            out.append(f"  - {o['rule']}{cond}{due}{opens}")
            for lg in _langs(lang):
                out.append(f"      {o['citation'][lg]}: {o['text'][lg]}")
            if o.get("deadline_rule") and not o.get("due"):
                for lg in _langs(lang):
                    out.append(f"      ⏱ {o['deadline_rule'][lg]}")
            if o.get("calendar_note"):
                out.append(f"      ! {o['calendar_note']['en' if lang != 'zh' else 'zh']}")
    if d.get("headroom"):
        out.append("")
        out.append(_head("headroom", lang))
        for h in d["headroom"]:
            for lg in _langs(lang):
                out.append(f"  - {h['label'][lg]}")
    for r in d.get("risks", []):
        if r is d["risks"][0]:
            out.append("")
            out.append("风险 / Risks" if lang == "both" else ("风险" if lang == "zh" else "Risks"))
        out.append(f"  - [{r['severity']}] {r['rule']}")
        for lg in _langs(lang):
            out.append(f"      {r['citation'][lg]}: {r['text'][lg]}")
    if d.get("notes"):
        out.append("")
        out.append(_head("notes", lang))
        for n in d["notes"]:
            for lg in _langs(lang):
                out.append(f"  - {n[lg]}")
    if trace:
        out.append("")
        out.append(_head("trace", lang))
        for f in d["findings"]:
            item = f" [item {f['item']}]" if f.get("item") is not None else ""
            out.append(f"  {f['rule']}{item}: {_status(f['status'], lang)}")
            for lg in _langs(lang):
                out.append(f"      {f['explanation'][lg]}")
    out.append("")
    rb = d["rulebook"]
    out.append(f"{_head('rulebook', lang)}: {rb['version']} ({rb['hash'][:12]}), as of {d['as_of']}")
    return "\n".join(out) + "\n"


def render_markdown(d: dict[str, Any], lang: str = "both") -> str:
    out: list[str] = []
    label = d["pathway_label"]
    title = " / ".join(label[lg] for lg in _langs(lang))
    head = f"{ROUTE_TITLE['zh']} / {ROUTE_TITLE['en']}" if lang == "both" else ROUTE_TITLE[lang]
    out.append(f"# {head}: `{d['pathway']}`")
    out.append("")
    out.append(f"**{title}**")
    out.append("")
    for lg in _langs(lang):
        out.append(d["summary"][lg])
        out.append("")
    if d.get("questions"):
        out.append(f"## {_head('questions', lang)}")
        out.append("")
        for q in d["questions"]:
            out.append(f"- `{q['fact']}`: " + " / ".join(q["question"][lg] for lg in _langs(lang)))
        out.append("")
    out.append(f"## {_head('trace', lang)}")
    out.append("")
    out.append("| rule | item | status | citation | figures |")
    out.append("|---|---|---|---|---|")
    for f in d["findings"]:
        cit = " / ".join(f["citation"][lg] for lg in _langs(lang))
        figs = "; ".join(fig["text"] for fig in f.get("figures", []))
        item = "" if f.get("item") is None else str(f["item"])
        out.append(f"| `{f['rule']}` | {item} | {_status(f['status'], lang)} | {cit} | {figs} |")
    out.append("")
    if d.get("obligations"):
        out.append(f"## {_head('obligations', lang)}")
        out.append("")
        for o in d["obligations"]:
            due = f" — **due {o['due']}**" if o.get("due") else ""
            out.append(f"- `{o['rule']}`{due}: " + " / ".join(o["text"][lg] for lg in _langs(lang)))
        out.append("")
    if d.get("headroom"):
        out.append(f"## {_head('headroom', lang)}")
        out.append("")
        for h in d["headroom"]:
            out.append("- " + " / ".join(h["label"][lg] for lg in _langs(lang)))
        out.append("")
    rb = d["rulebook"]
    out.append(f"_{_head('rulebook', lang)}: {rb['version']} (`{rb['hash'][:12]}`), as of {d['as_of']}_")
    return "\n".join(out) + "\n"


def _head(key: str, lang: str) -> str:
    h = HEAD.get(key, {"zh": key, "en": key})
    return f"{h['zh']} / {h['en']}" if lang == "both" else h[lang]


def _status(status: str, lang: str) -> str:
    s = STATUS.get(status, {"zh": status, "en": status})
    return f"{s['zh']} / {s['en']}" if lang == "both" else s[lang]
