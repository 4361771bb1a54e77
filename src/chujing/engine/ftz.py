"""FTZ negative lists (Provisions Art. 6): which list applies, and why not.

The lists themselves are rule files (rulebook/data/ftz/*.yaml): their items are triggers, "data not
on the list" is an exemption (`unless_any` of the items), and their applicability conditions are
`gate` rules ANDed into every item (`gates:`). Evaluation therefore happens in the ordinary pass;
this module only explains it: one finding per gate of each list that could concern the handler
(registered in its zone or city, or adopting it), the list's printed notes where they apply, and
notes on lists that are not in force or items that were not named.

A gate's `extra.role` says what it checks: `registration`, `legal_person`, `ciio`, `storage`,
`sector` (one per covered sector; shown only for the handler's sector), `sector_any` (the list
covers the handler's sector at all) or `item` (a per-data-item condition, e.g. AI modality).
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from chujing.decision import Finding
from chujing.engine.explain import failed_tests
from chujing.rulebook.rulebook import CompiledRule, Rulebook

FTZ_KIND = "ftz_list"


class _Index:
    """Gate and note rules per list instrument (built once per rulebook)."""

    def __init__(self, book: Rulebook) -> None:
        self.gates: dict[str, list[CompiledRule]] = {}
        self.notes: dict[str, list[CompiledRule]] = {}
        self.registration: dict[str, list[CompiledRule]] = {}
        for r in book.rules.values():
            if r.instrument.kind != FTZ_KIND:
                continue
            inst = r.instrument.id
            if r.kind == "gate":
                self.gates.setdefault(inst, []).append(r)
                if r.rule.extra.get("role") == "registration":
                    self.registration.setdefault(inst, []).append(r)
            elif r.kind == "note":
                self.notes.setdefault(inst, []).append(r)
        # Per list rule, the gates that make it irrelevant when false: registration and sector.
        self.screens: dict[str, list[CompiledRule]] = {}
        for r in book.rules.values():
            if r.instrument.kind == FTZ_KIND and r.kind in ("trigger", "exemption"):
                named = [book.rules[g] for g in r.rule.gates if g in book.rules]
                self.screens[r.id] = self.registration.get(r.instrument.id, []) + [
                    g for g in named if g.rule.extra.get("role") == "sector"]


def _index(book: Rulebook) -> _Index:
    idx = book.__dict__.get("_ftz_index")
    if idx is None:
        idx = _Index(book)
        book.__dict__["_ftz_index"] = idx
    return idx


def hidden(book: Rulebook, rule: CompiledRule, facts: dict[str, Any]) -> bool:
    """A list rule that cannot concern this handler (not registered in the list's zone, or another
    sector of the list): left out of the trace so that an assessment does not list every zone's items;
    the gate findings say why a list or sector does not apply."""
    if rule.instrument.kind != FTZ_KIND:
        return False
    return any(g.condition.evaluate(facts) is False for g in _index(book).screens.get(rule.id, []))


def lists_in_force(book: Rulebook, day: date) -> list[str]:
    """The FTZ list instruments in force on `day` (cached per rulebook and day; do not change)."""
    cache = book.__dict__.setdefault("_ftz_lists_by_day", {})
    hit = cache.get(day)
    if hit is None:
        if len(cache) > 4096:
            cache.clear()
        hit = cache[day] = _lists_in_force(book, day)
    return hit


def _lists_in_force(book: Rulebook, day: date) -> list[str]:
    out = []
    for inst_id, inst in book.instruments.items():
        if inst.kind != FTZ_KIND:
            continue
        if inst.effective_from <= day and (inst.effective_to is None or day <= inst.effective_to):
            out.append(inst_id)
    return out


def _uses_item(rule: CompiledRule) -> bool:
    return any(f.startswith(("item.", "count.")) for f in rule.condition.facts)


def findings(book: Rulebook, day: date, item_facts: list[dict[str, Any]]) -> list[Finding]:
    """A finding per gate of each list that could concern the handler, then the notes that apply."""
    if not item_facts:
        return []
    idx = _index(book)
    out: list[Finding] = []
    for inst_id in lists_in_force(book, day):
        regs = idx.registration.get(inst_id, [])
        if any(g.condition.evaluate(item_facts[0]) is False for g in regs):
            continue
        for g in idx.gates.get(inst_id, []):
            if not g.in_force(day):
                continue
            sector = g.rule.extra.get("sector")
            if sector and item_facts[0].get("processor.sector") not in (None, sector):
                continue  # another sector of the list: `sector_any` says whether any is covered
            contexts = list(enumerate(item_facts)) if _uses_item(g) else [(None, item_facts[0])]
            for i, f in contexts:
                v = g.condition.evaluate(f)
                out.append(_gate_finding(book, g, v, f, i))
        for n in idx.notes.get(inst_id, []):
            if not n.in_force(day):
                continue
            for i, f in enumerate(item_facts):
                if n.condition.evaluate(f) is True:
                    out.append(Finding(rule=n.id, kind="note", citation=n.citation, applies=True,
                                       status="applies", item=i, explain=n.summary,
                                       interpretation=n.rule.interpretation, note=n.rule.note))
                    if not _uses_item(n):
                        break
    return out


def _gate_finding(book: Rulebook, g: CompiledRule, v: bool | None, facts: dict[str, Any],
                  item: int | None) -> Finding:
    status = "applies" if v else ("unknown" if v is None else "not_applicable")
    unknown = g.condition.unknown_facts(facts) if v is None else []
    return Finding(rule=g.id, kind="gate", citation=g.citation, applies=v, status=status, item=item,
                   explain=partial(_gate_text, book, g, status, facts, unknown),
                   unknown_facts=unknown, interpretation=g.rule.interpretation, note=g.rule.note)


def _gate_text(book: Rulebook, g: CompiledRule, status: str, facts: dict[str, Any],
               unknown: list[str]) -> dict[str, str]:
    title = g.instrument.title
    s = g.rule.summary
    if status == "applies":
        return {"zh": f"满足：{s.zh}", "en": f"Met: {s.en}"}
    if status == "unknown":
        zh = "、".join(book.fact_label(f, "zh") for f in unknown)
        en = ", ".join(book.fact_label(f, "en") for f in unknown)
        return {"zh": f"无法判断（缺少：{zh}）：{s.zh}", "en": f"Cannot tell (missing: {en}): {s.en}"}
    failed = failed_tests(g, facts, book)
    return {"zh": f"不满足（{failed['zh']}）：{s.zh} 因此《{title.zh}》不适用，适用国家规定。",
            "en": f"Not met ({failed['en']}): {s.en} So the {title.en} does not apply; "
                  "the national rules do."}


def notes(book: Rulebook, day: date, first) -> list[dict[str, str]]:
    """Decision notes: a named zone without a list in force that day; unnamed list items."""
    out: list[dict[str, str]] = []
    if not first.items:
        return out
    out += _named_item_notes(book, day, first)
    out += _reading_notes(book, day, first)
    out += _failed_gate_notes(book, day, [res.facts for res in first.items])
    facts = first.items[0].facts
    adopted = facts.get("processor.adopted_list")
    inst = book.instruments.get(adopted) if adopted not in (None, "none") else None
    if adopted not in (None, "none") and (inst is None or inst.kind != FTZ_KIND):
        out.append({"zh": f"processor.adopted_list 为 {adopted}，不是规则库中的自贸区清单（如 ftz/beijing-2024）。",
                    "en": f"processor.adopted_list is {adopted}, which is not an FTZ list in the rulebook "
                          "(e.g. ftz/beijing-2024)."})
    zone, city = facts.get("processor.ftz"), facts.get("processor.registered_city")
    live = lists_in_force(book, day)
    if zone not in (None, "none") or city not in (None, "none"):
        concerned = [i for i in live
                     if not any(g.condition.evaluate(facts) is False
                                for g in _index(book).registration.get(i, []))]
        if not concerned:
            out.append({
                "zh": f"{day} 没有适用于该注册地（{zone}/{city}）的自贸区数据出境负面清单生效，适用国家规定。",
                "en": f"No FTZ data-export negative list for the place of registration ({zone}/{city}) is in "
                      f"force on {day}; the national rules apply."})
        elif any(res.facts.get("item.list_item") == "none" for res in first.items):
            out.append({
                "zh": "自贸区清单中的重要数据条目按名称适用：如某项数据符合清单所列重要数据的描述，请在 "
                      "important_data.list_item 中写明条目编号（可用 `chujing rules search 关键词` 查找）。",
                "en": "An FTZ list's important-data items apply when named: if a data item matches a listed "
                      "important-data description, give its rule id in important_data.list_item (find it with "
                      "`chujing rules search WORDS`)."})
    return out


def _named_item_notes(book: Rulebook, day: date, first) -> list[dict[str, str]]:
    """A named list item that is no rule, or a rule not in force on the day (an earlier edition's id
    is still honoured by the successor edition's carried-over item)."""
    out = []
    for i, res in enumerate(first.items):
        named = res.facts.get("item.list_item")
        if named in (None, "none"):
            continue
        rule = book.rules.get(named)
        if rule is None:
            out.append({"zh": f"数据项 {i} 的 important_data.list_item 为 {named}，规则库中没有该条目；请用 "
                              "`chujing rules search` 查找正确编号。",
                        "en": f"Data item {i} names list item {named}, which is not in the rulebook; find the "
                              "right id with `chujing rules search`."})
        elif not rule.in_force(day):
            out.append({"zh": f"数据项 {i} 所列清单条目 {named} 在 {day} 不在有效期内"
                              "（如已被新版清单取代，新版延续的同一条目仍按该编号适用）。",
                        "en": f"Data item {i} names {named}, which is not in force on {day} (where a later "
                              "edition carried the item over, the later item still honours this id)."})
    return out


def _reading_notes(book: Rulebook, day: date, first) -> list[dict[str, str]]:
    """The readings taken where a list is silent (note rules marked as interpretations)."""
    out, seen = [], set()
    idx = _index(book)
    for inst_id in lists_in_force(book, day):
        for n in idx.notes.get(inst_id, []):
            if not n.rule.interpretation or n.id in seen or not n.in_force(day):
                continue
            if any(n.condition.evaluate(res.facts) is True for res in first.items):
                seen.add(n.id)
                out.append({"zh": f"{n.id}：{n.rule.summary.zh}", "en": f"{n.id}: {n.rule.summary.en}"})
    return out


def _failed_gate_notes(book: Rulebook, day: date, item_facts: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Which gate kept a list of the handler's zone from applying (also in the trace as a finding)."""
    out = []
    for f in findings(book, day, item_facts):
        if f.kind != "gate" or f.status != "not_applicable":
            continue
        where = "" if f.item is None else f"（数据项 {f.item}）"
        where_en = "" if f.item is None else f" (data item {f.item})"
        text = f.explanation
        out.append({"zh": f"{f.rule}{where}：{text['zh']}", "en": f"{f.rule}{where_en}: {text['en']}"})
    return out
