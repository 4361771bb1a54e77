"""Around the transfer: hard blocks, reviews, audits, penalties, sector duties and destination notes.

The route engine decides *how* data may leave; this module adds what a compliance team needs
beside the route, from rule files marked `extra: {around: true}` and the `foreign/` summaries:

- **Screening.** A few hard blocks can divert any export (a foreign judicial request, a recipient on
  the PIPL 42 list, core data, a state organ, HGR data without its licence). Asking every user about
  each would turn every answer into `needs_information`, so a non-exemptible trigger marked
  `extra: {screening: true}` whose facts are unstated is taken as not applying (evaluate._screened),
  and a `screening` risk here says so and what the route would be if it did. A fact stated as true
  still decides the route: they are ordinary `other_path` (or SA) triggers.
- **Risks.** Rules of kind `risk` that hold: penalties (with the PIPL 66 turnover cap worked out
  when turnover is given), candidate important data, export-control overlap, destination regimes.
- **Obligations.** Around rules are obligations in the ordinary sense, but one whose condition is
  unknown is dropped rather than listed as conditional (they would otherwise appear in every
  decision); its facts are asked only when the rule names them under `extra.ask` and some other
  part of its condition already holds.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chujing.decision import PATHWAY_LABELS, Obligation, Question, Risk
from chujing.errors import RulebookError
from chujing.facts import Scenario
from chujing.rulebook import classes
from chujing.rulebook.rulebook import ROUTE_ORDER, CompiledRule, Rulebook, RuleSet
from chujing.rulebook.schema import Text

# Leaves on these facts are not evidence that a rule is "nearly" met (they hold for most scenarios).
NOT_EVIDENCE_PREFIXES = ("decision.", "item.kind")
DISCLAIMER = {
    "zh": "目的地规则为公开资料的摘要（注明来源与日期），仅供出海企业参考，不构成法律意见；请向当地律师确认。",
    "en": "Destination rules are summaries of public sources (with their sources and dates) for companies "
          "going abroad; they are not legal advice — confirm with local counsel.",
}


# --- data of risk rules (`extra`), validated when used and by tests/around ---------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Amounts(_Strict):
    min_cny: int | None = Field(default=None, ge=0)
    max_cny: int | None = Field(default=None, ge=0)
    max_turnover_percent: int | None = Field(default=None, ge=1, le=100)
    purchase_multiple_min: int | None = Field(default=None, ge=0)
    purchase_multiple_max: int | None = Field(default=None, ge=1)


class Fine(_Strict):
    case: Text
    entity: Amounts
    persons: Amounts | None = None


class PenaltyData(_Strict):
    failure: Text | None = None
    fines: list[Fine] = Field(default_factory=list)
    refers_to: list[str] = Field(default_factory=list)


class AnnualDue(_Strict):
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)


def penalty_data(rule: CompiledRule) -> PenaltyData:
    raw = {k: rule.rule.extra[k] for k in ("failure", "fines", "refers_to") if k in rule.rule.extra}
    try:
        return PenaltyData.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise RulebookError(f"extra.{where}: {err['msg']}", file=str(rule.file), rule=rule.id,
                            field=f"extra.{where}") from None


def check_around_data(book: Rulebook) -> None:
    """Validate every around rule's `extra` data; raise RulebookError naming the rule."""
    for r in book.rules.values():
        if r.kind == "risk":
            data = penalty_data(r)
            for rid in data.refers_to:
                if rid not in book.rules:
                    raise RulebookError(f"extra.refers_to names {rid!r}, which is no rule",
                                        file=str(r.file), rule=r.id, field="extra.refers_to")
        if "annual_due" in r.rule.extra:
            AnnualDue.model_validate(r.rule.extra["annual_due"])
        if r.rule.extra.get("screening") and (r.kind != "trigger" or r.rule.exemptible):
            raise RulebookError("only non-exemptible triggers (hard blocks) can be screened",
                                file=str(r.file), rule=r.id, field="extra.screening")
        for fact in r.rule.extra.get("ask", []):
            if fact not in r.condition.facts or not book.question(fact):
                raise RulebookError(f"extra.ask names {fact!r}: not in the condition or has no question",
                                    file=str(r.file), rule=r.id, field="extra.ask")


# --- fines -----------------------------------------------------------------------------------

