"""What a decision writes on first use: the trace of findings, obligations with their deadlines,
headroom to each threshold, counts, notes and the summary, in Chinese and English. `assess()`
decides the route; `Later` keeps its inputs so that a caller who never reads the trace (the
web API's `?detail=summary`, a pipeline gate) never pays for it.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from chujing.decision import (
    PATHWAY_LABELS,
    Finding,
    Headroom,
    ItemDecision,
    Obligation,
    Pathway,
    Question,
)
from chujing.engine import deadlines, ftz, risks
from chujing.engine.context import COUNTERS, PI_NAMES, is_pi
from chujing.engine.evaluate import PassResult
from chujing.engine.explain import COUNTER_LABELS, explanation, figures
from chujing.facts import Scenario
from chujing.rulebook import ROUTE_ORDER, Rulebook, classes
from chujing.rulebook.rulebook import CompiledRule, RuleSet


class Later:
    """What a decision writes on first use, from the same inputs (see Decision)."""

    __slots__ = ("book", "rs", "day", "scenario", "base", "tally", "first", "overall", "pathway",
                 "resolved", "route_questions", "possible", "notes", "_around", "_dfacts", "_items")

    def __init__(self, book, rs, day, scenario, base, tally, first, overall, pathway, resolved,
                 route_questions, possible, notes) -> None:
        self.book, self.rs, self.day, self.scenario, self.base = book, rs, day, scenario, base
        self.tally, self.first, self.overall, self.pathway = tally, first, overall, pathway
        self.resolved, self.route_questions = resolved, route_questions
        self.possible, self.notes = possible, notes
        self._around = self._dfacts = self._items = None

    @property
    def item_decisions(self) -> list[ItemDecision]:
        """Each item's route and the rules that decided it (Decision.items), written on first use."""
        if self._items is None:
            self._items = item_decisions(self.scenario.__dict__["transfer"].__dict__["data"], self.first,
                                         self.resolved)
        return self._items

    def decision_facts(self) -> dict[str, Any]:
        if self._dfacts is None:
            facts = [res.facts for res in self.first.items]
            kinds = {f["item.kind"] for f in facts}
            self._dfacts = {
                "decision.route": self.overall,
                "decision.any_pi": not kinds.isdisjoint(PI_NAMES),
                "decision.any_important_data": "important_data" in kinds,
                "decision.any_export": bool(facts),
                "decision.any_notified_important_data": "important_data" in kinds and any(
                    f["item.kind"] == "important_data" and f["item.important_data_notified"] is True
                    for f in facts),
            }
        return self._dfacts

    def around(self) -> risks.Around:
        if self._around is None:
            first = self.first
            self._around = risks.Around(self.book, self.rs, self.day, self.scenario, self.base,
                                        [r.facts for r in first.items], [r.results for r in first.items],
                                        self.decision_facts())
        return self._around

    def summary(self) -> dict[str, str]:
        return _summary(self.pathway, self.item_decisions, self.route_questions, self.possible,
                        self.first, self.book)

    def findings(self) -> list[Finding]:
        return _findings(self.book, self.rs, self.day, self.first)

    def obligations(self) -> list[Obligation]:
        return self.around().obligations(partial(
            _obligations, self.book, self.rs, self.base, self.first, self.decision_facts(),
            [it.route for it in self.item_decisions]))

    def headroom(self) -> list[Headroom]:
        return _headroom(self.book, self.rs, self.base, self.first, self.overall)

    def questions(self) -> list[Question]:
        """The questions that could change the route, then those asked for duties around the transfer."""
        return self.route_questions + self.around().questions(self.route_questions)

    def counts(self) -> dict[str, Any]:
        return _counts_out(self.rs, self.day, self.tally, self.first)

    def risks_notes(self) -> tuple[list, list]:
        risks_found, around_notes = self.around().built()
        return risks_found, self.all_notes(around_notes)

    def all_notes(self, around_notes: list, ftz_notes: list | None = None) -> list[dict[str, str]]:
        if ftz_notes is None:
            ftz_notes = ftz.notes(self.book, self.day, self.first)
        return self.notes + _notes(self.scenario, self.tally, self.first) + ftz_notes + around_notes

    def json_parts(self) -> dict[str, Any]:
        """findings, obligations, headroom, risks and notes, ready for orjson (trace_json.py)."""
        from chujing.engine.trace_json import parts

        return parts(self)


