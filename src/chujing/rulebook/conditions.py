"""Conditions of rules: parsed from YAML, compiled once, evaluated in three-valued logic.

A condition is a mapping: `all: [...]`, `any: [...]`, `not: {...}`, or `fact: test` where the
test is a value (equality), a list (membership) or `{op: value}`. A missing fact is unknown
(None), and unknowns propagate as in Kleene logic, so the engine can tell when a missing fact
could change the answer. Numeric tests carry the law's wording, and the wording must agree with
the operator (Civil Code Art. 1259: 以上/以下/以内 include the number, 不满/超过 exclude it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Facts = Mapping[str, Any]
Tri = bool | None

NUMERIC_OPS = {
    "at_least": (">=", "≥"),
    "more_than": (">", ">"),
    "below": ("<", "<"),
    "at_most": ("<=", "≤"),
}
# Keywords in the law's wording and the operator each implies (Civil Code Art. 1259).
WORDING_OPS = {
    "以上": "at_least",
    "达到": "at_least",
    "以下": "at_most",
    "以内": "at_most",
    "不满": "below",
    "未满": "below",
    "不足": "below",
    "少于": "below",
    "超过": "more_than",
    "多于": "more_than",
}
SET_OPS = ("contains", "contains_any", "contains_none")
MEMBER_OPS = ("in", "not_in")


class ConditionError(ValueError):
    """A condition is malformed; `path` locates it inside the rule's `when`."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class Comparison:
    """A numeric test, kept for the trace and for headroom."""

    fact: str
    op: str
    threshold: int
    wording: str | None

    def holds(self, value: int) -> bool:
        if self.op == "at_least":
            return value >= self.threshold
        if self.op == "more_than":
            return value > self.threshold
        if self.op == "below":
            return value < self.threshold
        return value <= self.threshold

    def remaining(self, value: int) -> int | None:
        """People that may still be added before this test starts to hold (None if it holds)."""
        if self.op == "at_least":
            return max(self.threshold - 1 - value, 0) if value < self.threshold else None
        if self.op == "more_than":
            return max(self.threshold - value, 0) if value <= self.threshold else None
        return None

    def text(self, value: int | None) -> str:
        sym = NUMERIC_OPS[self.op][1]
        shown = "?" if value is None else f"{value:,}"
        words = f" ({self.wording})" if self.wording else ""
        return f"{self.fact} {shown} {sym} {self.threshold:,}{words}"


@dataclass
class Condition:
    """A compiled condition: `evaluate(facts)` gives True, False or None (unknown)."""

    evaluate: Callable[[Facts], Tri]
    facts: frozenset[str]
    comparisons: tuple[Comparison, ...]
    # (fact, op, operand, evaluate) for each leaf test, to say which test failed.
    leaves: tuple[tuple[str, str, Any, Callable[[Facts], Tri]], ...] = field(default=())

    def unknown_facts(self, facts: Facts) -> list[str]:
        return sorted(f for f in self.facts if facts.get(f) is None)


ALWAYS = Condition(evaluate=lambda _facts: True, facts=frozenset(), comparisons=())


def compile_condition(raw: Any, fact_types: Mapping[str, dict], words: Mapping[str, set[str]],
                      path: str = "when", memo: dict[int, tuple[Any, Condition]] | None = None) -> Condition:
    """Compile a YAML condition. `fact_types` maps fact name → its spec from vocabulary.yaml.

    `memo` (one per load) compiles a shared part once: an FTZ list's gates are ANDed into each of
    its items, and its "not on the list" exemption repeats every item."""
    if raw is None:
        return ALWAYS
    if memo is not None:
        hit = memo.get(id(raw))
        if hit is not None and hit[0] is raw:
            return hit[1]
        cond = _compile(raw, fact_types, words, path, memo)
        memo[id(raw)] = (raw, cond)  # the raw part is kept so its id is not reused
        return cond
    return _compile(raw, fact_types, words, path, memo)


def _compile(raw: Any, fact_types: Mapping[str, dict], words: Mapping[str, set[str]],
             path: str, memo: dict | None) -> Condition:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ConditionError("a condition is a mapping with exactly one key", path)
    ((key, value),) = raw.items()
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise ConditionError(f"'{key}' takes a non-empty list", f"{path}.{key}")
        parts = [compile_condition(v, fact_types, words, f"{path}.{key}[{i}]", memo)
                 for i, v in enumerate(value)]
        fns = tuple(p.evaluate for p in parts)
        evaluate = _all(fns) if key == "all" else _any(fns)
        return Condition(
            evaluate=evaluate,
            facts=frozenset().union(*(p.facts for p in parts)),
            comparisons=tuple(c for p in parts for c in p.comparisons),
            leaves=tuple(leaf for p in parts for leaf in p.leaves),
        )
    if key == "not":
        inner = compile_condition(value, fact_types, words, f"{path}.not", memo)
        fn = inner.evaluate

        def negate(facts: Facts) -> Tri:
            r = fn(facts)
            return None if r is None else not r

        return Condition(negate, inner.facts, inner.comparisons, inner.leaves)
    return _leaf(key, value, fact_types, words, path)


def _all(fns: tuple[Callable[[Facts], Tri], ...]) -> Callable[[Facts], Tri]:
    def evaluate(facts: Facts) -> Tri:
        unknown = False
        for fn in fns:
            r = fn(facts)
            if r is False:
                return False
            if r is None:
                unknown = True
        return None if unknown else True

    return evaluate


