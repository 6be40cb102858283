"""Checks a year's schedule as a whole, row by row. Pure: returns errors, changes nothing.

Rows come keyed by where they were written (a JSON list index, a CSV line number), so each
message points at the row to fix. Checks: the date is inside the year; no date is listed twice
(whatever the kinds, so never both a holiday and a make-up working day); a make-up working day
falls on a Saturday or Sunday. A holiday may fall on any day.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from backend.workdays.calendar import DayKind, ScheduleDay

MIN_YEAR, MAX_YEAR = 2000, 2100
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

RowErrors = dict[str, dict[str, list[str]]]


def supported_year(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def validate_days(year: int, rows: Sequence[tuple[str, ScheduleDay]], where: str = "row {}") -> RowErrors:
    """Errors by row key and field; empty when the schedule is valid. `where` names a row in messages."""
    errors: RowErrors = {}
    first_seen: dict[date, tuple[str, ScheduleDay]] = {}

    def add(key: str, fieldname: str, message: str) -> None:
        errors.setdefault(key, {}).setdefault(fieldname, []).append(message)

    for key, day in rows:
        if day.date.year != year:
            add(key, "date", f"{day.date.isoformat()} is not in {year}")
            continue
        earlier = first_seen.get(day.date)
        if earlier is not None:
            other_key, other = earlier
            if other.kind == day.kind:
                add(key, "date", f"{day.date.isoformat()} is listed twice (also at {where.format(other_key)})")
            else:
                add(key, "kind", f"{day.date.isoformat()} cannot be both a holiday and a make-up working day "
                                 f"(see {where.format(other_key)})")
            continue
        first_seen[day.date] = (key, day)
        if day.kind == DayKind.MAKEUP_WORKDAY and day.date.weekday() < 5:
            add(key, "kind", f"a make-up working day must be a Saturday or Sunday; "
                             f"{day.date.isoformat()} is a {WEEKDAYS[day.date.weekday()]}")
    return errors
