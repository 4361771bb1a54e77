"""Schema of a rule file: one instrument and its rules. Validated strictly at load."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ROUTES = ("exempt", "standard_contract_or_certification", "security_assessment", "other_path")
DATA_KINDS = (
    "personal_information",
    "sensitive_personal_information",
    "important_data",
    "genetic",
    "general",
)


class _Strict(BaseModel):
    # Built on first validation: a rulebook read from its cache (rulebook/cache.py) never needs it.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Text(_Strict):
    """A text in Chinese and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Instrument(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*(/[a-z0-9][a-z0-9\-]*)+$")
    kind: Literal["national", "guidance", "ftz_list", "sector", "standard", "foreign"]
    title: Text
    document: Text | None = None
    published: date | None = None
    effective_from: date
    effective_to: date | None = None
    url: str | None = None
    source: str = Field(min_length=1)
    supersedes: list[str] = Field(default_factory=list)
    supersedes_citation: Text | None = None
    note: str | None = None
    # Free-form structured data for edge modules (FTZ gates, destination regimes…).
    extra: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _dates(self) -> Instrument:
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self


class Window(_Strict):
    working_days: int | None = Field(default=None, ge=1)
    months: int | None = Field(default=None, ge=1)
    days: int | None = Field(default=None, ge=1)


class Deadline(_Strict):
    """A date computed from a fact: `from` + a period; optionally a window before that date."""

    from_: str = Field(alias="from")
    working_days: int | None = Field(default=None, ge=1)
    days: int | None = Field(default=None, ge=1)
    months: int | None = Field(default=None, ge=1)
    years: int | None = Field(default=None, ge=1)
    window_before: Window | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_period(self) -> Deadline:
        periods = [p for p in (self.working_days, self.days, self.months, self.years) if p]
        if len(periods) != 1:
            raise ValueError("a deadline needs exactly one of working_days, days, months, years")
        return self


class Retention(_Strict):
    years: int = Field(ge=1)


# `gate` (a condition a list needs before any of its rules apply) and `note` (a list's printed note,
# shown when the list applies) belong to FTZ lists (engine/ftz.py).
RuleKind = Literal["trigger", "exemption", "counting", "obligation", "definition", "risk", "gate", "note"]


class Rule(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*(/[a-z0-9][a-z0-9\-.]*)+$")
    kind: RuleKind
    article: str
    citation: Text
    summary: Text
    title: Text | None = None
    # Route rules.
    route: Literal["standard_contract_or_certification", "security_assessment", "other_path"] | None = None
    scope: list[Literal[DATA_KINDS]] = Field(default_factory=list)  # type: ignore[valid-type]
    when: Any = None
    overrides: list[str] = Field(default_factory=list)
    unaffected: list[str] = Field(default_factory=list)
    excluded_from_count: bool = False
    exemptible: bool = True
    # FTZ lists: gate rule ids whose conditions are ANDed into `when`; trigger ids (globs) none of
    # which may hold (each within its own scope) — "data not on the list".
    gates: list[str] = Field(default_factory=list)
    unless_any: list[str] = Field(default_factory=list)
    # Counting rules.
    window: Literal["calendar_year", "since_previous_year_start"] | None = None
    # Obligations and risks.
    topic: str | None = None
    timing: str | None = None
    deadline: Deadline | None = None
    retention: Retention | None = None
    severity: Literal["info", "warning", "block"] | None = None
    # Time and provenance.
    effective_from: date | None = None
    effective_to: date | None = None
    supersedes: list[str] = Field(default_factory=list)
    interpretation: bool = False
    confidence: Literal["H", "M", "L"] | None = None
    note: str | None = None
    source: str | None = None
    keywords: list[str] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("scope")
    @classmethod
    def _unique_scope(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("scope lists a data kind twice")
        return v

    @model_validator(mode="after")
    def _kind_fields(self) -> Rule:
        if self.kind == "trigger":
            if not self.route:
                raise ValueError("a trigger needs a route")
            if not self.scope:
                raise ValueError("a trigger needs a scope (the data kinds it covers)")
        elif self.route:
            raise ValueError(f"only triggers have a route, not a {self.kind}")
        if self.kind == "exemption" and not self.scope:
            raise ValueError("an exemption needs a scope (the data kinds it covers)")
        if self.kind != "exemption" and self.excluded_from_count:
            raise ValueError("only exemptions can be excluded_from_count")
        if self.kind not in ("exemption", "trigger") and (self.overrides or self.unaffected):
            raise ValueError("only triggers and exemptions override other rules")
        if self.kind not in ("exemption", "trigger", "note", "obligation") and (self.gates or self.unless_any):
            raise ValueError("only triggers, exemptions, notes and obligations take gates or unless_any")
        if self.kind == "counting" and not self.window:
            raise ValueError("a counting rule needs a window")
        if self.kind != "counting" and self.window:
            raise ValueError("only counting rules have a window")
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self


class Word(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    zh: str
    en: str
    note: str | None = None


class RuleFile(_Strict):
    instrument: Instrument
    rules: list[Rule] = Field(default_factory=list)
    vocabulary: dict[str, list[Word]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _ids_belong(self) -> RuleFile:
        prefix = self.instrument.id + "/"
        seen: set[str] = set()
        for i, rule in enumerate(self.rules):
            if not rule.id.startswith(prefix):
                raise ValueError(f"rules[{i}].id {rule.id!r} must start with {prefix!r}")
            if rule.id in seen:
                raise ValueError(f"rules[{i}].id {rule.id!r} is used twice")
            seen.add(rule.id)
        return self