def turnover_cap(turnover_cny: float, percent: int) -> int:
    """`percent`% of turnover, in whole yuan (half up)."""
    with localcontext(prec=400):  # any finite float (up to ~1.8e308) is exact
        cap = Decimal(str(turnover_cny)) * percent / 100
        return int(cap.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _yuan(n: int, lang: str) -> str:
    if lang != "zh":
        return f"RMB {n:,}"
    if n >= 100_000_000 and n % 10_000 == 0:
        return f"{(Decimal(n) / 100_000_000).normalize():f}亿元"
    if n >= 10_000 and n % 10_000 == 0:
        return f"{n // 10_000}万元"
    return f"{n:,}元"


def fines_figures(data: PenaltyData, turnover: float | None) -> tuple[dict[str, Any], dict[str, str] | None]:
    """Figures for the decision, and a sentence on the turnover cap when it could be worked out."""
    out: list[dict[str, Any]] = []
    line = None
    for f in data.fines:
        e = f.entity
        entry: dict[str, Any] = {"case": f.case.model_dump(),
                                 "entity": e.model_dump(exclude_none=True)}
        if f.persons:
            entry["persons"] = f.persons.model_dump(exclude_none=True)
        if e.max_turnover_percent is not None:
            if turnover is None or not math.isfinite(turnover):  # (the facts accept inf: nothing to work out)
                entry["turnover_cap_cny"] = None
            else:
                cap = turnover_cap(turnover, e.max_turnover_percent)
                ceiling = max(cap, e.max_cny or 0)
                entry.update({"turnover_cny": turnover, "turnover_cap_cny": cap, "ceiling_cny": ceiling})
                fixed_zh = _yuan(e.max_cny, "zh") if e.max_cny else ""
                fixed_en = _yuan(e.max_cny, "en") if e.max_cny else ""
                line = {
                    "zh": f"{f.case.zh}：按上一年度营业额{_yuan(int(turnover), 'zh')}计，其{e.max_turnover_percent}%为"
                          f"{_yuan(cap, 'zh')}；与{fixed_zh}相比，罚款上限中较高者为{_yuan(ceiling, 'zh')}。",
                    "en": f"{f.case.en[:1].upper()}{f.case.en[1:]}: on last year's turnover of {_yuan(int(turnover), 'en')}, "
                          f"{e.max_turnover_percent}% is {_yuan(cap, 'en')}; against the fixed cap of {fixed_en}, "
                          f"the higher ceiling is {_yuan(ceiling, 'en')}.",
                }
        out.append(entry)
    figs: dict[str, Any] = {}
    if out:
        figs["fines"] = out
    if data.failure:
        figs["failure"] = data.failure.model_dump()
    if data.refers_to:
        figs["refers_to"] = list(data.refers_to)
    return figs, line


# --- the module's output ---------------------------------------------------------------------

def _is_around(r: CompiledRule) -> bool:
    return bool(r.instrument.extra.get("around")) or r.instrument.kind == "foreign"


def _per_item(r: CompiledRule) -> bool:
    return any(f.startswith("item.") for f in r.condition.facts)


@dataclass
class _Prepared:
    """What this module needs from one day's rule set, worked out once (kept in `rs.cache`)."""

    risks: list[tuple[CompiledRule, bool, PenaltyData, dict[str, Any]]]  # + figures without turnover
    screening: list[CompiledRule]
    hard_blocks: dict[str, CompiledRule]
    askable: list[tuple[CompiledRule, bool]]
    obligations: dict[str, CompiledRule]
    # Per context kind (whole transfer / per item): what the askable rules can tell apart, and
    # what they asked of each class of facts seen so far.
    ask_plans: dict[bool, classes.Plan]
    ask_memo: classes.Memo
    screening_plan: classes.Plan
    screening_memo: classes.Memo
    # What the risk rules can tell apart per context kind, and `built_json()`'s answers by class.
    risk_plans: dict[bool, classes.Plan]
    json_memo: classes.Memo


def _prepare(rs: RuleSet) -> _Prepared:
    hit = rs.cache.get("around")
    if hit is not None:
        return hit
    around = [r for r in rs.obligations + rs.risks if _is_around(r)]
    askable = [(r, _per_item(r)) for r in around if r.rule.extra.get("ask") or r.rule.deadline]
    screening = [r for r in rs.triggers if r.rule.extra.get("screening")]
    prepared = _Prepared(
        risks=[(r, _per_item(r), d, fines_figures(d, None)[0]) for r in rs.risks for d in [penalty_data(r)]],
        screening=screening,
        hard_blocks={r.id: r for r in rs.triggers if not r.rule.exemptible and _is_around(r)},
        askable=askable,
        obligations={r.id: r for r in rs.obligations if _is_around(r)},
        ask_plans={per: classes.plan_for(
            [r.condition for r, p in askable if p == per],
            [r.rule.deadline.from_ for r, p in askable if p == per and r.rule.deadline])
            for per in (False, True)},
        ask_memo=classes.Memo(classes.MEMO_SIZE),
        screening_plan=classes.plan_for(r.condition for r in screening),
        screening_memo=classes.Memo(classes.MEMO_SIZE),
        risk_plans={per: classes.plan_for(r.condition for r in rs.risks if _per_item(r) == per)
                    for per in (False, True)},
        json_memo=classes.Memo(classes.MEMO_SIZE),
    )
    rs.cache["around"] = prepared
    return prepared


@dataclass
class Around:
    """Everything around one decision; risks and notes (`built()`), questions and obligations on call."""

    book: Rulebook
    rs: RuleSet
    day: date
    scenario: Scenario
    base: dict[str, Any]
    item_facts: list[dict[str, Any]]
    item_results: list[dict[str, bool | None]]
    decision_facts: dict[str, Any]

    def __post_init__(self) -> None:
        self._ctx: dict[bool, list[tuple[int | None, dict[str, Any]]]] = {}
        self._built: tuple[list[Risk], list[dict[str, str]]] | None = None

    def built(self) -> tuple[list[Risk], list[dict[str, str]]]:
        """Risks and notes, worked out on first use (a batch that only routes never pays for them)."""
        if self._built is None:
            self.risks: list[Risk] = []
            self.notes: list[dict[str, str]] = []
            self._hard_blocks()
            self._screening()
            self._rule_risks()
            self._built = (self.risks, self.notes)
        return self._built

    def built_json(self) -> tuple[list, list[dict[str, str]]]:
        """`built()` with each risk as JSON (orjson fragments), memoised by all it depends on: which
        hard blocks hold per item, each item's class for the screened blocks and the risk rules, the
        whole transfer's class for the risk rules, and the turnover (fines are worked out from it)."""
        import orjson

        p = self._p
        blocks = tuple(p.hard_blocks)
        key = (tuple(tuple(res.get(rid) is True for rid in blocks) for res in self.item_results),
               tuple((f["item.kind"], classes.values_of(p.screening_plan, f)) for f in self.item_facts),
               tuple(classes.values_of(p.risk_plans[per], f) for per in (False, True)
                     for _i, f in self._contexts(per)),
               self.base.get("processor.turnover_cny"))
        try:
            hit = p.json_memo.get(key)
        except TypeError:  # a value that cannot be hashed: no memo
            key, hit = None, None
        if hit is None:
            risks, notes = self.built()
            hit = ([orjson.Fragment(orjson.dumps(r.to_dict())) for r in risks], notes)
            if key is not None:
                p.json_memo.put(key, hit)
        return hit

    @property
    def _p(self) -> _Prepared:
        return _prepare(self.rs)

    def _contexts(self, per_item: bool) -> list[tuple[int | None, dict[str, Any]]]:
        ctx = self._ctx.get(per_item)
        if ctx is None:
            d = self.decision_facts
            ctx = self._ctx[per_item] = ([(i, {**f, **d}) for i, f in enumerate(self.item_facts)]
                                         if per_item else [(None, {**self.base, **d})])
        return ctx

    def _hard_blocks(self) -> None:
        hits: dict[str, list[int]] = {}
        blocks = self._p.hard_blocks
        for i, results in enumerate(self.item_results):
            for rid, v in results.items():
                if v is True and rid in blocks:
                    hits.setdefault(rid, []).append(i)
        for rid, idx in hits.items():
            r = blocks[rid]
            label = PATHWAY_LABELS[r.rule.route]
            self.risks.append(Risk(
                rule=rid, topic="hard_block", citation=r.citation,
                severity="block" if r.rule.route == "other_path" else "warning",
                text={"zh": f"{label['zh']}：{r.summary['zh']}", "en": f"{label['en']}: {r.summary['en']}"},
                figures={"items": idx, "route": r.rule.route}))

    def _screening(self) -> None:
        """Screened hard blocks left open by unstated facts (evaluate._screened took them as "no")."""
        groups: dict[frozenset[str], tuple[list[CompiledRule], set[int]]] = {}
        open_per_item = [self._open_blocks(f) for f in self.item_facts]
        for r in self._p.screening:
            for i, open_blocks in enumerate(open_per_item):
                missing = open_blocks.get(r.id)
                if missing is None:
                    continue
                rules, idx = groups.setdefault(missing, ([], set()))
                if r not in rules:
                    rules.append(r)
                idx.add(i)
        for missing, (rules, idx) in groups.items():
            facts = sorted(missing)
            lz = "、".join(self.book.fact_label(f, "zh") for f in facts)
            le = "; ".join(self.book.fact_label(f, "en") for f in facts)
            cz = "；".join(r.citation["zh"] for r in rules)
            ce = "; ".join(r.citation["en"] for r in rules)
            route = max((r.rule.route for r in rules), key=ROUTE_ORDER.__getitem__)
            label = PATHWAY_LABELS[route]
            self.risks.append(Risk(
                rule=rules[0].id, topic="screening", severity="info",
                citation={"zh": cz, "en": ce},
                text={"zh": f"未说明：{lz}。本结论按“不构成该情形”处理；如构成，结论为{label['zh']}（{cz}）。",
                      "en": f"Not stated: {le}. The route above assumes the case does not arise; if it does, "
                            f"the route is {label['en']} ({ce})."},
                figures={"facts": facts, "rules": [r.id for r in rules], "route_if_yes": route,
                         "items": sorted(idx)}))

    def _open_blocks(self, f: dict[str, Any]) -> dict[str, frozenset[str]]:
        """Screened hard blocks left open for one item, with the facts missing (per class of facts)."""
        p = self._p
        kind = f["item.kind"]
        k = classes.key(p.screening_plan, f)
        hit = p.screening_memo.get((kind, k)) if k is not None else None
        if hit is None:
            hit = {r.id: frozenset(r.condition.unknown_facts(f)) for r in p.screening
                   if kind in r.rule.scope and r.condition.evaluate(f) is None}
            if k is not None:
                p.screening_memo.put((kind, k), hit)
        return hit

    def _rule_risks(self) -> None:
        turnover = self.base.get("processor.turnover_cny")
        foreign = False
        for r, per_item, data, plain in self._p.risks:
            idx = [i for i, f in self._contexts(per_item) if r.condition.evaluate(f) is True]
            if not idx:
                continue
            if turnover is None:
                figs, line = dict(plain), None  # only top-level keys are set below
            else:
                figs, line = fines_figures(data, turnover)
            if per_item:
                figs["items"] = idx
            text = dict(r.summary)
            if line:
                text = {"zh": f"{text['zh']}{line['zh']}", "en": f"{text['en']} {line['en']}"}
            if r.instrument.kind == "foreign":
                foreign = True
                figs.update({"source": r.rule.source or r.instrument.source,
                             "summary_as_of": str(r.instrument.extra.get("summary_as_of", "")),
                             "url": r.rule.extra.get("url") or r.instrument.url,
                             "not_legal_advice": True})
            if r.rule.interpretation:
                figs["confirm_with_regulator"] = True
            self.risks.append(Risk(rule=r.id, topic=r.rule.topic, citation=r.citation, text=text,
                                   severity=r.rule.severity or "info", figures=figs))
        if foreign:
            self.notes.append(dict(DISCLAIMER))

    # --- questions and obligations (on call) ---

    def questions(self, existing: list[Question]) -> list[Question]:
        seen = {(q.fact, q.item) for q in existing}
        out: list[Question] = []

        def ask(fact: str, item: int | None, rid: str) -> None:
            key = (fact, item if fact.startswith("item.") else None)
            q = self.book.question(fact)
            if q is None or key in seen:
                for made in out:
                    if (made.fact, made.item) == key and rid not in made.rules:
                        made.rules.append(rid)
                return
            seen.add(key)
            out.append(Question(fact=fact, question=q, item=key[1], rules=[rid]))

        wanted = {(per, i): self._asked(per, f) for per in (False, True)
                  for i, f in self._contexts(per)}
        for r, per_item in self._p.askable:
            for i, _f in self._contexts(per_item):
                for fact in wanted[(per_item, i)].get(r.id, ()):
                    ask(fact, i, r.id)
        return out

    def _asked(self, per_item: bool, f: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        """The facts each askable rule asks of one context (memoised by class of facts)."""
        p = self._p
        k = classes.key(p.ask_plans[per_item], f)
        hit = p.ask_memo.get((per_item, k)) if k is not None else None
        if hit is None:
            hit = {}
            for r, per in p.askable:
                if per != per_item:
                    continue
                v = r.condition.evaluate(f)
                if v is None:
                    evidence = any(fn(f) is True for fact, _op, _x, fn in r.condition.leaves
                                   if not fact.startswith(NOT_EVIDENCE_PREFIXES))
                    if evidence:
                        asked = tuple(fact for fact in r.rule.extra.get("ask", []) if f.get(fact) is None)
                        if asked:
                            hit[r.id] = asked
                elif v is True and r.rule.deadline and f.get(r.rule.deadline.from_) is None:
                    hit[r.id] = (r.rule.deadline.from_,)
            if k is not None:
                p.ask_memo.put((per_item, k), hit)
        return hit

    def obligations(self, build: Callable[[], list[Obligation]]) -> list[Obligation]:
        return [ob for ob in build() if self.keeps(ob)]

    def keeps(self, ob: Obligation) -> bool:
        """False for an around obligation that only may hold; an annual one gets its next due date."""
        r = self._p.obligations.get(ob.rule)
        if r is None:
            return True
        if ob.conditional:
            return False
        due = r.rule.extra.get("annual_due")
        if due and ob.due is None:
            ob.due = next_annual(self.day, AnnualDue.model_validate(due))
        return True


def next_annual(day: date, due: AnnualDue) -> date:
    """The first `month`/`day` on or after `day`."""
    this_year = date(day.year, due.month, due.day)
    return this_year if this_year >= day else date(day.year + 1, due.month, due.day)
