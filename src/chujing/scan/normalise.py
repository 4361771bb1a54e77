"""Text normalisation applied before detection.

Full-width forms (０-９, Ａ-Ｚ, ＠, －, the ideographic space) are common in Chinese data entry;
folding them to ASCII lets `１３８１２３４５６７８` count as the phone number it is. Masked values
(`138****5678`) are left alone: their stars break every identifier shape, so they never count.
"""

from __future__ import annotations

import polars as pl

_FULL = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000"]
_HALF = [chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)] + [" "]
FULL_WIDTH_PATTERN = "[\uff01-\uff5e\u3000]"
_PLACEHOLDERS = ["", " ", "null", "none", "nan", "n/a", "na", "-", "--", "—", "/", "\\n"]
# Case variants spelled out, so that the check is one hash lookup, not lower-casing every cell.
EMPTY_VALUES = sorted({v for p in _PLACEHOLDERS for v in (p, p.upper(), p.capitalize())})


def fold_width(values: pl.Series) -> pl.Series:
    """Full-width ASCII variants to ASCII; cheap no-op when a column has none."""
    from chujing.scan.fast import full_width_rows

    rows = full_width_rows(values)
    if rows is not None:  # a kernel found the cells to fold: fold only those
        if rows.size == 0:
            return values
        index = pl.Series(rows, dtype=pl.UInt32)
        return values.clone().scatter(index, values.gather(index).str.replace_many(_FULL, _HALF))
    non_ascii = values.str.len_bytes() != values.str.len_chars()
    if not non_ascii.any() or not values.filter(non_ascii).str.contains(FULL_WIDTH_PATTERN).any():
        return values
    return values.str.replace_many(_FULL, _HALF)


def non_empty(values: pl.Series) -> pl.Series:
    """Cells that say something (not null, not blank, not a placeholder such as "N/A")."""
    return (values.is_not_null() & ~values.is_in(EMPTY_VALUES)).fill_null(False)
