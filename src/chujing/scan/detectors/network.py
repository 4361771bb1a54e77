"""Network identifiers: IPv4 and IPv6 addresses (network_id) and MAC addresses (device_id).

An IPv4 address in free text may also be a version string ("1.2.3.4"); every octet must be
0-255, and the unbounded-digit guard keeps longer numbers out. IPv6 candidates are checked for
the group count and a single `::`.
"""

from __future__ import annotations

import polars as pl

from chujing.scan.detectors.base import Detector, keep_where, staged

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = rf"^{_OCTET}(?:\.{_OCTET}){{3}}$"
_H = r"[0-9a-f]{1,4}"
_IPV6 = (
    rf"^(?:(?:{_H}:){{7}}{_H}"
    rf"|(?:{_H}:){{1,7}}:"
    rf"|(?:{_H}:){{1,6}}:{_H}"
    rf"|(?:{_H}:){{1,5}}(?::{_H}){{1,2}}"
    rf"|(?:{_H}:){{1,4}}(?::{_H}){{1,3}}"
    rf"|(?:{_H}:){{1,3}}(?::{_H}){{1,4}}"
    rf"|(?:{_H}:){{1,2}}(?::{_H}){{1,5}}"
    rf"|{_H}:(?::{_H}){{1,6}}"
    rf"|:(?::{_H}){{1,7}})$"
)
_MAC = r"^[0-9a-f]{2}([:\-])[0-9a-f]{2}(?:[:\-][0-9a-f]{2}){4}$"


def _matching(values: pl.Series, pattern: str, lower: bool = True) -> pl.Series:
    s = pl.col("s")
    frame = staged(values, {"s": s.str.strip_chars().str.to_lowercase() if lower else s})
    out = frame.select(pl.when(s.str.contains(pattern)).then(s).alias("s"))
    return out["s"].alias(values.name)


def validate_ipv4(values: pl.Series) -> pl.Series:
    return _matching(values, _IPV4, lower=False)


def validate_ipv6(values: pl.Series) -> pl.Series:
    # "::" alone and "1::" style single-group forms are too weak to count as an address.
    out = _matching(values, _IPV6)
    return keep_where(out, out.str.count_matches(r"[0-9a-f]") >= 4)


def validate_mac(values: pl.Series) -> pl.Series:
    out = _matching(values, _MAC)
    same_sep = out.str.replace_all(r"[0-9a-f]", "").str.contains(r"^(?::{5}|-{5})$")
    return keep_where(out.str.replace_all("-", ":"), same_sep)


IPV4 = Detector(
    id="ipv4",
    category="network_id",
    validate=validate_ipv4,
    header_hints=("ip", "地址ip", "ip地址", "client_addr", "remote_addr"),
    text_shape=r"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$",
    cell_shape=r"\d\.\d{1,3}\.\d",
    text_pattern=r"\d{1,3}(?:\.\d{1,3}){3}(?:\.?\d)*",
)

IPV6 = Detector(
    id="ipv6",
    category="network_id",
    validate=validate_ipv6,
    header_hints=("ipv6", "ip"),
    text_shape=":",
    cell_shape=":",
    text_pattern=r"[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:]*[0-9A-Fa-f]",
)

MAC = Detector(
    id="mac",
    category="device_id",
    validate=validate_mac,
    header_hints=("mac", "物理地址"),
    text_shape=r"^[0-9A-Fa-f]{2}[:\-][0-9A-Fa-f]{2}[:\-]",
    cell_shape=r"[0-9A-Fa-f]{2}[:\-][0-9A-Fa-f]{2}[:\-]",
    text_pattern=r"[0-9A-Fa-f]{2}(?:[:\-][0-9A-Fa-f]{2}){5}",
)
