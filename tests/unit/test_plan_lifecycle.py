"""The plan filing deadline: 31 January of the plan year, Beijing time."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from backend.plans.lifecycle import can_move, days_late, filing_due


def test_plans_are_due_on_the_last_day_of_january_of_their_year() -> None:
    assert filing_due(2027).isoformat() == "2027-01-31"


@pytest.mark.parametrize(("filed_utc", "late"), [
    ("2026-12-20T02:00:00", 0),  # filed the year before
    ("2027-01-31T15:59:59", 0),  # 23:59:59 on 31 January in Beijing
    ("2027-01-31T16:00:00", 1),  # already 1 February in Beijing
    ("2027-03-02T04:00:00", 30),
])
def test_days_late_count_from_the_deadline_in_beijing_time(filed_utc: str, late: int) -> None:
    assert days_late(2027, datetime.fromisoformat(filed_utc).replace(tzinfo=timezone.utc)) == late


def test_a_naive_filing_time_is_an_error() -> None:
    with pytest.raises(ValueError):
        days_late(2027, datetime(2027, 1, 1))


@pytest.mark.parametrize(("status", "to", "ok"), [("draft", "filed", True), ("filed", "published", True),
                                                  ("draft", "published", False), ("published", "filed", False),
                                                  ("filed", "filed", False)])
def test_plans_move_draft_filed_published_only_forward(status: str, to: str, ok: bool) -> None:
    assert can_move(status, to) is ok
