"""The compiled rulebook: every rule with its condition, its dates in force, and who overrides whom.

Exceptions are declared in the data (as in Catala): an exemption defeats the triggers it names in
`overrides`; a later instrument drops earlier rules it names in `supersedes`. Two rules that could
meet (same data kind, same day) with different outcomes and no stated relation are a load error.
"""

from __future__ import annotations

import bisect
import fnmatch
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from chujing.errors import RulebookError
from chujing.rulebook import classes
from chujing.rulebook.conditions import Condition, ConditionError, compile_condition
from chujing.rulebook.loader import (
    DATA_DIR,
    data_hash,
    parse_rule_file,
    read_all_yaml,
    rule_file_paths,
    rule_line,
)
from chujing.rulebook.schema import Instrument, Rule, Text

ROUTE_ORDER = {
    "exempt": 0,
    "standard_contract_or_certification": 1,
    "security_assessment": 2,
    "other_path": 3,
}
FAR_FUTURE = date(9999, 12, 31)


@dataclass
class CompiledRule:
    rule: Rule
    instrument: Instrument
    file: Path
    index: int
    condition: Condition
    active_from: date
    active_to: date  # inclusive; FAR_FUTURE when open-ended
    superseded_by: tuple[str, date, Text | None] | None = None
    overrides: frozenset[str] = frozenset()
    unaffected: frozenset[str] = frozenset()
    id: str = ""
    kind: str = ""
    # The gate rules ANDed into this rule's condition: if one is false, so is the rule.
    gate_rules: tuple = ()
    citation: dict[str, str] = field(default_factory=dict)
    summary: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.id = self.rule.id
        self.kind = self.rule.kind
        self.citation = self.rule.citation.model_dump()
        self.summary = self.rule.summary.model_dump()

    @property
    def effective_to(self) -> date | None:
        return self.rule.effective_to or self.instrument.effective_to

    def in_force(self, day: date) -> bool:
        return self.active_from <= day <= self.active_to

    def counts_facts(self) -> bool:
        return any(f.startswith("count.") for f in self.condition.facts)


@dataclass
class RuleSet:
    """The rules in force on one day, grouped by kind, in file order."""

    triggers: list[CompiledRule]
    exemptions: list[CompiledRule]
    obligations: list[CompiledRule]
    risks: list[CompiledRule]
    counting: CompiledRule | None
    definitions: list[CompiledRule]
    # Rules of instruments still in force that a later rule has superseded (for the trace).
    superseded: list[CompiledRule] = field(default_factory=list)

    _by_kind: dict[str, list[CompiledRule]] = field(default_factory=dict)
    _groups: dict[str, list[tuple[tuple, list[CompiledRule]]]] = field(default_factory=dict)
    _excluding: dict[str, list[CompiledRule]] = field(default_factory=dict)
    _exclusion_tests: dict[str, tuple] = field(default_factory=dict)
    _key_plans: dict[str, classes.Plan] = field(default_factory=dict)
    by_id: dict[str, CompiledRule] = field(default_factory=dict)
    # Item outcomes by class of facts (engine/evaluate.py).
    item_memo: classes.Memo = field(default_factory=lambda: classes.Memo(classes.MEMO_SIZE))
    # Other engine-side tables and memos for this rule set, by name.
    cache: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {r.id: r for r in self.exemptions + self.triggers}

    @property
    def route_rules(self) -> list[CompiledRule]:
        return self.exemptions + self.triggers

    def route_rules_for(self, kind: str) -> list[CompiledRule]:
        """Exemptions then triggers whose scope covers this data kind (cached)."""
        rules = self._by_kind.get(kind)
        if rules is None:
            rules = [r for r in self.exemptions + self.triggers if kind in r.rule.scope]
            self._by_kind[kind] = rules
        return rules

    def gate_groups_for(self, kind: str) -> list[tuple[tuple, list[CompiledRule]]]:
        """The kind's route rules grouped by the gates they share (an FTZ list's items share its
        gates), in rule order within each group; ungated rules form the group with no gates."""
        groups = self._groups.get(kind)
        if groups is None:
            by_gates: dict[tuple[str, ...], tuple[tuple, list[CompiledRule]]] = {}
            for r in self.route_rules_for(kind):
                key = tuple(g.id for g in r.gate_rules)
                by_gates.setdefault(key, (r.gate_rules, []))[1].append(r)
            groups = self._groups[kind] = list(by_gates.values())
        return groups

    def item_key_plan(self, kind: str) -> classes.Plan:
        """What the kind's route rules (and their gates) can tell apart in an item's facts (cached)."""
        plan = self._key_plans.get(kind)
        if plan is None:
            plan = self._key_plans[kind] = classes.plan_for(
                r.condition for gates, rules in self.gate_groups_for(kind) for r in (*gates, *rules))
        return plan

    def count_exclusion_tests(self, kind: str) -> tuple:
        """The conditions of `count_exclusions_for(kind)`, as functions of the facts (cached)."""
        tests = self._exclusion_tests.get(kind)
        if tests is None:
            tests = self._exclusion_tests[kind] = tuple(r.condition.evaluate
                                                        for r in self.count_exclusions_for(kind))
        return tests

    def count_exclusions_for(self, kind: str) -> list[CompiledRule]:
        """Exemptions that leave a transfer of this kind out of the count (cached)."""
        rules = self._excluding.get(kind)
        if rules is None:
            rules = [r for r in self.exemptions if r.rule.excluded_from_count and kind in r.rule.scope]
            self._excluding[kind] = rules
        return rules


