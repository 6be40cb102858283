"""Working-day arithmetic over a holiday schedule. Pure: no database, no clock.

A day is a working day when the schedule marks it a make-up working day (调休上班), or when it is
Monday to Friday and the schedule does not mark it a holiday (放假). Days the schedule does not
mention, including every day of a year without a schedule, follow plain Monday to Friday.

Counting rule (docs/working-days.md): "within N working days of the check ending" counts the
working days strictly after the end date. The end date is day 0 and never counts, even when it
is a working day; the due date is the N-th working day after it, and it is still on time.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

RESULT_WORKDAYS = 20  # R5.1: results are entered and published within 20 working days
DUE_SOON_WORKDAYS = 3


class DayKind(StrEnum):
    HOLIDAY = "holiday"  # 放假
    MAKEUP_WORKDAY = "makeup_workday"  # 调休上班


@dataclass(frozen=True)
class ScheduleDay:
    """One line of a year's holiday schedule: 2026-02-16, holiday, 春节."""

    date: date
    kind: DayKind
    name: str = ""


class DueStatus(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TIME = "on_time"


def _weekdays_through(d: date) -> int:
    """Mondays to Fridays from 0001-01-01 (a Monday) through d."""
    weeks, rest = divmod(d.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


@dataclass(frozen=True)
class WorkCalendar:
    """The holidays and make-up working days of the confirmed years; other days are Mon-Fri."""

    days: Mapping[date, DayKind] = field(default_factory=dict)
    confirmed_years: frozenset[int] = frozenset()
    _sorted: tuple[date, ...] = field(init=False, repr=False, compare=False)

    @classmethod
    def from_schedules(cls, schedules: Mapping[int, list[ScheduleDay]]) -> WorkCalendar:
        """From each confirmed year's days (a year listed with no days is confirmed as plain Mon-Fri)."""
        days = {d.date: DayKind(d.kind) for year_days in schedules.values() for d in year_days}
        return cls(days, frozenset(schedules))

    def __post_init__(self) -> None:
        object.__setattr__(self, "_sorted", tuple(sorted(self.days)))

    def is_workday(self, d: date) -> bool:
        kind = self.days.get(d)
        if kind is None:
            return d.weekday() < 5
        return kind == DayKind.MAKEUP_WORKDAY

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day strictly after `start` (`start` itself when n is 0)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        while n:
            day += timedelta(days=1)
            if self.is_workday(day):
                n -= 1
        return day

    def workdays_between(self, a: date, b: date) -> int:
        """Working days d with a < d <= b; negative (the count of b < d <= a) when b is before a."""
        if b < a:
            return -self.workdays_between(b, a)
        count = _weekdays_through(b) - _weekdays_through(a)
        for d in self._sorted[bisect_right(self._sorted, a):bisect_right(self._sorted, b)]:
            weekday = d.weekday() < 5
            if weekday and self.days[d] == DayKind.HOLIDAY:
                count -= 1
            elif not weekday and self.days[d] == DayKind.MAKEUP_WORKDAY:
                count += 1
        return count

    def unconfirmed_years(self, a: date, b: date) -> list[int]:
        """Years of the days a < d <= b for which no schedule is known (plain Mon-Fri was assumed)."""
        first = (a + timedelta(days=1)).year
        return [y for y in range(first, b.year + 1) if y not in self.confirmed_years]


def due_status(due: date, today: date, calendar: WorkCalendar, soon_days: int = DUE_SOON_WORKDAYS) -> DueStatus:
    """Overdue after the due date; due soon when at most `soon_days` working days are left
    (the due date itself included: on the due date 0 are left); on time otherwise."""
    if today > due:
        return DueStatus.OVERDUE
    if calendar.workdays_between(today, due) <= soon_days:
        return DueStatus.DUE_SOON
    return DueStatus.ON_TIME
