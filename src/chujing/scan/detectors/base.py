"""What a detector is, and the vectorised helpers detectors share.

A detector recognises one kind of identifier. It works on *candidates*: a Utf8 Polars Series
holding either whole cells (column-level detection) or substrings the free-text pass extracted.
`validate` maps each candidate to its normalised form, or null when the candidate is not a genuine
identifier of that kind. Validators are written as Polars expressions evaluated in stages (each
stage materialised once), never row by row in Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

Validator = Callable[[pl.Series], pl.Series]


@dataclass(frozen=True)
class Detector:
    id: str
    # PI category (a category id of the sensitivity profiles); None: reported, but not PI.
    category: str | None
    validate: Validator
    # Substrings of lower-cased column names that make the column a likely home of this kind.
    header_hints: tuple[str, ...] = ()
    # Weak shapes (letter + digits, 15-digit Luhn) count in a column only with a header hint.
    needs_hint: bool = False
    # Person-key type and rank (lower is stronger), for identifiers that can key a person.
    key_type: str | None = None
    key_rank: int = 99
    # Share of validated values above which a column is taken to hold this kind.
    column_threshold: float = 0.5
    # Extra categories every detected value also reveals (an ID number reveals sex and birth date).
    derived: tuple[str, ...] = field(default_factory=tuple)
    mask: Callable[[str], str] | None = None
    # Looser check for a column whose name names this kind (default: `validate`).
    hinted_validate: Validator | None = None
    # Stricter check for candidates found in free text (default: `validate`).
    text_validate: Validator | None = None
    # Regex fragment (an alternative of the free-text candidate pattern) for shapes that the
    # shared token alternatives do not produce.
    text_pattern: str | None = None
    # Cheap regex a free-text candidate must match before `validate_text` looks at it.
    text_shape: str | None = None
    # Cheap regex most cells of a column of this kind match (column detection skips the full
    # check on a sample where too few do).
    cell_shape: str | None = None
    note: str | None = None

    def header_matches(self, column: str) -> bool:
        return header_matches(column, self.header_hints)

    def validate_hinted(self, values: pl.Series) -> pl.Series:
        return (self.hinted_validate or self.validate)(values)

    def validate_text(self, candidates: pl.Series) -> pl.Series:
        return (self.text_validate or self.validate)(candidates)

    def mask_value(self, value: str) -> str:
        return (self.mask or mask_middle)(value)


def header_matches(column: str, hints: tuple[str, ...]) -> bool:
    """Chinese hints match anywhere; ASCII hints only at a word start ("client_ip", not "zip")."""
    name = column.lower()
    for hint in hints:
        if not hint.isascii():
            if hint in name:
                return True
        elif re.search(r"(?:^|[^a-z])" + re.escape(hint), name):
            return True
    return False


def mask_middle(value: str, keep_head: int = 3, keep_tail: int = 2) -> str:
    """Keep a few characters at each end, star the rest; short values are starred whole."""
    if len(value) <= keep_head + keep_tail:
        return "*" * len(value)
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


@cache
def read_table(name: str) -> list[list[str]]:
    """Rows of a tab-separated data file in scan/data, comments (#) skipped."""
    rows = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def digit(expr: pl.Expr, position: int) -> pl.Expr:
    """The digit at `position` (0-based) of an all-digit string, as an integer."""
    return expr.str.slice(position, 1).cast(pl.Int32, strict=False)


def _luhn_tables() -> list[pl.Series]:
    """Luhn digit sums of each 3-digit chunk (units first), by the chunk's parity."""
    tables = []
    for j in range(7):
        table = []
        for value in range(1000):
            total = 0
            for k in range(3):
                d = (value // 10**k) % 10
                if (3 * j + k) % 2 == 1:  # every second digit from the right is doubled
                    d = d * 2 - 9 if d >= 5 else d * 2
                total += d
            table.append(total)
        tables.append(pl.Series(table, dtype=pl.UInt32))
    return tables


_LUHN_TABLES = _luhn_tables()


def luhn_ok(number: pl.Expr, width: int = 19) -> pl.Expr:
    """Luhn check on a UInt64 column holding the number (up to 19 digits).

    Table lookups on 3-digit chunks replace per-digit arithmetic (7 lookups for 19 digits).
    """
    total = pl.lit(0, pl.UInt32)
    for j in range((width + 2) // 3):
        chunk = ((number // 10 ** (3 * j)) % 1000).cast(pl.UInt32)
        total = total + pl.lit(_LUHN_TABLES[j]).gather(chunk)
    return (total % 10) == 0


def staged(values: pl.Series, *stages: dict[str, pl.Expr]) -> pl.DataFrame:
    """Evaluate stages of named expressions over a frame holding the candidates as `s`.

    Each stage is materialised before the next, so an intermediate used many times (a digit
    string, a parsed integer) is computed once.
    """
    frame = pl.DataFrame({"s": values.cast(pl.Utf8)})
    for stage in stages:
        frame = frame.with_columns(**stage)
    return frame


def only_digits(expr: pl.Expr) -> pl.Expr:
    """Drop the separators people type inside numbers: spaces, dashes, dots, brackets."""
    return expr.str.replace_all(r"[\s\-\.()（）]", "")


def keep_where(values: pl.Series, condition: pl.Series) -> pl.Series:
    """`values` where `condition` holds, null elsewhere."""
    frame = pl.DataFrame({"v": values, "c": condition.fill_null(False)})
    return frame.select(pl.when(pl.col("c")).then(pl.col("v")).alias("v"))["v"].alias(values.name)
