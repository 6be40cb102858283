"""Review decisions on check records. Append-only: the history of who decided what, when and why.

A decision is about one revision of a record. Amending a returned record makes a new revision,
so approvals of an earlier revision never count for the new one.
"""
from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime, utcnow

STAGES = ("lead", "authority")  # the team lead's review; the approval the rulebook names
ACTIONS = ("review", "approve", "return")


class ReviewDecision(Base):
    __tablename__ = "review_decision"
    __table_args__ = (
        sa.CheckConstraint("stage IN ('lead', 'authority')", name="stage"),
        sa.CheckConstraint("action IN ('review', 'approve', 'return')", name="action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("check_record.id"), index=True)
    revision: Mapped[int] = mapped_column()
    stage: Mapped[str] = mapped_column(sa.String(12))
    action: Mapped[str] = mapped_column(sa.String(12))
    # the capacity the decision was made in: a role held in a department
    role: Mapped[str] = mapped_column(sa.String(24))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    comment: Mapped[str] = mapped_column(sa.String(2000), default="")
    decided_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
