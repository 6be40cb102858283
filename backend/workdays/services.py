"""Reading and replacing years' holiday schedules, and computing due dates.

For the results module: `current_calendar()` once per request, then `calendar.add_workdays(end,
RESULT_WORKDAYS)` for a due date and `due_status(due, china_today(), calendar)` for its state.
Each write below is one transaction with its audit entry.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backend.audit import services as audit
from backend.db import db, unit_of_work
from backend.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from backend.policy import Principal
from backend.workdays.calendar import RESULT_WORKDAYS, DayKind, ScheduleDay, WorkCalendar
from backend.workdays.csvfile import parse_schedule_csv
from backend.workdays.library import library_label, library_schedules
from backend.workdays.model import HolidaySchedule, HolidayScheduleDay
from backend.workdays.repository import current_schedules, latest_version, load_calendar, versions_of
from backend.workdays.validation import MAX_YEAR, MIN_YEAR, supported_year, validate_days

CHINA = timezone(timedelta(hours=8))  # China Standard Time has no daylight saving
_UNCHECKED = object()


def china_today() -> date:
    return datetime.now(CHINA).date()


def current_calendar() -> WorkCalendar:
    return load_calendar(db.session)


def _check_year(year: int) -> None:
    if not supported_year(year):
        raise NotFound(f"The calendar covers {MIN_YEAR} to {MAX_YEAR}.", code="workdays.year_unsupported")


def _counts(schedule: HolidaySchedule) -> dict[str, int]:
    kinds = [d.kind for d in schedule.days]
    return {"holidays": kinds.count(DayKind.HOLIDAY), "makeup_workdays": kinds.count(DayKind.MAKEUP_WORKDAY)}


def _about(schedule: HolidaySchedule | None) -> dict[str, Any]:
    if schedule is None:
        return {"version": None, "source": None, "notice": None, "seeded_from": None, "created_by": None,
                "created_at": None, "holidays": 0, "makeup_workdays": 0}
    return {"version": schedule.version, "source": schedule.source, "notice": schedule.notice,
            "seeded_from": schedule.seeded_from, "created_by": schedule.created_by,
            "created_at": schedule.created_at, **_counts(schedule)}


def list_years() -> list[dict[str, Any]]:
    """Every stored year, plus this year and next year (unconfirmed when not stored)."""
    stored = {s.year: s for s in current_schedules(db.session)}
    this_year = china_today().year
    years = sorted(set(stored) | {this_year, this_year + 1})
    return [{"year": y, "confirmed": y in stored, **_about(stored.get(y))} for y in years]


def year_view(year: int, version: int | None = None) -> dict[str, Any]:
    """A year's current schedule (or an older version), with the list of all its versions."""
    _check_year(year)
    versions = versions_of(db.session, year)
    shown = versions[-1] if versions and version is None else None
    if version is not None:
        shown = next((v for v in versions if v.version == version), None)
        if shown is None:
            raise NotFound(f"{year} has no version {version}.", code="workdays.version_not_found")
    return {"year": year, "confirmed": bool(versions),
            "current_version": versions[-1].version if versions else None, **_about(shown),
            "days": [{"date": d.date, "kind": d.kind, "name": d.name} for d in (shown.days if shown else [])],
            "history": [_about(v) for v in versions]}


def replace_schedule(principal: Principal, year: int, body: dict[str, Any], *, based_on: int | None) -> dict[str, Any]:
    """PUT: the body's days become the year's new version; `based_on` is the version the caller read."""
    _check_year(year)
    rows = [(str(i), ScheduleDay(d["date"], DayKind(d["kind"]), d["name"].strip())) for i, d in enumerate(body["days"])]
    errors = validate_days(year, rows, where="days[{}]")
    if errors:
        raise ValidationFailed("The schedule is not valid; see errors for each day.", code="workdays.invalid_days",
                               errors={"json": {"days": errors}})
    _store(principal, year, body["notice"], [d for _, d in rows], "admin", based_on)
    return year_view(year)


def import_schedule(principal: Principal, year: int, notice: str, data: bytes) -> dict[str, Any]:
    """A CSV file becomes the year's new version; errors are keyed by CSV line number."""
    _check_year(year)
    parsed = parse_schedule_csv(data)
    if parsed.file_errors:
        raise ValidationFailed("The file cannot be read as a schedule.", code="workdays.invalid_file",
                               errors={"files": {"file": parsed.file_errors}})
    errors = {**parsed.row_errors, **validate_days(year, parsed.rows, where="line {}")}
    if errors:
        raise ValidationFailed("The schedule is not valid; see errors for each line.", code="workdays.invalid_days",
                               errors={"files": {"file": dict(sorted(errors.items(), key=lambda kv: int(kv[0])))}})
    _store(principal, year, notice, [d for _, d in parsed.rows], "import", _UNCHECKED)
    return year_view(year)


def _store(principal: Principal, year: int, notice: str, days: list[ScheduleDay], source: str,
           based_on: object) -> None:
    with unit_of_work() as session:
        latest = latest_version(session, year)
        if based_on is not _UNCHECKED and latest != based_on:
            raise PreconditionFailed("The year's schedule changed since you read it.", code="workdays.schedule_changed")
        version = (latest or 0) + 1
        session.add(HolidaySchedule(
            year=year, version=version, source=source, notice=notice.strip(), created_by=principal.user_id,
            days=[HolidayScheduleDay(year=year, version=version, date=d.date, kind=d.kind.value, name=d.name)
                  for d in sorted(days, key=lambda d: d.date)]))
        try:
            session.flush()
        except IntegrityError as exc:  # another replacement of the same year took this version number
            raise Conflict("The year's schedule was changed at the same moment; read it again.",
                           code="workdays.concurrent_change") from exc
        audit.record("workdays.schedule_replace", object_type="holiday_schedule", object_id=year,
                     payload={"year": year, "version": version, "source": source, "notice": notice.strip(),
                              "days": [[d.date.isoformat(), d.kind.value, d.name] for d in days]})


def seed_from_library() -> tuple[list[int], list[int]]:
    """Add each year the library knows and the database does not; never touches a stored year.
    Returns (years added, years already stored)."""
    known = {y: days for y, days in library_schedules().items() if supported_year(y)}
    label = library_label()
    with unit_of_work() as session:
        stored = set(session.scalars(sa.select(HolidaySchedule.year).distinct()))
        added = sorted(set(known) - stored)
        for year in added:
            session.add(HolidaySchedule(
                year=year, version=1, source="library", seeded_from=label,
                days=[HolidayScheduleDay(year=year, version=1, date=d.date, kind=d.kind.value, name=d.name)
                      for d in known[year]]))
            audit.record("workdays.library_seed", object_type="holiday_schedule", object_id=year, actor="system",
                         payload={"year": year, "version": 1, "library": label,
                                  "days": [[d.date.isoformat(), d.kind.value, d.name] for d in known[year]]})
    return added, sorted(set(known) & stored)


def due_date(end: date, days: int = RESULT_WORKDAYS) -> dict[str, Any]:
    """The `days`-th working day after `end`, and whether every year it crosses is confirmed."""
    if not supported_year(end.year):
        raise ValidationFailed(f"The calendar covers {MIN_YEAR} to {MAX_YEAR}.", code="workdays.date_unsupported",
                               errors={"query": {"end": [f"must be in {MIN_YEAR} to {MAX_YEAR}"]}})
    calendar = current_calendar()
    due = calendar.add_workdays(end, days)
    unconfirmed = calendar.unconfirmed_years(end, due)
    return {"end": end, "days": days, "due": due, "confirmed": not unconfirmed, "unconfirmed_years": unconfirmed}
