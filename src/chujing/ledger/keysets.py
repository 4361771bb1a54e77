"""Who was already counted: person keys looked up in the transfers' own keysets, with numpy.

Every transfer with a manifest keeps its persons per kind as one keyset in `transfer_keys` (sorted,
duplicate-free 16-byte keys, concatenated). Those keysets are the ledger's only record of who was
in which transfer: there is no per-person index to insert into. Looking up the year's persons is
a sequential read of the year's keysets plus, per keyset, one binary search of the looked-up keys
(numpy, on the keys' first 8 bytes as an unsigned integer, then the last 8 compared). A record
therefore writes only its own keyset and a few tally rows, whatever the ledger holds, and nothing
ever needs compacting.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np

NEVER = np.iinfo(np.int64).max  # "not found" in a first-day array

_KEY = np.dtype(">u8")  # a key's two halves, big-endian: integer order = byte order


class Keys:
    """A keyset ready for look-ups: first halves as native integers, second halves as stored."""

    def __init__(self, blob: bytes) -> None:
        halves = np.frombuffer(blob, dtype=_KEY)
        self.hi = halves[0::2].astype(np.uint64)
        self.lo = halves[1::2]

    def __len__(self) -> int:
        return len(self.hi)


def found_in(needles: Keys, run: Keys) -> np.ndarray:
    """For each key of `needles`, whether `run` holds it (both sorted keysets)."""
    if len(run) * 8 < len(needles):  # a small run: look its keys up among the needles instead
        hit, at = _locate(needles, run)
        out = np.zeros(len(needles), dtype=bool)
        out[at[hit]] = True
        return out
    return _locate(run, needles)[0]


def _locate(keys: Keys, queries: Keys) -> tuple[np.ndarray, np.ndarray]:
    """For each query, whether `keys` holds it and, where it does, at which index."""
    n = len(keys)
    if not n or not len(queries):
        return np.zeros(len(queries), dtype=bool), np.zeros(len(queries), dtype=np.int64)
    if len(queries) * 8 < n:  # few queries: binary searches touch less than a merge
        i = np.searchsorted(keys.hi, queries.hi)
    else:
        i = _left_positions(keys.hi, queries.hi)
    np.minimum(i, n - 1, out=i)
    same_hi = keys.hi[i] == queries.hi
    hit = same_hi & (keys.lo[i] == queries.lo)
    # Keys sharing their first 8 bytes sit next to each other: step on while the first half
    # still matches (astronomically rare with keyed hashes, but exactness must not depend on it).
    todo = same_hi & ~hit
    while todo.any():
        i = np.where(todo, i + 1, i)
        todo &= i < n
        j = np.minimum(i, n - 1)
        todo &= keys.hi[j] == queries.hi
        hit |= todo & (keys.lo[j] == queries.lo)
        todo &= ~hit
    return hit, i


def _left_positions(run_hi: np.ndarray, needle_hi: np.ndarray) -> np.ndarray:
    """`np.searchsorted(run_hi, needle_hi)` for two sorted arrays, as one merge: a stable sort
    of the two end to end (timsort merges two runs in linear time) puts each needle after the
    run's elements less than it and before those equal; counting those gives its position
    (~3x faster than binary searches when the two are of like size)."""
    merged = np.argsort(np.concatenate([needle_hi, run_hi]), kind="stable")
    at = np.flatnonzero(merged < len(needle_hi))  # where the needles landed, in their order
    return at - np.arange(len(at))  # minus the needles before: the run's elements before


def counted_runs(ledger, conn, kinds, start: date, end: date,
                 exclude_seq: int | None = None) -> Iterator[tuple[int, int, Keys]]:
    """(kind, day ordinal, keys) of every counted transfer (not exempt, not voided, with
    person keys) dated in [start, end], one keyset in memory at a time."""
    from chujing.ledger.db import text
    from chujing.ledger.store import _as_date

    kinds = sorted({int(k) for k in kinds})
    if not kinds:
        return
    listed = conn.execute(text(
        "SELECT k.transfer_seq, k.kind, t.date FROM transfer_keys k JOIN transfers t "
        "ON t.seq = k.transfer_seq WHERE t.exempt = :f AND t.voided_at IS NULL "
        "AND t.deduplicable = :t AND t.date BETWEEN :d0 AND :d1 AND t.seq <> :x "
        "AND k.kind IN (" + ", ".join(str(k) for k in kinds) + ") ORDER BY t.date, k.transfer_seq"),
        {"f": False, "t": True, "d0": ledger.value(start), "d1": ledger.value(end),
         "x": -1 if exclude_seq is None else exclude_seq}).all()
    for seq, kind, day in listed:
        blob = conn.execute(text("SELECT keys FROM transfer_keys WHERE transfer_seq = :s AND kind = :k"),
                            {"s": seq, "k": kind}, binary=True).scalar_one()
        yield int(kind), _as_date(day).toordinal(), Keys(bytes(blob))


def first_days(ledger, conn, runs: list[tuple[int, bytes]], start: date, end: date,
               exclude_seq: int | None = None) -> dict[int, np.ndarray]:
    """Per kind of `runs` (kind, keyset): each key's first counted day in [start, end] (NEVER:
    not counted), leaving out transfer `exclude_seq`."""
    needles = {kind: Keys(blob) for kind, blob in runs}
    out = {kind: np.full(len(k), NEVER, dtype=np.int64) for kind, k in needles.items()}
    for kind, day, run in counted_runs(ledger, conn, needles, start, end, exclude_seq):
        first = out[kind]
        hit = found_in(needles[kind], run)
        first[hit] = np.minimum(first[hit], day)
    return out


def distinct(ledger, conn, kinds, start: date, end: date) -> dict[int, np.ndarray]:
    """Per kind, the distinct persons of the counted transfers in [start, end], as sorted
    (n, 2) arrays of the keys' halves (native integers)."""
    parts: dict[int, list[np.ndarray]] = {int(k): [] for k in kinds}
    for kind, _, run in counted_runs(ledger, conn, kinds, start, end):
        parts[kind].append(np.stack([run.hi, run.lo.astype(np.uint64)], axis=1))
    return {kind: _unique_rows(p) for kind, p in parts.items()}


def _unique_rows(parts: list[np.ndarray]) -> np.ndarray:
    if not parts:
        return np.zeros((0, 2), dtype=np.uint64)
    rows = np.concatenate(parts)
    rows = rows[np.lexsort((rows[:, 1], rows[:, 0]))]
    keep = np.ones(len(rows), dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    return rows[keep]


def as_keys(rows: np.ndarray) -> Keys:
    """Sorted (n, 2) key halves (from `distinct`) as `Keys`."""
    return Keys(rows.astype(_KEY).tobytes())
