"""Deadlines in Chinese working days (工作日): weekends, public holidays and make-up working days
(调休) come from the chinese-calendar library, which follows the State Council's yearly notices.

For a year whose notice is not yet in the library, only weekends are skipped and the result says
so, so that a user re-checks the date instead of trusting a guess.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

FALLBACK_NOTE = {
    "zh": "{year}年节假日安排尚未收录（chinese-calendar），仅按周末推算，请核对国务院办公厅通知。",
    "en": "The {year} holiday schedule is not yet in chinese-calendar; only weekends were skipped — "
          "check against the State Council notice.",
}


@lru_cache(maxsize=8192)
def is_working_day(day: date) -> tuple[bool, bool]:
    """(is a working day, known from the official schedule)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def add_working_days(start: date, n: int) -> tuple[date, set[int]]:
    """The n-th working day after `start` (start itself not counted); years that fell back."""
    day, left, guessed = start, n, set()
    while left > 0:
        day += timedelta(days=1)
        working, known = is_working_day(day)
        if not known:
            guessed.add(day.year)
        if working:
            left -= 1
    return day, guessed


def subtract_working_days(end: date, n: int) -> tuple[date, set[int]]:
    """The first day of the last n working days up to and including `end`."""
    day, left, guessed = end, n, set()
    first = end
    while left > 0:
        working, known = is_working_day(day)
        if not known:
            guessed.add(day.year)
        if working:
            left -= 1
            first = day
        day -= timedelta(days=1)
    return first, guessed


def add_months(start: date, months: int) -> date:
    """Calendar months; the last day of a shorter month when the day does not exist."""
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_years(start: date, years: int) -> date:
    return add_months(start, 12 * years)


def calendar_note(years: set[int]) -> dict[str, str] | None:
    if not years:
        return None
    ys = "、".join(str(y) for y in sorted(years))
    yl = ", ".join(str(y) for y in sorted(years))
    return {"zh": FALLBACK_NOTE["zh"].format(year=ys), "en": FALLBACK_NOTE["en"].format(year=yl)}


def add_days(start: date, days: int) -> date:
    return start + timedelta(days=days)


def roll_to_working_day(day: date) -> tuple[date, set[int]]:
    """Civil Code Art. 203: a period whose last day is a statutory holiday ends on the next working day."""
    guessed: set[int] = set()
    while True:
        working, known = is_working_day(day)
        if not known:
            guessed.add(day.year)
        if working:
            return day, guessed
        day += timedelta(days=1)
