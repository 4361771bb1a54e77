"""Facts as the rules see them: flat dicts keyed by dotted names (`processor.ciio`, `item.kind`…).

`None` is unknown. Sets are frozensets so `contains` tests are cheap.
"""

from __future__ import annotations

from typing import Any

from chujing.facts import PI_KINDS, DataItem, DataKind, Ground, HistoryEntry, Modality, Scenario

SENSITIVE_KINDS = frozenset({DataKind.sensitive_personal_information, DataKind.genetic})


# The fact builders run per decision. pydantic models define `__getattr__`, which makes every
# attribute read take the slow path, so fields are read from the models' `__dict__`; the base is one
# dict literal, an item's facts a copy of it with one store per fact (a loop or zip costs more).
_STR = {m: str(m) for enum in (DataKind, Modality, Ground) for m in enum}  # interned, hash cached
_NO_SET: frozenset = frozenset()


def base_facts(s: Scenario) -> dict[str, Any]:
    sd = s.__dict__
    p, t = sd["processor"].__dict__, sd["transfer"].__dict__
    r = t["recipient"].__dict__
    ftz, grounds = p["ftz"], t["grounds"]
    return {
        # design.md: `ftz: null` means the handler is not registered in a zone (not "unknown"),
        # so national users are not asked about zones; the same for the city of registration.
        "processor.ftz": ftz or "none",
        "processor.registered_city": p["registered_city"] or (ftz.split("_")[0] if ftz else "none"),
        "processor.adopted_list": p["adopted_list"] or "none",
        "processor.ciio": p["ciio"],
        "processor.pi_subjects_processed": p["pi_subjects_processed"],
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
        "transfer.grounds": frozenset([_STR[g] for g in grounds]) if grounds else _NO_SET,
        "transfer.recipient_country": (r["country"] or "").upper() or None,
        "transfer.recipient_foreign_authority": r["foreign_judicial_or_law_enforcement"],
        "transfer.recipient_restricted": r["on_restricted_list"],
        "transfer.scenario": t["scenario"],
        "transfer.domestic_data_added": t["domestic_data_added"],
        "transfer.foreign_authority_request": t["foreign_authority_request"],
        "transfer.core_data": t["core_data"],
        "transfer.export_controlled": t["export_controlled"],
        "transfer.ongoing": t["ongoing"],
        "transfer.date": t["date"],
        "transfer.security_assessment_approved": t["security_assessment_approved"],
        "transfer.contract_effective_date": t["contract_effective_date"],
        "transfer.certification_date": t["certification_date"],
    }


def item_facts(base: dict[str, Any], item: DataItem) -> dict[str, Any]:
    d = item.__dict__
    idf, modality, categories, fields, grounds = (d["important_data"], d["modality"], d["categories"],
                                                  d["fields"], d["grounds"])
    f = base.copy()  # then one store per fact: cheaper here than {**base, ...} or update()
    f["item.kind"] = _STR[d["kind"]]
    f["item.modality"] = _STR[modality] if modality else None
    f["item.categories"] = frozenset(categories) if categories else _NO_SET
    f["item.fields"] = frozenset(fields) if fields else _NO_SET
    f["item.population"] = d["population"]
    f["item.subjects"] = d["subjects"]
    f["item.export_controlled"] = d["export_controlled"]
    f["item.hgr_approved"] = d["hgr_approved"]
    f["item.auto_remedy_filed"] = d["auto_remedy_filed"]
    f["item.ota_filed_miit"] = d["ota_filed_miit"]
    f["item.list_route"] = d["list_route"]
    if idf is not None:
        idf = idf.__dict__
        f["item.important_data_notified"] = idf["notified"]
        f["item.important_data_notified_date"] = idf["notified_date"]
        f["item.list_item"] = idf["list_item"] or "none"
    else:  # no list item named means "none named" (engine/ftz.py notes how to find one)
        f["item.important_data_notified"] = f["item.important_data_notified_date"] = None
        f["item.list_item"] = "none"
    if grounds is not None:
        f["transfer.grounds"] = frozenset([_STR[g] for g in grounds]) if grounds else _NO_SET
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


PI_NAMES = frozenset(str(k) for k in PI_KINDS)
SENSITIVE_NAMES = frozenset(str(k) for k in SENSITIVE_KINDS)
# The people counters the rules test; their values are computed per pass (evaluate.py).
COUNTERS = ("count.pi", "count.spi", "count.population", "count.population_spi", "count.modality_spi")


def is_pi(kind: DataKind | str) -> bool:
    return kind in PI_NAMES  # StrEnum members hash and compare as their string value


def is_sensitive(kind: DataKind | str) -> bool:
    return kind in SENSITIVE_NAMES
