"""Bank card numbers (银行卡号): 16-19 digits, Luhn check, issuer prefix.

Luhn alone passes one random number in ten, so a card also needs an issuer prefix from the
partial BIN table `cn_bank_bins.dat`, or a card-like column name (in columns); in free text it
also needs a context word just before it (卡号, 银行卡, 账号, card…): a 16-digit order number with
a 62 prefix passes Luhn one time in ten.
An 18-digit number that is a valid resident ID is an ID, not a card: the registry tries the ID
detector first (Gansu IDs start with 62, like UnionPay cards).
"""

from __future__ import annotations

import polars as pl

from chujing.scan.detectors.base import Detector, keep_where, luhn_ok, read_table, staged

BIN_PREFIXES = sorted({row[0] for row in read_table("cn_bank_bins.dat")}, key=len, reverse=True)
_BIN_REGEX = "^(?:" + "|".join(BIN_PREFIXES) + ")"
CARD_HINTS = ("银行卡", "卡号", "银行账号", "储蓄卡", "信用卡", "card", "pan", "bank_account",
              "acct", "账号", "账户")


def _validate(values: pl.Series, require_bin: bool) -> pl.Series:
    s = pl.col("s")
    stages = []
    if values.str.contains(r"[\s\-]").any():
        stages.append({"s": s.str.replace_all(r"[\s\-]", "")})
    frame = staged(values, *stages, {"shape": s.str.contains(r"^\d{16,19}$")},
                   {"n": pl.when(pl.col("shape")).then(s.cast(pl.UInt64, strict=False))})
    ok = pl.col("shape") & luhn_ok(pl.col("n"))
    if require_bin:
        ok = ok & s.str.contains(_BIN_REGEX)
    out = frame.select(pl.when(ok).then(s).alias("s"))
    return out["s"].alias(values.name)


def validate(values: pl.Series) -> pl.Series:
    """Column level: Luhn + BIN (the column's name adds the context, see `validate_hinted`)."""
    return _validate(values, require_bin=True)


def validate_hinted(values: pl.Series) -> pl.Series:
    """In a card-like column: Luhn alone (cards of issuers missing from the partial table)."""
    return _validate(values, require_bin=False)


_CONTEXT = (r"(?:银行卡|信用卡|储蓄卡|借记卡|卡号|账号|银行账户|尾号|卡|(?i:card|account))"
            r"[^0-9\n]{0,8}?")


def validate_text(values: pl.Series) -> pl.Series:
    """In free text a card needs a context word just before it, besides Luhn and the BIN."""
    has_context = values.str.contains("^" + _CONTEXT)
    return keep_where(validate(values.str.replace(r"^[^0-9]*", "")), has_context)


def mask(value: str) -> str:
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


DETECTOR = Detector(
    id="bank_card",
    category="financial_account",
    validate=validate,
    hinted_validate=validate_hinted,
    cell_shape=r"\d{4}[\s\-]?\d{4}[\s\-]?\d{4}",
    header_hints=CARD_HINTS,
    mask=mask,
    text_validate=validate_text,
    text_shape=r"^\D",
    text_pattern=_CONTEXT + r"\d{4}[\s\-]?\d{4}[\s\-]?\d{4}[\s\-]?\d{4}(?:[\s\-]?\d{1,3})?\d*",
    note="Luhn + partial BIN table; Luhn alone only in card-like columns",
)
