"""Property tests: the vectorised checks agree with plain-Python references on any input."""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from chujing.scan.detectors import BY_ID, resident_id

digits = st.text(alphabet="0123456789", min_size=15, max_size=19)
id_like = st.builds(lambda body, last: body + last,
                    st.text(alphabet="0123456789", min_size=17, max_size=17),
                    st.sampled_from(list("0123456789X")))


def reference_rid(value: str) -> bool:
    """GB 11643 as issue 4 reads it: check digit, real birth date, known province."""
    if len(value) == 15:
        value = value[:6] + "19" + value[6:]
        value += ric.calc_check_digit(value + "0")
    if len(value) != 18 or not value[:17].isdigit():
        return False
    try:
        born = ric.get_birth_date(value)
    except Exception:  # noqa: BLE001
        return False
    return (ric.calc_check_digit(value) == value[-1]
            and value[:2] in resident_id.PROVINCES and value[0] in "12345678"
            and date(1880, 1, 1) <= born <= date.today())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(id_like, digits), min_size=1, max_size=50))
def test_resident_id_matches_reference(values):
    ours = BY_ID["cn_resident_id"].validate(pl.Series(values, dtype=pl.Utf8)).to_list()
    assert [o is not None for o in ours] == [reference_rid(v) for v in values]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="0123456789", min_size=16, max_size=19), min_size=1,
                max_size=50))
def test_card_luhn_matches_stdnum_in_card_columns(values):
    ours = BY_ID["bank_card"].validate_hinted(pl.Series(values, dtype=pl.Utf8)).to_list()
    assert [o is not None for o in ours] == [luhn.is_valid(v) for v in values]