def _any(fns: tuple[Callable[[Facts], Tri], ...]) -> Callable[[Facts], Tri]:
    def evaluate(facts: Facts) -> Tri:
        unknown = False
        for fn in fns:
            r = fn(facts)
            if r is True:
                return True
            if r is None:
                unknown = True
        return None if unknown else False

    return evaluate


def _leaf(fact: str, test: Any, fact_types: Mapping[str, dict], words: Mapping[str, set[str]],
          path: str) -> Condition:
    spec = fact_types.get(fact)
    where = f"{path}.{fact}"
    if spec is None:
        raise ConditionError(f"unknown fact {fact!r} (see rulebook/data/vocabulary.yaml)", where)
    ftype = spec.get("type")
    if isinstance(test, dict):
        test = dict(test)
        wording = test.pop("wording", None)
        if len(test) != 1:
            raise ConditionError("a test has one operator (plus an optional wording)", where)
        ((op, operand),) = test.items()
    elif isinstance(test, list):
        op, operand, wording = "in", test, None
    else:
        op, operand, wording = "eq", test, None

    if op in NUMERIC_OPS:
        if ftype != "count":
            raise ConditionError(f"{op} needs a numeric fact; {fact} is {ftype}", where)
        if not isinstance(operand, int) or isinstance(operand, bool) or operand < 0:
            raise ConditionError(f"{op} needs a whole number ≥ 0", where)
        _check_wording(op, wording, where)
        cmp = Comparison(fact, op, operand, wording)
        evaluate = _numeric(fact, op, operand)
        return Condition(evaluate, frozenset({fact}), (cmp,), ((fact, op, operand, evaluate),))
    if wording is not None:
        raise ConditionError("only numeric tests carry a wording", where)
    if op == "eq":
        if ftype == "bool" and not isinstance(operand, bool):
            raise ConditionError(f"{fact} is true or false", where)
        _check_words(fact, spec, [operand], words, where)
        fn = _eq(fact, operand)
        return Condition(fn, frozenset({fact}), (), ((fact, "eq", operand, fn),))
    if op in MEMBER_OPS:
        if not isinstance(operand, list) or not operand:
            raise ConditionError(f"{op} takes a non-empty list", where)
        _check_words(fact, spec, operand, words, where)
        members = frozenset(operand)
        fn = _member(fact, members, negate=(op == "not_in"))
        return Condition(fn, frozenset({fact}), (), ((fact, op, tuple(operand), fn),))
    if op in SET_OPS:
        if ftype != "set":
            raise ConditionError(f"{op} needs a set fact; {fact} is {ftype}", where)
        items = operand if isinstance(operand, list) else [operand]
        _check_words(fact, spec, items, words, where)
        fn = _contains(fact, frozenset(items), op)
        return Condition(fn, frozenset({fact}), (), ((fact, op, tuple(items), fn),))
    raise ConditionError(f"unknown operator {op!r}", where)


def _check_wording(op: str, wording: str | None, where: str) -> None:
    if not wording:
        raise ConditionError("a numeric test needs the law's `wording` (e.g. 100万人以上)", where)
    implied = {v for k, v in WORDING_OPS.items() if k in wording}
    if implied and implied != {op}:
        raise ConditionError(
            f"wording {wording!r} implies {'/'.join(sorted(implied))}, not {op} "
            "(以上/以下/以内 include the number, 不满/超过 exclude it)",
            where,
        )


def _check_words(fact: str, spec: Mapping, values: list, words: Mapping[str, set[str]],
                 where: str) -> None:
    vocab = spec.get("words")
    if not vocab:
        return
    known = words.get(vocab, set())
    for v in values:
        if v not in known:
            raise ConditionError(f"{v!r} is not a known {vocab} word", where)


def _numeric(fact: str, op: str, n: int) -> Callable[[Facts], Tri]:
    if op == "at_least":
        def evaluate(facts: Facts) -> Tri:
            v = facts.get(fact)
            return None if v is None else v >= n
    elif op == "more_than":
        def evaluate(facts: Facts) -> Tri:
            v = facts.get(fact)
            return None if v is None else v > n
    elif op == "below":
        def evaluate(facts: Facts) -> Tri:
            v = facts.get(fact)
            return None if v is None else v < n
    else:
        def evaluate(facts: Facts) -> Tri:
            v = facts.get(fact)
            return None if v is None else v <= n
    return evaluate


def _eq(fact: str, value: Any) -> Callable[[Facts], Tri]:
    def evaluate(facts: Facts) -> Tri:
        v = facts.get(fact)
        return None if v is None else v == value

    return evaluate


def _member(fact: str, members: frozenset, negate: bool) -> Callable[[Facts], Tri]:
    def evaluate(facts: Facts) -> Tri:
        v = facts.get(fact)
        if v is None:
            return None
        return (v not in members) if negate else (v in members)

    return evaluate


def _contains(fact: str, items: frozenset, op: str) -> Callable[[Facts], Tri]:
    def evaluate(facts: Facts) -> Tri:
        v = facts.get(fact)
        if v is None:
            return None
        if op == "contains":
            return items <= v
        if op == "contains_any":
            return bool(items & v)
        return not (items & v)

    return evaluate