@dataclass
class Rulebook:
    version: str
    hash: str
    data_dir: Path
    rules: dict[str, CompiledRule]
    instruments: dict[str, Instrument]
    instrument_files: dict[str, Path]
    facts: dict[str, dict]
    words: dict[str, dict[str, dict]]
    _epochs: list[date] = field(default_factory=list)
    _sets: list[RuleSet] = field(default_factory=list)

    def in_force(self, day: date) -> RuleSet:
        i = bisect.bisect_right(self._epochs, day) - 1
        if i < 0:
            return RuleSet([], [], [], [], None, [])
        return self._sets[i]

    def coverage_start(self) -> date:
        return min(r.active_from for r in self.rules.values())

    def word_ids(self, kind: str) -> list[str]:
        return list(self.words.get(kind, {}))

    def word_label(self, kind: str, word: str, lang: str = "en") -> str:
        w = self.words.get(kind, {}).get(word)
        return w[lang] if w else word

    def fact_label(self, fact: str, lang: str = "en") -> str:
        spec = self.facts.get(fact)
        return spec["label"][lang] if spec and "label" in spec else fact

    def question(self, fact: str) -> dict[str, str] | None:
        spec = self.facts.get(fact)
        return dict(spec["question"]) if spec and "question" in spec else None

    def instrument_rules(self, instrument_id: str) -> list[CompiledRule]:
        return [r for r in self.rules.values() if r.instrument.id == instrument_id]


def load_rulebook(data_dir: Path | str | None = None) -> Rulebook:
    """Load, validate and compile every rule file under `data_dir` (the bundled rulebook by default)."""
    from chujing.rulebook import cache

    data_dir = Path(data_dir) if data_dir else DATA_DIR
    digest = data_hash(data_dir)
    book = cache.load(data_dir, digest)
    if book is not None:
        return book
    paths = rule_file_paths(data_dir)
    meta_path, vocab_path = data_dir / "rulebook.yaml", data_dir / "vocabulary.yaml"
    raws = read_all_yaml(data_dir, [*paths, meta_path, vocab_path], digest)
    meta = raws[meta_path] or {}
    version = str(meta.get("version", "")).strip()
    if not version:
        raise RulebookError("rulebook.yaml needs a `version`", file=str(data_dir / "rulebook.yaml"))
    vocab = raws[vocab_path] or {}
    facts: dict[str, dict] = dict(vocab.get("facts") or {})
    words: dict[str, dict[str, dict]] = {
        kind: {w["id"]: w for w in (entries or [])} for kind, entries in (vocab.get("words") or {}).items()
    }
    parsed = [(p, parse_rule_file(p, raws[p])) for p in paths]
    for _path, rf in parsed:
        for kind, entries in rf.vocabulary.items():
            bucket = words.setdefault(kind, {})
            for w in entries:
                bucket.setdefault(w.id, w.model_dump())
    word_sets = {k: set(v) for k, v in words.items()}

    rules: dict[str, CompiledRule] = {}
    instruments: dict[str, Instrument] = {}
    instrument_files: dict[str, Path] = {}
    raw_rules = {r.id: r for _, rf in parsed for r in rf.rules}
    compiled_parts: dict = {}
    for path, rf in parsed:
        inst = rf.instrument
        if inst.id in instruments:
            raise RulebookError(f"instrument {inst.id} is defined twice (also in {instrument_files[inst.id]})",
                                file=str(path), field="instrument.id")
        instruments[inst.id] = inst
        instrument_files[inst.id] = path
        for i, rule in enumerate(rf.rules):
            if rule.id in rules:
                raise RulebookError(f"rule id is used twice (also in {rules[rule.id].file})",
                                    file=str(path), line=rule_line(path, i, "id"), rule=rule.id, field="id")
            try:
                cond = compile_condition(_composed_when(rule, raw_rules, path, i), facts, word_sets,
                                         memo=compiled_parts)
            except ConditionError as exc:
                raise RulebookError(str(exc), file=str(path), line=rule_line(path, i, "when"),
                                    rule=rule.id, field=exc.path) from None
            frm = rule.effective_from or inst.effective_from
            to = rule.effective_to or inst.effective_to or FAR_FUTURE
            rules[rule.id] = CompiledRule(rule, inst, path, i, cond, frm, to)
            _check_wording_notes(rules[rule.id])

    for r in rules.values():
        r.gate_rules = tuple(rules[g] for g in r.rule.gates if g in rules)
    _apply_supersession(rules, instruments, instrument_files)
    _resolve_relations(rules)
    _check_conflicts(rules)
    book = Rulebook(version, digest, data_dir, rules, instruments, instrument_files,
                    facts, words)
    _build_epochs(book)
    cache.store(book, compiled_parts)
    return book


