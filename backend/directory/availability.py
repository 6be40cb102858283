"""Whether an inspector may be drawn on a given day: pure functions, no database.

Status periods layer. A period covers the days from `starts_on` to `ends_on` inclusive (no end:
open-ended). On a day, the covering period with the latest start wins (equal starts: the one
recorded last, i.e. the higher id). So "active since 2022" plus "on_leave 1-14 March" reads as
on leave in those two weeks and active again afterwards, and "retired from 1 July" (open-ended)
ends everything before it from that day on. A day no period covers has no status.

Available = the status on that day is `active` and the enforcement certificate is valid on that
day (valid_from <= day <= valid_until).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

INSPECTOR_STATUSES = ("active", "on_leave", "seconded", "transferred", "retired")


@dataclass(frozen=True)
class Period:
    id: int
    status: str
    starts_on: date
    ends_on: date | None = None

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


def status_on(periods: Iterable[Period], day: date) -> str | None:
    covering = [p for p in periods if p.covers(day)]
    if not covering:
        return None
    return max(covering, key=lambda p: (p.starts_on, p.id)).status


def certificate_valid(valid_from: date, valid_until: date, day: date) -> bool:
    return valid_from <= day <= valid_until


def is_available(periods: Iterable[Period], valid_from: date, valid_until: date, day: date) -> bool:
    return status_on(periods, day) == "active" and certificate_valid(valid_from, valid_until, day)
