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

from chujing.scan.detectors.base import Detector, read_table, staged

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


def _check_char(n17: pl.Expr) -> pl.Expr:
    """Check character from the 17 leading digits held as one Int64."""
    total = pl.lit(0, pl.Int32)
    for j, table in enumerate(_TABLES):
        chunk = ((n17 // 10 ** (3 * j)) % 1000).cast(pl.UInt32)
        total = total + pl.lit(table).gather(chunk)
    return (total % 11).replace_strict(list(range(11)), list(CHECK_CHARS), return_dtype=pl.Utf8)


def _valid_date(ymd: pl.Expr) -> pl.Expr:
    """YYYYMMDD held as an integer is a real calendar date (integer arithmetic, no parsing)."""
    year, month, day = ymd // 10000, ymd // 100 % 100, ymd % 100
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = (pl.when(month == 2).then(pl.when(leap).then(29).otherwise(28))
            .when(month.is_in([4, 6, 9, 11])).then(30).otherwise(31))
    return (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)


def validate(values: pl.Series, latest_birth: date | None = None) -> pl.Series:
    """Normalised 18-character ID (upper-case X) or null."""
    latest = int((latest_birth or date.today()).strftime("%Y%m%d"))
    s = pl.col("s")
    # Whole-column shortcuts: most ID columns are already trimmed and upper-case.
    cleaning = []
    if values.str.contains(r"^\s|\s$").any():
        cleaning.append(s.str.strip_chars())
    if values.str.contains("x", literal=True).any():
        cleaning.append(s.str.to_uppercase())
    stages = [{"s": c} for c in cleaning]
    length = s.str.len_bytes()
    frame = staged(
        values,
        *stages,
        {"first17": pl.when(length == 18).then(s.str.slice(0, 17))
                      .when(length == 15).then(s.str.slice(0, 6) + pl.lit("19") + s.str.slice(6, 9)),
         "given": pl.when(length == 18).then(s.str.slice(17, 1))},
        {"n17": pl.col("first17").cast(pl.Int64, strict=False)},
        {"check": _check_char(pl.col("n17")), "ymd": pl.col("n17") // 1000 % 100_000_000},
    )
    n17, ymd = pl.col("n17"), pl.col("ymd")
    ok = (
        (n17 >= 10**16) & (n17 < 9 * 10**16)  # 17 digits, first 1-8
        & pl.col("first17").str.contains(r"^\d{17}$")  # no sign or blanks inside
        & (n17 // 10**15).is_in([int(p) for p in PROVINCES])
        & (ymd >= int(EARLIEST_BIRTH)) & (ymd <= latest) & _valid_date(ymd)
        & (pl.col("given").is_null() | (pl.col("given") == pl.col("check")))
    )
    out = frame.select(pl.when(ok).then(pl.col("first17") + pl.col("check")).alias("s"))
    return out["s"].alias(values.name)


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
