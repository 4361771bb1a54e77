"""One evaluation pass: count the year's people, then decide each data item's route.

Pure: takes facts, returns results. `assess` runs it once with the facts as given (unknowns
propagate), and again for each way the unknown facts could be, to see if they matter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, NamedTuple

from chujing.engine.context import COUNTERS, PI_NAMES, SENSITIVE_NAMES, is_pi, is_sensitive
from chujing.facts import HistoryEntry
from chujing.rulebook import classes
from chujing.rulebook.rulebook import ROUTE_ORDER, CompiledRule, RuleSet

Tri = bool | None


@dataclass(slots=True)
class HistoryTally:
    window_start: date | None
    pi: int = 0
    spi: int = 0
    by_population: dict[str, int] = field(default_factory=dict)
    # FTZ list items count their own people: sensitive PI per population and per modality.
    by_population_spi: dict[str, int] = field(default_factory=dict)
    by_modality_spi: dict[str, int] = field(default_factory=dict)
    counted: list[int] = field(default_factory=list)
    left_out: list[tuple[int, str]] = field(default_factory=list)  # (index, why)
    unsure: list[int] = field(default_factory=list)


class ItemResult(NamedTuple):
    facts: dict[str, Any]
    results: dict[str, Tri]
    effective: set[str]
    defeated: dict[str, list[str]]
    excluded: Tri
    route: str | None  # None: depends on unknown facts
    # The rules that gave the item its route: that route's triggers, or the exemptions (sorted).
    decided: tuple[str, ...] = ()
    # The outcome as kept in the memo, shared by every item of the same class: [results, effective,
    # defeated, route, decided, trace rows or None] (the trace rows are filled by engine/trace.py).
    shared: list | None = None


# One per item per pass: built by tuple.__new__ directly, skipping NamedTuple's Python-level __new__.
_item_result = partial(tuple.__new__, ItemResult)


@dataclass(slots=True)
class PassResult:
    items: list[ItemResult]
    counts: dict[str, Any]
    overall: str | None


def window_start(rs: RuleSet, day: date) -> date | None:
    if rs.counting is None:
        return None
    if rs.counting.rule.window == "since_previous_year_start":
        return date(day.year - 1, 1, 1)
    return date(day.year, 1, 1)


def no_history(rs: RuleSet, day: date) -> HistoryTally:
    """The tally of a scenario without earlier transfers: one per rule set and year, shared, so
    read only (callers copy its dicts before adding to them)."""
    key = ("no_history", day.year)  # the window depends on the year alone
    tally = rs.cache.get(key)
    if tally is None:
        tally = rs.cache[key] = HistoryTally(window_start(rs, day))
    return tally


def tally_history(history: list[HistoryEntry], day: date, start: date | None, book, base_for) -> HistoryTally:
    """Earlier transfers inside the window, minus those made under an exemption in force then."""
    tally = HistoryTally(start)
    if start is None or not history:
        return tally
    for i, h in enumerate(history):
        if not (start <= h.date <= day):
            continue
        if not is_pi(h.kind):
            continue
        excluded: Tri
        if h.exempt is not None:
            excluded, why = h.exempt, "declared exempt"
        else:
            excluded, why = _excluded_then(h, book, base_for(h))
        if excluded is True:
            tally.left_out.append((i, why))
            continue
        if excluded is None:
            tally.unsure.append(i)
        tally.counted.append(i)
        tally.pi += h.subjects
        if is_sensitive(h.kind):
            tally.spi += h.subjects
        if h.population:
            tally.by_population[h.population] = tally.by_population.get(h.population, 0) + h.subjects
        if is_sensitive(h.kind):
            _add(tally.by_population_spi, h.population, h.subjects)
            _add(tally.by_modality_spi, str(h.modality) if h.modality else None, h.subjects)
    return tally


def _excluded_then(h: HistoryEntry, book, facts: dict[str, Any]) -> tuple[Tri, str]:
    """Whether an earlier transfer is left out of the count under the exemptions in force on its
    date; memoised by the class of its facts under those exemptions (per rule set and kind)."""
    rs = book.in_force(h.date)
    kind = str(h.kind)
    tables = rs.cache.get("history_exclusions")
    if tables is None:
        tables = rs.cache["history_exclusions"] = {}
    table = tables.get(kind)
    if table is None:
        rules = [r for r in rs.exemptions if r.rule.excluded_from_count and kind in r.rule.scope]
        table = tables[kind] = (rules, classes.plan_for(r.condition for r in rules), classes.Memo(classes.MEMO_SIZE))
    rules, plan, memo = table
    k = classes.key(plan, facts)
    hit = memo.get(k) if k is not None else None
    if hit is None:
        hit = _exclusion_then(rules, facts)
        if k is not None:
            memo.put(k, hit)
    return hit


def _exclusion_then(rules: list[CompiledRule], facts: dict[str, Any]) -> tuple[Tri, str]:
    unknown = False
    for r in rules:
        v = r.condition.evaluate(facts)
        if v is True:
            return True, r.id
        if v is None:
            unknown = True
    return (None if unknown else False), ""


class KindTable:
    """What a pass needs for items of one data kind under one rule set (built once, kept in
    `rs.cache`): the class plan of the kind's route rules and the tests that leave an item out of
    the count. When those tests read only facts the plan compares as they are, the result is
    memoised by the item's plain values, which the item's class key reuses."""

    __slots__ = ("plan", "plain_of", "tests", "excluded_memo", "late_plain")

    def __init__(self, rs: RuleSet, kind: str) -> None:
        self.plan = rs.item_key_plan(kind)
        self.plain_of = self.plan._plain_of
        self.tests = rs.count_exclusion_tests(kind)
        tested = set().union(*(r.condition.facts for r in rs.count_exclusions_for(kind)))
        self.excluded_memo = (classes.Memo(classes.MEMO_SIZE) if tested <= set(self.plan.plain) else None)
        # Counters are set after phase 1: one compared as a plain value is read again then.
        self.late_plain = not set(COUNTERS).isdisjoint(self.plan.plain)


def kind_table(rs: RuleSet, kind: str) -> KindTable:
    tables = rs.cache.get("kinds")
    if tables is None:
        tables = rs.cache["kinds"] = {}
    table = tables.get(kind)
    if table is None:
        table = tables[kind] = KindTable(rs, kind)
    return table


def run_pass(rs: RuleSet, item_facts: list[dict[str, Any]], tally: HistoryTally,
             totals: tuple[int | None, int | None]) -> PassResult:
    # Phase 1: transfers made under a ground that leaves them out of the count.
    tables = rs.cache.get("kinds") or {}
    rows, excluded = [], []
    for f in item_facts:
        kind = f["item.kind"]
        table = tables.get(kind) or kind_table(rs, kind)
        try:
            plain = table.plain_of(f)
        except KeyError:  # a fact not set at all is unknown, like None
            plain = tuple(map(f.get, table.plan.plain))
        exc = _excluded_now(table, plain, f)
        rows.append((f, kind, table, plain))
        excluded.append(exc)
    counts = _current_counts(item_facts, excluded, tally, totals)
    # Phase 2: every route rule on every item, with the year's counts.
    out: list[ItemResult] = []
    pi, spi, unsure = counts["pi"], counts["spi"], counts["unsure_groups"]
    by_pop, by_pop_spi, by_mod_spi = (counts["by_population"], counts["by_population_spi"],
                                      counts["by_modality_spi"])
    memo = rs.item_memo
    overall: str | None = "exempt"
    for (f, kind, table, plain), exc in zip(rows, excluded, strict=True):
        f["count.pi"] = pi
        f["count.spi"] = spi
        pop, mod = f["item.population"], f["item.modality"]
        if pop and pop not in unsure:
            f["count.population"] = by_pop.get(pop, 0)
            f["count.population_spi"] = by_pop_spi.get(pop, 0)
        else:  # no group, or an item of the group has an unknown number of people: unknown
            f["count.population"] = f["count.population_spi"] = None
        f["count.modality_spi"] = by_mod_spi.get(mod, 0) if mod and mod not in unsure else None
        # The item's class (rulebook/classes.py): items of one class share one outcome, which
        # callers must not change.
        if table.late_plain:
            plain = tuple(map(f.get, table.plan.plain))
        k = (kind, (plain, table.plan.numbers(f)))
        try:
            hit = memo.get(k)
        except TypeError:  # a value that cannot be hashed: decide without the memo
            hit, k = None, None
        if hit is None:
            hit = _decide_item_uncached(rs, kind, f)
            if k is not None:
                memo.put(k, hit)
        route = hit[3]
        out.append(_item_result((f, hit[0], hit[1], hit[2], exc, route, hit[4], hit)))
        if route is None:
            overall = None
        elif overall is not None and ROUTE_ORDER[route] > ROUTE_ORDER[overall]:
            overall = route
    return PassResult(out, counts, overall)


_UNSET = object()


def _excluded_now(table: KindTable, plain: tuple, facts: dict[str, Any]) -> Tri:
    if not table.tests:
        return False
    memo = table.excluded_memo
    if memo is None:
        return _exclusion_tests(table.tests, facts)
    try:
        v = memo.get(plain, _UNSET)
    except TypeError:  # a value that cannot be hashed
        return _exclusion_tests(table.tests, facts)
    if v is _UNSET:
        v = _exclusion_tests(table.tests, facts)
        memo.put(plain, v)
    return v


def _exclusion_tests(tests: tuple, facts: dict[str, Any]) -> Tri:
    unknown = False
    for evaluate in tests:
        v = evaluate(facts)
        if v is True:
            return True
        if v is None:
            unknown = True
    return None if unknown else False


def _add(bucket: dict[str, int], key: str | None, n: int) -> None:
    if key:
        bucket[key] = bucket.get(key, 0) + n


def _current_counts(item_facts: list[dict[str, Any]], excluded: list[Tri], tally: HistoryTally,
                    totals: tuple[int | None, int | None]) -> dict[str, Any]:
    """This year's people: earlier transfers plus this one's counted items.

    An item whose exemption is unknown is counted (the cautious reading); the question about the
    exemption is asked separately. Within a transfer, items are taken as different people unless
    `transfer.subjects_total` says how many distinct people there are.
    """
    pi = spi = 0
    pi_known = spi_known = True
    by_pop = dict(tally.by_population)
    by_pop_spi = dict(tally.by_population_spi)
    by_mod_spi = dict(tally.by_modality_spi)
    unsure_groups: set[str] = set()
    for f, exc in zip(item_facts, excluded, strict=True):
        kind = f["item.kind"]
        if exc is True or kind not in PI_NAMES:
            continue
        sensitive = kind in SENSITIVE_NAMES
        pop, mod, n = f["item.population"], f["item.modality"], f["item.subjects"]
        if n is None:
            unsure_groups.update(g for g in (pop, mod) if g)
            pi_known = False
            if sensitive:
                spi_known = False
            continue
        pi += n
        if pop:
            by_pop[pop] = by_pop.get(pop, 0) + n
        if sensitive:
            spi += n
            if pop:
                by_pop_spi[pop] = by_pop_spi.get(pop, 0) + n
            if mod:
                by_mod_spi[mod] = by_mod_spi.get(mod, 0) + n
    total, sensitive_total = totals
    any_excluded = True in excluded
    if total is not None and not any_excluded:
        pi, pi_known = total, True
    if sensitive_total is not None and not any_excluded:
        spi, spi_known = sensitive_total, True
    return {
        "pi": tally.pi + pi if pi_known else None,
        "spi": tally.spi + spi if spi_known else None,
        "transfer_pi": pi if pi_known else None,
        "transfer_spi": spi if spi_known else None,
        "by_population": by_pop,
        "by_population_spi": by_pop_spi,
        "by_modality_spi": by_mod_spi,
        "unsure_groups": unsure_groups,
    }


def _decide_item_uncached(rs: RuleSet, kind: str, facts: dict[str, Any]) -> tuple:
    results: dict[str, Tri] = {}
    gates: dict[str, Tri] = {}  # each gate once per item
    for gate_rules, rules in rs.gate_groups_for(kind):
        if gate_rules and _a_gate_fails(gate_rules, facts, gates):
            for r in rules:  # a failed gate is ANDed into each of these rules' conditions
                results[r.id] = False
        else:
            for r in rules:
                results[r.id] = r.condition.evaluate(facts)
    by_id = rs.by_id
    if None in results.values():
        _screen(results, by_id)
    effective, defeated = resolve(results, by_id)
    if None in results.values():
        route = None
    else:
        route = strictest(by_id[rid] for rid in effective if by_id[rid].kind == "trigger")
    return [results, effective, defeated, route, _deciding(by_id, route, effective), None]


def _deciding(by_id: dict[str, CompiledRule], route: str | None, effective: set[str]) -> tuple[str, ...]:
    if route and route != "exempt":
        return tuple(sorted(rid for rid in effective
                            if by_id[rid].kind == "trigger" and by_id[rid].rule.route == route))
    return tuple(sorted(rid for rid in effective if by_id[rid].kind == "exemption"))


def _screen(results: dict[str, Tri], by_id: dict[str, CompiledRule]) -> None:
    """A screened hard block (`extra.screening`) whose facts are unstated does not hold up the route:
    it is taken as not applying, and engine/risks.py reports what the answer would be if it did."""
    for rid, v in results.items():
        if v is None and by_id[rid].rule.extra.get("screening"):
            results[rid] = False


_UNSEEN = object()


def _a_gate_fails(gate_rules, facts: dict[str, Any], memo: dict[str, Tri]) -> bool:
    for g in gate_rules:
        v = memo.get(g.id, _UNSEEN)
        if v is _UNSEEN:
            v = memo[g.id] = g.condition.evaluate(facts)
        if v is False:
            return True
    return False


def resolve(results: dict[str, Tri], by_id: dict[str, CompiledRule]) -> tuple[set[str], dict[str, list[str]]]:
    """Rules that apply and are not defeated by another effective rule (a fixed point)."""
    applying = {rid for rid, v in results.items() if v is True}
    if not any(by_id[rid].overrides for rid in applying):
        return applying, {}
    effective = set(applying)
    for _ in range(len(applying) + 1):
        defeated: dict[str, list[str]] = {}
        for rid in effective:
            for target in by_id[rid].overrides:
                if target in applying:
                    defeated.setdefault(target, []).append(rid)
        new = applying - set(defeated)
        if new == effective:
            return effective, {k: sorted(v) for k, v in defeated.items()}
        effective = new
    return effective, {k: sorted(v) for k, v in defeated.items()}


def strictest(triggers) -> str:
    best = "exempt"
    for r in triggers:
        if ROUTE_ORDER[r.rule.route] > ROUTE_ORDER[best]:
            best = r.rule.route
    return best
