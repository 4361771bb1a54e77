"""The scan result: counts of persons by category, and which of them the law deems sensitive.

Counts are profile-independent (persons per category); `sensitive_subjects` applies the
sensitivity profile in force on the scan date (or the one named), and says which. The totals
under every known profile are reported too, so a scan near 2025-11-01 shows what the switch
from GB/T 35273-2020 to GB/T 45574-2025 changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import polars as pl

from chujing.rulebook.sensitivity import Profile, category_names, load_profiles
from chujing.scan.categories import BIT, CATEGORIES, mask_of
from chujing.scan.readers import SourceFile
from chujing.scan.scanner import ColumnStats, RawScan


def sensitive_mask(profile: Profile) -> int:
    return mask_of(profile.sensitive_categories())


def count_flags(flags: pl.Series, mask: int) -> int:
    if mask == 0 or flags.is_empty():
        return 0
    return int(((flags & mask) != 0).sum())


@dataclass
class ScanResult:
    as_of: date
    profile: Profile
    raw: RawScan
    key_fingerprint: str | None = None

    @property
    def rows(self) -> int:
        return self.raw.rows

    @property
    def files(self) -> list[SourceFile]:
        return self.raw.files

    @property
    def subjects(self) -> int:
        return self.raw.persons.height

    @property
    def sensitive_subjects(self) -> int:
        return count_flags(self.raw.persons["flags"], sensitive_mask(self.profile))

    @property
    def minors_under_14(self) -> int:
        return count_flags(self.raw.persons["flags"], BIT["minor_under_14"])

    @property
    def categories(self) -> dict[str, int]:
        """Persons per category, categories with nobody left out."""
        flags = self.raw.persons["flags"]
        counts = {cat: count_flags(flags, BIT[cat]) for cat in CATEGORIES}
        return {cat: n for cat, n in counts.items() if n}

    @property
    def sensitive_categories(self) -> list[str]:
        return [c for c in self.categories if self.profile.is_sensitive(c)]

    @property
    def column_stats(self) -> list[ColumnStats]:
        return self.raw.column_stats

    def sensitive_by_profile(self) -> dict[str, int]:
        flags = self.raw.persons["flags"]
        return {p.id: count_flags(flags, sensitive_mask(p)) for p in load_profiles()}

    def to_dict(self) -> dict:
        names = category_names()
        categories = {
            cat: {
                "persons": n,
                "sensitive": self.profile.is_sensitive(cat),
                "name": {"zh": names[cat].zh, "en": names[cat].en} if cat in names else None,
            }
            for cat, n in self.categories.items()
        }
        return {
            "as_of": self.as_of.isoformat(),
            "profile": {
                "id": self.profile.id,
                "standard": self.profile.profile.standard,
                "title": self.profile.profile.title.model_dump(),
            },
            "files": [f.to_json() for f in self.files],
            "rows": self.rows,
            "skipped_rows": sum(f.skipped_rows for f in self.files),
            "subjects": self.subjects,
            "sensitive_subjects": self.sensitive_subjects,
            "minors_under_14": self.minors_under_14,
            "sensitive_subjects_by_profile": self.sensitive_by_profile(),
            "sensitive_categories": self.sensitive_categories,
            "categories": categories,
            "unkeyed_rows_with_pi": self.raw.unkeyed_rows_with_pi,
            "person_key": self.raw.person_key or "auto",
            "key_fingerprint": self.key_fingerprint,
            "organisation_codes": self.raw.organisations,
            "columns": [c.to_json() for c in self.column_stats],
            "warnings": self.raw.warnings,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
