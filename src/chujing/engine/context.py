"""Facts as the rules see them: flat dicts keyed by dotted names (`processor.ciio`, `item.kind`…).

`None` is unknown. Sets are frozensets so `contains` tests are cheap.
"""

from __future__ import annotations

from typing import Any

from chujing.facts import PI_KINDS, DataItem, DataKind, Ground, HistoryEntry, Modality, Scenario

SENSITIVE_KINDS = frozenset({DataKind.sensitive_personal_information, DataKind.genetic})


# pydantic models define `__getattr__`, which makes every attribute read take the slow path; the
# fact builders run per decision, so they read the fields from the models' `__dict__`.
_STR = {m: str(m) for enum in (DataKind, Modality, Ground) for m in enum}  # interned, hash cached


def base_facts(s: Scenario) -> dict[str, Any]:
    sd = s.__dict__
    p, t = sd["processor"].__dict__, sd["transfer"].__dict__
    r = t["recipient"].__dict__
    ftz = p["ftz"]
    return {
        "processor.ciio": p["ciio"],
        "processor.pi_subjects_processed": p["pi_subjects_processed"],
        # design.md: `ftz: null` means the handler is not registered in a zone (not "unknown"),
        # so national users are not asked about zones; the same for the city of registration.
        "processor.ftz": ftz or "none",
        "processor.registered_city": p["registered_city"] or (ftz.split("_")[0] if ftz else "none"),
        "processor.adopted_list": p["adopted_list"] or "none",
        "processor.sector": p["sector"],
        "processor.independent_legal_person": p["independent_legal_person"],
        "processor.data_stored_in_ftz": p["data_stored_in_ftz"],
        "processor.state_organ": p["state_organ"],
        "processor.network_platform_users": p["network_platform_users"],
        "processor.foreign_listing_planned": p["foreign_listing_planned"],
        "processor.autonomous_driving": p["autonomous_driving"],
        "processor.last_audit_date": p["last_audit_date"],
        "processor.turnover_cny": p["turnover_cny"],
        "processor.procurement_affects_national_security": p["procurement_affects_national_security"],
        "processor.processing_affects_national_security": p["processing_affects_national_security"],
        "transfer.scenario": t["scenario"],
        "transfer.grounds": frozenset([_STR[g] for g in t["grounds"]]),
        "transfer.domestic_data_added": t["domestic_data_added"],
        "transfer.foreign_authority_request": t["foreign_authority_request"],
        "transfer.core_data": t["core_data"],
        "transfer.export_controlled": t["export_controlled"],
        "transfer.ongoing": t["ongoing"],
        "transfer.date": t["date"],
        "transfer.recipient_country": (r["country"] or "").upper() or None,
        "transfer.recipient_foreign_authority": r["foreign_judicial_or_law_enforcement"],
        "transfer.recipient_restricted": r["on_restricted_list"],
        "transfer.security_assessment_approved": t["security_assessment_approved"],
        "transfer.contract_effective_date": t["contract_effective_date"],
        "transfer.certification_date": t["certification_date"],
    }


def item_facts(base: dict[str, Any], item: DataItem) -> dict[str, Any]:
    d = item.__dict__
    idf = d["important_data"]
    if idf is not None:
        idf = idf.__dict__
        notified, notified_date, list_item = idf["notified"], idf["notified_date"], idf["list_item"] or "none"
    else:  # no list item named means "none named" (engine/ftz.py notes how to find one)
        notified = notified_date = None
        list_item = "none"
    modality = d["modality"]
    f = {
        **base,
        "item.kind": _STR[d["kind"]],
        "item.modality": _STR[modality] if modality else None,
        "item.categories": frozenset(d["categories"]),
        "item.fields": frozenset(d["fields"]),
        "item.population": d["population"],
        "item.subjects": d["subjects"],
        "item.important_data_notified": notified,
        "item.important_data_notified_date": notified_date,
        "item.list_item": list_item,
        "item.export_controlled": d["export_controlled"],
        "item.hgr_approved": d["hgr_approved"],
        "item.auto_remedy_filed": d["auto_remedy_filed"],
        "item.ota_filed_miit": d["ota_filed_miit"],
        "item.list_route": d["list_route"],
    }
    grounds = d["grounds"]
    if grounds is not None:
        f["transfer.grounds"] = frozenset([_STR[g] for g in grounds])
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
