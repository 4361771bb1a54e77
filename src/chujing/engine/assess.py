"""`assess(scenario, rulebook) -> Decision`: pure, no I/O, no clock.

1. Take the rules in force on `as_of`.
2. Count this window's people (earlier transfers + this one), leaving out exempt transfers.
3. Decide each data item: exemptions defeat the triggers they name; the strictest trigger wins.
4. If facts are missing, try every value they could take: a fact that changes the route becomes a
   question and the pathway is `needs_information`; one that cannot is noted and left.
5. Obligations, headroom to each threshold, and a summary, in Chinese and English, are written
   on first use (engine/trace.py).
"""

from __future__ import annotations

import itertools
from datetime import date

from chujing.decision import Decision, Pathway, Question
from chujing.engine.context import COUNTERS, base_facts, history_facts, is_pi, item_facts
from chujing.engine.evaluate import PassResult, no_history, run_pass, tally_history, window_start
from chujing.engine.trace import Later
from chujing.errors import InputError, RulebookError
from chujing.facts import Scenario
from chujing.rulebook import ROUTE_ORDER, Rulebook, default_rulebook
from chujing.rulebook.rulebook import RuleSet

MAX_ASSIGNMENTS = 512
MAX_ROUNDS = 3  # of facts opened by values tried for others (_resolve_unknowns)
_PATHWAYS = {None: Pathway.needs_information, **{str(p): p for p in Pathway}}
COUNT_EXTREMES = (0, 10**9)


def assess(scenario: Scenario, rulebook: Rulebook | None = None, *, as_of: date | None = None) -> Decision:
    book = rulebook or default_rulebook()
    # Fields are read from the models' __dict__ here and in context.py: pydantic's __getattr__
    # makes attribute reads slow, and this runs per decision.
    sd = scenario.__dict__
    td = sd["transfer"].__dict__
    day = as_of or sd["as_of"] or td["date"]
    if day is None:
        raise InputError("no as_of date: give `as_of` (or transfer.date)", field="as_of")
    rs = book.in_force(day)
    if not rs.triggers:
        raise RulebookError(f"no regime in the rulebook covers {day} "
                            f"(it starts on {book.coverage_start()})")
    base = base_facts(scenario)
    facts = [item_facts(base, it) for it in td["data"]]
    history = sd["history"]
    tally = (tally_history(history, day, window_start(rs, day), book, lambda h: history_facts(base, h))
             if history else no_history(rs, day))
    totals = (td["subjects_total"], td["sensitive_subjects_total"])
    first = run_pass(rs, facts, tally, totals)

    questions: list[Question] = []
    notes: list[dict[str, str]] = []
    possible: list[str] = []
    if first.overall is None:
        possible, questions, notes_u, resolved = _resolve_unknowns(book, rs, scenario, first, tally, totals)
        notes += notes_u
        overall = possible[0] if len(possible) == 1 else None
    else:
        overall, resolved = first.overall, None
    pathway = _PATHWAYS[overall]

    return Decision(pathway, day, book.version, book.hash, None,
                    possible if len(possible) > 1 else [], None,
                    Later(book, rs, day, scenario, base, tally, first, overall, pathway, resolved,
                          questions, possible, notes))


def _unknown_keys(book: Rulebook, rs: RuleSet, first: PassResult, items) -> dict[tuple, tuple]:
    """Each unknown fact that a still-open rule depends on, with the values it could take."""
    by_id = {r.id: r for r in rs.route_rules}
    by_id.update({r.id: r for r in rs.exemptions})
    keys: dict[tuple, tuple] = {}
    for i, res in enumerate(first.items):
        for rid, v in res.results.items():
            if v is not None:
                continue
            for fact in by_id[rid].condition.unknown_facts(res.facts):
                if fact in COUNTERS:
                    for j, it in enumerate(items):
                        if it.subjects is None and is_pi(it.kind):
                            keys[("subjects", j)] = COUNT_EXTREMES
                    continue
                key = ("item", i, fact) if fact.startswith("item.") else ("fact", fact)
                keys[key] = _domain(book, fact)
    return keys


def _domain(book: Rulebook, fact: str) -> tuple:
    spec = book.facts.get(fact, {})
    t = spec.get("type")
    if t == "bool":
        return (False, True)
    if t == "count":
        return COUNT_EXTREMES
    if t == "word" and spec.get("words"):
        return tuple(book.word_ids(spec["words"])) + ("other",)
    return ()


