"""The seed: holiday schedules from the maintained `chinese-calendar` package (PyPI).

The package knows the State Council's yearly notices from 2004 up to its release (1.11.0: 2026).
Its data only seeds the database; from then on the stored schedules are the single truth, and
an administrator adds later years (docs/working-days.md, docs/adr/0009-...).
"""
from __future__ import annotations

from collections import defaultdict
from importlib.metadata import version

from backend.workdays.calendar import DayKind, ScheduleDay

DISTRIBUTION = "chinese-calendar"
# The names the State Council notices use where the package abbreviates them.
_OFFICIAL_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


def library_label() -> str:
    return f"{DISTRIBUTION} {version(DISTRIBUTION)}"


def _chinese_name(english: str) -> str:
    from chinese_calendar.constants import Holiday

    chinese = Holiday(english).chinese
    return _OFFICIAL_NAMES.get(chinese, chinese)


def library_schedules() -> dict[int, list[ScheduleDay]]:
    """Every year the package knows, with its holidays and make-up working days, by date."""
    from chinese_calendar import constants

    years: dict[int, list[ScheduleDay]] = defaultdict(list)
    for table, kind in ((constants.holidays, DayKind.HOLIDAY), (constants.workdays, DayKind.MAKEUP_WORKDAY)):
        for day, english in table.items():
            years[day.year].append(ScheduleDay(day, kind, _chinese_name(english)))
    return {year: sorted(days, key=lambda d: d.date) for year, days in sorted(years.items())}
