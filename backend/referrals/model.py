"""A referral case (移送案件) and its steps.

`referral_case` is the mutable head: where the case stands (`state`), the step it waits for
with that step's deadline (`due_step`, `due_at`: the overdue list reads these two columns), and
the facts each step added. `referral_step` is the append-only history (database triggers):
one row per step taken, with who, when, the deadline it had and whether it was met. Every step
is also an audit entry (object type `referral_case`, object id the case number).
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime, utcnow

# opened -> verifying -> awaiting_decision -> approved -> transferred -> acknowledged
#                                          \-> not_approved (the head refused, with reasons: final)
STATES = ("verifying", "awaiting_decision", "approved", "not_approved", "transferred", "acknowledged")
STEPS = ("opened", "verified", "decided", "transferred", "acknowledged")


class ReferralCase(Base):
    __tablename__ = "referral_case"
    __table_args__ = (sa.UniqueConstraint("department_id", "year", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(sa.String(64), unique=True)  # 泰市监移〔2026〕7号
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    year: Mapped[int] = mapped_column()
    serial: Mapped[int] = mapped_column()
    record_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("check_record.id"), unique=True)
    record_revision: Mapped[int] = mapped_column()  # the revision the case was opened from
    state: Mapped[str] = mapped_column(sa.String(20), index=True)
    due_step: Mapped[str | None] = mapped_column(sa.String(20))  # the awaited step that has a deadline
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    receiving_authority: Mapped[str] = mapped_column(sa.String(200))
    reason: Mapped[str] = mapped_column(sa.Text)  # why the check suggests a crime (when opened)
    handlers: Mapped[list[int]] = mapped_column(sa.JSON, default=list)  # user ids of the verifying officers
    report: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)  # the verification report
    opened_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    transferred_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    transferred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # as the receipt says
    acknowledgement: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)  # received_by, receipt_number, note
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReferralStep(Base):
    """One step taken on a case. Append-only."""

    __tablename__ = "referral_step"
    __table_args__ = (sa.UniqueConstraint("case_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("referral_case.id"), index=True)
    step: Mapped[str] = mapped_column(sa.String(20))
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the deadline this step had
    on_time: Mapped[bool | None] = mapped_column()  # None: the step had no deadline
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