def item_decisions(items, first: PassResult, resolved: dict | None) -> list[ItemDecision]:
    """`resolved`: items whose route the missing facts cannot change (assess.py), with the route and
    every rule that decided it in some case."""
    out = []
    for i, (it, res) in enumerate(zip(items, first.items, strict=True)):
        f = res.facts
        kind = f["item.kind"]
        excluded = res.excluded
        counted = None if excluded is None else (not excluded and kind in PI_NAMES)
        route, decided = resolved[i] if resolved and i in resolved else (res.route or "needs_information",
                                                                         list(res.decided))
        out.append(ItemDecision(i, it.__dict__["name"], kind, f["item.subjects"], route, counted, decided))
    return out


def _findings(book: Rulebook, rs: RuleSet, day: date, first: PassResult) -> list[Finding]:
    head, tail = _fixed_findings(rs)
    out: list[Finding] = list(head)
    for i, res in enumerate(first.items):
        out += [_finding(book, row, res.facts, i) for row in _trace_rows(book, rs, res)]
    out += ftz.findings(book, day, [res.facts for res in first.items])
    return out + tail


def _fixed_findings(rs: RuleSet) -> tuple[list[Finding], list[Finding]]:
    """The findings every decision of the day shows before and after its items' (the counting
    rule; definitions, superseded rules): the same for the whole rule set, so written once."""
    fixed = rs.cache.get("fixed_findings")
    if fixed is None:
        head: list[Finding] = []
        if rs.counting:
            c = rs.counting
            head.append(Finding(rule=c.id, kind="counting", citation=c.citation, applies=True,
                                status="in_force", explain=c.summary, note=c.rule.note))
        tail = [Finding(rule=r.id, kind="definition", citation=r.citation, applies=True,
                        status="in_force", explain=r.summary, note=r.rule.note) for r in rs.definitions]
        tail += [Finding(rule=r.id, kind=r.kind, citation=r.citation, applies=False, status="superseded",
                         route=r.rule.route, explain=_superseded_text(r)) for r in rs.superseded]
        fixed = rs.cache["fixed_findings"] = (head, tail)
    # New objects (a caller may change its decision's findings) over the rules' own texts, as before.
    return [_copy(f) for f in fixed[0]], [_copy(f) for f in fixed[1]]


def _copy(f: Finding) -> Finding:
    return Finding(rule=f.rule, kind=f.kind, citation=f.citation, applies=f.applies,
                   status=f.status, explain=f.explain, route=f.route, note=f.note)


def _finding(book: Rulebook, row: list, facts: dict, i: int) -> Finding:
    """Item `i`'s finding for one trace row (figures and their text only if the rule compares numbers)."""
    rule, v, status, defeated_by, unknown = row[:5]
    if rule.condition.comparisons:
        figs = figures(rule, facts)
        explain = partial(explanation, rule, status, facts, figs, book, defeated_by, unknown)
    else:  # no numbers in it: the text is the same for the whole class
        figs = []
        explain = partial(_class_explanation, row, facts, book)
    return Finding(
        rule=rule.id, kind=rule.kind, citation=rule.citation, applies=v, status=status, item=i,
        route=rule.rule.route, figures=figs, explain=explain,
        # Copies: the rows are shared by every item of this class.
        defeated_by=list(defeated_by), unknown_facts=list(unknown),
        interpretation=rule.rule.interpretation, note=rule.rule.note,
    )


