"""The person bookkeeping of the first sessions, kept as the reference for `PersonTable`.

Text keys built per row (the first present candidate, type-prefixed, by a when/then chain),
merged by group-by, track points as (key hash, point hash) pairs capped per person. It takes
the same batches as `PersonTable.add`, so a scan can run with either and be compared.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from chujing.scan.categories import BIT
from chujing.scan.detectors.location import TRACK_MIN_POINTS


def _aligned(candidate, height: int) -> pl.Series:
    values = candidate.values
    if candidate.second is not None:
        values = values + "|" + candidate.second
    if candidate.prefix:
        values = candidate.prefix + values
    if candidate.rows is None:
        return values
    aligned = pl.Series("k", dtype=pl.Utf8).extend_constant(None, height)
    return aligned.scatter(pl.Series(candidate.rows, dtype=pl.UInt32), values)


class ReferencePersons:
    def __init__(self) -> None:
        self._persons = pl.DataFrame(schema={"key": pl.Utf8, "flags": pl.UInt32})
        self._points: list[pl.DataFrame] = []
        self.unkeyed_rows_with_pi = 0

    def add(self, candidates, flags: np.ndarray, points=()) -> None:
        height = flags.size
        if candidates:
            frame = pl.DataFrame({f"k{i}": _aligned(c, height) for i, c in enumerate(candidates)})
            key = pl.lit(None, dtype=pl.Utf8)
            for i in reversed(range(len(candidates))):
                key = pl.when(pl.col(f"k{i}").is_not_null()).then(pl.col(f"k{i}")).otherwise(key)
            keys = frame.select(key.alias("key"))["key"]
        else:
            keys = pl.Series("key", dtype=pl.Utf8).extend_constant(None, height)
        rows = pl.DataFrame({"key": keys, "flags": pl.Series(flags, dtype=pl.UInt32)})
        rows = rows.filter((pl.col("flags") > 0) | pl.col("key").is_not_null())
        keyed = rows.filter(pl.col("key").is_not_null())
        self.unkeyed_rows_with_pi += rows.height - keyed.height
        self._persons = (pl.concat([self._persons, keyed]).group_by("key")
                         .agg(pl.col("flags").bitwise_or()))
        for row, values in points:
            pairs = pl.DataFrame({"key": keys.gather(pl.Series(row, dtype=pl.UInt32)),
                                  "point": values}).drop_nulls()
            self._points.append(pairs.select(kh=pl.col("key").hash(), ph=pl.col("point").hash()))

    def result(self) -> pl.DataFrame:
        persons = self._persons
        if self._points:
            tracked = (pl.concat(self._points).unique()
                       .group_by("kh").len().filter(pl.col("len") >= TRACK_MIN_POINTS)["kh"])
            track = persons["key"].hash().is_in(tracked.implode())
            persons = persons.with_columns(
                flags=pl.when(track).then(pl.col("flags") | BIT["whereabouts_tracks"])
                .otherwise(pl.col("flags")).cast(pl.UInt32))
        return persons
