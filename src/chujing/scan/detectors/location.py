"""Precise locations: latitude/longitude pairs with at least four decimals (about 10 m).

One pair is a precise location (sensitive under GB/T 45574-2025 Annex A as a precise single
point); a sequence of pairs in one cell, or three or more distinct points for one person, is a
whereabouts track (行踪轨迹, PIPL Art. 28). The person-level rule lives in the scanner.
"""

from __future__ import annotations

import polars as pl

from chujing.scan.detectors.base import Detector, staged

_NUM = r"-?\d{1,3}\.\d{4,}"
PAIR = rf"{_NUM}\s*[,，]\s*{_NUM}"
TRACK_MIN_POINTS = 3


def validate(values: pl.Series) -> pl.Series:
    s = pl.col("s")
    stages = []
    if values.str.contains(r"[\s()（）\[\]，]").any():
        stages.append({"s": s.str.replace_all(r"[\s()（）\[\]]", "").str.replace_all("，", ",")})
    frame = staged(values, *stages, {"shape": s.str.contains(rf"^{_NUM},{_NUM}$")})
    parts = frame["s"].str.split_exact(",", 1).struct.unnest()
    frame = frame.with_columns(a=parts["field_0"].cast(pl.Float64, strict=False),
                               b=parts["field_1"].cast(pl.Float64, strict=False))
    a, b = pl.col("a"), pl.col("b")
    # Either order (lat,lon or lon,lat) is common; both must be plausible and not 0,0.
    lat_lon = (a.abs() <= 90) & (b.abs() <= 180)
    lon_lat = (a.abs() <= 180) & (b.abs() <= 90)
    ok = pl.col("shape") & (lat_lon | lon_lat) & ~((a == 0) & (b == 0))
    out = frame.select(pl.when(ok).then(s).alias("s"))
    return out["s"].alias(values.name)


def mask(value: str) -> str:
    return ",".join(part.split(".")[0] + ".****" for part in value.split(","))


DETECTOR = Detector(
    id="gps",
    category="precise_location",
    validate=validate,
    header_hints=("坐标", "经纬度", "定位", "位置", "gps", "coord", "location", "latlng", "lnglat",
                  "track", "轨迹"),
    mask=mask,
    cell_shape=r"\d\.\d{4}",
    text_shape=r"^-?\d{1,3}\.\d{4}",
    text_pattern=PAIR,
)
