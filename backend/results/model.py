"""Results of checks: the entered result, its published versions, and corrections.

`check_result` is the head of one target's result in one task: entered by the officers from the
approved record, then published. `published_result` holds every published version and is
append-only (database triggers refuse UPDATE and DELETE): a correction adds version n + 1,
which names the version it supersedes and the signed correction. The head points at the
current version. `result_correction` is a proposed correction awaiting the department head's
sign-off.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime, utcnow

RESULT_STATUSES = ("entered", "published")
CORRECTION_STATUSES = ("pending", "signed", "rejected")


class CheckResult(Base):
    __tablename__ = "check_result"
    __table_args__ = (sa.CheckConstraint("status IN ('entered', 'published')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("check_record.id"), unique=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignment.id"), unique=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("task.id"), index=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("market_entity.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)  # initiating
    revision: Mapped[int] = mapped_column()  # the approved revision of the record
    ended_on: Mapped[date] = mapped_column(sa.Date)  # the check's end (China date): day 0 of the clock
    # {"departments": [{"department", "department_name", "items": [{"code", "name", "result_categories":
    #   [{"code", "name"}]}]}], "check_methods": [{"code", "name"}], "followup": [{"code", "name", "done", "date"}]}
    parts: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # [{"evidence_id", "source_kind", "issuer", "reference", "issued_on"}]: conclusions adopted (R4.2)
    adopted: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    remarks: Mapped[str] = mapped_column(sa.String(1000), default="")
    status: Mapped[str] = mapped_column(sa.String(12), index=True)
    entered_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # the current published version (a plain column: a foreign key would make a cycle with published_result)
    current_published_id: Mapped[int | None] = mapped_column(index=True)
    published_version: Mapped[int | None] = mapped_column()
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PublishedResult(Base):
    """One published version of a result: a result bulletin row (REFERENCE §5) plus its detail.
    Append-only. Bulletin columns the rulebook does not publish are stored as NULL."""

    __tablename__ = "published_result"
    __table_args__ = (sa.UniqueConstraint("result_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("check_result.id"), index=True)
    version: Mapped[int] = mapped_column()
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("published_result.id"))
    correction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("result_correction.id"))
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("market_entity.id"), index=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("task.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    # the result bulletin columns
    plan_number: Mapped[str | None] = mapped_column(sa.String(40))
    plan_name: Mapped[str | None] = mapped_column(sa.String(200))
    task_number: Mapped[str | None] = mapped_column(sa.String(40))
    task_name: Mapped[str | None] = mapped_column(sa.String(200))
    check_type: Mapped[str | None] = mapped_column(sa.String(40))
    inspecting_authority: Mapped[str | None] = mapped_column(sa.String(400))
    entity_name: Mapped[str] = mapped_column(sa.String(200), index=True)
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    registration_number: Mapped[str | None] = mapped_column(sa.String(15))
    completion_date: Mapped[date | None] = mapped_column(sa.Date)
    result: Mapped[str] = mapped_column(sa.String(1000))
    remarks: Mapped[str | None] = mapped_column(sa.String(1000))
    published_fields: Mapped[list[str]] = mapped_column(sa.JSON)
    # the categories per department and item: [{"department", "department_name", "items": [...]}]
    detail: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    correction_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    digest: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of the canonical JSON of the row
    published_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ResultCorrection(Base):
    """A proposed correction of a published result; it takes effect only when the head of the
    responsible department signs it (R5.3)."""

    __tablename__ = "result_correction"
    __table_args__ = (sa.CheckConstraint("status IN ('pending', 'signed', 'rejected')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("check_result.id"), index=True)
    base_version: Mapped[int] = mapped_column()
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)  # responsible
    reason: Mapped[str] = mapped_column(sa.String(1000))
    # {"result_categories": {item code: [codes]}, "remarks": str | None}
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    digest: Mapped[str] = mapped_column(sa.String(64))  # of the canonical proposal: what the head signs
    status: Mapped[str] = mapped_column(sa.String(10), default="pending", index=True)
    proposed_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_comment: Mapped[str | None] = mapped_column(sa.String(1000))
