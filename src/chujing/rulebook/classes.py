"""Classes of facts: what a group of rules can tell apart, so their outcomes can be reused.

Conditions only compare a fact with constants. Two fact sets that agree on every fact the rules
test, and whose numbers fall between the same thresholds, get the same result from every rule.
`key(plan, facts)` names that class; the engine memoises outcomes by it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

# (facts compared as they are, (numeric fact, points where a test on it turns) ...)
Plan = tuple[tuple[str, ...], tuple[tuple[str, tuple[int, ...]], ...]]


def plan_for(conditions: Iterable, extra_facts: Iterable[str] = ()) -> Plan:
    facts: set[str] = set(extra_facts)
    points: dict[str, set[int]] = {}
    for cond in conditions:
        facts |= cond.facts
        for c in cond.comparisons:
            # Every test is "v >= p" for one point p: at_least n / below n turn at n, the others at n + 1.
            points.setdefault(c.fact, set()).add(
                c.threshold if c.op in ("at_least", "below") else c.threshold + 1)
    plain = tuple(sorted(facts - points.keys()))
    numeric = tuple((f, tuple(sorted(p))) for f, p in sorted(points.items()))
    return plain, numeric


def key(plan: Plan, facts: dict[str, Any]) -> tuple | None:
    """The class of `facts` under `plan`, or None when a value cannot be hashed."""
    plain, numeric = plan
    # Whole numbers fall between points; anything else is kept as it is, in a tuple so that a
    # float never equals a class number.
    classes = tuple([bisect_right(points, v) if type(v) is int else (v,)
                     for fact, points in numeric for v in (facts.get(fact),)])
    k = (tuple(map(facts.get, plain)), classes)
    try:
        hash(k)
    except TypeError:
        return None
    return k


class Memo(dict):
    """A bounded memo: emptied when full (classes are few; the bound only caps memory)."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, k: tuple, value: Any) -> None:
        if len(self) >= self.size:
            self.clear()
        self[k] = value
