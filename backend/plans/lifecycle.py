"""The rules of a plan's life that need no database: the filing deadline and lateness.

R3: plans are filed with the market regulation bureau "by the end of January" (每年1月底前)
of the plan year. The deadline is 31 January, end of day, Beijing time (UTC+8, no daylight
saving since 1991), so no time-zone database is needed.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "UTC+08:00")
TRANSITIONS = {"draft": ("filed",), "filed": ("published",), "published": ()}


def filing_due(year: int) -> date:
    return date(year, 1, 31)


def local_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError("aware datetimes only")
    return moment.astimezone(BEIJING).date()


def days_late(year: int, filed_at: datetime) -> int:
    """Whole days after 31 January (Beijing time) of the plan year; 0 when on time."""
    return max(0, (local_date(filed_at) - filing_due(year)).days)


def can_move(status: str, to: str) -> bool:
    return to in TRANSITIONS.get(status, ())
