"""Passports and the mainland's travel permits for Hong Kong, Macao and Taiwan.

- PRC passport (护照): E/G/D/S/P + 8 digits, or E + letter (not I/O) + 7 digits (2012+ e-passport).
- 往来港澳通行证 (mainland residents to HK/Macao): C + 8 digits, or C + letter + 7 digits.
- 港澳居民来往内地通行证 (回乡证): H or M + 8 or 10 digits.
- 台湾居民来往大陆通行证 (台胞证): 8 digits (2015+ card) or 10 digits; T + 8 digits for the mainland
  residents' Taiwan permit (大陆居民往来台湾通行证).
Letter-plus-digits shapes are common in order and ticket numbers, so these count only in a column
named for them, or in free text right after a context word (护照, 通行证, passport …).
"""

from __future__ import annotations

import polars as pl

from chujing.scan.detectors.base import Detector, keep_where, staged

_SHAPE = (r"^(?:[EGDSP]\d{8}|E[A-HJ-NP-Z]\d{7}|C\d{8}|C[A-HJ-NP-Z]\d{7}|[HM]\d{8}(?:\d{2})?"
          r"|T\d{8}|\d{8}|\d{10})$")
_CONTEXT = r"(?:护照|通行证|回乡证|台胞证|(?i:passport))(?:号码|号)?[\s:：]{0,3}"


def validate(values: pl.Series) -> pl.Series:
    s = pl.col("s")
    frame = staged(values, {"s": s.str.strip_chars().str.to_uppercase()})
    out = frame.select(pl.when(s.str.contains(_SHAPE)).then(s).alias("s"))
    return out["s"].alias(values.name)


def validate_text(values: pl.Series) -> pl.Series:
    has_context = values.str.contains("^" + _CONTEXT)
    stripped = values.str.replace("^" + _CONTEXT, "")
    return keep_where(validate(stripped), has_context)


def mask(value: str) -> str:
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


DETECTOR = Detector(
    id="travel_document",
    category="travel_document",
    validate=validate,
    text_validate=validate_text,
    header_hints=("护照", "通行证", "回乡证", "台胞证", "passport", "permit", "travel_doc"),
    needs_hint=True,
    cell_shape=r"^\s*[A-Za-z]{0,2}\d{7,10}\s*$",
    key_type="travel_document",
    key_rank=1,
    mask=mask,
    text_shape="^" + _CONTEXT,
    text_pattern=_CONTEXT + r"[A-Za-z]?[A-Za-z0-9]\d{6,9}\d*",
)
