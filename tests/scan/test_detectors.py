"""Table-driven tests per detector, each with its traps, and cross-checks against the references
(python-stdnum, phonenumbers, ipaddress) on thousands of generated values."""

from __future__ import annotations

import ipaddress
import random
from datetime import date

import phonenumbers
import polars as pl
import pytest
from stdnum import imei as stdnum_imei
from stdnum import luhn
from stdnum.cn import ric, uscc

from chujing.scan.detectors import BY_ID, bank_card, resident_id
from chujing.scan.detectors.phone import unknown_prefix

from . import gen


def check(detector_id: str, values: list[str | None], *, text: bool = False,
          hinted: bool = False) -> list[str | None]:
    det = BY_ID[detector_id]
    series = pl.Series("v", values, dtype=pl.Utf8)
    if text:
        return det.validate_text(series).to_list()
    if hinted:
        return det.validate_hinted(series).to_list()
    return det.validate(series).to_list()


# --- tables: (input, expected normalised value or None) --------------------------------------

RESIDENT_ID = [
    ("11010519491231002X", "11010519491231002X"),
    ("11010519491231002x", "11010519491231002X"),  # lower-case check character
    (" 11010519491231002X ", "11010519491231002X"),
    ("110105194912310021", None),  # wrong check digit
    ("110105194902300020", None),  # 30 February
    ("110105220101010011", None),  # born in the future
    ("000105194912310027", None),  # no such province
    ("910105194912310029", None),  # leading 9: USCC territory
    ("130503670401001", "130503196704010016"),  # legacy 15-digit, upgraded
    ("130503671301001", None),  # legacy with month 13
    ("11010519491231002", None),  # 17 digits
    ("1101051949123100212", None),  # 19 digits
    ("810000199001011239", None),  # HK permit shape, wrong check
    ("110105********1234", None),  # masked
    (None, None),
]

MOBILE = [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("+8613812345678", "13812345678"),
    ("008613812345678", "13812345678"),
    ("8613812345678", "13812345678"),
    ("14012345678", "14012345678"),  # unknown segment: still counted (and flagged)
    ("12812345678", None),  # no 12x mobile segment
    ("1381234567", None),  # 10 digits
    ("138123456789", None),  # 12 digits
    ("138****5678", None),  # masked
    ("(010)12345678", None),
]

LANDLINE = [
    ("010-12345678", "01012345678"),
    ("(010)12345678", "01012345678"),
    ("0755-1234567", "07551234567"),
    ("0755-12345678", "075512345678"),
    ("+86 10 12345678", "01012345678"),
    ("01012345678", "01012345678"),  # bare form counts in a phone column
    ("010-1234567", None),  # 2-digit area codes take 8 digits
    ("12345678", None),  # no area code
]

BANK_CARD = [
    ("6222021234567890128", "6222021234567890128"),
    ("6222 0212 3456 7890 128", "6222021234567890128"),
    ("6222021234567890129", None),  # Luhn fails
    ("1234567890123452", None),  # Luhn passes, no known issuer prefix
    ("622202123456", None),  # too short
]

EMAIL = [
    ("Zhang.Wei@Example.COM", "zhang.wei@example.com"),
    ("a+b@x.cn", "a+b@x.cn"),
    ("a..b@x.cn", None),
    ("a@b", None),
    ("@x.cn", None),
    ("z***@example.com", None),  # masked
]

TRAVEL = [
    ("E12345678", "E12345678"),
    ("EA1234567", "EA1234567"),
    ("G12345678", "G12345678"),
    ("C12345678", "C12345678"),
    ("H1234567890", "H1234567890"),
    ("EI1234567", None),  # I never used
    ("X12345678", None),
    ("E1234567", None),
]

NETWORK = [
    ("ipv4", "192.168.1.20", "192.168.1.20"),
    ("ipv4", "256.1.1.1", None),
    ("ipv4", "1.2.3", None),
    ("ipv6", "2001:db8::1", "2001:db8::1"),
    ("ipv6", "2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:0db8:0000:0000:0000:0000:0000:0001"),
    ("ipv6", "12:30:45", None),  # a time, not an address
    ("ipv6", "1::2::3", None),
    ("mac", "00:1A:2B:3C:4D:5E", "00:1a:2b:3c:4d:5e"),
    ("mac", "00-1A-2B-3C-4D-5E", "00:1a:2b:3c:4d:5e"),
    ("mac", "00:1A-2B:3C:4D:5E", None),  # mixed separators
    ("imei", "356938035643809", "356938035643809"),
    ("imei", "356938035643808", None),
]

