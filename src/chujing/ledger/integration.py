"""The ledger seen by the engine: this window's earlier transfers as `history`, and recording.

`prepare()` turns the ledger's counting window into history entries the engine adds up (it sums
PI and SPI entries into `count.pi` and SPI entries into `count.spi`), so the entries partition
the window's persons: one PI entry for persons whose exported PI was only non-sensitive, one SPI
entry for persons whose sensitive PI left, population entries carved out of those two, and one
pair of entries per transfer recorded with declared counts only. With a manifest, the transfer's
`subjects_total` / `sensitive_subjects_total` become the persons *not* already exported in the
window, so the engine's cumulative figures and headroom are deduplicated.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from chujing.errors import InputError, StoreError
from chujing.facts import DataKind, HistoryEntry, Scenario
from chujing.ledger.counting import (
    WindowCounts,
    count_window,
    new_persons,
    sensitive_overlap,
    window_for,
)
from chujing.ledger.store import (
    Ledger,
    RecordResult,
    TransferRecord,
    keyset,
    keyset_len,
    open_ledger,
)

PI = DataKind.personal_information
SPI = DataKind.sensitive_personal_information
_SENSITIVE = {"sensitive_personal_information", "genetic"}
_PI_KINDS = {"personal_information", *_SENSITIVE}
_manifest_cache: dict[tuple[str, int, int], Any] = {}


@contextmanager
def _ledger(url_or_ledger: str | Ledger | None) -> Iterator[Ledger]:
    if isinstance(url_or_ledger, Ledger):
        yield url_or_ledger
        return
    led = open_ledger(url_or_ledger)
    try:
        yield led
    finally:
        led.close()


def load_manifest(manifest) -> Any:
    """A Manifest from a path (read once per process and file version) or as given."""
    if manifest is None or not isinstance(manifest, str | Path):
        return manifest
    from chujing.scan.manifest import read_manifest

    p = Path(manifest)
    try:
        st = p.stat()
        tag = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    except OSError:
        return read_manifest(p)  # raises the manifest reader's one-line error
    if tag not in _manifest_cache:
        _manifest_cache.clear()
        _manifest_cache[tag] = read_manifest(p)
    return _manifest_cache[tag]


def manifest_keys(scenario: Scenario, manifest) -> dict[str, bytes]:
    """Person keys per ledger kind: every person, the sensitive ones, and each item's population."""
    everyone = keyset(manifest.person_keys())
    sensitive = keyset(manifest.sensitive_person_keys())
    keys: dict[str, bytes] = {"pi": everyone, "spi": sensitive}
    for it in scenario.transfer.data:
        if it.population and str(it.kind) in _PI_KINDS:
            ks = sensitive if str(it.kind) in _SENSITIVE else everyone
            keys[it.population] = keyset(keys.get(it.population, b"") + ks)
    return keys


def _check_manifest_key(led: Ledger, manifest, where) -> None:
    if manifest.key_fingerprint != led.fingerprint:
        raise StoreError("the manifest's person keys were made under another key than the ledger's; "
                         "rescan with the ledger's key (CHUJING_KEY / CHUJING_KEY_FILE)",
                         file=str(where), field="key_fingerprint")


def history_entries(counts: WindowCounts, overlaps: dict[str, int], day: date) -> list[HistoryEntry]:
    """The window's persons as entries whose sums are the deduplicated counts (see module doc)."""
    d = counts.deduplicated
    rest_s = d.get("sensitive_personal_information", 0)
    rest_ns = d.get("personal_information", 0) - rest_s
    out: list[HistoryEntry] = []

    def add(kind, n, population=None, ident=""):
        if n > 0:
            out.append(HistoryEntry(date=day, kind=kind, subjects=n, population=population,
                                    exempt=False, id=ident))

    for pop, sens in sorted(overlaps.items()):
        n = counts.dedup_by_population.get(pop, 0)
        add(SPI, sens, pop, f"ledger:{pop}:sensitive")
        add(PI, n - sens, pop, f"ledger:{pop}")
        # Persons in two populations would be subtracted twice; at 0 the PI total is then
        # over-counted, the cautious side (population counts stay exact).
        rest_s = max(rest_s - sens, 0)
        rest_ns = max(rest_ns - (n - sens), 0)
    add(PI, rest_ns, None, "ledger:personal_information")
    add(SPI, rest_s, None, "ledger:sensitive_personal_information")
    for t in counts.declared_transfers:
        pops = list(t["populations"])
        pop = pops[0] if len(pops) == 1 else None
        add(SPI, t["sensitive_persons"], pop, f"ledger:{t['id']}:sensitive")
        add(PI, t["persons"] - t["sensitive_persons"], pop, f"ledger:{t['id']}")
    return out