def _trace_rows(book: Rulebook, rs: RuleSet, res) -> list[tuple]:
    """[rule, result, status, defeated by, unknown facts, text, JSON] for each rule shown in an item's trace.
    They depend only on the item's class of facts, so they are kept with its shared outcome."""
    shared = res.shared
    if shared is not None and shared[5] is not None:
        return shared[5]
    rows = []
    by_id = rs.by_id
    for rid, v in res.results.items():
        rule = by_id[rid]
        defeated_by = res.defeated.get(rid, [])
        if v is None:
            status = "unknown"
        elif v and defeated_by:
            status = "defeated"
        elif v:
            status = "applies"
        else:
            status = "not_applicable"
        if v is False and ftz.hidden(book, rule, res.facts):
            continue
        unknown = rule.condition.unknown_facts(res.facts) if v is None else []
        # + the text, once written; + its findings' JSON by item (trace_json.py)
        rows.append([rule, v, status, defeated_by, unknown, None, None])
    if shared is not None:
        shared[5] = rows
    return rows


def _class_explanation(row: list, facts: dict, book: Rulebook) -> dict[str, str]:
    """The explanation of a rule with no numeric test: written once per class of facts."""
    if row[5] is None:
        rule, _v, status, defeated_by, unknown = row[:5]
        row[5] = explanation(rule, status, facts, [], book, defeated_by, unknown)
    return dict(row[5])


def _superseded_text(r: CompiledRule) -> dict[str, str]:
    by, since, cite = r.superseded_by
    cz = cite.zh if cite else by
    ce = cite.en if cite else by
    return {"zh": f"自{since}起不再适用，由{cz}取代。",
            "en": f"No longer applied since {since}: superseded under {ce}."}


def _counts_out(rs: RuleSet, day: date, tally, first: PassResult) -> dict[str, Any]:
    c = first.counts
    return {
        "window": {"start": tally.window_start.isoformat() if tally.window_start else None,
                   "end": day.isoformat(),
                   "rule": rs.counting.id if rs.counting else None},
        "personal_information": c["pi"],
        "sensitive_personal_information": c["spi"],
        "this_transfer": {"personal_information": c["transfer_pi"],
                          "sensitive_personal_information": c["transfer_spi"]},
        "history": {"personal_information": tally.pi, "sensitive_personal_information": tally.spi,
                    "entries_counted": list(tally.counted),  # the tally may be shared (no_history)
                    "entries_left_out": [{"index": i, "why": w} for i, w in tally.left_out]},
        "by_population": c["by_population"],
        "unit": "distinct natural persons",
    }


def _notes(scenario: Scenario, tally, first: PassResult) -> list[dict[str, str]]:
    notes = []
    t = scenario.transfer
    pi_items = [it for it in t.data if is_pi(it.kind)]
    if len(pi_items) > 1 and t.subjects_total is None:
        notes.append({"zh": "本次出境的多个数据项按不同自然人相加计数；如有重合，请提供 transfer.subjects_total 或使用扫描清单去重。",
                      "en": "This transfer's data items were added up as different people; if they overlap, "
                            "give transfer.subjects_total or use a scan manifest to deduplicate."})
    if tally.unsure:
        idx = ", ".join(str(i) for i in tally.unsure)
        notes.append({"zh": f"历史记录 {idx} 无法判断是否免予申报，已按计入处理；如属免予申报，请标注 exempt: true。",
                      "en": f"History entries {idx}: could not tell whether they were exempt, so they were counted; "
                            "mark them `exempt: true` if they were."})
    from_ledger = [h for h in scenario.history if (h.id or "").startswith("ledger:")]
    if from_ledger:
        notes.append({"zh": "累计人数取自台账：扫描记录按自然人（密钥散列）去重，未附扫描清单的记录按申报人数计入。",
                      "en": "This year's figures come from the ledger: transfers recorded from a scan are "
                            "deduplicated by person (keyed hashes); those recorded without one count as declared."})
    if len(from_ledger) < len(scenario.history):
        notes.append({"zh": "历史记录按申报人数相加（不同记录视为不同自然人）；使用台账可按自然人去重。",
                      "en": "Earlier transfers were added up as declared (different entries taken as different "
                            "people); a ledger deduplicates by person."})
    return notes


# --- obligations and headroom ----------------------------------------------------------------

