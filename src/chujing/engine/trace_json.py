"""The trace as JSON, for the web API: the content of `Decision.to_dict()`'s findings,
obligations, headroom, risks and notes, with what is the same for a whole class of facts
serialised once and reused as `orjson.Fragment`s (all kept, bounded, in the rule set's cache).

- A finding whose rule compares no numbers reads nothing but its trace row (shared by every item
  of the class) and the item's index: its JSON is kept with the row, by index. A finding with
  figures keeps its JSON around figures and explanation the same way, and each figure its JSON
  and text around the value: only values and explanation are written per decision.
- The counting rule, definitions and superseded rules are the same for the whole rule set.
- Obligations: by each context's class, the deadlines' start dates and the day (whole list), and
  each by its rule, item, whether it only may hold, start date and day.
- Risks by the classes they depend on (risks.Around.built_json); FTZ findings and notes by the
  exact facts engine/ftz.py reads.
Headroom and notes carry the decision's own numbers and are written each time. The bytes equal
orjson's over `to_dict()` (tests/web/test_trace_json.py).
"""

from __future__ import annotations

from typing import Any

from orjson import Fragment, dumps

from chujing.decision import Figure
from chujing.engine import ftz
from chujing.engine.explain import explanation_from, failed_parts, figure_text_around, shown
from chujing.engine.trace import (
    _finding,
    _fixed_findings,
    _obligation,
    _trace_rows,
    held_in,
    obligation_contexts,
)
from chujing.rulebook import classes

# Items whose constant findings are kept per trace row (a scenario may list many more).
MAX_ITEMS = 32
OBLIGATION_MEMO = 8192


# What engine/ftz.py reads besides the facts its gate and note rules test (keep in step with it).
FTZ_READS = ("item.list_item", "processor.adopted_list", "processor.ftz", "processor.registered_city",
             "processor.sector")


def parts(later) -> dict[str, Any]:
    risks, around_notes = later.around().built_json()
    ftz_findings, ftz_notes = _ftz(later)
    return {"findings": findings(later, ftz_findings), "obligations": obligations(later),
            "headroom": [h.to_dict() for h in later.headroom()],
            "risks": risks, "notes": later.all_notes(around_notes, ftz_notes)}


def _ftz(later) -> tuple[list, list]:
    """The FTZ lists' findings and notes (engine/ftz.py), memoised by the day and the exact values of
    every fact they read: those its gate and note rules test (no counts among them) and FTZ_READS."""
    book, rs, day = later.book, later.rs, later.day
    memo = rs.cache.get("json_ftz")
    if memo is None:
        facts = set(FTZ_READS)
        for r in book.rules.values():
            if r.instrument.kind == ftz.FTZ_KIND and r.kind in ("gate", "note"):  # what ftz.py evaluates
                facts |= r.condition.facts
        memo = rs.cache["json_ftz"] = (tuple(sorted(facts)), classes.Memo(classes.MEMO_SIZE))
    facts, hits = memo
    key = (day, tuple(tuple(f.get(x) for x in facts) for f in [res.facts for res in later.first.items]))
    try:
        hit = hits.get(key)
    except TypeError:
        key, hit = None, None
    if hit is None:
        found = ftz.findings(book, day, [res.facts for res in later.first.items])
        hit = ([_frag(f) for f in found], ftz.notes(book, day, later.first))
        if key is not None:
            hits.put(key, hit)
    return hit


def _frag(x) -> Fragment:
    return Fragment(dumps(x.to_dict()))


def findings(later, ftz_findings: list, marks=None) -> list:
    """`marks` (engine/answer_json.py): the figures as holes of a template."""
    book, rs = later.book, later.rs
    fixed = rs.cache.get("json_fixed_findings")
    if fixed is None:
        head, tail = _fixed_findings(rs)
        fixed = rs.cache["json_fixed_findings"] = ([_frag(f) for f in head], [_frag(f) for f in tail])
    out = list(fixed[0])
    for i, res in enumerate(later.first.items):
        facts = res.facts
        for row in _trace_rows(book, rs, res):
            by_item = row[6]
            if by_item is None:
                by_item = row[6] = {}
            if row[0].condition.comparisons:  # figures of this decision
                out.append(_compared(book, row, facts, i, by_item, marks))
                continue
            frag = by_item.get(i)
            if frag is None:
                frag = _frag(_finding(book, row, facts, i))
                if i < MAX_ITEMS:
                    by_item[i] = frag
            out.append(frag)
    out += ftz_findings
    out += fixed[1]
    return out


