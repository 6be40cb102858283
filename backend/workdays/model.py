"""Holiday schedules, one version per change of a year; both tables are append-only.

A year's current schedule is its highest version. Replacing a year's schedule adds a version
and keeps the old ones, so nothing an administrator or the library seed wrote is ever lost.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import Base, UTCDateTime, utcnow

SOURCES = ("library", "admin", "import")
KINDS = ("holiday", "makeup_workday")


class HolidaySchedule(Base):
    __tablename__ = "holiday_schedule"
    __table_args__ = (
        sa.CheckConstraint("source IN ('library', 'admin', 'import')", name="source"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(sa.String(10))
    # The State Council notice, e.g. 国办发明电〔2025〕N号; None for library seeds
    notice: Mapped[str | None] = mapped_column(sa.String(200))
    seeded_from: Mapped[str | None] = mapped_column(sa.String(60))  # e.g. "chinese-calendar 1.11.0"
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    days: Mapped[list[HolidayScheduleDay]] = relationship(
        lazy="selectin", order_by="HolidayScheduleDay.date", cascade="save-update, merge")


class HolidayScheduleDay(Base):
    __tablename__ = "holiday_schedule_day"
    __table_args__ = (
        sa.ForeignKeyConstraint(["year", "version"], ["holiday_schedule.year", "holiday_schedule.version"],
                                name="fk_holiday_schedule_day_schedule"),
        sa.CheckConstraint("kind IN ('holiday', 'makeup_workday')", name="kind"),
    )

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # One row per date and version: a date cannot be both a holiday and a make-up working day.
    date: Mapped[dt.date] = mapped_column(sa.Date, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(60), default="")
