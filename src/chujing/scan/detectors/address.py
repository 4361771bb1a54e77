"""Postal addresses (地址): administrative units followed by a street-level part.

In a column: the column's name (地址, address…) and the share of values holding an administrative
unit and a street-level marker. In free text: a province/city/district chain followed by a
road, street, village or building part, ending in a number.
"""

from __future__ import annotations

import polars as pl

from chujing.scan.detectors.base import Detector, staged

_ADMIN = r"\p{Han}{1,10}?(?:省|自治区|市|区|县|旗|镇|乡)"
_STREET = r"[\p{Han}A-Za-z0-9\-]{1,20}?(?:路|街|大道|巷|弄|道|村|胡同|小区|园|苑|里)"
_NUMBER = r"[\p{Han}A-Za-z0-9\-]{0,10}?[A-Za-z0-9]+(?:号|栋|幢|座|室|单元|楼|组)"
ADDRESS_VALUE = rf"{_ADMIN}.*(?:{_STREET}|\d+号)"
TEXT_PATTERN = rf"{_ADMIN}(?:\p{{Han}}{{1,10}}?(?:市|区|县|镇|乡|街道))*{_STREET}{_NUMBER}"


def validate(values: pl.Series) -> pl.Series:
    s = pl.col("s")
    stages = []
    if values.str.contains(r"[\s,，]").any():  # whole-column shortcut: most hold no spaces
        stages.append({"s": s.str.replace_all(r"[\s,，]", "")})
    frame = staged(values, *stages)
    out = frame.select(pl.when(s.str.contains(ADDRESS_VALUE)).then(s).alias("s"))
    return out["s"].alias(values.name)


_LABEL = r"^(?:收货地址|家庭住址|地址|住址|家住|住在|位于|居住在|户籍地)[:：]?"


def validate_text(values: pl.Series) -> pl.Series:
    return validate(values.str.replace(_LABEL, ""))


def mask(value: str) -> str:
    return value[:6] + "****"


DETECTOR = Detector(
    id="cn_address",
    category="address",
    validate=validate,
    text_validate=validate_text,
    header_hints=("地址", "住址", "住所", "收货地", "居住地", "户籍地", "address", "addr"),
    needs_hint=True,
    column_threshold=0.4,
    cell_shape=r"\p{Han}",
    mask=mask,
    text_pattern=TEXT_PATTERN,
)
