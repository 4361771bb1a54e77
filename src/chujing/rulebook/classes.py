"""Classes of facts: what a group of rules can tell apart, so their outcomes can be reused.

Conditions only compare a fact with constants. Two fact sets that agree on every fact the rules
test, and whose numbers fall between the same thresholds, get the same result from every rule.
`key(plan, facts)` names that class; the engine memoises outcomes by it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from operator import itemgetter
from typing import Any


class Plan:
    """The facts compared as they are, and each numeric fact with the points where a test on it
    turns (every test is "v >= p" for one point p)."""

    __slots__ = ("plain", "numeric", "_plain_of", "_points", "values", "numbers")

    def __init__(self, plain: tuple[str, ...], numeric: tuple[tuple[str, tuple[int, ...]], ...]) -> None:
        self.plain = plain
        self.numeric = numeric
        self._plain_of = _getter(plain)
        self._points = tuple(p for _f, p in numeric)
        self.values = _values_function(self)
        self.numbers = _numbers_function(self)

    def __reduce__(self):  # the generated function is rebuilt, not pickled
        return Plan, (self.plain, self.numeric)


def _getter(names: tuple[str, ...]):
    """A function giving the values of `names` as a tuple (itemgetter is fastest when all are set)."""
    if not names:
        return lambda _facts: ()
    if len(names) == 1:
        one = itemgetter(names[0])
        return lambda facts: (one(facts),)
    return itemgetter(*names)


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
    return Plan(plain, numeric)


def key(plan: Plan, facts: dict[str, Any]) -> tuple | None:
    """The class of `facts` under `plan`, or None when a value cannot be hashed."""
    k = values_of(plan, facts)
    try:
        hash(k)
    except TypeError:
        return None
    return k


def values_of(plan: Plan, facts: dict[str, Any]) -> tuple:
    """The class of `facts` under `plan`, not checked for hashing (a memo lookup does that)."""
    return plan.values(facts)


def _slow_values(plan: Plan, facts: dict[str, Any]) -> tuple:
    """The class, written plainly: the reference for the generated function, and the path taken
    when a fact is not set at all (unknown, like None)."""
    values = tuple(map(facts.get, plan.plain))
    numbers = tuple(facts.get(f) for f, _p in plan.numeric)
    # Whole numbers fall between points; anything else is kept as it is, in a tuple so that a
    # float never equals a class number.
    return (values, tuple([bisect_right(p, v) if v.__class__ is int else (v,)
                           for p, v in zip(plan._points, numbers, strict=True)]))


def _values_function(plan: Plan):
    """`_slow_values` for this plan as one generated function, the numeric tests written out:
    it runs for every data item of every decision, and a loop costs more than its work."""
    lines = ["def values(facts):", "    try:", "        plain = plain_of(facts)"]
    lines += [f"        v{i} = facts[{fact!r}]" for i, (fact, _p) in enumerate(plan.numeric)]
    lines += ["    except KeyError:", "        return slow(plan, facts)",
              "    return (plain, (" + "".join(f"b(P{i}, v{i}) if v{i}.__class__ is int else (v{i},), "
                                            for i in range(len(plan.numeric))) + "))"]
    scope = {"plain_of": plan._plain_of, "slow": _slow_values, "plan": plan, "b": bisect_right,
             **{f"P{i}": p for i, p in enumerate(plan._points)}}
    exec("\n".join(lines), scope)  # noqa: S102 - source built above from fact names (repr) only
    return scope["values"]


def _numbers_function(plan: Plan):
    """The numeric half of `values` (its second element), for callers that read the plain facts
    before the numbers are set (engine/evaluate.py)."""
    lines = ["def numbers(facts):", "    get = facts.get"]
    lines += [f"    v{i} = get({fact!r})" for i, (fact, _p) in enumerate(plan.numeric)]
    lines += ["    return (" + "".join(f"b(P{i}, v{i}) if v{i}.__class__ is int else (v{i},), "
                                   for i in range(len(plan.numeric))) + ")"]
    scope = {"b": bisect_right, **{f"P{i}": p for i, p in enumerate(plan._points)}}
    exec("\n".join(lines), scope)  # noqa: S102 - as above
    return scope["numbers"]


# Classes kept per memo and rule set (a few kB each). 100,000 generated scenarios make ~2,100
# classes over all 29 date epochs, so this bound only caps memory under adversarial variety.
MEMO_SIZE = 1024


class Memo(dict):
    """A bounded memo: emptied when full (classes are few; the bound only caps memory)."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, k: tuple, value: Any) -> None:
        if len(self) >= self.size:
            self.clear()
        self[k] = value
