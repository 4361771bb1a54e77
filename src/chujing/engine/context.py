"""Facts as the rules see them: flat dicts keyed by dotted names (`processor.ciio`, `item.kind`…).

`None` is unknown. Sets are frozensets so `contains` tests are cheap.
"""

from __future__ import annotations

from typing import Any

from chujing.facts import PI_KINDS, DataItem, DataKind, HistoryEntry, Scenario

SENSITIVE_KINDS = frozenset({DataKind.sensitive_personal_information, DataKind.genetic})


def base_facts(s: Scenario) -> dict[str, Any]:
    p, t = s.processor, s.transfer
    return {
        "processor.ciio": p.ciio,
        "processor.pi_subjects_processed": p.pi_subjects_processed,
        # design.md: `ftz: null` means the handler is not registered in a zone (not "unknown"),
        # so national users are not asked about zones; the same for the city of registration.
        "processor.ftz": p.ftz or "none",
        "processor.registered_city": p.registered_city or (p.ftz.split("_")[0] if p.ftz else "none"),
        "processor.adopted_list": p.adopted_list or "none",
        "processor.sector": p.sector,
        "processor.independent_legal_person": p.independent_legal_person,
        "processor.data_stored_in_ftz": p.data_stored_in_ftz,
        "processor.state_organ": p.state_organ,
        "processor.network_platform_users": p.network_platform_users,
        "processor.foreign_listing_planned": p.foreign_listing_planned,
        "processor.autonomous_driving": p.autonomous_driving,
        "processor.last_audit_date": p.last_audit_date,
        "processor.turnover_cny": p.turnover_cny,
        "processor.procurement_affects_national_security": p.procurement_affects_national_security,
        "processor.processing_affects_national_security": p.processing_affects_national_security,
        "transfer.scenario": t.scenario,
        "transfer.grounds": frozenset(map(str, t.grounds)),
        "transfer.domestic_data_added": t.domestic_data_added,
        "transfer.foreign_authority_request": t.foreign_authority_request,
        "transfer.core_data": t.core_data,
        "transfer.export_controlled": t.export_controlled,
        "transfer.ongoing": t.ongoing,
        "transfer.date": t.date,
        "transfer.recipient_country": (t.recipient.country or "").upper() or None,
        "transfer.recipient_foreign_authority": t.recipient.foreign_judicial_or_law_enforcement,
        "transfer.recipient_restricted": t.recipient.on_restricted_list,
        "transfer.security_assessment_approved": t.security_assessment_approved,
        "transfer.contract_effective_date": t.contract_effective_date,
        "transfer.certification_date": t.certification_date,
    }


def item_facts(base: dict[str, Any], item: DataItem) -> dict[str, Any]:
    idf = item.important_data
    notified = idf.notified if idf else None
    f = {
        **base,
        "item.kind": str(item.kind),
        "item.modality": str(item.modality) if item.modality else None,
        "item.categories": frozenset(item.categories),
        "item.fields": frozenset(item.fields),
        "item.population": item.population,
        "item.subjects": item.subjects,
        "item.important_data_notified": notified,
        "item.important_data_notified_date": idf.notified_date if idf else None,
        # No list item named means "none named" (engine/ftz.py notes how to find one).
        "item.list_item": (idf.list_item if idf else None) or "none",
        "item.export_controlled": item.export_controlled,
        "item.hgr_approved": item.hgr_approved,
        "item.auto_remedy_filed": item.auto_remedy_filed,
        "item.ota_filed_miit": item.ota_filed_miit,
        "item.list_route": item.list_route,
    }
    if item.grounds is not None:
        f["transfer.grounds"] = frozenset(map(str, item.grounds))
    return f


def history_facts(base: dict[str, Any], entry: HistoryEntry) -> dict[str, Any]:
    f = dict(base)
    f.update({
        "transfer.grounds": frozenset(str(g) for g in entry.grounds),
        "item.kind": str(entry.kind),
        "item.population": entry.population,
        "item.subjects": entry.subjects,
        "item.list_item": entry.list_item or "none",
        "item.modality": str(entry.modality) if entry.modality else None,
        "item.categories": frozenset(),
        "item.fields": frozenset(),
        "item.important_data_notified": None,
        # An earlier transfer made under the transit ground is taken as made under it.
        "transfer.domestic_data_added": False if "transit" in {str(g) for g in entry.grounds} else None,
    })
    return f


_PI = frozenset(str(k) for k in PI_KINDS)
_SENSITIVE = frozenset(str(k) for k in SENSITIVE_KINDS)


def is_pi(kind: DataKind | str) -> bool:
    return kind in _PI  # StrEnum members hash and compare as their string value


def is_sensitive(kind: DataKind | str) -> bool:
    return kind in _SENSITIVE
