"""The detector registry: one module per identifier family, registered here in priority order.

Order matters twice: a free-text candidate goes to the first detector that validates it (an
18-digit number that is a valid resident ID is an ID, not a bank card), and the person key of a
row comes from its strongest identifier (`key_rank`).
"""

from __future__ import annotations

from chujing.scan.detectors import (
    address,
    bank_card,
    email,
    imei,
    location,
    network,
    organisation,
    person_name,
    phone,
    resident_id,
    travel_document,
    vehicle,
)
from chujing.scan.detectors.base import Detector
from chujing.scan.detectors.special import KEYWORD_PATTERN

IDENTIFIERS: tuple[Detector, ...] = (
    resident_id.DETECTOR,
    travel_document.DETECTOR,
    imei.DETECTOR,
    email.DETECTOR,
    location.DETECTOR,
    network.MAC,
    network.IPV6,
    network.IPV4,
    phone.LANDLINE,
    phone.MOBILE,
    bank_card.DETECTOR,
    organisation.DETECTOR,
    vehicle.VIN,
    vehicle.PLATE,
)
NAME = person_name.DETECTOR
ADDRESS = address.DETECTOR
REGISTRY: tuple[Detector, ...] = (*IDENTIFIERS, NAME, ADDRESS)
BY_ID: dict[str, Detector] = {d.id: d for d in REGISTRY}

# Shapes no specific alternative produces: digit runs. Being last, this alternative also consumes
# the digits before a number so that no other alternative can start in the middle of it: this is
# the digit look-around that Rust's regex engine lacks (手机13812345678联系 yields 13812345678,
# 9138 1234 5678 yields no phone).
_DIGIT_RUN = r"\d+[Xx]?"

# One pass over each text cell: leftmost-first alternation, specific shapes first.
TEXT_PATTERN = "|".join(
    [d.text_pattern for d in IDENTIFIERS if d.text_pattern]
    + [NAME.text_pattern, ADDRESS.text_pattern, KEYWORD_PATTERN, _DIGIT_RUN]
)

__all__ = ["ADDRESS", "BY_ID", "IDENTIFIERS", "NAME", "REGISTRY", "TEXT_PATTERN", "Detector"]
