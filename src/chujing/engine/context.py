"""Facts as the rules see them: flat dicts keyed by dotted names (`processor.ciio`, `item.kind`…).

`None` is unknown. Sets are frozensets so `contains` tests are cheap.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from chujing.facts import PI_KINDS, DataItem, DataKind, Ground, HistoryEntry, Modality, Scenario

SENSITIVE_KINDS = frozenset({DataKind.sensitive_personal_information, DataKind.genetic})


# The fact builders run per decision. pydantic models define `__getattr__`, which makes every
# attribute read take the slow path, so fields are read from the models' `__dict__`; fields that
# become facts as they are move in one C-level pass (itemgetter + zip), the rest one by one.
_STR = {m: str(m) for enum in (DataKind, Modality, Ground) for m in enum}  # interned, hash cached
_NO_SET: frozenset = frozenset()


def _copier(prefix: str, fields: tuple[str, ...]):
    """A function adding `prefix + field` facts for `fields` of a model's __dict__ to a dict."""
    keys, get = tuple(prefix + f for f in fields), itemgetter(*fields)
    return lambda facts, values: facts.update(zip(keys, get(values), strict=True))


_processor_as_is = _copier("processor.", (
    "ciio", "pi_subjects_processed", "sector", "independent_legal_person", "data_stored_in_ftz",
    "state_organ", "network_platform_users", "foreign_listing_planned", "autonomous_driving",
    "last_audit_date", "turnover_cny", "procurement_affects_national_security",
    "processing_affects_national_security"))
_transfer_as_is = _copier("transfer.", (
    "scenario", "domestic_data_added", "foreign_authority_request", "core_data", "export_controlled",
    "ongoing", "date", "security_assessment_approved", "contract_effective_date", "certification_date"))
_item_as_is = _copier("item.", (
    "population", "subjects", "export_controlled", "hgr_approved", "auto_remedy_filed", "ota_filed_miit",
    "list_route"))


def base_facts(s: Scenario) -> dict[str, Any]:
    sd = s.__dict__
    p, t = sd["processor"].__dict__, sd["transfer"].__dict__
    r = t["recipient"].__dict__
    ftz, grounds = p["ftz"], t["grounds"]
    f = {
        # design.md: `ftz: null` means the handler is not registered in a zone (not "unknown"),
        # so national users are not asked about zones; the same for the city of registration.
        "processor.ftz": ftz or "none",
        "processor.registered_city": p["registered_city"] or (ftz.split("_")[0] if ftz else "none"),
        "processor.adopted_list": p["adopted_list"] or "none",
        "transfer.grounds": frozenset([_STR[g] for g in grounds]) if grounds else _NO_SET,
        "transfer.recipient_country": (r["country"] or "").upper() or None,
        "transfer.recipient_foreign_authority": r["foreign_judicial_or_law_enforcement"],
        "transfer.recipient_restricted": r["on_restricted_list"],
    }
    _processor_as_is(f, p)
    _transfer_as_is(f, t)
    return f


def item_facts(base: dict[str, Any], item: DataItem) -> dict[str, Any]:
    d = item.__dict__
    idf = d["important_data"]
    modality, categories, fields, grounds = d["modality"], d["categories"], d["fields"], d["grounds"]
    f = base.copy()
    if idf is not None:
        idf = idf.__dict__
        f["item.important_data_notified"] = idf["notified"]
        f["item.important_data_notified_date"] = idf["notified_date"]
        f["item.list_item"] = idf["list_item"] or "none"
    else:  # no list item named means "none named" (engine/ftz.py notes how to find one)
        f["item.important_data_notified"] = f["item.important_data_notified_date"] = None
        f["item.list_item"] = "none"
    f["item.kind"] = _STR[d["kind"]]
    f["item.modality"] = _STR[modality] if modality else None
    f["item.categories"] = frozenset(categories) if categories else _NO_SET
    f["item.fields"] = frozenset(fields) if fields else _NO_SET
    _item_as_is(f, d)
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
