"""Mainland China phone numbers: mobile (the person-key kind) and fixed-line.

Mobile: 11 digits 1[3-9]XXXXXXXXX, optionally written with +86 / 0086 / 86, spaces or dashes.
Carriers' segment tables lag new allocations, so a well-formed mobile number whose prefix is not
in `cn_mobile_prefixes.dat` still counts; `unknown_prefix` lets the report flag it.

Fixed line: trunk 0 + area code (010, 02X: 2 digits; others 3) + 7-8 digit subscriber number.
In free text only the written forms with a dash or brackets count (a bare 11-12 digit run starting
with 0 is as likely an order number); in a phone-like column the bare form counts too.
"""

from __future__ import annotations

import polars as pl

from chujing.scan.detectors.base import Detector, keep_where, read_table, staged

KNOWN_PREFIXES = sorted(row[0] for row in read_table("cn_mobile_prefixes.dat"))
PHONE_HINTS = ("手机", "电话", "联系方式", "mobile", "phone", "tel", "cell", "contact")
_SEPARATORS = r"[\s\-\u2010-\u2015()（）]"


def validate_mobile(values: pl.Series) -> pl.Series:
    s = pl.col("s")
    stages = []
    # Whole-column shortcut: a column of bare 11-digit numbers needs no cleaning pass.
    if (values.str.len_bytes() != 11).any():
        stages = [{"s": s.str.replace_all(_SEPARATORS, "")},
                  {"s": s.str.replace(r"^(?:\+86|0086|86)(1\d{10})$", "$1")}]
    frame = staged(values, *stages)
    out = frame.select(pl.when(s.str.contains(r"^1[3-9]\d{9}$")).then(s).alias("s"))
    return out["s"].alias(values.name)


def unknown_prefix(normalised: pl.Series) -> pl.Series:
    return normalised.is_not_null() & ~normalised.str.slice(0, 3).is_in(KNOWN_PREFIXES)


_LANDLINE = r"^0(?:10|2\d)\d{8}$|^0[3-9]\d{2}\d{7,8}$"


def validate_landline(values: pl.Series) -> pl.Series:
    s = pl.col("s")
    frame = staged(values, {"s": s.str.replace(r"^(?:\+86|0086)[\s\-]?", "0")},
                   {"s": s.str.replace_all(_SEPARATORS, "")})
    out = frame.select(pl.when(s.str.contains(_LANDLINE)).then(s).alias("s"))
    return out["s"].alias(values.name)


def validate_landline_text(values: pl.Series) -> pl.Series:
    written = values.str.contains(r"^\(?0\d{2,3}[)）\-]")
    return keep_where(validate_landline(values), written)


def mask_phone(value: str) -> str:
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


MOBILE = Detector(
    id="cn_mobile",
    category="phone",
    validate=validate_mobile,
    header_hints=PHONE_HINTS,
    key_type="phone",
    key_rank=2,
    mask=mask_phone,
    text_shape=r"^(?:\+?86|0086)?[\s\-]?1\d{2}",
    cell_shape=r"1\d{2}[\s\-]?\d{4}[\s\-]?\d{4}",
    text_pattern=r"(?:\+?86[\s\-]?)?1\d{2}[\s\-]\d{4}[\s\-]\d{4}\d*|\+86\d{11}\d*",
    note="well-formed numbers with an unallocated prefix count and are flagged",
)

LANDLINE = Detector(
    id="cn_landline",
    category="phone",
    validate=validate_landline,
    text_validate=validate_landline_text,
    header_hints=PHONE_HINTS + ("座机", "固话", "landline"),
    mask=mask_phone,
    text_shape=r"^[(（]?0\d{2}",
    cell_shape=r"0\d{2}",
    text_pattern=r"[(（]0\d{2,3}[)）]\s?\d{7,8}\d*|0\d{2,3}-\d{7,8}\d*",
)
