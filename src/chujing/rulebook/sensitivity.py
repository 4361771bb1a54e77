"""Sensitivity profiles: which PI categories count as sensitive personal information, by date.

The profiles are law and live as YAML under ``rulebook/data/standards/``; this module only loads
and validates them. A scan counts persons per category; the profile in force on the scan date
(or the one named) turns those counts into the sensitive-PI total.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from chujing.errors import RulebookError

STANDARDS_DIR = Path(__file__).parent / "data" / "standards"

# PIPL Art. 28 (regulations.md §8.1): every profile must say something about these.
STATUTORY_CORE = (
    "biometric",
    "religious_belief",
    "specific_identity",
    "medical_health",
    "financial_account",
    "whereabouts_tracks",
    "minor_under_14",
)


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str
    en: str


class Category(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    sensitive: bool
    name: Bilingual
    citation: Bilingual
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _snake_case(cls, v: str) -> str:
        if not v.replace("_", "").isalnum() or not v.islower():
            raise ValueError("category id must be lower snake_case")
        return v


class ProfileHeader(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: Bilingual
    standard: str
    effective_from: date
    effective_to: date | None = None
    source: str
    note: str | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> ProfileHeader:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    profile: ProfileHeader
    categories: tuple[Category, ...]

    @model_validator(mode="after")
    def _complete_and_unique(self) -> Profile:
        ids = [c.id for c in self.categories]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate category ids: {', '.join(dupes)}")
        missing = [c for c in STATUTORY_CORE if c not in ids]
        if missing:
            raise ValueError(f"statutory core categories missing: {', '.join(missing)}")
        not_sensitive = [c.id for c in self.categories if c.id in STATUTORY_CORE and not c.sensitive]
        if not_sensitive:
            raise ValueError(f"PIPL Art. 28 categories marked not sensitive: {not_sensitive}")
        return self

    @property
    def id(self) -> str:
        return self.profile.id

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def is_sensitive(self, category_id: str) -> bool:
        """True if the profile lists the category as sensitive; unknown categories are not."""
        cat = self.category(category_id)
        return bool(cat and cat.sensitive)

    def sensitive_categories(self) -> list[str]:
        return [c.id for c in self.categories if c.sensitive]

    def in_force(self, day: date) -> bool:
        p = self.profile
        return p.effective_from <= day and (p.effective_to is None or day <= p.effective_to)


def _error_field(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return ".".join(str(p) for p in first["loc"]) or "(root)"


def load_profile_file(path: Path) -> Profile:
    """Load and validate one profile file; any defect raises RulebookError naming file and field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulebookError(f"cannot read profile: {exc.strerror}", file=str(path)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise RulebookError(f"invalid YAML: {getattr(exc, 'problem', exc)}", file=str(path),
                            line=line) from exc
    if not isinstance(raw, dict):
        raise RulebookError("a profile file must be a mapping", file=str(path))
    try:
        return Profile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise RulebookError(first["msg"], file=str(path), field=_error_field(exc)) from exc


@lru_cache(maxsize=4)
def _load_dir(directory: str) -> tuple[Profile, ...]:
    profiles = tuple(load_profile_file(p) for p in sorted(Path(directory).glob("*.yaml")))
    seen: set[str] = set()
    for prof in profiles:
        if prof.id in seen:
            raise RulebookError(f"profile id {prof.id} defined twice", file=directory)
        seen.add(prof.id)
    return profiles


def load_profiles(directory: Path | None = None) -> list[Profile]:
    """All sensitivity profiles, validated."""
    return list(_load_dir(str(directory or STANDARDS_DIR)))


def profile_for(as_of: date, profile_id: str | None = None,
                directory: Path | None = None) -> Profile:
    """The profile in force on `as_of`, or the one named by `profile_id` (which overrides)."""
    profiles = load_profiles(directory)
    if profile_id is not None:
        for prof in profiles:
            if prof.id == profile_id:
                return prof
        known = ", ".join(p.id for p in profiles)
        raise RulebookError(f"unknown sensitivity profile '{profile_id}' (known: {known})",
                            field="profile")
    in_force = [p for p in profiles if p.in_force(as_of)]
    if not in_force:
        raise RulebookError(f"no sensitivity profile in force on {as_of.isoformat()}",
                            field="as_of")
    if len(in_force) > 1:
        ids = ", ".join(p.id for p in in_force)
        raise RulebookError(f"profiles overlap on {as_of.isoformat()}: {ids}", field="as_of")
    return in_force[0]


def category_names(directory: Path | None = None) -> dict[str, Bilingual]:
    """Category id -> zh/en name, from the newest profile that names it."""
    names: dict[str, Bilingual] = {}
    for prof in sorted(load_profiles(directory), key=lambda p: p.profile.effective_from):
        for cat in prof.categories:
            names[cat.id] = cat.name
    return names


def category_name(category_id: str, lang: str = "en") -> str:
    name = category_names().get(category_id)
    if name is None:
        return category_id
    return name.zh if lang == "zh" else name.en
