"""Vehicle identifiers: licence plates (GA 36) and VINs (GB 16735 / ISO 3779).

Plate: province character + issuing-office letter + 5 characters (6 for new-energy plates),
letters I and O excluded; special suffixes 挂学警港澳. VIN: 17 characters without I, O, Q; the
check character at position 9 is required (GB 16735-2019 makes it mandatory for vehicles made
in China). Vehicle identifiers are PI of the keeper (Auto Provisions Art. 3).
"""

from __future__ import annotations

import polars as pl

from chujing.scan.detectors.base import Detector, staged

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_SUFFIXES = "挂学警港澳"
_PROVINCES = PROVINCES
_PLATE = rf"^[{PROVINCES}][A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{{5}}|[DF][A-HJ-NP-Z0-9]{{5}}|[A-HJ-NP-Z0-9]{{5}}[DF]|[A-HJ-NP-Z0-9]{{4}}[{PLATE_SUFFIXES}])$"

_VIN_VALUES = {**{str(d): d for d in range(10)},
               **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
               **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
               **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]


def validate_plate(values: pl.Series) -> pl.Series:
    s = pl.col("s")
    stages = []
    if values.str.contains(r"[\s·•\-a-z]").any():
        stages.append({"s": s.str.replace_all(r"[\s·•\-]", "").str.to_uppercase()})
    frame = staged(values, *stages)
    out = frame.select(pl.when(s.str.contains(_PLATE)).then(s).alias("s"))
    return out["s"].alias(values.name)


def _vin_check(s: pl.Expr) -> pl.Expr:
    total = pl.lit(0, pl.Int32)
    keys, vals = list(_VIN_VALUES), list(_VIN_VALUES.values())
    for pos, weight in enumerate(_VIN_WEIGHTS):
        if weight:
            char_value = s.str.slice(pos, 1).replace_strict(keys, vals, default=0,
                                                            return_dtype=pl.Int32)
            total = total + char_value * weight
    remainder = total % 11
    return pl.when(remainder == 10).then(pl.lit("X")).otherwise(remainder.cast(pl.Utf8))


def validate_vin(values: pl.Series) -> pl.Series:
    s = pl.col("s")
    frame = staged(values, {"s": s.str.strip_chars().str.to_uppercase()},
                   {"shape": s.str.contains(r"^[A-HJ-NPR-Z0-9]{17}$")
                    & s.str.contains(r"[A-Z]") & s.str.contains(r"\d")})
    frame = frame.with_columns(s=pl.when(pl.col("shape")).then(s))
    out = frame.select(pl.when(_vin_check(s) == s.str.slice(8, 1)).then(s).alias("s"))
    return out["s"].alias(values.name)


PLATE = Detector(
    id="cn_plate",
    category="vehicle_id",
    validate=validate_plate,
    header_hints=("车牌", "号牌", "plate", "license_no", "licence_no"),
    column_threshold=0.5,
    text_shape=r"^\p{Han}",
    cell_shape=r"^\s*\p{Han}[A-Za-z]",
    text_pattern=rf"[{_PROVINCES}][A-HJ-NP-Z][·\s\-]?[A-HJ-NP-Z0-9]{{4,5}}[A-HJ-NP-Z0-9挂学警港澳]",
)

VIN = Detector(
    id="vin",
    category="vehicle_id",
    validate=validate_vin,
    header_hints=("vin", "车架号", "车辆识别"),
    text_shape=r"^[A-HJ-NPR-Z][A-HJ-NPR-Z0-9]{16}$",
    cell_shape=r"^\s*[A-Za-z0-9]{17}\s*$",
    text_pattern=r"[A-HJ-NPR-Z][A-HJ-NPR-Z0-9]{16}[A-Za-z0-9]*",
)