def _obligations(book: Rulebook, rs: RuleSet, base, first: PassResult, dfacts,
                 item_routes: list[str]) -> list[Obligation]:
    return [_obligation(book, r, f, item, conditional=v is None)
            for r, item, f, v in held_obligations(rs, base, first, dfacts, item_routes)]


def held_obligations(rs: RuleSet, base, first: PassResult, dfacts, item_routes: list[str]):
    """(rule, item or None, facts, True or None) for each obligation that holds or may hold."""
    return held_in(obligation_contexts(rs, base, first, dfacts, item_routes))


def obligation_contexts(rs: RuleSet, base, first: PassResult, dfacts, item_routes: list[str]):
    """The rules, and each context an obligation is decided in: (per item, item or None, facts,
    class of the facts or None, which obligations hold there: {rule id: True, False or None})."""
    table = rs.cache.get("obligations")
    if table is None:
        per = [(r, bool(any(f.startswith("item.") for f in r.condition.facts) or (
            r.rule.deadline and r.rule.deadline.from_.startswith("item.")))) for r in rs.obligations]
        rules = {p: [r for r, q in per if q == p] for p in (False, True)}
        plans = {p: classes.plan_for(r.condition for r in rules[p]) for p in (False, True)}
        table = rs.cache["obligations"] = (per, rules, plans, classes.Memo(classes.MEMO_SIZE))
    per, rules, plans, memo = table
    contexts = [(False, None, {**base, **dfacts})]
    contexts += [(True, i, {**res.facts, **dfacts, "item.route": _known(item_routes[i])})
                 for i, res in enumerate(first.items)]
    out = []
    # Which obligations hold in each context: the same for every context of the same class.
    for p, item, f in contexts:
        k = classes.key(plans[p], f)
        hit = memo.get((p, k)) if k is not None else None
        if hit is None:
            hit = {r.id: r.condition.evaluate(f) for r in rules[p]}
            if k is not None:
                memo.put((p, k), hit)
        out.append((p, item, f, k, hit))
    return per, out


def held_in(contexts):
    per, ctxs = contexts
    for r, p in per:
        for q, item, f, _k, held in ctxs:
            if q == p:
                v = held[r.id]
                if v is not False:
                    yield r, item, f, v


def _known(route: str) -> str | None:
    return None if route == "needs_information" else route


def _obligation(book: Rulebook, r: CompiledRule, f: dict, item, conditional: bool) -> Obligation:
    ob = Obligation(rule=r.id, topic=r.rule.topic, citation=r.citation,
                    text=r.summary, conditional=conditional, item=item,
                    timing=r.rule.timing,
                    retention_years=r.rule.retention.years if r.rule.retention else None)
    d = r.rule.deadline
    if d is None:
        return ob
    ob.deadline_rule = _deadline_text(book, d)
    start = f.get(d.from_)
    if not isinstance(start, date):
        return ob
    guessed: set[int] = set()
    if d.working_days:
        due, guessed = deadlines.add_working_days(start, d.working_days)
    else:
        if d.years:
            due = deadlines.add_years(start, d.years)
        elif d.months:
            due = deadlines.add_months(start, d.months)
        else:
            due = deadlines.add_days(start, d.days)
        due, g2 = deadlines.roll_to_working_day(due)
        guessed |= g2
    ob.due = due
    if d.window_before:
        w = d.window_before
        if w.working_days:
            opens, g3 = deadlines.subtract_working_days(due, w.working_days)
            guessed |= g3
        elif w.months:
            opens = deadlines.add_months(due, -w.months)
        else:
            opens = deadlines.add_days(due, -(w.days or 0))
        ob.window_opens = opens
    ob.calendar_note = deadlines.calendar_note(guessed)
    return ob


