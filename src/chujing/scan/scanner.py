"""The scan: files -> batches -> detections -> person keys and category flags -> result.

Per batch, identifier columns are validated column-wise (row-aligned Series: no per-row Python,
no long intermediate table); free-text cells go through `text.detect_in_text`, whose sparse
findings are scattered back onto their rows. A row's flags are the OR of the category bits of
everything found in it; its key is its strongest identifier.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from chujing.errors import InputError
from chujing.scan.categories import BIT
from chujing.scan.columns import ColumnPlan, parse_dates, plan_columns
from chujing.scan.detectors import BY_ID, resident_id
from chujing.scan.detectors.phone import MOBILE, unknown_prefix
from chujing.scan.detectors.special import SEX_VALUES
from chujing.scan.fast import not_null, slice_at_least, unknown_prefixes
from chujing.scan.normalise import fold_width, non_empty
from chujing.scan.persons import KEY_RANKS, KeyCandidate, PersonTable, minor_birth_threshold
from chujing.scan.readers import BATCH_ROWS, SourceFile, discover, read_batches
from chujing.scan.text import Findings, category_of, detector_names, find_in_text

SAMPLES_PER_COLUMN = 3
# On several threads a text column is searched in row slices of at least this many rows
# (each search has a fixed cost of ~15 ms), one per thread at most.
TEXT_SLICE_ROWS = 25_000
_RID_DERIVED = BIT["id_number"] | BIT["birth_date"] | BIT["sex"] | BIT["region_of_issue"]


@dataclass
class ScanOptions:
    as_of: date
    profile_id: str | None = None
    encoding: str | None = None
    person_key: list[str] | None = None
    skip_bad_rows: bool = False
    batch_rows: int = BATCH_ROWS
    progress: Callable[[int], None] | None = None


@dataclass
class ColumnStats:
    file: str
    column: str
    role: str
    detector: str
    category: str | None
    cells: int = 0  # non-empty cells looked at
    matches: int = 0  # cells with at least one detection of this kind
    samples: list[str] = field(default_factory=list)
    unknown_prefix: int = 0
    free_text: bool = False

    def to_json(self) -> dict:
        out = {
            "file": self.file, "column": self.column, "role": self.role,
            "detector": self.detector, "category": self.category,
            "cells": self.cells, "matches": self.matches,
            "match_rate": round(self.matches / self.cells, 4) if self.cells else 0.0,
            "samples": self.samples,
        }
        if self.detector == MOBILE.id:
            out["unknown_prefix"] = self.unknown_prefix
        if self.free_text:
            out["free_text"] = True
        return out


class _Stats:
    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str, str], ColumnStats] = {}
        self.text_cells: dict[tuple[str, str], int] = {}

    def finish(self) -> list[ColumnStats]:
        """Free-text stats count cells over the whole column."""
        for (file, column, _), stats in self.by_key.items():
            if stats.free_text and stats.role == "text":
                stats.cells = self.text_cells.get((file, column), 0)
        return list(self.by_key.values())

    def get(self, file: str, plan: ColumnPlan, detector: str, free_text: bool) -> ColumnStats:
        key = (file, plan.column, detector)
        if key not in self.by_key:
            det = BY_ID.get(detector)
            category = det.category if det else detector.split(":", 1)[-1]
            self.by_key[key] = ColumnStats(file, plan.column, plan.role, detector, category,
                                           free_text=free_text)
        return self.by_key[key]

    def add(self, file: str, plan: ColumnPlan, detector: str, cells: int,
            values: pl.Series, hit: np.ndarray) -> None:
        """A validated column: `values` null where a cell did not validate (`hit` false)."""
        stats = self.get(file, plan, detector, free_text=False)
        stats.cells += cells
        stats.matches += int(np.count_nonzero(hit))
        if len(stats.samples) < SAMPLES_PER_COLUMN:
            first = np.flatnonzero(hit)[:50]
            self.add_samples(stats, values.gather(pl.Series(first, dtype=pl.UInt32)), False)
        if stats.detector == MOBILE.id:
            stats.unknown_prefix += unknown_prefixes(values)

    def add_samples(self, stats: ColumnStats, values: pl.Series, prefixes: bool = True) -> None:
        if len(stats.samples) < SAMPLES_PER_COLUMN and len(values):
            det = BY_ID.get(stats.detector)
            for value in values.head(50).unique(maintain_order=True).to_list():
                masked = det.mask_value(value) if det else value
                if masked not in stats.samples:
                    stats.samples.append(masked)
                if len(stats.samples) >= SAMPLES_PER_COLUMN:
                    break
        if prefixes and stats.detector == MOBILE.id:
            stats.unknown_prefix += int(unknown_prefix(values).sum())


@dataclass
class RawScan:
    """What the scan found, before a sensitivity profile is applied."""

    files: list[SourceFile]
    persons: pl.DataFrame  # key (Utf8, raw: never leaves the process), flags (UInt32)
    column_stats: list[ColumnStats]
    rows: int
    unkeyed_rows_with_pi: int
    organisations: int
    warnings: list[str]
    person_key: list[str] | None


def _first_by_row(where: np.ndarray, at: np.ndarray) -> tuple[int, int]:
    """A detector's first finding by row: (row, index among the findings). Two detectors first
    found in the same row keep the order their findings in it have."""
    row = int(at.min())
    return row, int(where[np.argmax(at == row)])


def _joined(parts: list) -> Findings | None:
    """The findings of consecutive row slices as one (rows stay in their slice's order)."""
    searched = [f for f in parts if f is not None]  # None: a slice without text
    parts = [f for f in searched if f.rows.size]
    if len(parts) <= 1:
        return parts[0] if parts else (searched[0] if searched else None)
    return Findings(np.concatenate([f.rows for f in parts]),
                    np.concatenate([f.codes for f in parts]), pl.concat([f.values for f in parts]))


def _detector_bit(detector_id: str) -> int:
    det = BY_ID[detector_id]
    return BIT.get(det.category, 0) if det.category else 0


class _Batch:
    """Row-aligned results of one batch."""

    def __init__(self, height: int) -> None:
        self.height = height
        self.flags = np.zeros(height, dtype=np.uint32)  # OR of category bits, per row
        # Candidate keys per rank; structured first, so a column beats free text of equal rank.
        self.keys: dict[int, list[KeyCandidate]] = {}
        self.points: list[tuple[np.ndarray, pl.Series]] = []  # (rows, point text)
        self.organisations = 0

    def add_flags(self, mask: pl.Series | np.ndarray, bits: int | pl.Series) -> None:
        where = mask if isinstance(mask, np.ndarray) else mask.fill_null(False).to_numpy()
        if isinstance(bits, int):  # mask times bits, OR-ed in place: 5x boolean indexing
            np.bitwise_or(self.flags, where.view(np.uint8) * np.uint32(bits), out=self.flags)
        else:
            self.flags |= np.where(where, bits.cast(pl.UInt32).fill_null(0).to_numpy(),
                                   np.uint32(0)).astype(np.uint32)

    def add_key(self, rank: int, keys: pl.Series, prefix: str = "",
                second: pl.Series | None = None) -> None:
        """Candidate keys of a rank, aligned to the batch; `prefix` is the key type."""
        self.keys.setdefault(rank, []).append(KeyCandidate(prefix, keys, second=second))

    def scatter_flags(self, rows: pl.Series, bits: pl.Series) -> None:
        np.bitwise_or.at(self.flags, rows.to_numpy(), bits.cast(pl.UInt32).to_numpy())

    def scatter_key(self, rank: int, rows: pl.Series, keys: pl.Series, prefix: str) -> None:
        """Each row's first key of this rank (in finding order)."""
        positions = rows.to_numpy()
        _, first = np.unique(positions, return_index=True)
        self.keys.setdefault(rank, []).append(
            KeyCandidate(prefix, keys.gather(first), rows=positions[first]))

    def candidates(self) -> list[KeyCandidate]:
        return [key for rank in sorted(self.keys) for key in self.keys[rank]]


class Scanner:
    def __init__(self, options: ScanOptions) -> None:
        self.options = options
        self.minor_threshold = minor_birth_threshold(options.as_of)
        self.stats = _Stats()
        self.persons = PersonTable()
        self.rows = 0
        self.organisations = 0

    # -- columns ------------------------------------------------------------------------------

    def _identifier_column(self, batch: _Batch, file: str, plan: ColumnPlan,
                           values: pl.Series, present: np.ndarray) -> np.ndarray:
        """Record a validated column; returns the cells that did not validate."""
        det = plan.detector
        assert det is not None
        hit = not_null(values)
        self.stats.add(file, plan, det.id, int(np.count_nonzero(present)), values, hit)
        if det.id == resident_id.DETECTOR.id:
            batch.add_flags(hit, _RID_DERIVED)
            batch.add_flags(slice_at_least(values, 6, self.minor_threshold),
                            BIT["minor_under_14"])
        elif det.category:
            batch.add_flags(hit, BIT[det.category])
        else:
            batch.organisations += int(np.count_nonzero(hit))
        if det.key_type and not self.options.person_key:
            batch.add_key(KEY_RANKS[det.key_type], values, prefix=det.key_type + ":")
        if det.id == "gps":
            # hit is the non-null cells: dropping the nulls keeps them in order (a gather by
            # row numbers costs ~3x as much on a column of short strings)
            batch.points.append((np.flatnonzero(hit), values.drop_nulls()))
        return present & ~hit

    @staticmethod
    def _find_in_text(raw: pl.Series, present: pl.Series, start: int = 0) -> Findings | None:
        """Findings in the present cells of `raw`, whose first row is row `start` of the batch."""
        if not present.any():
            return None
        rows = pl.int_range(start, start + len(raw), eager=True, dtype=pl.UInt32).filter(present)
        return find_in_text(rows, fold_width(raw.filter(present)))

    @staticmethod
    def _free_text(height: int, plans: list[ColumnPlan], detected: list) -> dict:
        """One free-text call for the batch: the cells of every column that needs one and was
        not detected yet (text columns, identifier cells that did not validate); the findings
        split back per column (by plan index). The detection is per cell: the same findings
        as a call per column, with its fixed cost (~15 ms) paid once."""
        columns, rows, cells = [], [], []
        for k, (plan, (raw, present, pre)) in enumerate(zip(plans, detected, strict=True)):
            if plan.role in ("identifier", "name", "address"):
                mask = present & ~not_null(pre)
            elif plan.role in ("sex", "birth_date", "age") or pre is not None:
                continue
            else:
                mask = present.to_numpy()
            if mask.any():
                columns.append(k)
                rows.append(np.flatnonzero(mask) + k * height)
                cells.append((raw, rows[-1] - k * height))
        if not rows:
            return {}
        from chujing.scan.fast.text import folded_cells

        texts = folded_cells(cells)  # gathered and folded by a kernel, or else by Polars
        if texts is None:
            texts = pl.concat([fold_width(raw.gather(pl.Series(at, dtype=pl.UInt32)))
                               for raw, at in cells])
        found = find_in_text(pl.Series(np.concatenate(rows), dtype=pl.UInt32), texts)
        column = found.rows // height
        found = Findings(found.rows % height, found.codes, found.values)
        if len(columns) == 1:
            return {columns[0]: found}
        return {k: found.take(column == k) for k in columns}

    def _text_column(self, batch: _Batch, file: str, plan: ColumnPlan, raw: pl.Series,
                     present: pl.Series, found: Findings | None = None) -> None:
        if plan.role == "text":
            key = (file, plan.column)
            self.stats.text_cells[key] = self.stats.text_cells.get(key, 0) + int(present.sum())
        elif found is None:
            found = self._find_in_text(raw, present)
        if found is None or found.rows.size == 0:
            return
        # numpy per detector (a small integer per finding), not a Polars pass per question
        rows, codes, values, names = found.rows, found.codes, found.values, detector_names()
        counts = np.bincount(codes, minlength=len(names))
        per_code = {}
        for c in np.flatnonzero(counts):
            where = np.flatnonzero(codes == c)
            per_code[int(c)] = (where, rows[where])
        seen = np.zeros(batch.height, dtype=np.bool_)
        by_detector: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        # Detectors in order of their first finding by row, samples the first by row: the same
        # whether the column's rows were searched in one call or in slices (_text_slices).
        for code in sorted(per_code, key=lambda c: _first_by_row(*per_code[c])):
            detector = names[code]
            where, at = per_code[code]
            by_detector[detector] = (where, at)
            stats = self.stats.get(file, plan, detector, free_text=True)
            seen[:] = False
            seen[at] = True
            stats.matches += int(np.count_nonzero(seen))
            if len(stats.samples) < SAMPLES_PER_COLUMN:
                first = where[np.argsort(at, kind="stable")]
                self.stats.add_samples(stats, values.gather(first[:50]), prefixes=False)
            if detector == MOBILE.id:  # every value: its unknown prefixes are counted
                stats.unknown_prefix += int(unknown_prefix(values.gather(where)).sum())
            bit = BIT.get(category_of(detector), 0)
            if bit:
                batch.flags[at] |= np.uint32(bit)
        if resident_id.DETECTOR.id in by_detector:
            where, at = by_detector[resident_id.DETECTOR.id]
            batch.flags[at] |= np.uint32(_RID_DERIVED)
            minor = (values.gather(where).str.slice(6, 8) >= self.minor_threshold)
            batch.flags[at[minor.fill_null(False).to_numpy()]] |= np.uint32(BIT["minor_under_14"])
        if "uscc" in by_detector:
            batch.organisations += by_detector["uscc"][0].size
        if "gps" in by_detector:
            where, at = by_detector["gps"]
            per_row = np.bincount(at, minlength=batch.height)
            batch.flags[per_row >= 2] |= np.uint32(BIT["whereabouts_tracks"])
            batch.points.append((at, values.gather(where)))
        if not self.options.person_key:
            for det_id, key_type in (("cn_resident_id", "rid"),
                                     ("travel_document", "travel_document"),
                                     ("cn_mobile", "phone"), ("email", "email")):
                if det_id in by_detector:
                    where, at = by_detector[det_id]
                    batch.scatter_key(KEY_RANKS[key_type], pl.Series(at),
                                      values.gather(where), key_type + ":")

    @staticmethod
    def _text_slices(frame: pl.DataFrame, plan: ColumnPlan, parts: int) -> tuple:
        """A text column's free-text search as `parts` tasks over consecutive row ranges (one
        column of free text is otherwise the longest task of a batch on several threads)."""
        raw = frame[plan.column]
        present = non_empty(raw)
        step = -(-frame.height // parts)

        def search(start: int):
            return lambda: Scanner._find_in_text(raw.slice(start, step), present.slice(start, step),
                                                 start)

        return raw, present, [search(a) for a in range(0, frame.height, step)]

    def _attribute_column(self, batch: _Batch, plan: ColumnPlan, raw: pl.Series,
                          present: pl.Series) -> None:
        values = raw.str.strip_chars()
        if plan.role == "sex":
            batch.add_flags(values.str.to_lowercase().is_in(SEX_VALUES), BIT["sex"])
        elif plan.role == "birth_date":
            births = parse_dates(values)
            batch.add_flags(births.is_not_null(), BIT["birth_date"])
            batch.add_flags(births.dt.strftime("%Y%m%d") >= self.minor_threshold,
                            BIT["minor_under_14"])
        elif plan.role == "age":
            ages = values.str.replace(r"[岁周]+$", "").cast(pl.Int32, strict=False)
            # An age column says nothing of when it was true: under 14 then is under 14 now
            # for the purpose of counting minors' data (errs towards protection).
            batch.add_flags(ages < 14, BIT["minor_under_14"])

    # -- batches ------------------------------------------------------------------------------

    def _detect(self, frame: pl.DataFrame, plan: ColumnPlan, text: bool = True):
        """The expensive, independent part of a column's work (runs in parallel); free text
        only with `text` (else the batch's one free-text call takes it)."""
        raw = frame[plan.column]
        if plan.role in ("identifier", "name", "address"):
            return raw, *plan.check(raw)
        present = non_empty(raw)
        if plan.role == "text" and text:
            return raw, present, self._find_in_text(raw, present)
        return raw, present, None

    def scan_batch(self, file: str, frame: pl.DataFrame, plans: list[ColumnPlan]) -> None:
        batch = _Batch(frame.height)
        names: pl.Series | None = None
        addresses: pl.Series | None = None
        # Columns are independent until their results merge into the rows' flags and keys:
        # detect them on as many threads as Polars may use (Polars releases the GIL).
        threads = pl.thread_pool_size()
        parts = min(threads, frame.height // TEXT_SLICE_ROWS) if threads > 1 else 1
        texts = sum(p.role == "text" for p in plans) if parts > 1 else 0
        workers = min(threads, len(plans) + texts * (parts - 1))
        if workers > 1:
            # Tasks: a column each, but a tall text column's rows in `parts` slices (one column
            # of free text is otherwise the longest task), their findings joined again.
            slices = {k: self._text_slices(frame, p, parts) for k, p in enumerate(plans)
                      if texts and p.role == "text"}
            tasks = [run for _, _, runs in slices.values() for run in runs]  # the long ones first
            tasks += [lambda p=p: self._detect(frame, p) for k, p in enumerate(plans)
                      if k not in slices]
            with ThreadPoolExecutor(workers) as pool:
                done = iter(list(pool.map(lambda task: task(), tasks)))
            joined = {k: (raw, present, _joined([next(done) for _ in runs]))
                      for k, (raw, present, runs) in slices.items()}
            detected = [joined[k] if k in joined else next(done) for k in range(len(plans))]
        else:  # one thread: text columns join the batch's one free-text call
            detected = [self._detect(frame, p, text=False) for p in plans]
        free = self._free_text(frame.height, plans, detected)
        for k, (plan, (raw, present, pre)) in enumerate(zip(plans, detected, strict=True)):
            if plan.signal:
                batch.add_flags(present, BIT[plan.signal])
                stats = self.stats.get(file, plan, "column:" + plan.signal, free_text=False)
                stats.cells += int(present.sum())
                stats.matches += int(present.sum())
            if plan.role in ("identifier", "name", "address"):
                values = pre
                rest = self._identifier_column(batch, file, plan, values, present)
                if plan.role == "name":
                    names = values
                elif plan.role == "address":
                    addresses = values
                if rest.any():
                    self._text_column(batch, file, plan, raw, pl.Series(rest), free.get(k))
            elif plan.role in ("sex", "birth_date", "age"):
                self._attribute_column(batch, plan, raw, present)
            else:
                self._text_column(batch, file, plan, raw, present,
                                  found=pre if pre is not None else free.get(k))
        if self.options.person_key:
            batch.add_key(0, self._custom_key(frame))
        elif names is not None and addresses is not None:
            batch.add_key(KEY_RANKS["name_address"], names, prefix="name_address:",
                          second=addresses)
        self.persons.add(batch.candidates(), batch.flags, batch.points)
        self.organisations += batch.organisations
        self.rows += frame.height

    def _custom_key(self, frame: pl.DataFrame) -> pl.Series:
        columns = self.options.person_key or []
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise InputError(f"--person-key column not found: {', '.join(missing)}",
                             field="--person-key")
        parts = [fold_width(frame[c]).str.strip_chars().str.to_lowercase() for c in columns]
        key_frame = pl.DataFrame({f"p{i}": p for i, p in enumerate(parts)})
        any_present = pl.any_horizontal([pl.col(c).is_not_null() & (pl.col(c) != "")
                                         for c in key_frame.columns])
        return key_frame.select(
            pl.when(any_present)
            .then(pl.lit("custom:") + pl.concat_str(key_frame.columns, separator="\x1f",
                                                    ignore_nulls=False).fill_null(""))
            .alias("key"))["key"]

    def scan_file(self, source: SourceFile) -> None:
        plans: list[ColumnPlan] | None = None
        for frame in read_batches(source, encoding=self.options.encoding,
                                  skip_bad_rows=self.options.skip_bad_rows,
                                  batch_rows=self.options.batch_rows):
            if plans is None or set(frame.columns) != {p.column for p in plans}:
                plans = plan_columns(frame)
            if frame.height:
                self.scan_batch(str(source.path), frame, plans)
            if self.options.progress:
                self.options.progress(frame.height)


def scan(paths: list[Path], options: ScanOptions) -> RawScan:
    files, warnings = discover(paths)
    scanner = Scanner(options)
    for source in files:
        scanner.scan_file(source)
        if source.rows == 0:
            warnings.append(f"{source.path}: no data rows")
        if source.skipped_rows:
            warnings.append(f"{source.path}: skipped {source.skipped_rows} malformed rows")
    if scanner.persons.unkeyed_rows_with_pi:
        warnings.append(
            f"{scanner.persons.unkeyed_rows_with_pi} rows hold personal information but no "
            "identifier to tell whose it is; they are not in the person counts "
            "(use --person-key to name the columns that identify a person)")
    return RawScan(
        files=files,
        persons=scanner.persons.result(),
        column_stats=scanner.stats.finish(),
        rows=scanner.rows,
        unkeyed_rows_with_pi=scanner.persons.unkeyed_rows_with_pi,
        organisations=scanner.organisations,
        warnings=warnings,
        person_key=options.person_key,
    )


__all__ = ["RawScan", "ScanOptions", "Scanner", "scan"]
