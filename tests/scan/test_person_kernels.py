"""The person table's fused kernels against the steps they replace, on generated batches.

`keys.hash_into` (a candidate's hashes written straight into the batch's rows) must equal
`hash_views` + copying where the row is present and not yet keyed; `keys.track_points` must
equal hashing each point (hash_strings' first lane) and adding it in plain Python; the hash
itself must equal its word-by-word definition. Keys and points run past 12 bytes (the Arrow views'
out-of-line data) and over several 8-byte words; tiny tables force slot collisions and growth.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from chujing.scan.detectors.location import TRACK_MIN_POINTS
from chujing.scan.fast import keys
from chujing.scan.persons import (
    _POINT_SEED,
    KeyCandidate,
    PersonTable,
    _records,
    _track_points,
    hash_strings,
)

from .reference_persons import ReferencePersons

_text = st.text(alphabet="ab1|:身份证", max_size=30)
_cells = st.lists(st.none() | _text, min_size=1, max_size=40)


@settings(max_examples=80, deadline=None)
@given(_cells, st.data())
def test_hash_into_equals_hash_then_copy(cells, data) -> None:
    n = len(cells)
    sparse = data.draw(st.booleans())
    height = n + data.draw(st.integers(0, 5)) if sparse else n
    rows = (np.sort(np.array(data.draw(st.permutations(range(height)))[:n], dtype=np.uint32))
            if sparse else None)
    values = pl.Series(cells, dtype=pl.Utf8)
    keyed = np.array(data.draw(st.lists(st.booleans(), min_size=height, max_size=height)))
    h1 = np.arange(height, dtype=np.uint64)
    h2, winner = h1 + np.uint64(7), np.full(height, -1, np.int16)
    want1, want2, want_keyed, want_winner = h1.copy(), h2.copy(), keyed.copy(), winner.copy()

    candidate = KeyCandidate("rid:", values, rows=rows)
    take = candidate.present(height) & ~keyed
    c1, c2 = candidate.hashes(take)
    np.copyto(want1, c1, where=take)
    np.copyto(want2, c2, where=take)
    np.copyto(want_winner, np.int16(3), where=take)
    want_keyed |= take

    candidate.hash_into(np.int16(3), keyed, winner, h1, h2)
    assert np.array_equal(h1, want1) and np.array_equal(h2, want2)
    assert np.array_equal(keyed, want_keyed) and np.array_equal(winner, want_winner)


_M64 = (1 << 64) - 1


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (64 - r))) & _M64


def _fmix(h: int) -> int:
    h ^= h >> 33
    h = h * int(keys._F1) & _M64
    h ^= h >> 33
    h = h * int(keys._F2) & _M64
    return h ^ (h >> 33)


def reference_hash(raw: bytes, seed: int) -> tuple[int, int]:
    """`keys._hash_cell` in plain Python: 8-byte little-endian words, the last zero-padded."""
    k1, k2, k3, k4 = (int(k) for k in (keys._K1, keys._K2, keys._K3, keys._K4))
    h1, h2 = seed ^ k3, seed ^ k4
    for at in range(0, len(raw), 8):
        w = int.from_bytes(raw[at:at + 8], "little")
        h1 = _rotl(h1 ^ (w * k1 & _M64), 31) * k2 & _M64
        h2 = (_rotl(h2 ^ (w * k2 & _M64), 29) * k1 + h1) & _M64
    h1 ^= len(raw)
    h2 ^= len(raw) * k3 & _M64
    return _fmix(h1), _fmix(h2 ^ h1)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.none() | st.text(alphabet="ab1|:身份证", max_size=40), min_size=1, max_size=30),
       st.integers(0, _M64))
def test_hashes_equal_the_word_by_word_definition(cells, seed) -> None:
    """Every byte counts, whatever the length (the last word of a cell is read in one load,
    backwards from its end or inside its view): inline cells, out-of-line cells, several words."""
    want = [(0, 0) if c is None else reference_hash(c.encode(), seed) for c in cells]
    for start in (0, 1):  # a slice too: views at an offset into their buffers
        values = pl.Series(cells, dtype=pl.Utf8).slice(start)
        h1, h2 = hash_strings(values, seed)
        assert list(zip(h1.tolist(), h2.tolist(), strict=True)) == want[start:]


def test_cells_differing_in_one_byte_hash_apart() -> None:
    base = "rid:11010519491231002X+abcdefghijklmnopqrstu"
    cells = [base[:n] for n in range(len(base) + 1)]
    cells += [c[:-1] + "#" for c in cells if c]
    h1, h2 = hash_strings(pl.Series(cells, dtype=pl.Utf8), 12345)
    assert len(set(zip(h1.tolist(), h2.tolist(), strict=True))) == len(set(cells))


def point_hashes(values: pl.Series) -> np.ndarray:
    return hash_strings(values, _POINT_SEED)[0]


def add_points(person: np.ndarray, point: np.ndarray, rec: np.ndarray, cap: int) -> None:
    """The reference: keep up to `cap` distinct point hashes per person (-1: no person)."""
    for p, h in zip(person.tolist(), point.tolist(), strict=True):
        held = rec[p, keys.POINTS:keys.POINTS + rec[p, keys.NPOINTS]].tolist() if p >= 0 else []
        if p >= 0 and len(held) < cap and h not in held:
            rec[p, keys.POINTS + len(held)] = h
            rec[p, keys.NPOINTS] = len(held) + 1


def stored_point_hashes(values: pl.Series) -> list:
    """The hash `_track_points` stores for each cell (one person per cell; None if null)."""
    n = len(values)
    rec = _records(n)
    _track_points(values, np.arange(n, dtype=np.int64), np.arange(n, dtype=np.int64), rec)
    return [int(rec[i, keys.POINTS]) if rec[i, keys.NPOINTS] else None for i in range(n)]


@settings(max_examples=80, deadline=None)
@given(_cells, st.data())
def test_track_points_equal_hash_then_add(cells, data) -> None:
    n = len(cells)
    persons = data.draw(st.integers(1, 4))
    person = np.array(data.draw(st.lists(st.integers(-1, persons - 1), min_size=n, max_size=n)),
                      dtype=np.int64)
    rows = np.array(data.draw(st.permutations(range(n))), dtype=np.int64)
    values = pl.Series(cells, dtype=pl.Utf8)
    old, new = _records(persons), _records(persons)
    for rec in (old, new):  # persons already holding points from earlier batches
        for p in range(persons):
            rec[p, keys.NPOINTS] = p % (TRACK_MIN_POINTS + 1)
            rec[p, keys.POINTS:keys.POINTS + rec[p, keys.NPOINTS]] = point_hashes(
                pl.Series(["x"] * int(rec[p, keys.NPOINTS]), dtype=pl.Utf8))
    not_null = values.is_not_null().to_numpy()
    add_points(np.where(not_null, person[rows], -1), point_hashes(values), old, TRACK_MIN_POINTS)
    _track_points(values, rows, person, new)
    assert np.array_equal(old, new)


def test_point_hash_is_hash_strings_first_lane() -> None:
    values = pl.Series(["39.9,116.4", None, "a" * 40, ""], dtype=pl.Utf8)
    h1, _ = hash_strings(values, _POINT_SEED)
    assert stored_point_hashes(values) == [int(h1[0]), None, int(h1[2]), int(h1[3])]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.tuples(st.none() | st.integers(0, 60), st.none() | st.integers(0, 60),
                                   st.integers(0, 7), st.none() | st.integers(0, 5)),
                         min_size=1, max_size=30), min_size=1, max_size=5))
def test_small_table_with_collisions_equals_reference(batches) -> None:
    """Persons recurring across batches in a table of 2 records and 4 slots: probes collide,
    records and slots grow mid-scan; long keys (past 12 bytes) and long points."""
    def key(i):
        return None if i is None else f"person-{i:03d}-" + "z" * (i % 17)

    def point(i):
        return None if i is None else f"39.{i}" + ",116.400000" * (i % 3)

    tables = (PersonTable(capacity=2), ReferencePersons())
    for batch in batches:
        dense = pl.Series([key(r[0]) for r in batch], dtype=pl.Utf8)
        sparse_rows = np.array([i for i, r in enumerate(batch) if r[1] is not None],
                               dtype=np.uint32)
        sparse = pl.Series([key(batch[i][1]) for i in sparse_rows], dtype=pl.Utf8)
        flags = np.array([r[2] for r in batch], dtype=np.uint32)
        point_rows = np.arange(len(batch))
        points = [(point_rows, pl.Series([point(r[3]) for r in batch], dtype=pl.Utf8))]
        for table in tables:
            candidates = [KeyCandidate("rid:", dense)]
            if sparse_rows.size:
                candidates.append(KeyCandidate("phone:", sparse, rows=sparse_rows))
            table.add(candidates, flags, points)
    new, old = (t.result().sort("key") for t in tables)
    assert new.equals(old)
    assert tables[0].unkeyed_rows_with_pi == tables[1].unkeyed_rows_with_pi
