"""Counting: distinct persons per kind in a counting window, leaving out exempt and voided transfers.

The window comes from the rulebook (`book.in_force(day)` and the engine's `window_start`): since
1 January of the year today, since 1 January of the previous year under the regime before
2024-03-22. A window from 1 January to a day of the same year is answered from `tally` (a few
hundred rows at most); any other window is counted from the transfers' keysets (`keysets.py`).

Transfers recorded without a manifest have declared counts only: they are added as declared
(they cannot be deduplicated against anyone).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from chujing.ledger.kinds import KIND_PI, KIND_SPI
from chujing.ledger.store import Ledger, _as_date, keyset_len


@dataclass
class WindowCounts:
    start: date
    end: date
    rule: str | None = None
    pi: int = 0  # every distinct person exported (deduplicated + declared)
    spi: int = 0
    by_population: dict[str, int] = field(default_factory=dict)
    dedup_by_population: dict[str, int] = field(default_factory=dict)
    deduplicated: dict[str, int] = field(default_factory=dict)
    declared: dict[str, int] = field(default_factory=dict)
    declared_transfers: list[dict[str, Any]] = field(default_factory=list)
    last_day: date | None = None  # date of the latest counted transfer in the window

    def to_dict(self) -> dict[str, Any]:
        return {"personal_information": self.pi, "sensitive_personal_information": self.spi,
                "by_population": dict(sorted(self.by_population.items())),
                "deduplicated": self.deduplicated, "declared": self.declared}


def window_for(book, day: date) -> tuple[date, str | None]:
    """The counting window's first day on `day`, and the counting rule that says so."""
    from chujing.engine.evaluate import window_start
    from chujing.errors import RulebookError

    rs = book.in_force(day)
    start = window_start(rs, day)
    if start is None:
        raise RulebookError(f"no counting rule in the rulebook is in force on {day}")
    return start, rs.counting.id if rs.counting else None


def _single_year(start: date, end: date) -> bool:
    return (start.month, start.day) == (1, 1) and start.year == end.year


def count_window(ledger: Ledger, conn, start: date, end: date,
                 exclude_id: str | None = None) -> WindowCounts:
    """Persons per kind in [start, end]; `exclude_id`: leave out that transfer's declared counts
    (assessing a transfer already recorded under that id must not count it twice)."""
    from chujing.ledger.db import text

    out = WindowCounts(start, end)
    if end < start:
        return out
    names = {code: name for name, code in conn.execute(text("SELECT name, code FROM populations"))}
    if _single_year(start, end):
        rows = conn.execute(text("SELECT kind, SUM(persons) FROM tally WHERE year = :y AND day <= :d "
                                 "GROUP BY kind"), {"y": start.year, "d": end.toordinal()}).all()
    else:
        rows = list(recount(ledger, conn, start, end).items())
    dedup = {int(k): int(n) for k, n in rows if n}
    out.deduplicated = {"personal_information": dedup.get(KIND_PI, 0),
                        "sensitive_personal_information": dedup.get(KIND_SPI, 0)}
    out.pi, out.spi = out.deduplicated["personal_information"], out.deduplicated["sensitive_personal_information"]
    for code, n in dedup.items():
        if code not in (KIND_PI, KIND_SPI):
            out.by_population[names.get(code, str(code))] = n
            out.dedup_by_population[names.get(code, str(code))] = n
    declared = conn.execute(text(
        "SELECT id, date, persons, sensitive_persons, populations FROM transfers "
        "WHERE deduplicable = :f AND exempt = :f AND voided_at IS NULL "
        "AND date BETWEEN :d0 AND :d1 AND id <> :x ORDER BY date, seq"),
        {"f": False, "d0": ledger.value(start), "d1": ledger.value(end),
         "x": exclude_id if exclude_id is not None else ""}).all()
    dpi = dspi = 0
    for tid, d, persons, sensitive, pops in declared:
        d = _as_date(d)
        pops = json.loads(pops)
        out.declared_transfers.append({"id": tid, "date": d, "persons": int(persons),
                                       "sensitive_persons": int(sensitive), "populations": pops})
        dpi += int(persons)
        dspi += int(sensitive)
        for name, n in pops.items():
            out.by_population[name] = out.by_population.get(name, 0) + int(n)
    out.declared = {"personal_information": dpi, "sensitive_personal_information": dspi}
    out.pi += dpi
    out.spi += dspi
    last = conn.execute(text("SELECT MAX(date) FROM transfers WHERE exempt = :f AND voided_at IS NULL "
                             "AND date BETWEEN :d0 AND :d1"),
                        {"f": False, "d0": ledger.value(start), "d1": ledger.value(end)}).scalar()
    out.last_day = _as_date(last) if last is not None else None
    return out


def _codes(ledger: Ledger, conn) -> list[int]:
    return [KIND_PI, KIND_SPI, *ledger.population_codes(conn, [], create=False).values()]


def new_persons(ledger: Ledger, conn, keys: dict[str, bytes], start: date,
                end: date) -> dict[str, int]:
    """Of these persons, how many per kind are not yet counted in the window."""
    import numpy as np

    from chujing.ledger.keysets import NEVER, first_days

    rows = ledger.staged_rows(conn, keys, create=False)
    firsts = first_days(ledger, conn, rows, start, end)
    codes = ledger.population_codes(conn, [], create=False)
    out = {}
    for name, ks in keys.items():
        code = KIND_PI if name == "pi" else KIND_SPI if name == "spi" else codes.get(name)
        # A population the ledger has never seen: everyone in it is new.
        out[name] = (int(np.count_nonzero(firsts[code] == NEVER)) if code is not None
                     else keyset_len(ks))
    return out


def sensitive_overlap(ledger: Ledger, conn, population: str, start: date, end: date) -> int:
    """Persons of `population` in the window whose sensitive PI was also exported in it."""
    import numpy as np

    from chujing.ledger.keysets import as_keys, counted_runs, distinct, found_in

    code = ledger.population_codes(conn, [], create=False).get(population)
    if code is None:
        return 0
    members = as_keys(distinct(ledger, conn, [code], start, end)[code])
    seen = np.zeros(len(members), dtype=bool)
    for _, _, run in counted_runs(ledger, conn, [KIND_SPI], start, end):
        seen |= found_in(members, run)
    return int(np.count_nonzero(seen))


def recount(ledger: Ledger, conn, start: date, end: date) -> dict[int, int]:
    """Distinct persons per kind code straight from the transfers' keysets (checks `tally`;
    reads every keyset in the window)."""
    from chujing.ledger.keysets import distinct

    found = distinct(ledger, conn, _codes(ledger, conn), start, end)
    return {kind: len(rows) for kind, rows in found.items() if len(rows)}
