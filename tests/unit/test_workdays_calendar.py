"""Working-day arithmetic around the 2026 Spring Festival and National Day, with make-up weekends.

The 2026 schedule below is the State Council's notice for 2026 as the chinese-calendar package
records it; a test checks the two agree, so the other tests assert real dates.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.workdays.calendar import DayKind, DueStatus, ScheduleDay, WorkCalendar, due_status
from backend.workdays.library import library_schedules
from backend.workdays.validation import validate_days

H, W = DayKind.HOLIDAY, DayKind.MAKEUP_WORKDAY


def _span(first: str, last: str, name: str) -> list[ScheduleDay]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [ScheduleDay(start + timedelta(days=i), H, name) for i in range((end - start).days + 1)]


SCHEDULE_2026 = sorted([
    *_span("2026-01-01", "2026-01-03", "元旦"), ScheduleDay(date(2026, 1, 4), W, "元旦"),
    *_span("2026-02-15", "2026-02-23", "春节"),
    ScheduleDay(date(2026, 2, 14), W, "春节"), ScheduleDay(date(2026, 2, 28), W, "春节"),
    *_span("2026-04-04", "2026-04-06", "清明节"),
    *_span("2026-05-01", "2026-05-05", "劳动节"), ScheduleDay(date(2026, 5, 9), W, "劳动节"),
    *_span("2026-06-19", "2026-06-21", "端午节"),
    *_span("2026-09-25", "2026-09-27", "中秋节"),
    *_span("2026-10-01", "2026-10-07", "国庆节"),
    ScheduleDay(date(2026, 9, 20), W, "国庆节"), ScheduleDay(date(2026, 10, 10), W, "国庆节"),
], key=lambda d: d.date)

CAL = WorkCalendar.from_schedules({2026: SCHEDULE_2026})
MON_FRI = WorkCalendar()


def test_the_2026_schedule_here_is_the_one_the_library_seeds():
    assert library_schedules()[2026] == SCHEDULE_2026


def test_the_library_knows_every_year_from_2004_through_at_least_2026():
    years = sorted(library_schedules())
    assert years[0] == 2004 and years[-1] >= 2026
    assert years == list(range(2004, years[-1] + 1))


def test_every_year_the_library_knows_passes_the_checks_an_administrators_table_must_pass():
    for year, days in library_schedules().items():
        assert validate_days(year, [(str(i), d) for i, d in enumerate(days)]) == {}, year


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 2, 14), True),  # Saturday, make-up working day before the Spring Festival
    (date(2026, 2, 28), True),  # Saturday, make-up working day after it
    (date(2026, 2, 16), False),  # Monday inside the holiday
    (date(2026, 2, 21), False),  # Saturday inside the holiday
    (date(2026, 2, 24), True),  # Tuesday, first ordinary working day after it
    (date(2026, 3, 7), False),  # an ordinary Saturday
    (date(2026, 9, 20), True),  # Sunday, make-up working day for National Day
    (date(2026, 10, 8), True),  # Thursday after the National Day week
    (date(2026, 10, 5), False),  # Monday inside the National Day week
])
def test_a_day_is_a_working_day_as_the_2026_schedule_says(day, expected):
    assert CAL.is_workday(day) is expected


def test_a_check_ending_just_before_the_spring_festival_is_due_after_it():
    # Fri 13 Feb: Sat 14 (make-up) is day 1, 15-23 are off, Sat 28 (make-up) is day 6.
    assert CAL.add_workdays(date(2026, 2, 13), 20) == date(2026, 3, 19)
    assert MON_FRI.add_workdays(date(2026, 2, 13), 20) == date(2026, 3, 13)


def test_a_make_up_saturday_counts_as_the_first_working_day_after_the_end():
    assert CAL.add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert MON_FRI.add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 16)


def test_the_end_day_itself_never_counts_even_on_a_make_up_saturday():
    assert CAL.add_workdays(date(2026, 2, 14), 1) == date(2026, 2, 24)


def test_a_check_ending_inside_the_holiday_counts_from_the_first_day_back():
    assert CAL.add_workdays(date(2026, 2, 18), 1) == date(2026, 2, 24)
    assert CAL.add_workdays(date(2026, 2, 18), 20) == date(2026, 3, 20)


def test_a_check_ending_before_mid_autumn_and_national_day_skips_both_and_counts_two_make_up_days():
    # Sun 20 Sep is day 1; 25-27 Sep and 1-7 Oct are off; Sat 10 Oct is day 11.
    assert CAL.add_workdays(date(2026, 9, 18), 20) == date(2026, 10, 22)
    assert MON_FRI.add_workdays(date(2026, 9, 18), 20) == date(2026, 10, 16)


def test_zero_working_days_is_the_end_date_and_a_negative_count_is_refused():
    assert CAL.add_workdays(date(2026, 2, 15), 0) == date(2026, 2, 15)
    with pytest.raises(ValueError):
        CAL.add_workdays(date(2026, 2, 15), -1)


def test_workdays_between_counts_days_after_the_first_through_the_second():
    assert CAL.workdays_between(date(2026, 2, 13), date(2026, 3, 19)) == 20
    assert CAL.workdays_between(date(2026, 3, 19), date(2026, 2, 13)) == -20
    assert CAL.workdays_between(date(2026, 2, 14), date(2026, 2, 14)) == 0
    assert CAL.workdays_between(date(2026, 2, 14), date(2026, 2, 23)) == 0


def test_the_whole_of_2026_has_the_working_days_the_schedule_implies():
    # 261 Mondays to Fridays, 19 of them holidays, 6 make-up weekend days.
    assert MON_FRI.workdays_between(date(2025, 12, 31), date(2026, 12, 31)) == 261
    assert CAL.workdays_between(date(2025, 12, 31), date(2026, 12, 31)) == 261 - 19 + 6


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.dates(date(2025, 10, 1), date(2027, 3, 1)), st.dates(date(2025, 10, 1), date(2027, 3, 1)))
def test_workdays_between_agrees_with_counting_day_by_day(a, b):
    lo, hi = min(a, b), max(a, b)
    count = sum(CAL.is_workday(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert CAL.workdays_between(a, b) == (count if a <= b else -count)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.dates(date(2025, 10, 1), date(2026, 12, 31)), st.integers(0, 60))
def test_adding_n_working_days_lands_on_a_working_day_n_working_days_later(start, n):
    due = CAL.add_workdays(start, n)
    assert CAL.workdays_between(start, due) == n
    assert n == 0 or CAL.is_workday(due)


def test_a_year_without_a_schedule_is_plain_monday_to_friday_and_reported_unconfirmed():
    end = date(2027, 9, 24)  # a Friday
    due = CAL.add_workdays(end, 20)
    assert due == date(2027, 10, 22)
    assert CAL.unconfirmed_years(end, due) == [2027]
    assert CAL.unconfirmed_years(date(2026, 2, 13), date(2026, 3, 19)) == []
    assert CAL.unconfirmed_years(date(2026, 12, 31), date(2027, 1, 29)) == [2027]


def test_a_year_listed_without_days_is_confirmed():
    cal = WorkCalendar.from_schedules({2027: []})
    assert cal.unconfirmed_years(date(2027, 1, 1), date(2027, 2, 1)) == []


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 3, 20), DueStatus.OVERDUE),  # the day after the due date
    (date(2026, 3, 19), DueStatus.DUE_SOON),  # the due date itself: still on time, 0 days left
    (date(2026, 3, 16), DueStatus.DUE_SOON),  # Monday: 17, 18, 19 left
    (date(2026, 3, 13), DueStatus.ON_TIME),  # Friday: 16, 17, 18, 19 left
    (date(2026, 2, 13), DueStatus.ON_TIME),
])
def test_due_status_counts_working_days_left(today, expected):
    assert due_status(date(2026, 3, 19), today, CAL) is expected


def test_a_due_date_just_after_the_spring_festival_is_already_due_soon_eleven_days_out():
    # From Fri 13 Feb only Sat 14 and Tue 24 are working days.
    assert due_status(date(2026, 2, 24), date(2026, 2, 13), CAL) is DueStatus.DUE_SOON
    assert due_status(date(2026, 2, 24), date(2026, 2, 13), MON_FRI) is DueStatus.ON_TIME


def test_the_due_soon_window_is_configurable():
    assert due_status(date(2026, 3, 19), date(2026, 3, 13), CAL, soon_days=4) is DueStatus.DUE_SOON
    assert due_status(date(2026, 3, 19), date(2026, 3, 19), CAL, soon_days=0) is DueStatus.DUE_SOON
