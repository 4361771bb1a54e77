"""Generators of genuine and near-miss identifiers for the tests (seeded, reproducible)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from stdnum import luhn
from stdnum.cn import ric, uscc

AREAS = ["110105", "310101", "440305", "620102", "330106", "510104", "650102", "810000",
         "230102", "370202", "460106", "540102"]


def rid(rng: random.Random, born: date | None = None, area: str | None = None) -> str:
    if born is None:
        born = date(1930, 1, 1) + timedelta(days=rng.randrange(0, 365 * 90))
    body = f"{area or rng.choice(AREAS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def rid_bad_check(rng: random.Random) -> str:
    good = rid(rng)
    wrong = [c for c in "0123456789X" if c != good[-1]]
    return good[:-1] + rng.choice(wrong)


def mobile(rng: random.Random) -> str:
    prefix = rng.choice(["138", "139", "150", "186", "199", "177", "135", "166", "191"])
    return prefix + "".join(rng.choice("0123456789") for _ in range(8))


def card(rng: random.Random, prefix: str | None = None, length: int | None = None) -> str:
    prefix = prefix or rng.choice(["622202", "621700", "622848", "625965", "436742", "955880"])
    length = length or rng.choice([16, 19])
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    return body + luhn.calc_check_digit(body)


def luhn_fail(number: str) -> str:
    last = int(number[-1])
    return number[:-1] + str((last + 1) % 10)


def imei(rng: random.Random) -> str:
    body = "35" + "".join(rng.choice("0123456789") for _ in range(12))
    return body + luhn.calc_check_digit(body)


def uscc_code(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + "110108" + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)
