"""E-mail addresses, normalised to lower case."""

from __future__ import annotations

import polars as pl

from chujing.scan.detectors.base import Detector, staged

_PATTERN = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"


def validate(values: pl.Series) -> pl.Series:
    s = pl.col("s")
    stages = []
    if values.str.contains(r"^\s|\s$").any():
        stages.append({"s": s.str.strip_chars()})
    if values.str.contains(r"[A-Z]").any():
        stages.append({"s": s.str.to_lowercase()})
    frame = staged(values, *stages)
    ok = s.str.contains("^" + _PATTERN + "$") & ~s.str.contains(r"\.\.|^\.|\.@")
    out = frame.select(pl.when(ok).then(s).alias("s"))
    return out["s"].alias(values.name)


def mask(value: str) -> str:
    local, _, domain = value.partition("@")
    return local[:1] + "***@" + domain


DETECTOR = Detector(
    id="email",
    category="email",
    validate=validate,
    header_hints=("邮箱", "电子邮件", "email", "e-mail", "mail"),
    key_type="email",
    key_rank=3,
    cell_shape="@",
    mask=mask,
    text_shape="@",
    text_pattern=_PATTERN,
)
