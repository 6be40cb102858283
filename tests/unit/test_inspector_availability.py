"""Whether an inspector may be drawn on a day: layered status periods and certificate validity."""
from __future__ import annotations

from datetime import date

import pytest

from backend.directory.availability import Period, is_available, status_on

HIRED = Period(1, "active", date(2022, 1, 1))
LEAVE = Period(2, "on_leave", date(2026, 3, 1), date(2026, 3, 14))
CERT = (date(2024, 1, 1), date(2028, 12, 31))


@pytest.mark.parametrize(("day", "status"), [
    (date(2021, 12, 31), None),  # before any period
    (date(2026, 2, 28), "active"),
    (date(2026, 3, 1), "on_leave"),  # both ends are inclusive
    (date(2026, 3, 14), "on_leave"),
    (date(2026, 3, 15), "active"),  # the open-ended period shows through again
])
def test_a_bounded_leave_covers_its_own_days_only(day, status):
    assert status_on([HIRED, LEAVE], day) == status


def test_the_period_that_starts_last_wins_whatever_the_order_given():
    retired = Period(3, "retired", date(2026, 7, 1))
    assert status_on([retired, LEAVE, HIRED], date(2030, 1, 1)) == "retired"
    assert status_on([retired, LEAVE, HIRED], date(2026, 6, 30)) == "active"


def test_of_two_periods_starting_the_same_day_the_later_recorded_wins():
    seconded = Period(5, "seconded", date(2026, 5, 1))
    corrected = Period(6, "active", date(2026, 5, 1))
    assert status_on([corrected, seconded], date(2026, 5, 2)) == "active"
    assert status_on([seconded], date(2026, 5, 2)) == "seconded"


@pytest.mark.parametrize(("day", "available"), [
    (date(2023, 12, 31), False),  # active, but the certificate is not valid yet
    (date(2024, 1, 1), True),
    (date(2026, 3, 10), False),  # on leave
    (date(2028, 12, 31), True),
    (date(2029, 1, 1), False),  # certificate expired
])
def test_available_means_active_with_a_valid_certificate(day, available):
    assert is_available([HIRED, LEAVE], *CERT, day) is available


def test_nobody_without_a_status_period_is_available():
    assert is_available([], *CERT, date(2026, 1, 1)) is False