def _deadline_text(book: Rulebook, d) -> dict[str, str]:
    lz, le = book.fact_label(d.from_, "zh"), book.fact_label(d.from_, "en")
    if d.working_days:
        zh, en = f"{d.working_days}个工作日", f"{d.working_days} working days"
    elif d.months:
        zh, en = f"{d.months}个月", f"{d.months} months"
    elif d.years:
        zh, en = f"{d.years}年", f"{d.years} years"
    else:
        zh, en = f"{d.days}日", f"{d.days} days"
    text = {"zh": f"自{lz}起{zh}", "en": f"{en} from {le}"}
    if d.window_before:
        w = d.window_before
        wz = f"{w.working_days}个工作日" if w.working_days else f"{w.months}个月" if w.months else f"{w.days}日"
        we = (f"{w.working_days} working days" if w.working_days else
              f"{w.months} months" if w.months else f"{w.days} days")
        text["zh"] += f"；届满前{wz}内可申请延续"
        text["en"] += f"; apply to renew within the last {we}"
    return text


def _headroom(book: Rulebook, rs: RuleSet, base, first: PassResult, route: str | None = None) -> list[Headroom]:
    """Thresholds not yet crossed whose route is stricter than the route reached now."""
    return [headroom_row(r, cmp, current, cmp.remaining(current))
            for r, cmp, _j, current in headroom_picked(rs, base, first, route)]


def headroom_picked(rs: RuleSet, base, first: PassResult, route: str | None = None) -> list[tuple]:
    """(trigger, its count test, context, current count) for each threshold headroom shows, in order:
    context j < len(first.items) is item j's facts, the others the whole transfer's counts."""
    floor = ROUTE_ORDER.get(route, -1) if route else -1
    contexts = [(res.facts, res.facts["item.kind"]) for res in first.items]
    counts = first.counts
    cands, plan, memo, blank = _headroom_table(rs)
    for kind in ("personal_information", "sensitive_personal_information"):
        # `blank`: every fact the plan reads, unknown (as if unset), so that its class is read directly.
        f = {**blank, **base, "item.kind": kind, "transfer.grounds": frozenset(),
             "item.categories": frozenset(), "item.fields": frozenset(), "count.pi": counts["pi"],
             "count.spi": counts["spi"], "count.population": None, "count.population_spi": None,
             "count.modality_spi": None}
        contexts.append((f, kind))
    passing = []
    for f, kind in contexts:
        k = classes.key(plan, f)
        hit = memo.get((kind, k)) if k is not None else None
        if hit is None:
            hit = frozenset(i for i, (r, cmp) in enumerate(cands) if _could_cross(r, cmp, f, kind))
            if k is not None:
                memo.put((kind, k), hit)
        passing.append(hit)
    return [(*cands[i], j, contexts[j][0][cands[i][1].fact]) for i, j in _picks(rs, cands, floor, passing)]


def headroom_row(r: CompiledRule, cmp, current: int, remaining: int) -> Headroom:
    label = PATHWAY_LABELS[r.rule.route]
    cl = COUNTER_LABELS[cmp.fact]
    return Headroom(
        counter=cmp.fact, threshold=cmp.threshold, op=cmp.op, wording=cmp.wording,
        rule=r.id, route=r.rule.route, current=current, remaining=remaining,
        label={"zh": f"{cl['zh']}：当前{current:,}，再出境{remaining:,}人内不触发{label['zh']}（{cmp.wording}）",
               "en": f"{cl['en']}: {current:,} now; up to {remaining:,} more before "
                     f"{label['en']} ({cmp.wording})"})


def _picks(rs: RuleSet, cands: list, floor: int, passing: list[frozenset]) -> list[tuple[int, int]]:
    """(candidate, context) for each threshold shown, in the order shown: the first context each
    stricter test could still be crossed in, once per (counter, threshold, rule). Depends only on
    the floor and the contexts' classes, so it is memoised by them."""
    memo = rs.cache.get("headroom_picks")
    if memo is None:
        memo = rs.cache["headroom_picks"] = classes.Memo(classes.MEMO_SIZE)
    key = (floor, tuple(passing))
    hit = memo.get(key)
    if hit is not None:
        return hit
    seen: set[tuple] = set()
    picks = []
    for i, (r, cmp) in enumerate(cands):
        if ROUTE_ORDER[r.rule.route] <= floor:
            continue
        key_i = (cmp.fact, cmp.threshold, r.id)
        if key_i in seen:
            continue
        for j, ok in enumerate(passing):
            if i in ok:
                seen.add(key_i)
                picks.append((i, j))
                break
    picks.sort(key=lambda ij: (cands[ij[0]][1].fact, cands[ij[0]][1].threshold))  # stable
    memo.put(key, picks)
    return picks


