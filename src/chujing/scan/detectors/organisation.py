"""Unified social credit code (统一社会信用代码, GB 32100-2015).

It identifies organisations, not natural persons: reported, but not personal information.
Checked with the GB 32100 MOD 31 check character (python-stdnum `cn.uscc` is the reference).
"""

from __future__ import annotations

import polars as pl

from chujing.scan.detectors.base import Detector, keep_where, staged

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def validate(values: pl.Series) -> pl.Series:
    s = pl.col("s")
    frame = staged(values, {"s": s.str.strip_chars().str.to_uppercase()},
                   {"shape": s.str.contains(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")})
    frame = frame.with_columns(s=pl.when(pl.col("shape")).then(s))
    keys, vals = list(ALPHABET), list(range(len(ALPHABET)))
    total = pl.lit(0, pl.Int32)
    for pos, weight in enumerate(WEIGHTS):
        total = total + s.str.slice(pos, 1).replace_strict(
            keys, vals, default=0, return_dtype=pl.Int32) * weight
    check = ((31 - total % 31) % 31).replace_strict(vals, keys, return_dtype=pl.Utf8)
    out = frame.select(pl.when(check == s.str.slice(17, 1)).then(s).alias("s"))
    return out["s"].alias(values.name)


def validate_text(values: pl.Series) -> pl.Series:
    """In free text an all-digit code is as likely a mistyped ID or an order number."""
    out = validate(values)
    return keep_where(out, out.str.contains(r"[A-Z]"))


DETECTOR = Detector(
    id="uscc",
    category=None,
    validate=validate,
    text_validate=validate_text,
    cell_shape=r"^\s*[0-9A-Za-z]{18}\s*$",
    header_hints=("信用代码", "统一社会", "uscc", "credit_code", "税号", "tax_id"),
    text_shape=r"^[0-9A-HJ-NPQRTUWXY]{18}$",
    text_pattern=r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}[0-9A-Za-z]*",
)
