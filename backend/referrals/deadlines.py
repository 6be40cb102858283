"""The two statutory deadlines of a referral (State Council Order 310, revised 2020). Pure.

- The head decides "within 3 days of receiving the report" (自接到报告之日起3日内, art. 8).
  We count **working days** on the platform's working-day calendar (docs/working-days.md),
  the way SAMR's own procedural rules count their short periods of days, so a report made
  before the Spring Festival or National Day does not fall due in the middle of the holiday.
  The day the report is received is day 0 (as for every working-day period here); the decision
  is due by the end (24:00 Beijing time) of the 3rd working day after it.
- The case is transferred "within 24 hours of approval" (批准移送之日起24小时内, art. 8): clock
  hours from the recorded decision, whatever the calendar says.

The verification (art. 5: "immediately", 立即) and the receiving organ's signature on the receipt
(art. 8) have no period in days, so those steps carry no deadline.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from backend.workdays.calendar import WorkCalendar

BEIJING = timezone(timedelta(hours=8))
DECISION_WORKDAYS = 3
TRANSFER_HOURS = 24


def decision_due(reported_at: datetime, calendar: WorkCalendar) -> datetime:
    """The end of the 3rd working day after the day (in Beijing) the report was made, as UTC."""
    day = reported_at.astimezone(BEIJING).date()
    due_day = calendar.add_workdays(day, DECISION_WORKDAYS)
    return datetime.combine(due_day + timedelta(days=1), time(0), BEIJING).astimezone(timezone.utc)


def transfer_due(approved_at: datetime) -> datetime:
    return approved_at + timedelta(hours=TRANSFER_HOURS)


def on_time(at: datetime, due: datetime | None) -> bool | None:
    return None if due is None else at <= due
