"""Natural persons: one person key per row, deduplicated exactly across files and batches.

The key is the row's strongest identifier (resident ID > passport/permit > mobile > e-mail >
name with address), normalised and prefixed by its type (`rid:`, `phone:` …); `--person-key`
names columns to use instead. Keys stay in memory as text only while scanning; what leaves the
process is their keyed BLAKE2b hash (chujing.personkey). A person's categories are the OR of the
categories of all their rows, so one sensitive field in any row makes them a sensitive-PI
subject.

Per batch, each row's key is held as a 128-bit hash (`fast.keys`): a person table in numpy
finds or adds the row's person and ORs its flags in place; a key's text is kept once, when its
person is first seen, and hashed with the keyed BLAKE2b only at the end (the manifest). Track
points are kept as 64-bit hashes, at most TRACK_MIN_POINTS distinct ones per person.

Two rows of the same person keyed differently (ID in one, only the phone in the other) count as
two persons: identifiers are not linked across rows, so counts err on the high side, never low.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from functools import cache

import numpy as np
import polars as pl

from chujing.scan.categories import BIT
from chujing.scan.detectors.location import TRACK_MIN_POINTS

KEY_RANKS = {"rid": 0, "travel_document": 1, "phone": 2, "email": 3, "name_address": 4}
PERSONS_SCHEMA = {"key": pl.Utf8, "flags": pl.UInt32}


def minor_birth_threshold(as_of: date) -> str:
    """Earliest birth date (YYYYMMDD) of a person still under 14 on `as_of`.

    PIPL Art. 28 protects minors *under* 14. Age in full years (周岁) is reached the day after the
    birthday (SPC interpretation on minors' criminal cases, Art. 2, the usual PRC reading), so a
    child on their 14th birthday is still treated as under 14; 29 February birthdays fall on
    1 March in common years. Both choices err towards protection.
    """

    def fourteenth_birthday(birth: date) -> date:
        try:
            return birth.replace(year=birth.year + 14)
        except ValueError:  # 29 February
            return date(birth.year + 14, 3, 1)

    try:
        candidate = as_of.replace(year=as_of.year - 14)
    except ValueError:
        candidate = date(as_of.year - 14, 3, 1)
    while fourteenth_birthday(candidate - timedelta(days=1)) >= as_of:
        candidate -= timedelta(days=1)
    while fourteenth_birthday(candidate) < as_of:
        candidate += timedelta(days=1)
    return candidate.strftime("%Y%m%d")




@cache
def _keys():
    from chujing.scan.fast import keys

    return keys


@cache
def _seed(prefix: str) -> int:
    return int.from_bytes(hashlib.blake2b(prefix.encode(), digest_size=8).digest(), "little")


def hash_strings(values: pl.Series, seed: int,
                 want: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(h1, h2) of the cells of a Utf8 Series that `want` marks (all if None; 0 elsewhere
    and for nulls)."""
    from chujing.scan.fast import string_views

    n = len(values)
    h1, h2 = np.empty(n, np.uint64), np.empty(n, np.uint64)
    if values.dtype != pl.Utf8:
        values = values.cast(pl.Utf8)
    if n:
        _keys().hash_views(*string_views(values), np.uint64(seed),
                           np.zeros(0, np.bool_) if want is None else want, h1, h2)
    return h1, h2


class KeyCandidate:
    """One source of person keys for a batch's rows: `prefix` (the key type) + value.

    Dense: `values` aligned to the batch (null where absent). Sparse: `values` for `rows` only
    (findings in free text). Pair: `values` and `second` joined by "|" (name with address).
    """

    def __init__(self, prefix: str, values: pl.Series, rows: np.ndarray | None = None,
                 second: pl.Series | None = None) -> None:
        self.prefix, self.values, self.rows, self.second = prefix, values, rows, second

    def present(self, height: int) -> np.ndarray:
        """Rows of the batch this candidate has a key for."""
        here = _not_null(self.values)
        if self.second is not None:
            here = here & _not_null(self.second)
        if self.rows is None:
            return here
        full = np.zeros(height, np.bool_)
        full[self.rows] = here
        return full

    def hashes(self, take: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(h1, h2) of the batch rows in `take` (a mask over the batch; 0 elsewhere)."""
        seed = _seed(self.prefix)
        want = take if self.rows is None else take[self.rows]
        h1, h2 = hash_strings(self.values, seed, want)
        if self.second is not None:
            b1, b2 = hash_strings(self.second, seed, want)
            _keys().combine(h1, h2, b1, b2, np.uint64(seed), h1, h2)
        if self.rows is None:
            return h1, h2
        full1, full2 = np.zeros(take.size, np.uint64), np.zeros(take.size, np.uint64)
        full1[self.rows], full2[self.rows] = h1, h2
        return full1, full2

    def hash_into(self, tag: np.int16, keyed: np.ndarray, winner: np.ndarray,
                  h1: np.ndarray, h2: np.ndarray) -> None:
        """`hashes` for a single-value candidate, written into the batch's arrays in place:
        the rows it keys (present, not `keyed` yet) get their hashes, `keyed` and `tag`."""
        from chujing.scan.fast import string_views

        values = self.values if self.values.dtype == pl.Utf8 else self.values.cast(pl.Utf8)
        if len(values) == 0 or values.null_count() == len(values):
            return
        rows = np.zeros(0, np.int64) if self.rows is None else self.rows
        _keys().hash_into(*string_views(values), np.uint64(_seed(self.prefix)), rows, tag,
                          keyed, winner, h1, h2)

    def texts(self, rows: np.ndarray) -> pl.Series:
        """The type-prefixed key text of the given batch rows."""
        if self.rows is not None:
            at = np.full(int(self.rows.max()) + 1, -1, dtype=np.int64)
            at[self.rows] = np.arange(self.rows.size)
            rows = at[rows]
        index = pl.Series(rows, dtype=pl.UInt32)
        text = self.values.gather(index)
        if self.second is not None:
            text = text + "|" + self.second.gather(index)
        return (self.prefix + text) if self.prefix else text


class PersonTable:
    """Distinct persons (by key hash) with the OR of their category flags, and track points."""

    def __init__(self, capacity: int = 1 << 22) -> None:
        # Person records start large but cost only the pages written: numpy's zeros is
        # calloc, whose large blocks the OS maps zeroed on first touch. Growing by copying
        # (4 times on the 10M-row file) cost ~0.4 s there.
        self.count = 0
        self._slots = np.zeros(2 * capacity, dtype=np.int32)  # person + 1; 0: empty
        self._rec = _records(capacity)  # per person: h1, h2, flags, points held, points
        self._texts: list[tuple[np.ndarray, pl.Series]] = []  # (persons, their key texts)
        self.unkeyed_rows_with_pi = 0

    def _reserve(self, more: int) -> None:
        need = self.count + more
        if need > self._rec.shape[0]:
            grown = _records(max(need, 2 * self._rec.shape[0]))
            grown[:self.count] = self._rec[:self.count]
            self._rec = grown
        if 2 * need > self._slots.size:
            size = self._slots.size
            while 2 * need > size:
                size *= 2
            self._slots = np.zeros(size, dtype=np.int32)
            _keys().rehash(self._rec, self.count, self._slots)

    def add(self, candidates: list[KeyCandidate], flags: np.ndarray,
            points: list[tuple[np.ndarray, pl.Series]] = ()) -> None:
        """A batch: its key candidates strongest first (a row's first present one wins), each
        row's flags, and (row, point) pairs of precise locations for the track rule."""
        height = flags.size
        h1, h2 = np.zeros(height, np.uint64), np.zeros(height, np.uint64)
        keyed = np.zeros(height, np.bool_)
        winner = np.full(height, -1, dtype=np.int16)
        for i, candidate in enumerate(candidates):
            if candidate.second is None:  # hashed straight into the rows it keys
                candidate.hash_into(np.int16(i), keyed, winner, h1, h2)
                continue
            take = candidate.present(height) & ~keyed
            if not take.any():
                continue
            c1, c2 = candidate.hashes(take)  # only the rows this candidate keys
            np.copyto(h1, c1, where=take)
            np.copyto(h2, c2, where=take)
            np.copyto(winner, np.int16(i), where=take)
            keyed |= take
        self.unkeyed_rows_with_pi += int(np.count_nonzero((flags != 0) & ~keyed))
        self._reserve(height)
        person = np.empty(height, dtype=np.int64)
        new_rows = np.empty(height, dtype=np.int64)
        self.count, added = _keys().upsert(h1, h2, flags.astype(np.uint32, copy=False), keyed,
                                           self._slots, self._rec, self.count, person,
                                           new_rows)
        if added:
            self._texts.extend(_texts(candidates, winner, new_rows[:added], self.count - added))
        for rows, values in points:
            _track_points(values, np.asarray(rows, dtype=np.int64), person, self._rec)

    def result(self) -> pl.DataFrame:
        """key, flags for every distinct person, with the track rule applied (in no order:
        the manifest orders persons by their hashes)."""
        n = self.count
        keys = _keys()
        flags = self._rec[:n, keys.FLAGS].astype(np.uint32)
        flags[self._rec[:n, keys.NPOINTS] >= TRACK_MIN_POINTS] |= np.uint32(
            BIT["whereabouts_tracks"])
        if self._texts:  # key texts grouped by candidate, not in person order
            flags = flags[np.concatenate([persons for persons, _ in self._texts])]
            keys = pl.concat([texts for _, texts in self._texts], rechunk=True)
        else:
            keys = pl.Series("key", dtype=pl.Utf8)
        return pl.DataFrame({"key": keys.alias("key"), "flags": pl.Series(flags,
                                                                          dtype=pl.UInt32)})


_POINT_SEED = _seed("point")


def _track_points(values: pl.Series, rows: np.ndarray, person: np.ndarray,
                  rec: np.ndarray) -> None:
    """Adds each non-null point to its row's person (rows[i] for values[i]), hashed as
    hash_strings' h1 under _POINT_SEED."""
    from chujing.scan.fast import string_views

    if values.dtype != pl.Utf8:
        values = values.cast(pl.Utf8)
    if len(values):
        _keys().track_points(*string_views(values), np.uint64(_POINT_SEED), rows, person, rec,
                             TRACK_MIN_POINTS)


def _records(capacity: int) -> np.ndarray:
    """Zeroed person records, each row starting a 64-byte cache line where its width is 8."""
    width = 8 * -(-(4 + TRACK_MIN_POINTS) // 8)
    raw = np.zeros(capacity * width + 8, np.uint64)
    skip = (-raw.ctypes.data % 64) // 8
    return raw[skip:skip + capacity * width].reshape(capacity, width)


def _not_null(values: pl.Series) -> np.ndarray:
    from chujing.scan.fast import not_null

    return not_null(values)


def _texts(candidates: list[KeyCandidate], winner: np.ndarray, rows: np.ndarray,
           first: int) -> list[tuple[np.ndarray, pl.Series]]:
    """(persons, key texts) per candidate for the rows that added persons `first`, `first`
    + 1 … in order (no scatter back into person order)."""
    won = winner[rows]
    out = []
    for i, candidate in enumerate(candidates):
        at = np.flatnonzero(won == i)
        if at.size:
            out.append((first + at, candidate.texts(rows[at]).alias("key")))
    return out