def prepare(scenario: Scenario, ledger_url: str | Ledger | None, manifest=None,
            as_of: date | None = None, *, book=None, record_id: str | None = None) -> Scenario:
    """The scenario the engine should see, given what the ledger holds for the counting window.

    `record_id`: the id this transfer is (or will be) recorded under; if it is already in the
    ledger with declared counts, those are not added a second time. (Person keys need no such
    care: a recorded transfer's persons are simply not new.)
    """
    from chujing.manifest_input import apply_manifest
    from chujing.rulebook import default_rulebook

    if scenario.history:
        raise InputError("the scenario lists `history` and a ledger is in use: the ledger is the record "
                         "of earlier transfers; remove `history` (or record them in the ledger)",
                         field="history")
    day = as_of or scenario.effective_as_of() or date.today()
    book = book or default_rulebook()
    start, _ = window_for(book, day)
    m = load_manifest(manifest)
    if m is not None:
        scenario = apply_manifest(scenario, m)
    pops = sorted({it.population for it in scenario.transfer.data
                   if it.population and str(it.kind) in _PI_KINDS})
    with _ledger(ledger_url) as led:
        if m is not None:
            _check_manifest_key(led, m, manifest if isinstance(manifest, str | Path) else m.path)
        with led.read() as conn:
            counts = count_window(led, conn, start, day, exclude_id=record_id)
            overlaps = {p: sensitive_overlap(led, conn, p, start, day) for p in pops}
            fresh = new_persons(led, conn, manifest_keys(scenario, m), start, day) if m else None
    history = history_entries(counts, overlaps, day)
    update: dict[str, Any] = {"history": history}
    if fresh is not None:
        data = [it.model_copy(update={"subjects": fresh.get(it.population, it.subjects)})
                if it.population and str(it.kind) in _PI_KINDS else it
                for it in scenario.transfer.data]
        update["transfer"] = scenario.transfer.model_copy(update={
            "data": data, "subjects_total": fresh["pi"], "sensitive_subjects_total": fresh["spi"]})
    return scenario.model_copy(update=update)


def transfer_record(record_id: str, scenario: Scenario, decision, manifest=None) -> TransferRecord:
    """What the ledger keeps of a transfer, from its facts, its decision and its manifest."""
    d = decision.to_dict() if hasattr(decision, "to_dict") else dict(decision)
    m = load_manifest(manifest)
    t = scenario.transfer
    items = [it for it in d.get("items", []) if it["kind"] in _PI_KINDS]
    exempt = bool(items) and all(it["counted"] is False for it in items)
    rules = sorted({r for it in items if it["counted"] is False for r in it["decided_by"]})
    day = t.date or date.fromisoformat(str(d["as_of"]))
    exclude_items = {"__all__": {"subjects"}} if m is not None else set()
    facts = {
        "processor": scenario.processor.model_dump(mode="json", exclude_none=True),
        "transfer": t.model_dump(mode="json", exclude_none=True, exclude={
            "subjects_total": True, "sensitive_subjects_total": True, "data": exclude_items}),
    }
    if m is not None:
        keys = manifest_keys(scenario, m)
        persons, sensitive = m.subjects, m.sensitive_subjects
        populations = {k: keyset_len(v) for k, v in keys.items() if k not in ("pi", "spi")}
    else:
        keys = None
        this = d.get("counts", {}).get("this_transfer", {})
        persons, sensitive = this.get("personal_information"), this.get("sensitive_personal_information")
        if exempt:  # an exempt transfer's people are kept for the record, never counted
            persons = t.subjects_total if t.subjects_total is not None else _sum(
                it.subjects for it in t.data if str(it.kind) in _PI_KINDS)
            sensitive = t.sensitive_subjects_total if t.sensitive_subjects_total is not None else _sum(
                it.subjects for it in t.data if str(it.kind) in _SENSITIVE)
        if persons is None or sensitive is None:
            raise InputError("cannot record: the number of persons is unknown; give "
                             "transfer.data[].subjects or a scan manifest", field="transfer.data")
        populations = {}
        for it in t.data:
            if it.population and str(it.kind) in _PI_KINDS and it.subjects:
                populations[it.population] = populations.get(it.population, 0) + it.subjects
    return TransferRecord(
        id=record_id, date=day, recipient_name=t.recipient.name,
        recipient_country=(t.recipient.country or "").upper() or None, route=d.get("pathway"),
        exempt=exempt, grounds=sorted(str(g) for g in t.grounds), exemption_rules=rules,
        kinds=sorted({str(it.kind) for it in t.data}), persons=int(persons),
        sensitive_persons=int(sensitive), populations=populations, facts=facts,
        decision={"pathway": d.get("pathway"), "as_of": str(d.get("as_of")),
                  "rulebook_version": d.get("rulebook_version"), "counts": d.get("counts"),
                  "headroom": [{k: h.get(k) for k in ("counter", "threshold", "remaining", "route")}
                               for h in d.get("headroom", [])]},
        keys=keys, manifest_fingerprint=m.key_fingerprint if m is not None else None,
    )


