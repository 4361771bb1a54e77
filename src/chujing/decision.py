"""The decision: the route, and every reason for it (design.md, "The decision").

Plain dataclasses (fast to build in the engine's hot path); `to_dict()` gives the JSON contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Pathway(StrEnum):
    exempt = "exempt"
    standard_contract_or_certification = "standard_contract_or_certification"
    security_assessment = "security_assessment"
    other_path = "other_path"
    needs_information = "needs_information"


PATHWAY_LABELS = {
    "exempt": {"zh": "免予申报（无需安全评估、标准合同或认证）",
               "en": "exempt (no security assessment, standard contract or certification needed)"},
    "standard_contract_or_certification": {"zh": "订立个人信息出境标准合同并备案，或通过个人信息保护认证",
                                           "en": "standard contract (with filing) or PI protection certification"},
    "security_assessment": {"zh": "申报数据出境安全评估", "en": "CAC security assessment"},
    "other_path": {"zh": "其他法定途径（数据出境机制不能解决）", "en": "another legal path (no export mechanism cures it)"},
    "needs_information": {"zh": "需要补充信息", "en": "more information needed"},
}


@dataclass(slots=True)
class Figure:
    """A number a rule compared: `count.pi 110,000 ≥ 100,000 (10万人以上)`."""

    fact: str
    value: int | None
    op: str
    threshold: int
    wording: str | None
    holds: bool | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.fact, "value": self.value, "op": self.op, "threshold": self.threshold,
                "wording": self.wording, "holds": self.holds, "text": self.text}


@dataclass(slots=True)
class Finding:
    rule: str
    kind: str
    citation: dict[str, str]
    applies: bool | None
    status: str  # applies | not_applicable | defeated | unknown | in_force | superseded
    # A dict, or a function that builds it: explanations are written only when someone reads them.
    explain: Any
    item: int | None = None
    route: str | None = None
    figures: list[Figure] = field(default_factory=list)
    defeated_by: list[str] = field(default_factory=list)
    unknown_facts: list[str] = field(default_factory=list)
    interpretation: bool = False
    note: str | None = None

    @property
    def explanation(self) -> dict[str, str]:
        if callable(self.explain):
            self.explain = self.explain()
        return self.explain

    def to_dict(self) -> dict[str, Any]:
        d = {
            "rule": self.rule, "kind": self.kind, "citation": self.citation, "applies": self.applies,
            "status": self.status, "item": self.item, "route": self.route,
            "figures": [f.to_dict() for f in self.figures], "explanation": self.explanation,
        }
        if self.defeated_by:
            d["defeated_by"] = self.defeated_by
        if self.unknown_facts:
            d["unknown_facts"] = self.unknown_facts
        if self.interpretation:
            d["interpretation"] = True
            d["confirm_with_regulator"] = True
        if self.note:
            d["note"] = self.note
        return d


@dataclass(slots=True)
class Obligation:
    rule: str
    topic: str | None
    citation: dict[str, str]
    text: dict[str, str]
    conditional: bool = False
    item: int | None = None
    timing: str | None = None
    due: date | None = None
    window_opens: date | None = None
    deadline_rule: dict[str, str] | None = None
    retention_years: int | None = None
    calendar_note: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"rule": self.rule, "topic": self.topic, "citation": self.citation,
                             "text": self.text}
        for key in ("item", "timing", "deadline_rule", "retention_years", "calendar_note"):
            v = getattr(self, key)
            if v is not None:
                d[key] = v
        if self.due:
            d["due"] = self.due.isoformat()
        if self.window_opens:
            d["window_opens"] = self.window_opens.isoformat()
        if self.conditional:
            d["conditional"] = True
        return d


@dataclass(slots=True)
class Headroom:
    counter: str
    threshold: int
    op: str
    wording: str | None
    rule: str
    route: str
    current: int
    remaining: int
    label: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"counter": self.counter, "threshold": self.threshold, "op": self.op,
                "wording": self.wording, "rule": self.rule, "route": self.route,
                "current": self.current, "remaining": self.remaining, "label": self.label}


@dataclass(slots=True)
class Question:
    fact: str
    question: dict[str, str]
    item: int | None = None
    rules: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.fact, "item": self.item, "question": self.question, "rules": self.rules}


@dataclass(slots=True)
class ItemDecision:
    index: int
    name: str | None
    kind: str
    subjects: int | None
    route: str
    counted: bool | None
    decided_by: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "name": self.name, "kind": self.kind, "subjects": self.subjects,
                "route": self.route, "counted": self.counted, "decided_by": self.decided_by}


@dataclass(slots=True)
class Risk:
    rule: str
    topic: str | None
    citation: dict[str, str]
    text: dict[str, str]
    severity: str = "info"
    figures: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "topic": self.topic, "severity": self.severity,
                "citation": self.citation, "text": self.text, "figures": self.figures}


@dataclass(slots=True)
class Decision:
    pathway: Pathway
    as_of: date
    rulebook_version: str
    rulebook_hash: str
    _items: list[ItemDecision] | None  # None: written by `_later` on first use (see `items`)
    possible_pathways: list[str] = field(default_factory=list)
    scenario_hash: str | None = None
    # Everything else is written on first use by `_later` (the engine's, with `summary()`,
    # `findings()`, `obligations()`, `headroom()`, `questions()`, `counts()` and `risks_notes()`):
    # routing a batch need not pay for texts nobody reads. Each field below is None until then.
    _later: Any = None
    _summary: dict[str, str] | None = None
    _findings: list[Finding] | None = None
    _obligations: list[Obligation] | None = None
    _headroom: list[Headroom] | None = None
    _questions: list[Question] | None = None
    _counts: dict[str, Any] | None = None
    _risks_notes: tuple[list[Risk], list[dict[str, str]]] | None = None

    def _lazy(self, name: str) -> Any:
        """Field `name` (e.g. `_summary`), written by `_later.<name without the underscore>()` once."""
        value = getattr(self, name)
        if value is None:
            value = getattr(self._later, name[1:])()
            setattr(self, name, value)
        return value

    @property
    def items(self) -> list[ItemDecision]:
        if self._items is None:
            self._items = self._later.item_decisions
        return self._items

    @property
    def risks(self) -> list[Risk]:
        return self._lazy("_risks_notes")[0]

    @property
    def notes(self) -> list[dict[str, str]]:
        return self._lazy("_risks_notes")[1]

    @property
    def counts(self) -> dict[str, Any]:
        return self._lazy("_counts")

    @property
    def questions(self) -> list[Question]:
        return self._lazy("_questions")

    @property
    def summary(self) -> dict[str, str]:
        return self._lazy("_summary")

    @property
    def findings(self) -> list[Finding]:
        return self._lazy("_findings")

    @property
    def obligations(self) -> list[Obligation]:
        return self._lazy("_obligations")

    @property
    def headroom(self) -> list[Headroom]:
        return self._lazy("_headroom")

    def to_dict(self, trace: bool = True) -> dict[str, Any]:
        """The JSON contract. `trace=False` (the web API's `?detail=summary`) leaves out findings,
        obligations, headroom, risks and notes, and says so with `"detail": "summary"`."""
        return self._out(trace, None)

    def to_json(self, trace: bool = True) -> bytes:
        """`to_dict()` as UTF-8 JSON bytes, written without building the trace's objects where the
        engine can give it as JSON (engine/trace_json.py), and for a new scenario of a class of
        decisions seen before from that class's template (engine/answer_json.py): the web API's answer."""
        import orjson

        fresh = (self._later is not None and hasattr(self._later, "json_parts") and self._findings is None
                 and self._obligations is None and self._headroom is None and self._risks_notes is None)

        def written() -> bytes:
            return orjson.dumps(self._out(trace, self._later.json_parts() if trace and fresh else None),
                                default=str)

        try:
            # From a template only if nothing was read yet (a caller may have changed what it read).
            if fresh and self._items is None and self._summary is None and self._questions is None \
                    and self._counts is None:
                from chujing.engine.answer_json import answer

                return answer(self, trace, written)
            return written()
        except orjson.JSONEncodeError:  # integers past 64 bits: the standard library copes
            import json

            return json.dumps(self.to_dict(trace), ensure_ascii=False, default=str,
                              separators=(",", ":")).encode("utf-8")

    def _out(self, trace: bool, parts: dict[str, Any] | None) -> dict[str, Any]:
        """The contract's dict; with `parts`, the fields it holds as given (JSON fragments, or the
        templates of engine/answer_json.py): the trace's, and `summary`, `questions`, `items`, `counts`."""
        p = parts or {}
        d: dict[str, Any] = {} if trace else {"detail": "summary"}
        d.update({
            "pathway": str(self.pathway),
            "pathway_label": PATHWAY_LABELS[str(self.pathway)],
            "as_of": self.as_of.isoformat(),
            "rulebook": {"version": self.rulebook_version, "hash": self.rulebook_hash},
            "rulebook_version": self.rulebook_version,
            "summary": p["summary"] if "summary" in p else self.summary,  # noqa: SIM401 - get() would build it
        })
        if "findings" in p:
            d.update(findings=p["findings"], obligations=p["obligations"], headroom=p["headroom"])
        elif trace:
            d["findings"] = [f.to_dict() for f in self.findings]
            d["obligations"] = [o.to_dict() for o in self.obligations]
            d["headroom"] = [h.to_dict() for h in self.headroom]
        d["questions"] = p["questions"] if "questions" in p else [q.to_dict() for q in self.questions]
        d["items"] = p["items"] if "items" in p else [i.to_dict() for i in self.items]
        d["counts"] = p["counts"] if "counts" in p else self.counts  # noqa: SIM401 - as summary
        if "risks" in p:
            d.update(risks=p["risks"], notes=p["notes"])
        elif trace:
            d["risks"] = [r.to_dict() for r in self.risks]
            d["notes"] = self.notes
        if self.possible_pathways:
            d["possible_pathways"] = self.possible_pathways
        if self.scenario_hash:
            d["scenario_hash"] = self.scenario_hash
        return d