def _headroom_table(rs: RuleSet) -> tuple[list, classes.Plan, classes.Memo, dict]:
    """Each trigger's not-yet-crossed counter tests, what tells their contexts apart, a memo, and
    the plan's facts unset (None, which conditions read as an unset fact)."""
    table = rs.cache.get("headroom")
    if table is None:
        cands = [(r, cmp) for r in rs.triggers for cmp in r.condition.comparisons
                 if cmp.fact in COUNTERS and cmp.op in ("at_least", "more_than")]
        plan = classes.plan_for(r.condition for r in rs.triggers)
        blank = dict.fromkeys((*plan.plain, *(f for f, _p in plan.numeric)))
        table = rs.cache["headroom"] = (cands, plan, classes.Memo(classes.MEMO_SIZE), blank)
    return table


def _could_cross(r: CompiledRule, cmp, f: dict, kind: str) -> bool:
    """The test is not yet met here, and meeting it would not leave the rule false. Depends only on
    the class of `f` (the counter's own points are among the plan's)."""
    current = f.get(cmp.fact)
    if kind not in r.rule.scope or current is None or cmp.remaining(current) is None:
        return False
    crossing = cmp.threshold if cmp.op == "at_least" else cmp.threshold + 1
    return r.condition.evaluate({**f, cmp.fact: crossing}) is not False


# --- summary ---------------------------------------------------------------------------------

def _summary(pathway: Pathway, items: list[ItemDecision], questions, possible, first, book) -> dict[str, str]:
    label = PATHWAY_LABELS[str(pathway)]
    if pathway == Pathway.needs_information:
        qz = "；".join(q.question["zh"] for q in questions)
        qe = " ".join(q.question["en"] for q in questions)
        pz = "、".join(PATHWAY_LABELS[p]["zh"] for p in possible) if possible else "未定"
        pe = ", ".join(PATHWAY_LABELS[p]["en"] for p in possible) if possible else "undetermined"
        return {"zh": f"结论：{label['zh']}。答案取决于尚未提供的事实（可能结论：{pz}）。请回答：{qz}",
                "en": f"Result: {label['en']}. The answer turns on facts not given (possible routes: {pe}). "
                      f"Please answer: {qe}"}
    reasons_zh, reasons_en = [], []
    for it in items:
        if it.route != str(pathway) and pathway != Pathway.exempt:
            continue
        for rid in it.decided_by:
            r = book.rules[rid]
            if r.rule.citation.zh not in reasons_zh:
                reasons_zh.append(r.rule.citation.zh)
                reasons_en.append(r.rule.citation.en)
    c = first.counts
    fig_zh = fig_en = ""
    if c["pi"] is not None and any(is_pi(i.kind) for i in items):
        # The sensitive count may be unknown while the whole is given (transfer.subjects_total).
        spi_zh = "人数未知" if c["spi"] is None else f"{c['spi']:,}人"
        spi_en = "how many of them sensitive is not known" if c["spi"] is None else f"{c['spi']:,} of them sensitive"
        fig_zh = f"计数窗口内累计出境个人信息{c['pi']:,}人，其中敏感个人信息{spi_zh}。"
        fig_en = f" In the counting window, {c['pi']:,} people's personal information has been exported, {spi_en}."
    if not reasons_zh:
        return {"zh": f"结论：{label['zh']}。没有规则要求启动数据出境机制。{fig_zh}",
                "en": f"Result: {label['en']}. No rule requires an export mechanism.{fig_en}"}
    return {"zh": f"结论：{label['zh']}。依据：{'、'.join(reasons_zh)}。{fig_zh}",
            "en": f"Result: {label['en']}. Under {'; '.join(reasons_en)}.{fig_en}"}
