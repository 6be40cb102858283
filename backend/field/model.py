"""Reference data for check records, the records themselves, and the packet versions handed out.

A check record is a mutable head (`check_record`: current revision and review status) over
append-only revisions (`check_record_revision`: the body exactly as the device sent it and
its digest). The head's primary key is the client's UUID and (record_id, revision) is unique,
so concurrent duplicates of one submission make exactly one record.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime, utcnow

# docs/results.md: submitted -> under_review -> returned | lead_approved -> approved -> entered -> published
RECORD_STATUSES = ("submitted", "under_review", "returned", "lead_approved", "approved", "entered", "published")
AMENDABLE_STATUSES = ("submitted", "returned")


class _Reference:
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(150))
    position: Mapped[int] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)


class ResultCategory(_Reference, Base):
    """抽查检查结果 (REFERENCE §4): multi-select, two levels."""

    __tablename__ = "result_category"

    parent_code: Mapped[str | None] = mapped_column(sa.ForeignKey("result_category.code"), index=True)


class CheckMethod(_Reference, Base):
    """检查方式."""

    __tablename__ = "check_method"


class FollowupOption(_Reference, Base):
    """后续处置; each chosen option carries a done flag and a date on the record."""

    __tablename__ = "followup_option"


class CheckRecord(Base):
    """The head of a check record: which revision is current and where review stands."""

    __tablename__ = "check_record"
    # the due lists: open statuses, a range of end dates (docs/results.md §3)
    __table_args__ = (sa.Index("ix_check_record_status_ended_on", "status", "ended_on"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)  # the client's UUID
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignment.id"), index=True)
    current_revision: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # the current revision's ended_at as a date in China: day 0 of the 20-working-day clock (R5.1)
    ended_on: Mapped[date | None] = mapped_column(sa.Date, index=True)


class CheckRecordRevision(Base):
    """One submitted body of a record. Append-only (database triggers)."""

    __tablename__ = "check_record_revision"
    __table_args__ = (sa.UniqueConstraint("record_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("check_record.id"))
    revision: Mapped[int] = mapped_column()
    base_revision: Mapped[int | None] = mapped_column()  # the revision an amendment was made from
    body: Mapped[dict[str, Any]] = mapped_column(sa.JSON)  # exactly as sent, digest included
    digest: Mapped[str] = mapped_column(sa.String(64), index=True)
    submitted_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PacketVersion(Base):
    """A task packet as handed to one inspector: its digest per assignment, to answer deltas."""

    __tablename__ = "field_packet_version"
    __table_args__ = (sa.UniqueConstraint("inspector_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("inspector.id"))
    version: Mapped[int] = mapped_column()
    digest: Mapped[str] = mapped_column(sa.String(64))  # of the whole packet without version and time
    assignments: Mapped[dict[str, str]] = mapped_column(sa.JSON)  # {assignment id: digest}
    templates: Mapped[list[str]] = mapped_column(sa.JSON)  # template keys, "CODE@rulebook version"
    reference_digest: Mapped[str] = mapped_column(sa.String(64))  # inspector + reference lists
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
