"""PI categories as bits, so that a person's categories over many rows merge with one OR.

The list names every category the scanner can report; whether a category is *sensitive* is not
decided here but by the sensitivity profile in force (chujing.rulebook.sensitivity).
"""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "name", "phone", "email", "address", "id_number", "travel_document", "birth_date", "sex",
    "region_of_issue", "device_id", "network_id", "vehicle_id", "precise_location",
    "whereabouts_tracks", "financial_account", "medical_health", "biometric", "religious_belief",
    "specific_identity", "minor_under_14", "credit_reference", "criminal_record", "id_card_photo",
)
BIT: dict[str, int] = {cat: 1 << i for i, cat in enumerate(CATEGORIES)}
assert len(CATEGORIES) <= 32  # flags are UInt32


def mask_of(categories: list[str] | tuple[str, ...]) -> int:
    """The bit mask of the given categories (unknown ones are ignored)."""
    out = 0
    for cat in categories:
        out |= BIT.get(cat, 0)
    return out


def categories_of(flags: int) -> list[str]:
    return [cat for cat, bit in BIT.items() if flags & bit]