def _gated_when(rule: Rule, raw: dict[str, Rule], path: Path, index: int) -> list:
    parts = []
    for gid in rule.gates:
        gate = raw.get(gid)
        if gate is None or gate.kind != "gate":
            raise RulebookError(f"gates names {gid!r}, which is not a gate rule", file=str(path),
                                line=rule_line(path, index, "gates"), rule=rule.id, field="gates")
        if gate.when is not None:
            parts.append(gate.when)
    if rule.when is not None:
        parts.append(rule.when)
    return parts


def _composed_when(rule: Rule, raw: dict[str, Rule], path: Path, index: int):
    """`when` with the rule's gates ANDed in, and `unless_any`: none of the named triggers holds
    (each for the data kinds in its own scope). How an FTZ list says "data not on the list"."""
    parts = _gated_when(rule, raw, path, index)
    if rule.unless_any:
        listed = []
        for pat in rule.unless_any:
            hits = [r for rid, r in raw.items() if _glob(pat)(rid) and r.kind == "trigger"]
            if not hits:
                raise RulebookError(f"unless_any names {pat!r}, which matches no trigger", file=str(path),
                                    line=rule_line(path, index, "unless_any"), rule=rule.id, field="unless_any")
            for t in hits:
                t_parts = [{"item.kind": list(t.scope)}] + _gated_when(t, raw, path, index)
                listed.append({"all": t_parts})
        parts.append({"not": {"any": listed}})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"all": parts}


def _err(rule: CompiledRule, message: str, field: str | None = None) -> RulebookError:
    line = rule_line(rule.file, rule.index, field) if field else rule_line(rule.file, rule.index, "id")
    return RulebookError(message, file=str(rule.file), line=line, rule=rule.id, field=field)


def _check_wording_notes(rule: CompiledRule) -> None:
    from chujing.rulebook.conditions import WORDING_OPS

    for cmp in rule.condition.comparisons:
        if not any(k in (cmp.wording or "") for k in WORDING_OPS) and not rule.rule.note:
            raise _err(rule, f"wording {cmp.wording!r} has no 以上/不满/超过/以下 keyword: "
                             "add a `note` saying whether the number is included", "when")


@cache
def _glob(pattern: str):
    """A compiled glob (400+ rules × hundreds of patterns made plain fnmatch the slowest part of a load)."""
    return re.compile(fnmatch.translate(pattern)).match


def _match(patterns: list[str], rules: dict[str, CompiledRule], owner: CompiledRule, field: str) -> set[str]:
    out: set[str] = set()
    for pat in patterns:
        if any(ch in pat for ch in "*?["):
            hits = set(filter(_glob(pat), rules))
        else:
            hits = {pat} if pat in rules else set()
        if not hits:
            raise _err(owner, f"{field} names {pat!r}, which matches no rule", field)
        out |= hits
    return out


def _apply_supersession(rules: dict[str, CompiledRule], instruments: dict[str, Instrument],
                        files: dict[str, Path]) -> None:
    for rule in list(rules.values()):
        patterns = list(rule.rule.supersedes)
        citation = None
        if rule.index == 0 and rule.instrument.supersedes:
            patterns += rule.instrument.supersedes  # instrument-level, applied once
            citation = rule.instrument.supersedes_citation
        if not patterns:
            continue
        for rid in _match(patterns, rules, rule, "supersedes"):
            old = rules[rid]
            if rid == rule.id:
                raise _err(rule, "a rule cannot supersede itself", "supersedes")
            start = rule.active_from
            if start <= old.active_from:
                raise _err(rule, f"supersedes {rid}, which starts on {old.active_from}, not before it",
                           "supersedes")
            end = start - timedelta(days=1)
            if end < old.active_to:
                old.active_to = end
                old.superseded_by = (rule.instrument.id if citation else rule.id, start, citation)


