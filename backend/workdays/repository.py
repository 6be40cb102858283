"""Reads of stored schedules: the current version of each year, a year's history, the calendar."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.workdays.calendar import DayKind, ScheduleDay, WorkCalendar
from backend.workdays.model import HolidaySchedule, HolidayScheduleDay


def _current_versions() -> sa.Subquery:
    return (sa.select(HolidaySchedule.year, sa.func.max(HolidaySchedule.version).label("version"))
            .group_by(HolidaySchedule.year).subquery())


def current_schedules(session: Session) -> list[HolidaySchedule]:
    """The current (highest) version of every stored year, by year."""
    cur = _current_versions()
    stmt = (sa.select(HolidaySchedule)
            .join(cur, sa.and_(HolidaySchedule.year == cur.c.year, HolidaySchedule.version == cur.c.version))
            .order_by(HolidaySchedule.year))
    return list(session.scalars(stmt))


def versions_of(session: Session, year: int) -> list[HolidaySchedule]:
    """Every version of one year, oldest first."""
    stmt = sa.select(HolidaySchedule).where(HolidaySchedule.year == year).order_by(HolidaySchedule.version)
    return list(session.scalars(stmt))


def latest_version(session: Session, year: int) -> int | None:
    return session.scalar(sa.select(sa.func.max(HolidaySchedule.version)).where(HolidaySchedule.year == year))


def load_calendar(session: Session) -> WorkCalendar:
    """The calendar from the current version of every stored year (about 30 rows a year)."""
    cur = _current_versions()
    rows = session.execute(
        sa.select(cur.c.year, HolidayScheduleDay.date, HolidayScheduleDay.kind, HolidayScheduleDay.name)
        .select_from(cur)
        .outerjoin(HolidayScheduleDay, sa.and_(HolidayScheduleDay.year == cur.c.year,
                                               HolidayScheduleDay.version == cur.c.version)))
    schedules: dict[int, list[ScheduleDay]] = {}
    for year, day, kind, name in rows:
        year_days = schedules.setdefault(year, [])  # a stored year without days is still confirmed
        if day is not None:
            year_days.append(ScheduleDay(day, DayKind(kind), name))
    return WorkCalendar.from_schedules(schedules)