def _resolve_unknowns(book, rs, scenario, first, tally, totals):
    items = scenario.transfer.data
    keys = _unknown_keys(book, rs, first, items)
    base = base_facts(scenario)
    # A value tried for one fact can leave another open that was not before (an exemption found
    # to hold leaves the transfer's stated total out of the count, so an item's unstated number of
    # people matters): such facts join the ones tried, for a few rounds.
    for _round in range(MAX_ROUNDS):
        names = list(keys)
        sizes = [len(keys[k]) for k in names]
        total = 1
        for s in sizes:
            total *= max(s, 1)
        if not names or any(s == 0 for s in sizes) or total > MAX_ASSIGNMENTS:
            # Cannot try every value: every unknown fact is a question.
            return [], [_question(book, k, rs, first) for k in names], [], {}
        outcomes: dict[tuple, str] = {}
        item_routes: dict[int, set[str]] = {}
        item_rules: dict[int, set[str]] = {}
        opened: dict[tuple, tuple] = {}
        for values in itertools.product(*(keys[k] for k in names)):
            assignment = dict(zip(names, values, strict=True))
            result = _pass_under(rs, scenario, base, assignment, tally, totals)
            outcomes[values] = result.overall or "needs_information"
            if result.overall is None:
                opened.update((k, v) for k, v in _unknown_keys(book, rs, result, items).items() if k not in keys)
            for i, res in enumerate(result.items):
                route = res.route or "needs_information"
                item_routes.setdefault(i, set()).add(route)
                item_rules.setdefault(i, set()).update(res.decided)
        if not opened:
            break
        keys.update(opened)
    if "needs_information" in outcomes.values():
        # Some values leave the route open for a reason no further fact explains: ask them all.
        return [], [_question(book, k, rs, first) for k in names], [], {}
    possible = sorted(set(outcomes.values()), key=ROUTE_ORDER.__getitem__)
    # Items whose route the missing facts cannot change, with every rule that decided it in some case.
    resolved = {i: (next(iter(r)), sorted(item_rules[i])) for i, r in item_routes.items()
                if len(r) == 1 and first.items[i].route is None}
    notes = []
    if len(possible) == 1:
        shown = ", ".join(_key_label(book, k, "en") for k in names)
        shown_zh = "、".join(_key_label(book, k, "zh") for k in names)
        notes.append({"zh": f"以下事实未提供，但不影响结论：{shown_zh}。",
                      "en": f"These facts were not given but cannot change the route: {shown}."})
        return possible, [], notes, resolved
    matters = [k for i, k in enumerate(names) if _fact_matters(outcomes, i)]
    return possible, [_question(book, k, rs, first) for k in matters], notes, resolved


def _fact_matters(outcomes: dict[tuple, str], i: int) -> bool:
    groups: dict[tuple, set[str]] = {}
    for values, route in outcomes.items():
        rest = values[:i] + values[i + 1:]
        groups.setdefault(rest, set()).add(route)
    return any(len(g) > 1 for g in groups.values())


def _pass_under(rs, scenario, base, assignment, tally, totals) -> PassResult:
    items = list(scenario.transfer.data)
    shared = {k[1]: v for k, v in assignment.items() if k[0] == "fact"}
    for (kind, *rest), v in assignment.items():
        if kind == "subjects":
            items[rest[0]] = items[rest[0]].model_copy(update={"subjects": v})
    facts = []
    for i, it in enumerate(items):
        f = item_facts({**base, **shared}, it)
        for (kind, *rest), v in assignment.items():
            if kind == "item" and rest[0] == i:
                f[rest[1]] = v
        facts.append(f)
    return run_pass(rs, facts, tally, totals)


def _key_label(book: Rulebook, key: tuple, lang: str) -> str:
    if key[0] == "subjects":
        return book.fact_label("item.subjects", lang) + f" [{key[1]}]"
    if key[0] == "item":
        return book.fact_label(key[2], lang) + f" [{key[1]}]"
    return book.fact_label(key[1], lang)


def _question(book: Rulebook, key: tuple, rs: RuleSet, first: PassResult) -> Question:
    if key[0] == "subjects":
        fact, item = "item.subjects", key[1]
    elif key[0] == "item":
        fact, item = key[2], key[1]
    else:
        fact, item = key[1], None
    q = book.question(fact) or {"zh": f"请提供：{book.fact_label(fact, 'zh')}",
                                "en": f"Please provide: {book.fact_label(fact, 'en')}"}
    rules = sorted({rid for res in first.items for rid, v in res.results.items()
                    if v is None and (fact in res.facts and res.facts.get(fact) is None
                                      or fact == "item.subjects")})
    return Question(fact=fact, question=q, item=item, rules=rules)
