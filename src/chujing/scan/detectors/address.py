"""Postal addresses (地址): administrative units followed by a street-level part.

In a column: the column's name (地址, address…) and the share of values holding an administrative
unit and a street-level marker. In free text: a province/city/district chain followed by a
road, street, village or building part, ending in a number.
"""

from __future__ import annotations

import polars as pl

from chujing.scan.detectors.base import Detector, staged

# The word lists and repeat bounds of the patterns below: the free-text kernel
# (scan/fast/text_address.py) is built from the same values.
ADMIN_UNITS = ("省", "自治区", "市", "区", "县", "旗", "镇", "乡")
SUB_UNITS = ("市", "区", "县", "镇", "乡", "街道")
STREET_WORDS = ("路", "街", "大道", "巷", "弄", "道", "村", "胡同", "小区", "园", "苑", "里")
NUMBER_WORDS = ("号", "栋", "幢", "座", "室", "单元", "楼", "组")
ADMIN_MAX, STREET_MAX, NUMBER_PREFIX_MAX = 10, 20, 10
LABELS = ("收货地址", "家庭住址", "地址", "住址", "家住", "住在", "位于", "居住在", "户籍地")

_PART = r"[\p{Han}A-Za-z0-9\-]"
_ADMIN = rf"\p{{Han}}{{1,{ADMIN_MAX}}}?(?:{'|'.join(ADMIN_UNITS)})"
_SUB = rf"\p{{Han}}{{1,{ADMIN_MAX}}}?(?:{'|'.join(SUB_UNITS)})"
_STREET = rf"{_PART}{{1,{STREET_MAX}}}?(?:{'|'.join(STREET_WORDS)})"
_NUMBER = rf"{_PART}{{0,{NUMBER_PREFIX_MAX}}}?[A-Za-z0-9]+(?:{'|'.join(NUMBER_WORDS)})"
ADDRESS_VALUE = rf"{_ADMIN}.*(?:{_STREET}|\d+号)"
TEXT_PATTERN = rf"{_ADMIN}(?:{_SUB})*{_STREET}{_NUMBER}"


def validate(values: pl.Series) -> pl.Series:
    s = pl.col("s")
    stages = []
    if values.str.contains(r"[\s,，]").any():  # whole-column shortcut: most hold no spaces
        stages.append({"s": s.str.replace_all(r"[\s,，]", "")})
    frame = staged(values, *stages)
    out = frame.select(pl.when(s.str.contains(ADDRESS_VALUE)).then(s).alias("s"))
    return out["s"].alias(values.name)


_LABEL = rf"^(?:{'|'.join(LABELS)})[:：]?"


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
