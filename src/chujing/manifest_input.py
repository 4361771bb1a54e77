"""Turning a scan manifest into the transfer's facts: counts of distinct people by kind."""

from __future__ import annotations

from chujing.facts import DataItem, DataKind, Scenario


def apply_manifest(scenario: Scenario, manifest) -> Scenario:
    """The manifest's distinct-person counts replace declared ones; items come from it if none given."""
    t = scenario.transfer
    data = list(t.data)
    sensitive_cats = sorted(set(getattr(manifest, "sensitive_categories", []) or []))
    all_cats = sorted((getattr(manifest, "categories", {}) or {}).keys())
    if not data:
        non_sensitive = [c for c in all_cats if c not in sensitive_cats]
        data.append(DataItem(name="scan: personal information", kind=DataKind.personal_information,
                             subjects=manifest.subjects, categories=non_sensitive))
        if manifest.sensitive_subjects:
            data.append(DataItem(name="scan: sensitive personal information",
                                 kind=DataKind.sensitive_personal_information,
                                 subjects=manifest.sensitive_subjects, categories=sensitive_cats))
    transfer = t.model_copy(update={
        "data": data,
        "subjects_total": manifest.subjects,
        "sensitive_subjects_total": manifest.sensitive_subjects,
    })
    return scenario.model_copy(update={"transfer": transfer})
