"""The head's 3 working days and the 24 hours of a transfer (backend/referrals/deadlines.py)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from backend.referrals.deadlines import BEIJING, decision_due, on_time, transfer_due
from backend.workdays.calendar import DayKind, ScheduleDay, WorkCalendar

# The State Council's 2026 Spring Festival: 15-23 February off, Saturdays 14 and 28 February worked.
SPRING_2026 = [ScheduleDay(date(2026, 2, d), DayKind.HOLIDAY, "春节") for d in range(15, 24)] + [
    ScheduleDay(date(2026, 2, 14), DayKind.MAKEUP_WORKDAY, "春节"),
    ScheduleDay(date(2026, 2, 28), DayKind.MAKEUP_WORKDAY, "春节")]
CALENDAR = WorkCalendar.from_schedules({2026: SPRING_2026})


def beijing(*args: int) -> datetime:
    return datetime(*args, tzinfo=BEIJING)


def test_a_report_on_a_monday_is_due_by_the_end_of_thursday() -> None:
    assert decision_due(beijing(2026, 11, 23, 10, 0), CALENDAR) == beijing(2026, 11, 27, 0, 0)


def test_a_weekend_does_not_count() -> None:
    assert decision_due(beijing(2026, 11, 27, 16, 0), CALENDAR) == beijing(2026, 12, 3, 0, 0)  # Fri -> end of Wed


def test_the_spring_festival_does_not_count_and_its_make_up_saturday_does() -> None:
    # Friday 13 February: Saturday 14th (worked) is day 1, 15-23 are off, Tuesday 24th day 2, Wednesday 25th day 3
    due = decision_due(beijing(2026, 2, 13, 16, 0), CALENDAR)
    assert due == beijing(2026, 2, 26, 0, 0)
    assert due.tzinfo == timezone.utc and due == datetime(2026, 2, 25, 16, 0, tzinfo=timezone.utc)


def test_the_day_is_the_beijing_day_of_the_report_not_the_utc_day() -> None:
    # 20:30 UTC on Sunday 22 November is 04:30 on Monday 23 November in Beijing
    late_sunday_utc = datetime(2026, 11, 22, 20, 30, tzinfo=timezone.utc)
    assert decision_due(late_sunday_utc, CALENDAR) == beijing(2026, 11, 27, 0, 0)


def test_without_a_schedule_for_the_year_plain_weekdays_count() -> None:
    assert decision_due(beijing(2026, 11, 23, 10, 0), WorkCalendar()) == beijing(2026, 11, 27, 0, 0)


def test_a_transfer_is_due_24_clock_hours_after_the_approval_even_over_a_holiday() -> None:
    approved = beijing(2026, 2, 14, 17, 45)
    assert transfer_due(approved) == approved + timedelta(hours=24)


@pytest.mark.parametrize(("at", "expected"), [(beijing(2026, 11, 26, 23, 59), True), (beijing(2026, 11, 27, 0, 0), True),
                                              (beijing(2026, 11, 27, 0, 1), False)])
def test_a_step_is_on_time_up_to_and_including_its_deadline(at: datetime, expected: bool) -> None:
    assert on_time(at, beijing(2026, 11, 27, 0, 0)) is expected


def test_a_step_without_a_deadline_is_neither_on_time_nor_late() -> None:
    assert on_time(beijing(2026, 11, 27), None) is None
