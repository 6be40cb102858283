"""An upload in progress (or finished): who sends what, how far it got, and how it ended."""
from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime, utcnow


class State(StrEnum):
    ACTIVE = "active"  # accepting PATCHes
    COMPLETED = "completed"  # hash verified, original stored, evidence item recorded
    FAILED = "failed"  # rejected at completion (hash or media check); nothing kept
    TERMINATED = "terminated"  # DELETEd by its owner
    EXPIRED = "expired"  # abandoned; the partial file was removed

    @classmethod
    def live(cls) -> tuple[str, str]:
        return cls.ACTIVE.value, cls.COMPLETED.value


_LIVE_SQL = "state IN ('active', 'completed')"


class Upload(Base):
    __tablename__ = "upload"
    __table_args__ = (
        # One live upload per evidence item: a client retrying its POST gets the same upload back,
        # while a failed, terminated or expired attempt does not block a fresh one.
        sa.Index("uq_upload_live_evidence_id", "evidence_id", unique=True,
                 sqlite_where=sa.text(_LIVE_SQL), postgresql_where=sa.text(_LIVE_SQL)),
        sa.Index("ix_upload_state_expires_at", "state", "expires_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    state: Mapped[str] = mapped_column(sa.String(16), default=State.ACTIVE.value)
    length: Mapped[int] = mapped_column(sa.BigInteger)
    offset: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    kind: Mapped[str] = mapped_column(sa.String(8))  # from the declared filetype; picks the size limit
    filetype: Mapped[str] = mapped_column(sa.String(100))  # as declared by the client
    filename: Mapped[str] = mapped_column(sa.String(255))  # sanitized display name
    sha256: Mapped[str] = mapped_column(sa.String(64))  # as declared; checked at completion
    record_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    evidence_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    metadata_header: Mapped[str] = mapped_column(sa.Text)  # Upload-Metadata exactly as sent, echoed by HEAD
    chunks: Mapped[int] = mapped_column(default=0)  # PATCH requests that appended bytes
    failure_code: Mapped[str | None] = mapped_column(sa.String(64))
    failure_message: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