def _match_overrides(rule: CompiledRule, rules: dict[str, CompiledRule]) -> set[str]:
    """A glob names the exemptible triggers it matches (so `ftz/*` reaches every list item a national
    ground beats, not the lists' gates or non-exemptible items); an exact id must be one."""
    out: set[str] = set()
    for pat in rule.rule.overrides:
        hits = _match([pat], rules, rule, "overrides")
        if any(ch in pat for ch in "*?["):
            hits = {rid for rid in hits if rules[rid].kind == "trigger" and rules[rid].rule.exemptible}
        out |= hits
    return out


def _resolve_relations(rules: dict[str, CompiledRule]) -> None:
    for rule in rules.values():
        rule.overrides = frozenset(_match_overrides(rule, rules))
        rule.unaffected = frozenset(_match(rule.rule.unaffected, rules, rule, "unaffected"))
        for rid in rule.overrides:
            target = rules[rid]
            if target.kind not in ("trigger",):
                raise _err(rule, f"overrides {rid}, which is a {target.kind}, not a trigger", "overrides")
            if not target.rule.exemptible:
                raise _err(rule, f"overrides {rid}, which no exemption can defeat (exemptible: false)",
                           "overrides")
        if rule.rule.excluded_from_count and rule.counts_facts():
            raise _err(rule, "an exemption left out of the count cannot itself depend on the count", "when")


def _overlap(a: CompiledRule, b: CompiledRule) -> bool:
    return a.active_from <= b.active_to and b.active_from <= a.active_to


def _check_conflicts(rules: dict[str, CompiledRule]) -> None:
    all_rules = list(rules.values())
    counting = [r for r in all_rules if r.kind == "counting"]
    for i, a in enumerate(counting):
        for b in counting[i + 1:]:
            if _overlap(a, b) and a.rule.window != b.rule.window:
                day = max(a.active_from, b.active_from)
                raise _err(b, f"conflicts with {a.id}: two counting windows in force on {day} "
                              "and neither supersedes the other")
    for r in all_rules:
        if r.counts_facts():
            _check_counting_covers(r, counting)
        for rid in r.overrides:
            other = rules[rid]
            if r.id in other.overrides and _overlap(r, other):
                raise _err(r, f"{r.id} and {rid} override each other: no priority between them",
                           "overrides")
    exemptions = [r for r in all_rules if r.kind == "exemption"]
    triggers = [r for r in all_rules if r.kind == "trigger" and r.rule.exemptible]
    for e in exemptions:
        for t in triggers:
            if not set(e.rule.scope) & set(t.rule.scope) or not _overlap(e, t):
                continue
            if t.id in e.overrides or t.id in e.unaffected or e.id in t.overrides:
                continue
            day = max(e.active_from, t.active_from)
            raise _err(e, f"conflicts with {t.id}: both can decide {sorted(set(e.rule.scope) & set(t.rule.scope))} "
                          f"on {day} with no stated priority — list it under `overrides` or `unaffected`",
                       "overrides")


def _check_counting_covers(rule: CompiledRule, counting: list[CompiledRule]) -> None:
    day = rule.active_from
    while day <= rule.active_to:
        cover = [c for c in counting if c.in_force(day)]
        if not cover:
            raise _err(rule, f"tests a count, but no counting rule is in force on {day}", "when")
        nxt = min(c.active_to for c in cover)
        if nxt >= rule.active_to:
            return
        day = nxt + timedelta(days=1)


def _build_epochs(book: Rulebook) -> None:
    bounds = {r.active_from for r in book.rules.values()}
    bounds |= {r.active_to + timedelta(days=1) for r in book.rules.values() if r.active_to < FAR_FUTURE}
    epochs = sorted(bounds)
    sets = []
    for day in epochs:
        live = [r for r in book.rules.values() if r.in_force(day)]
        counting = [r for r in live if r.kind == "counting"]
        sets.append(RuleSet(
            triggers=[r for r in live if r.kind == "trigger"],
            exemptions=[r for r in live if r.kind == "exemption"],
            obligations=[r for r in live if r.kind == "obligation"],
            risks=[r for r in live if r.kind == "risk"],
            counting=counting[0] if counting else None,
            definitions=[r for r in live if r.kind == "definition"],
            superseded=[r for r in book.rules.values()
                        if r.superseded_by and r.active_to < day
                        and r.kind in ("trigger", "exemption", "counting")
                        and not (r.instrument.effective_to and r.instrument.effective_to < day)],
        ))
    book._epochs = epochs
    book._sets = sets
