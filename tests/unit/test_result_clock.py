"""The result clock (backend/results/clock.py): due dates, due states and the end-date cutoffs
the lists filter on, around the 2026 Spring Festival and National Day with make-up Saturdays."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from backend.results.clock import china_date, clock, cutoffs, due_on, last_end_due_by
from backend.workdays.calendar import WorkCalendar
from backend.workdays.library import library_schedules


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return WorkCalendar.from_schedules({y: d for y, d in library_schedules().items() if y >= 2025})


def test_the_check_end_is_taken_as_a_date_in_china() -> None:
    assert china_date("2026-02-13T23:30:00+08:00") == date(2026, 2, 13)
    assert china_date("2026-02-13T16:30:00+00:00") == date(2026, 2, 14)  # already Saturday in Tai'an


@pytest.mark.parametrize(("ended", "due"), [
    (date(2026, 2, 13), date(2026, 3, 19)),  # Sat 14 Feb and Sat 28 Feb are worked; 15-23 Feb are off
    (date(2026, 2, 18), date(2026, 3, 20)),  # ended inside the holiday
    (date(2026, 9, 18), date(2026, 10, 22)),  # Sun 20 Sep and Sat 10 Oct worked; National Day off
])
def test_the_due_date_counts_holidays_and_make_up_working_days(calendar: WorkCalendar, ended: date, due: date) -> None:
    assert due_on(calendar, ended) == due


@pytest.mark.parametrize("day", [date(2026, 3, 19), date(2026, 3, 20), date(2026, 3, 21), date(2026, 10, 8),
                                 date(2026, 10, 12), date(2026, 10, 22), date(2026, 10, 24)])
def test_the_cutoff_is_the_last_end_date_due_by_a_day(calendar: WorkCalendar, day: date) -> None:
    end = last_end_due_by(calendar, day)
    assert due_on(calendar, end) <= day < due_on(calendar, end + timedelta(days=1))


def test_overdue_and_due_soon_cutoffs_agree_with_the_due_state_of_every_end_date(calendar: WorkCalendar) -> None:
    for today in (date(2026, 3, 17), date(2026, 3, 20), date(2026, 10, 19), date(2026, 10, 23)):
        overdue_end, soon_end = cutoffs(calendar, today)
        for offset in range(80):
            ended = today - timedelta(days=offset)
            state = clock(calendar, ended, today)["state"]  # type: ignore[index]
            expected = "overdue" if ended <= overdue_end else "due_soon" if ended <= soon_end else "on_time"
            assert state == expected, (today, ended)


def test_a_published_result_says_whether_it_was_on_time(calendar: WorkCalendar) -> None:
    ended = date(2026, 9, 18)
    assert clock(calendar, ended, date(2026, 11, 1), done_on=date(2026, 10, 22))["state"] == "published_on_time"  # type: ignore[index]
    assert clock(calendar, ended, date(2026, 11, 1), done_on=date(2026, 10, 23))["state"] == "published_late"  # type: ignore[index]


def test_a_clock_reaching_into_a_year_without_a_schedule_says_it_is_unconfirmed(calendar: WorkCalendar) -> None:
    view = clock(calendar, date(2026, 12, 20), date(2026, 12, 21))
    assert view is not None and view["confirmed"] is False and view["unconfirmed_years"] == [2027]
    assert clock(calendar, None, date(2026, 12, 21)) is None
