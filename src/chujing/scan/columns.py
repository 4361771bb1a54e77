"""Column-level detection: what each column holds, decided once per file from a sample.

A column holds an identifier kind when enough of its sampled values validate as that kind: half
of them by default, a fifth when the column's name names the kind (header hint). Weak shapes
(passport numbers, IMEI, names, addresses) need the hint. Columns named for a sensitive category
(诊断, 宗教…) are signal columns. Every other text column is scanned as free text, and so are the
cells of an identifier column that do not validate (a second number, a note).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from chujing.scan.detectors import ADDRESS, IDENTIFIERS, NAME, Detector
from chujing.scan.detectors.base import header_matches
from chujing.scan.detectors.special import AGE_HINTS, BIRTH_HINTS, SEX_HINTS, SEX_VALUES, SIGNALS
from chujing.scan.fast import check_column, validate_column
from chujing.scan.normalise import fold_width, non_empty

SAMPLE_VALUES = 1000
HINTED_THRESHOLD = 0.2


@dataclass
class ColumnPlan:
    column: str
    role: str  # identifier | name | address | sex | birth_date | age | text
    detector: Detector | None = None
    hinted: bool = False
    signal: str | None = None  # category of a signal column (its cells are also free text)
    match_rate: float = 0.0

    def validate(self, raw: pl.Series) -> pl.Series:
        """Each cell's normalised identifier or null; `raw` as read (not width-folded)."""
        assert self.detector is not None
        return validate_column(self.detector, self.hinted, raw)

    def check(self, raw: pl.Series) -> tuple[np.ndarray, pl.Series]:
        """(the non-empty mask, `validate(raw)`), from one kernel walk where there is one."""
        assert self.detector is not None
        return check_column(self.detector, self.hinted, raw)


def _rate(validated: pl.Series, total: int) -> float:
    return validated.is_not_null().sum() / total if total else 0.0


def _best_identifier(column: str, values: pl.Series) -> tuple[Detector | None, bool, float]:
    best: tuple[Detector | None, bool, float] = (None, False, 0.0)
    for detector in (*IDENTIFIERS, NAME, ADDRESS):
        hinted = detector.header_matches(column)
        if detector.needs_hint and not hinted:
            continue
        threshold = HINTED_THRESHOLD if hinted else detector.column_threshold
        if detector.cell_shape and (
                values.str.contains(detector.cell_shape).mean() or 0.0) < threshold:
            continue
        validated = (detector.validate_hinted if hinted else detector.validate)(values)
        rate = _rate(validated, len(values))
        if rate >= threshold and (rate > best[2] or (rate == best[2] and hinted and not best[1])):
            best = (detector, hinted, rate)
    return best


def _attribute_role(column: str, values: pl.Series) -> tuple[str, float] | None:
    if header_matches(column, SEX_HINTS):
        rate = values.str.strip_chars().str.to_lowercase().is_in(SEX_VALUES).mean() or 0.0
        if rate >= 0.5:
            return "sex", rate
    if header_matches(column, BIRTH_HINTS):
        rate = parse_dates(values).is_not_null().mean() or 0.0
        if rate >= 0.5:
            return "birth_date", rate
    if header_matches(column, AGE_HINTS):
        ages = values.str.strip_chars().str.replace(r"[岁周]+$", "").cast(pl.Int32, strict=False)
        rate = ages.is_between(0, 130).mean() or 0.0
        if rate >= 0.5:
            return "age", rate
    return None


def parse_dates(values: pl.Series) -> pl.Series:
    s = values.str.strip_chars().str.replace_all(r"[年月/.]", "-").str.replace("日", "")
    frame = pl.DataFrame({"s": s})
    return frame.select(pl.coalesce(
        pl.col("s").str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        pl.col("s").str.strptime(pl.Date, "%Y%m%d", strict=False),
    ).alias("d"))["d"]


def _first_values(raw: pl.Series) -> pl.Series:
    """The first SAMPLE_VALUES non-empty cells, looking at as few rows as it takes (a batch
    can hold 500k rows: filtering all of them cost ~7 ms a column)."""
    rows = 2 * SAMPLE_VALUES
    while True:
        head = raw.head(rows)
        values = head.filter(non_empty(head))
        if len(values) >= SAMPLE_VALUES or rows >= len(raw):
            return values.head(SAMPLE_VALUES)
        rows *= 4


def plan_columns(sample: pl.DataFrame) -> list[ColumnPlan]:
    plans = []
    for column in sample.columns:
        values = fold_width(_first_values(sample[column]))
        signal = next((s.category for s in SIGNALS if s.header_matches(column)), None)
        plan = ColumnPlan(column, "text", signal=signal)
        if len(values):
            attribute = _attribute_role(column, values)
            if attribute:
                plan.role, plan.match_rate = attribute
            else:
                detector, hinted, rate = _best_identifier(column, values)
                if detector is not None:
                    role = {NAME.id: "name", ADDRESS.id: "address"}.get(detector.id, "identifier")
                    plan.role, plan.detector, plan.hinted, plan.match_rate = (
                        role, detector, hinted, rate)
        plans.append(plan)
    return plans
