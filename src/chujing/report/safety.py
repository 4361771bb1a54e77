"""No raw personal information in any report: every user-supplied string passes through `scrub`.

Reports quote scenario text (item names, recipient names, field lists) and scan output (file names,
column names, samples). The scanner already masks its samples; this is the second line of defence
for anything else a user may have typed, e.g. a phone number pasted into an item's name. It masks
e-mail addresses and any run of seven or more digits (mobile numbers, ID numbers, bank cards,
passport numbers), keeping a few characters at each end like the scanner's `mask_middle`.
"""

from __future__ import annotations

import re
from typing import Any

_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# Digits with the separators people type inside numbers; an ID's final X belongs to the number.
_DIGITS = re.compile(r"(?<![\w.])\+?\d[\d \-]*\d[Xx]?(?![\w])")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A standard's number and year (GB/T 45574-2025, TC260 documents): not a person's number.
_STANDARD = re.compile(r"\d{4,5}(?:\.\d+)?-(?:19|20)\d{2}")
_DIGIT_RUN_MIN = 7

# Keys whose string values are ours (hashes, rule ids, dates), never user text.
SAFE_KEYS = frozenset({"hash", "scenario_hash", "key_fingerprint", "rule", "as_of", "date", "due",
                       "window_opens", "start", "end", "pathway", "route", "fact", "op", "kind",
                       "status", "topic", "counter", "id", "profile"})


def mask_middle(value: str, keep_head: int = 3, keep_tail: int = 2) -> str:
    if len(value) <= keep_head + keep_tail:
        return "*" * len(value)
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def _mask_digits(m: re.Match[str]) -> str:
    text = m.group(0)
    if sum(c.isdigit() for c in text) < _DIGIT_RUN_MIN:
        return text
    if all(_DATE.fullmatch(tok) or _STANDARD.fullmatch(tok) for tok in text.split()):
        return text
    return mask_middle(text)


def _mask_email(m: re.Match[str]) -> str:
    local, _, domain = m.group(0).partition("@")
    return (local[:1] + "***@" + domain) if local else m.group(0)


def scrub(text: str) -> str:
    """The text with e-mail addresses and long digit runs masked."""
    text = _EMAIL.sub(_mask_email, text)
    return _DIGITS.sub(_mask_digits, text)


def scrub_tree(value: Any, key: str | None = None) -> Any:
    """A copy of a JSON-like tree with every user string scrubbed (safe keys left alone)."""
    if isinstance(value, dict):
        return {k: scrub_tree(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_tree(v, key) for v in value]
    if isinstance(value, str) and key not in SAFE_KEYS:
        return scrub(value)
    return value
