from datetime import date
from pathlib import Path

import pytest

from chujing.errors import RulebookError
from chujing.rulebook import sensitivity
from chujing.rulebook.sensitivity import (
    STATUTORY_CORE,
    category_name,
    load_profile_file,
    load_profiles,
    profile_for,
)


def test_both_profiles_load_and_cite_sources():
    profiles = {p.id: p for p in load_profiles()}
    assert set(profiles) == {"gbt-35273-2020", "gbt-45574-2025"}
    for prof in profiles.values():
        assert prof.profile.source
        for core in STATUTORY_CORE:
            assert prof.is_sensitive(core)
        assert all(c.citation.zh and c.citation.en for c in prof.categories)


@pytest.mark.parametrize(
    ("day", "expected", "id_sensitive"),
    [
        (date(2020, 10, 1), "gbt-35273-2020", True),
        (date(2025, 10, 31), "gbt-35273-2020", True),
        (date(2025, 11, 1), "gbt-45574-2025", False),
        (date(2030, 1, 1), "gbt-45574-2025", False),
    ],
)
def test_date_switch(day, expected, id_sensitive):
    prof = profile_for(day)
    assert prof.id == expected
    assert prof.is_sensitive("id_number") is id_sensitive


def test_explicit_profile_overrides_date():
    assert profile_for(date(2026, 1, 1), "gbt-35273-2020").is_sensitive("id_number")
    with pytest.raises(RulebookError, match="unknown sensitivity profile"):
        profile_for(date(2026, 1, 1), "nope")


def test_before_any_profile():
    with pytest.raises(RulebookError, match="no sensitivity profile in force"):
        profile_for(date(2019, 1, 1))


def test_45574_new_sensitive_categories():
    prof = profile_for(date(2025, 11, 1))
    for cat in ("id_card_photo", "credit_reference", "criminal_record", "precise_location"):
        assert prof.is_sensitive(cat)
    for cat in ("name", "phone", "email", "address", "sex", "birth_date"):
        assert not prof.is_sensitive(cat)
    assert not prof.is_sensitive("unknown_category")


def test_category_names():
    assert category_name("medical_health", "zh") == "医疗健康"
    assert category_name("medical_health") == "medical and health"


GOOD = (sensitivity.STANDARDS_DIR / "gbt-45574-2025.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda s: s.replace("sensitive: true", "sensitive: maybe", 1), "categories.0.sensitive"),
        (lambda s: s.replace("effective_from: 2025-11-01", "effective_from: someday"),
         "profile.effective_from"),
        (lambda s: s.replace("  - id: biometric", "  - id: Biometric"), "categories.0.id"),
        (lambda s: s.replace("  standard: GB/T 45574-2025\n", ""), "profile.standard"),
        (lambda s: s.replace("  standard:", "  extra_key: 1\n  standard:"), "profile.extra_key"),
    ],
)
def test_malformed_profile_names_file_and_field(tmp_path: Path, mutate, field):
    bad = tmp_path / "bad.yaml"
    bad.write_text(mutate(GOOD), encoding="utf-8")
    with pytest.raises(RulebookError) as exc:
        load_profile_file(bad)
    assert exc.value.file == str(bad)
    assert exc.value.field == field


def test_missing_core_category_and_bad_yaml(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("  - id: biometric", "  - id: biometrics"), encoding="utf-8")
    with pytest.raises(RulebookError, match="statutory core"):
        load_profile_file(bad)
    bad.write_text("profile: [unclosed", encoding="utf-8")
    with pytest.raises(RulebookError) as exc:
        load_profile_file(bad)
    assert exc.value.line is not None