VEHICLE = [
    ("cn_plate", "京A12345", "京A12345"),
    ("cn_plate", "粤B·D12345", "粤BD12345"),  # new-energy plate
    ("cn_plate", "沪A1234挂", "沪A1234挂"),
    ("cn_plate", "京I12345", None),  # I is not used
    ("cn_plate", "A12345", None),
    ("vin", "1M8GDM9AXKP042788", "1M8GDM9AXKP042788"),  # ISO 3779 textbook example
    ("vin", "1M8GDM9A1KP042788", None),  # wrong check character
    ("vin", "LSVAU2180N21832I4", None),  # I not allowed
]

LOCATION = [
    ("39.904200,116.407400", "39.904200,116.407400"),
    ("(39.9042, 116.4074)", "39.9042,116.4074"),
    ("116.4074,39.9042", "116.4074,39.9042"),
    ("39.90,116.40", None),  # too coarse to be precise
    ("95.123456,200.123456", None),
    ("0.0000,0.0000", None),
]

NAMES = [
    ("张伟", "张伟"),
    ("欧阳娜娜", "欧阳娜娜"),
    ("阿依古丽·买买提", "阿依古丽·买买提"),
    ("张*", None),  # masked
    ("北京某某有限公司", None),
    ("Zhang Wei", None),
    ("张", None),
]


@pytest.mark.parametrize(("value", "expected"), RESIDENT_ID)
def test_resident_id(value, expected):
    assert check("cn_resident_id", [value]) == [expected]


@pytest.mark.parametrize(("value", "expected"), MOBILE)
def test_mobile(value, expected):
    assert check("cn_mobile", [value]) == [expected]


def test_unknown_mobile_prefix_is_flagged():
    values = pl.Series(["14012345678", "13812345678", None])
    assert unknown_prefix(values).to_list() == [True, False, False]


@pytest.mark.parametrize(("value", "expected"), LANDLINE)
def test_landline(value, expected):
    assert check("cn_landline", [value]) == [expected]


def test_landline_in_text_needs_its_written_form():
    assert check("cn_landline", ["01012345678", "010-12345678"], text=True) == [
        None, "01012345678"]


@pytest.mark.parametrize(("value", "expected"), BANK_CARD)
def test_bank_card(value, expected):
    assert check("bank_card", [value]) == [expected]


def test_bank_card_in_card_column_needs_only_luhn():
    assert check("bank_card", ["1234567890123452"], hinted=True) == ["1234567890123452"]


@pytest.mark.parametrize(("value", "expected"), EMAIL)
def test_email(value, expected):
    assert check("email", [value]) == [expected]


@pytest.mark.parametrize(("value", "expected"), TRAVEL)
def test_travel_document(value, expected):
    assert check("travel_document", [value]) == [expected]


def test_travel_document_in_text_needs_context():
    assert check("travel_document", ["护照号E12345678", "订单E12345678"], text=True) == [
        "E12345678", None]


@pytest.mark.parametrize(("detector", "value", "expected"), NETWORK)
def test_network_and_device(detector, value, expected):
    assert check(detector, [value]) == [expected]


@pytest.mark.parametrize(("detector", "value", "expected"), VEHICLE)
def test_vehicle(detector, value, expected):
    assert check(detector, [value]) == [expected]


@pytest.mark.parametrize(("value", "expected"), LOCATION)
def test_location(value, expected):
    assert check("gps", [value]) == [expected]


@pytest.mark.parametrize(("value", "expected"), NAMES)
def test_person_name_column(value, expected):
    assert check("cn_person_name", [value]) == [expected]


def test_uscc_is_reported_but_not_personal_information():
    rng = random.Random(7)
    codes = [gen.uscc_code(rng) for _ in range(300)]
    assert check("uscc", codes) == codes
    assert BY_ID["uscc"].category is None
    assert all(uscc.is_valid(c) for c in codes)
    broken = [c[:-1] + ("0" if c[-1] != "0" else "1") for c in codes]
    ours = check("uscc", broken)
    assert [o is not None for o in ours] == [uscc.is_valid(b) for b in broken]


