"""The trace as JSON, for the web API: the content of `Decision.to_dict()`'s findings,
obligations, headroom, risks and notes, with what is the same for a whole class of facts
serialised once and reused as `orjson.Fragment`s.

- A finding whose rule compares no numbers reads nothing but its trace row (shared by every item
  of the class) and the item's index: its JSON is kept with the row, by index.
- The counting rule, definitions and superseded rules are the same for the whole rule set.
- An obligation reads its rule, item, whether it only may hold, its deadline's start date and the
  day: its JSON is memoised by those (bounded, per rule set).
- Risks are memoised by the classes they depend on (risks.Around.built_json).
Findings with figures, headroom and notes are written per decision (they carry its numbers).
Tested equal to `to_dict()` after json.loads on generated scenarios (tests/web/test_trace_json.py).
"""

from __future__ import annotations

from typing import Any

from orjson import Fragment, dumps

from chujing.engine import ftz
from chujing.engine.trace import (
    _finding,
    _fixed_findings,
    _obligation,
    _trace_rows,
    held_obligations,
)
from chujing.rulebook import classes

# Items whose constant findings are kept per trace row (a scenario may list many more).
MAX_ITEMS = 32
OBLIGATION_MEMO = 8192


def parts(later) -> dict[str, Any]:
    risks, around_notes = later.around().built_json()
    return {"findings": findings(later), "obligations": obligations(later),
            "headroom": [h.to_dict() for h in later.headroom()],
            "risks": risks, "notes": later.all_notes(around_notes)}


def _frag(x) -> Fragment:
    return Fragment(dumps(x.to_dict()))


def findings(later) -> list:
    book, rs = later.book, later.rs
    fixed = rs.cache.get("json_fixed_findings")
    if fixed is None:
        head, tail = _fixed_findings(rs)
        fixed = rs.cache["json_fixed_findings"] = ([_frag(f) for f in head], [_frag(f) for f in tail])
    out = list(fixed[0])
    for i, res in enumerate(later.first.items):
        facts = res.facts
        for row in _trace_rows(book, rs, res):
            if row[0].condition.comparisons:  # figures of this decision
                out.append(_finding(book, row, facts, i).to_dict())
                continue
            by_item = row[6]
            if by_item is None:
                by_item = row[6] = {}
            frag = by_item.get(i)
            if frag is None:
                frag = _frag(_finding(book, row, facts, i))
                if i < MAX_ITEMS:
                    by_item[i] = frag
            out.append(frag)
    out += [f.to_dict() for f in ftz.findings(book, later.day, [res.facts for res in later.first.items])]
    out += fixed[1]
    return out


def obligations(later) -> list:
    book, rs, day = later.book, later.rs, later.day
    around = later.around()
    memo = rs.cache.get("json_obligations")
    if memo is None:
        memo = rs.cache["json_obligations"] = classes.Memo(OBLIGATION_MEMO)
    out = []
    for r, item, f, v in held_obligations(rs, later.base, later.first, later.decision_facts(),
                                          [it.route for it in later.item_decisions]):
        d = r.rule.deadline
        key = (r.id, item, v is None, f.get(d.from_) if d is not None else None, day)
        try:
            frag = memo.get(key)
        except TypeError:
            key, frag = None, None
        if frag is None:
            ob = _obligation(book, r, f, item, conditional=v is None)
            frag = _frag(ob) if around.keeps(ob) else False  # False: left out
            if key is not None:
                memo.put(key, frag)
        if frag is not False:
            out.append(frag)
    return out
