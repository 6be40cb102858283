"""The 20-working-day clock of a result (R5.1; docs/working-days.md, docs/results.md).

Day 0 is the date the check ended, in China (UTC+8); the due date is the 20th working day
after it. Only the end date is stored: the due date is always computed from the current
calendar, so a holiday table added or corrected later moves every open due date with it.
Lists filter in SQL on the end date: the due date grows with the end date, so "due before
day X" is "ended on or before the last end date whose due date is before X".
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from backend.workdays.calendar import (
    DUE_SOON_WORKDAYS,
    RESULT_WORKDAYS,
    WorkCalendar,
    due_status,
)
from backend.workdays.services import CHINA


def china_date(moment: str | datetime) -> date:
    """The date in China of an RFC 3339 time with an offset."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value.astimezone(CHINA).date()


def due_on(calendar: WorkCalendar, ended_on: date) -> date:
    return calendar.add_workdays(ended_on, RESULT_WORKDAYS)


def last_end_due_by(calendar: WorkCalendar, day: date) -> date:
    """The latest end date whose due date is on or before `day`."""
    end = day - timedelta(days=RESULT_WORKDAYS)  # 20 working days take at least 20 days
    while due_on(calendar, end) > day:
        end -= timedelta(days=1)
    while due_on(calendar, end + timedelta(days=1)) <= day:
        end += timedelta(days=1)
    return end


def cutoffs(calendar: WorkCalendar, today: date) -> tuple[date, date]:
    """(overdue: ended on or before this, due soon: ended after the first and on or before this)."""
    overdue = last_end_due_by(calendar, today - timedelta(days=1))
    soon = last_end_due_by(calendar, calendar.add_workdays(today, DUE_SOON_WORKDAYS))
    return overdue, soon


def clock(calendar: WorkCalendar, ended_on: date | None, today: date, done_on: date | None = None
          ) -> dict[str, Any] | None:
    """The clock of one result: its due date and state (for a published one, whether it was on time)."""
    if ended_on is None:
        return None
    due = due_on(calendar, ended_on)
    unconfirmed = calendar.unconfirmed_years(ended_on, due)
    if done_on is not None:
        state = "published_on_time" if done_on <= due else "published_late"
    else:
        state = due_status(due, today, calendar).value
    return {"ended_on": ended_on.isoformat(), "due_on": due.isoformat(), "state": state,
            "confirmed": not unconfirmed, "unconfirmed_years": unconfirmed}