def _compared(book, row: list, facts: dict, i: int, by_item: dict, marks=None) -> Fragment:
    """A finding with figures. Its JSON around figures and explanation is kept by item, as for the
    others, and each figure's JSON and text around its value by (figure, whether its test holds):
    only the values and the explanation are written for this decision. With `marks`, the values
    written are the holes of a template (what is kept is written from `facts` as always)."""
    rule, _v, status, defeated_by, unknown = row[:5]
    shown_facts, value_json = (facts, dumps) if marks is None else (marks.item_facts(facts, i), marks.json)
    figs, texts = [], []
    for n, c in enumerate(rule.condition.comparisons):
        v = facts.get(c.fact)
        holds = None if v is None else c.holds(v)
        t = by_item.get((n, holds))
        if t is None:
            t = by_item[(n, holds)] = _figure_template(c, holds)
        if marks is not None:
            v = shown_facts.get(c.fact)
        text = f"{t[3]}{shown(v)}{t[4]}"
        texts.append(text)
        figs.append(b"".join((t[0], value_json(v), t[1], dumps(text), t[2])))
    failed = None
    if status == "not_applicable":  # which tests fail is the same for the class: kept as key -1
        failed = by_item.get(-1)
        if failed is None:
            failed = by_item[-1] = failed_parts(rule, facts, book)
    text = explanation_from(rule, status, texts, shown_facts, book, defeated_by, unknown, failed)
    around = by_item.get(i)
    if around is None:
        d = _finding(book, row, facts, i).to_dict()
        around = _split(d, "figures", "explanation")
        if i < MAX_ITEMS:
            by_item[i] = around
    return Fragment(b"".join((around[0], b"[", b",".join(figs), b"]", around[1], dumps(text), around[2])))


def _figure_template(c, holds: bool | None) -> tuple[bytes, bytes, bytes, str, str]:
    """A figure's JSON before its value, between value and text, after the text; and its text
    before and after the value."""
    d = Figure(c.fact, None, c.op, c.threshold, c.wording, holds, "").to_dict()
    return (*_split(d, "value", "text"), *figure_text_around(c, holds))


def _split(d: dict, first: str, second: str) -> tuple[bytes, bytes, bytes]:
    """`d`'s JSON before the value of `first`, between it and the value of `second`, and after."""
    d[first], d[second] = Fragment(b"\x00"), Fragment(b"\x01")  # JSON escapes them everywhere else
    head, rest = dumps(d).split(b"\x00")
    return (head, *rest.split(b"\x01"))


def obligations(later) -> list:
    """Memoised as a whole by each context's class, its deadlines' start dates and the day; each
    obligation by its rule, item, whether it only may hold, its start date and the day."""
    book, rs, day = later.book, later.rs, later.day
    ctx = obligation_contexts(rs, later.base, later.first, later.decision_facts(),
                              [it.route for it in later.item_decisions])
    memo = rs.cache.get("json_obligations")
    if memo is None:
        starts = tuple(sorted({r.rule.deadline.from_ for r, _p in ctx[0] if r.rule.deadline}))
        memo = rs.cache["json_obligations"] = (starts, classes.Memo(OBLIGATION_MEMO), classes.Memo(OBLIGATION_MEMO))
    starts, lists, each = memo
    whole = (day, tuple((k, tuple(f.get(s) for s in starts)) for _p, _i, f, k, _h in ctx[1]))
    try:
        hit = lists.get(whole)
    except TypeError:
        whole, hit = None, None
    if hit is not None:
        return hit
    around = later.around()
    out = []
    for r, item, f, v in held_in(ctx):
        d = r.rule.deadline
        key = (r.id, item, v is None, f.get(d.from_) if d is not None else None, day)
        try:
            frag = each.get(key)
        except TypeError:
            key, frag = None, None
        if frag is None:
            ob = _obligation(book, r, f, item, conditional=v is None)
            frag = _frag(ob) if around.keeps(ob) else False  # False: left out
            if key is not None:
                each.put(key, frag)
        if frag is not False:
            out.append(frag)
    if whole is not None and None not in [k for _p, _i, _f, k, _h in ctx[1]]:
        lists.put(whole, out)
    return out
