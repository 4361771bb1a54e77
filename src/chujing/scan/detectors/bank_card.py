"""Bank card numbers (银行卡号): 16-19 digits, Luhn check, issuer prefix.

Luhn alone passes one random number in ten, so a card also needs an issuer prefix from the
partial BIN table `cn_bank_bins.dat` (in free text), or a card-like column name (in columns).
An 18-digit number that is a valid resident ID is an ID, not a card: the registry tries the ID
detector first (Gansu IDs start with 62, like UnionPay cards).
"""

from __future__ import annotations

import polars as pl

from chujing.scan.detectors.base import Detector, luhn_ok, read_table, staged

BIN_PREFIXES = sorted({row[0] for row in read_table("cn_bank_bins.dat")}, key=len, reverse=True)
_BIN_REGEX = "^(?:" + "|".join(BIN_PREFIXES) + ")"
CARD_HINTS = ("银行卡", "卡号", "银行账号", "储蓄卡", "信用卡", "card", "pan", "bank_account",
              "acct", "账号", "账户")


def _validate(values: pl.Series, require_bin: bool) -> pl.Series:
    s = pl.col("s")
    frame = staged(values, {"s": s.str.replace_all(r"[\s\-]", "")},
                   {"shape": s.str.contains(r"^\d{16,19}$")})
    ok = pl.col("shape") & luhn_ok(s)
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


def mask(value: str) -> str:
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


DETECTOR = Detector(
    id="bank_card",
    category="financial_account",
    validate=validate,
    hinted_validate=validate_hinted,
    header_hints=CARD_HINTS,
    mask=mask,
    text_pattern=r"\d{4}[\s\-]\d{4}[\s\-]\d{4}[\s\-]\d{4}(?:[\s\-]?\d{1,3})?",
    note="Luhn + partial BIN table; Luhn alone only in card-like columns",
)
