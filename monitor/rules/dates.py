"""Calendar arithmetic used by the treaty rules. Pure functions, no Django."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(d: date, months: int) -> tuple[date, bool]:
    """Same day-of-month `months` later; clamps to the month's last day.

    Returns the date and whether it was clamped (e.g. 31 Aug + 6 months -> 28/29 Feb), so
    callers can flag a date that no source has confirmed (DOMAIN.md 4.3).
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    if d.day > last:
        return date(year, month, last), True
    return date(year, month, d.day), False


def first_of_month_after(d: date, months: int) -> date:
    """Day 1 of the month `months` after the month of `d` (Art. 17 arithmetic)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def add_years(d: date, years: int) -> date:
    """Same month and day `years` later; 29 Feb falls back to 28 Feb."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def next_april_30(d: date) -> date:
    """The first 30 April on or after `d`."""
    candidate = date(d.year, 4, 30)
    return candidate if candidate >= d else date(d.year + 1, 4, 30)