# --- cross-checks against the reference implementations ---------------------------------------

def test_resident_id_matches_stdnum_on_generated_values():
    rng = random.Random(1)
    values = [gen.rid(rng) for _ in range(3000)] + [gen.rid_bad_check(rng) for _ in range(3000)]
    values += ["".join(rng.choice("0123456789") for _ in range(17)) + rng.choice("0123456789X")
               for _ in range(3000)]
    ours = [v is not None for v in check("cn_resident_id", values)]
    for value, accepted in zip(values, ours, strict=True):
        try:
            ric.validate(value)
            reference = True
        except Exception as exc:  # noqa: BLE001
            # stdnum also rejects unknown counties and counties not yet created in the birth
            # year; we check the province only (issue 4: never tie area codes to birth years).
            reference = type(exc).__name__ == "InvalidComponent" and _date_and_check_ok(value)
        assert accepted == reference, value


def _date_and_check_ok(value: str) -> bool:
    try:
        born = ric.get_birth_date(value)
    except Exception:  # noqa: BLE001
        return False
    return (ric.calc_check_digit(value) == value[-1] and value[:2] in resident_id.PROVINCES
            and date(1880, 1, 1) <= born <= date.today())


def test_issuing_office_newer_than_birth_is_accepted():
    # Pudong New Area (310115) was created in 1993; people born before then hold such numbers.
    body = "31011519500101123"
    number = body + ric.calc_check_digit(body + "0")
    assert check("cn_resident_id", [number]) == [number]


def test_mobile_accepts_everything_phonenumbers_accepts():
    rng = random.Random(2)
    values = ["1" + "".join(rng.choice("0123456789") for _ in range(10)) for _ in range(5000)]
    ours = check("cn_mobile", values)
    for value, normalised in zip(values, ours, strict=True):
        try:
            parsed = phonenumbers.parse(value, "CN")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in (
                phonenumbers.PhoneNumberType.MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
            assert normalised == value, value
    known = pl.Series(ours).drop_nulls()
    flagged = unknown_prefix(known)
    for value, unknown in zip(known.to_list(), flagged.to_list(), strict=True):
        if not unknown:
            # A prefix we list as allocated should be one phonenumbers knows as mobile.
            assert phonenumbers.is_possible_number(phonenumbers.parse(value, "CN")), value


def test_landline_agrees_with_phonenumbers_possible_numbers():
    rng = random.Random(3)
    areas = ["010", "021", "020", "0755", "0571", "0931"]
    values = [f"{rng.choice(areas)}-{rng.randrange(2000000, 99999999)}" for _ in range(2000)]
    ours = check("cn_landline", values)
    for value, normalised in zip(values, ours, strict=True):
        parsed = phonenumbers.parse(value, "CN")
        if normalised is not None:
            assert phonenumbers.is_possible_number(parsed), value


def test_luhn_checks_match_stdnum():
    rng = random.Random(4)
    cards = [gen.card(rng) for _ in range(2000)]
    cards += [gen.luhn_fail(c) for c in cards[:1000]]
    ours = check("bank_card", cards)
    for value, normalised in zip(cards, ours, strict=True):
        assert (normalised is not None) == luhn.is_valid(value), value
    imeis = [gen.imei(rng) for _ in range(1000)] + [gen.luhn_fail(gen.imei(rng))
                                                    for _ in range(1000)]
    for value, normalised in zip(imeis, check("imei", imeis), strict=True):
        assert (normalised is not None) == stdnum_imei.is_valid(value), value


def test_card_prefixes_come_from_the_data_file():
    assert "62" in bank_card.BIN_PREFIXES


def test_ip_addresses_match_ipaddress_module():
    rng = random.Random(5)
    v4 = [".".join(str(rng.randrange(0, 300)) for _ in range(4)) for _ in range(2000)]
    for value, normalised in zip(v4, check("ipv4", v4), strict=True):
        try:
            ipaddress.IPv4Address(value)
            ok = True
        except ValueError:
            ok = False
        assert (normalised is not None) == ok, value
    v6 = [str(ipaddress.IPv6Address(rng.getrandbits(128))) for _ in range(1000)]
    v6 += [ipaddress.IPv6Address(rng.getrandbits(128)).exploded for _ in range(500)]
    assert all(v is not None for v in check("ipv6", v6))
