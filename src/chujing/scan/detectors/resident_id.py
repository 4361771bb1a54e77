"""PRC resident identity card number (居民身份证号码, GB 11643-1999).

18 digits: 6-digit area code, 8-digit birth date, 3-digit sequence (odd = male), ISO 7064
MOD 11-2 check character (0-9 or X). Legacy 15-digit numbers (YYMMDD, no check digit, all 19xx)
are accepted and normalised to 18 digits so one person is one key.

The area code is the *issuing* office's: it may be newer than the birth date (a county created in
1990 issues numbers to people born in 1950), so it is checked at province level only and never
tied to birth years (issue 4). python-stdnum's `cn.ric` does tie them, so it is our reference for
check digits and dates, not for area codes.

Residence permits of Hong Kong, Macao and Taiwan residents (81/82/83) share the format. The
2023 foreigners' permanent-residence card (leading 9) is not recognised: its leading digit
collides with all-digit unified social credit codes.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from chujing.scan.detectors.base import Detector, keep_where, read_table

WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
CHECK_CHARS = "10X98765432"
PROVINCES = {row[0]: (row[1], row[2]) for row in read_table("cn_provinces.dat")}
EARLIEST_BIRTH = "18800101"


def _chunk_tables() -> list[list[int]]:
    """For each 3-digit chunk of the 17 leading digits, its weighted digit sum mod 11.

    Chunk j holds the digits at 10**(3j) .. 10**(3j+2) of the 17-digit number; summing table
    lookups replaces 17 digit extractions by 6 (the check runs on every cell of an ID column).
    """
    tables = []
    for j in range(6):
        positions = [16 - (3 * j + k) for k in range(3)]  # index from the left, units first
        table = []
        for value in range(1000):
            digits = [(value // 10**k) % 10 for k in range(3)]
            table.append(sum(d * WEIGHTS[pos] for d, pos in zip(digits, positions, strict=True)
                             if 0 <= pos < 17) % 11)
        tables.append(table)
    return tables


_TABLES = [pl.Series(t, dtype=pl.Int32) for t in _chunk_tables()]


def _remainder(n17: pl.Expr) -> pl.Expr:
    """Weighted digit sum mod 11 of the 17 leading digits held as one Int64."""
    total = pl.lit(0, pl.Int32)
    for j, table in enumerate(_TABLES):
        chunk = ((n17 // 10 ** (3 * j)) % 1000).cast(pl.UInt32)
        total = total + pl.lit(table).gather(chunk)
    return total % 11


# The remainder each check character stands for ("10X98765432"[remainder] is the character):
# index 0-9 for the digits, 10 for X.
_REMAINDER_OF = pl.Series([CHECK_CHARS.index(c) for c in "0123456789X"], dtype=pl.Int32)


def _valid_date(ymd: pl.Expr) -> pl.Expr:
    """YYYYMMDD held as an integer is a real calendar date (integer arithmetic, no parsing)."""
    year, month, day = ymd // 10000, ymd // 100 % 100, ymd % 100
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = (pl.when(month == 2).then(pl.when(leap).then(29).otherwise(28))
            .when(month.is_in([4, 6, 9, 11])).then(30).otherwise(31))
    return (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)


def _numbers(values: pl.Series) -> pl.DataFrame:
    """n17 (the 17 leading digits, legacy numbers upgraded) and the check code (0-9, X=10).

    Works on integers, not substrings: an all-digit 18-character ID parses as one UInt64; only
    the X-ended and 15-digit numbers take a slower path, on their own rows.
    """
    length = values.str.len_bytes()
    n18 = values.cast(pl.UInt64, strict=False)
    frame = pl.DataFrame({"length": length, "n18": n18}).with_columns(
        n17=pl.when(pl.col("length") == 18).then(pl.col("n18") // 10).cast(pl.Int64),
        code=pl.when(pl.col("length") == 18).then(pl.col("n18") % 10).cast(pl.Int32),
    )
    x_ended = (length == 18) & n18.is_null() & values.str.ends_with("X")
    if x_ended.any():
        rows = pl.int_range(len(values), eager=True).filter(x_ended)
        n17 = values.filter(x_ended).str.slice(0, 17).cast(pl.Int64, strict=False)
        frame = frame.with_columns(
            n17=frame["n17"].scatter(rows, n17),
            code=frame["code"].scatter(rows, pl.repeat(10, len(rows), dtype=pl.Int32,
                                                       eager=True)),
        )
    # Legacy: AAAAAA YYMMDD SSS -> AAAAAA 19YYMMDD SSS, by arithmetic.
    n15 = pl.when(pl.col("length") == 15).then(pl.col("n18").cast(pl.Int64))
    return frame.with_columns(
        n17=pl.coalesce("n17", n15 // 10**9 * 10**11 + 19 * 10**9 + n15 % 10**9),
        legacy=pl.col("length") == 15,
    )


def validate(values: pl.Series, latest_birth: date | None = None) -> pl.Series:
    """Normalised 18-character ID (upper-case X) or null."""
    latest = int((latest_birth or date.today()).strftime("%Y%m%d"))
    # Whole-column shortcuts: most ID columns are already trimmed and upper-case.
    if values.str.contains(r"^\s|\s$").any():
        values = values.str.strip_chars()
    if values.str.contains("x", literal=True).any():
        values = values.str.to_uppercase()
    frame = _numbers(values).with_columns(ymd=pl.col("n17") // 1000 % 100_000_000,
                                          remainder=_remainder(pl.col("n17")))
    n17, ymd = pl.col("n17"), pl.col("ymd")
    ok = (
        (n17 >= 10**16) & (n17 < 9 * 10**16)  # 17 digits, the first 1-8
        & (n17 // 10**15).is_in([int(p) for p in PROVINCES])
        & (ymd >= int(EARLIEST_BIRTH)) & (ymd <= latest) & _valid_date(ymd)
        & (pl.col("legacy")
           | (pl.col("remainder") == pl.lit(_REMAINDER_OF).gather(pl.col("code").fill_null(0))))
    ).fill_null(False)
    frame = frame.with_columns(ok=ok)
    out = keep_where(values, frame["ok"] & ~frame["legacy"])
    upgraded = frame["ok"] & frame["legacy"]
    if upgraded.any():
        rows = pl.int_range(len(values), eager=True).filter(upgraded)
        sub = frame.filter(upgraded)
        full = (sub["n17"].cast(pl.Utf8)
                + sub["remainder"].replace_strict(list(range(11)), list(CHECK_CHARS),
                                                  return_dtype=pl.Utf8))
        out = out.scatter(rows, full)
    return out.alias(values.name)


def birth_date(normalised: pl.Expr) -> pl.Expr:
    return normalised.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)


def is_male(normalised: pl.Expr) -> pl.Expr:
    return normalised.str.slice(16, 1).cast(pl.Int32, strict=False) % 2 == 1


def region_of_issue(normalised: str) -> str:
    return PROVINCES.get(normalised[:2], ("?", "unknown"))[1]


def mask(value: str) -> str:
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


DETECTOR = Detector(
    id="cn_resident_id",
    category="id_number",
    validate=validate,
    header_hints=("身份证", "证件号", "idcard", "id_card", "id_no", "id_number", "idno", "citizen",
                  "resident_id", "sfz"),
    key_type="rid",
    key_rank=0,
    cell_shape=r"^\s*\d{15}(?:\d{2}[\dXx])?\s*$",
    derived=("birth_date", "sex", "region_of_issue"),
    mask=mask,
    text_shape=r"^\d{15}$|^\d{17}[\dXx]$",
    note="area code checked at province level only; 15-digit numbers upgraded to 18",
)