def _sum(values) -> int | None:
    total = 0
    for v in values:
        if v is None:
            return None
        total += v
    return total


def record(ledger_url: str | Ledger | None, record_id: str, scenario: Scenario, decision,
           manifest=None, *, actor: str | None = None) -> RecordResult:
    """Record the assessed transfer under `record_id` (same id + same content again: no-op)."""
    m = load_manifest(manifest)
    rec = transfer_record(record_id, scenario, decision, m)
    with _ledger(ledger_url) as led:
        if m is not None:
            _check_manifest_key(led, m, manifest if isinstance(manifest, str | Path) else m.path)
        return led.record(rec, actor=actor)


def status(led: Ledger, book, as_of: date) -> dict[str, Any]:
    """Where the ledger stands on `as_of`: persons per kind, next threshold and headroom."""
    from chujing.engine import assess

    start, rule = window_for(book, as_of)
    with led.read() as conn:
        counts = count_window(led, conn, start, as_of)
        summary = _transfer_summary(led, conn, start, as_of)
    scenario = Scenario(as_of=as_of, history=history_entries(counts, {}, as_of))
    decision = assess(scenario, book, as_of=as_of)
    thresholds: dict[str, list[dict[str, Any]]] = {}
    for h in decision.headroom:
        kind = {"count.pi": "personal_information", "count.spi": "sensitive_personal_information"}.get(
            h.counter)
        if kind:
            thresholds.setdefault(kind, []).append({
                "threshold": h.threshold, "op": h.op, "wording": h.wording, "rule": h.rule,
                "route": h.route, "remaining": h.remaining})
    headroom = {}
    for kind in ("personal_information", "sensitive_personal_information"):
        ts = sorted(thresholds.get(kind, []), key=lambda x: x["threshold"])
        nxt = ts[0] if ts else None
        headroom[kind] = None if nxt is None else {
            "next_threshold": nxt["threshold"], "remaining": nxt["remaining"], "route": nxt["route"],
            "rule": nxt["rule"], "wording": nxt["wording"]}
    return {
        "year": as_of.year, "as_of": as_of.isoformat(),
        "window": {"start": start.isoformat(), "end": as_of.isoformat(), "rule": rule},
        "counts": counts.to_dict(), "headroom": headroom, "thresholds": thresholds,
        "transfers": summary, "rulebook_version": book.version,
        "unit": "distinct natural persons",
    }


def _transfer_summary(led: Ledger, conn, start: date, end: date) -> dict[str, int]:
    from chujing.ledger.db import text

    row = conn.execute(text(
        "SELECT COUNT(*), "
        "SUM(CASE WHEN voided_at IS NULL AND exempt = :f THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN voided_at IS NULL AND exempt = :t THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN voided_at IS NOT NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN voided_at IS NULL AND exempt = :f AND deduplicable = :f THEN 1 ELSE 0 END) "
        "FROM transfers WHERE date BETWEEN :d0 AND :d1"),
        {"t": True, "f": False, "d0": led.value(start), "d1": led.value(end)}).one()
    keys = ("recorded", "counted", "exempt", "voided", "declared_only")
    return {k: int(v or 0) for k, v in zip(keys, row, strict=True)}
