"""IMEI (International Mobile Equipment Identity): 15 digits with a Luhn check digit.

A 15-digit Luhn-valid number is as likely a legacy resident ID or an order number, so an IMEI
counts only in a column named for it, or in free text right after "IMEI".
"""

from __future__ import annotations

import polars as pl

from chujing.scan.detectors.base import Detector, keep_where, luhn_ok, staged

_CONTEXT = r"(?i:imei)[\s:：号码]{0,4}"


def validate(values: pl.Series) -> pl.Series:
    s = pl.col("s")
    frame = staged(values, {"s": s.str.replace_all(r"[\s\-/]", "")},
                   {"shape": s.str.contains(r"^\d{15}$")},
                   {"n": pl.when(pl.col("shape")).then(s.cast(pl.UInt64, strict=False))})
    out = frame.select(pl.when(pl.col("shape") & luhn_ok(pl.col("n"), 15)).then(s).alias("s"))
    return out["s"].alias(values.name)


def validate_text(values: pl.Series) -> pl.Series:
    has_context = values.str.contains("^" + _CONTEXT)
    return keep_where(validate(values.str.replace("^" + _CONTEXT, "")), has_context)


DETECTOR = Detector(
    id="imei",
    category="device_id",
    validate=validate,
    text_validate=validate_text,
    header_hints=("imei", "设备号", "device_id", "串号"),
    needs_hint=True,
    cell_shape=r"\d{6}",
    text_shape=r"^(?i:imei)",
    text_pattern=_CONTEXT + r"\d{15}\d*",
)
