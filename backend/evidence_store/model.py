"""Blobs (stored originals), evidence items (a blob attached to a check record) and custody events."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime, utcnow


class Blob(Base):
    """One stored original, named by its SHA-256; the same content is stored once."""

    __tablename__ = "blob"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    media_type: Mapped[str] = mapped_column(sa.String(100))  # sniffed from the bytes, never from the client
    kind: Mapped[str] = mapped_column(sa.String(8))  # image, audio, video, pdf
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Derived from images only; everything else leaves them empty.
    width: Mapped[int | None] = mapped_column(sa.Integer)
    height: Mapped[int | None] = mapped_column(sa.Integer)
    orientation: Mapped[int | None] = mapped_column(sa.SmallInteger)  # EXIF orientation, 1-8
    captured_at: Mapped[str | None] = mapped_column(sa.String(32))  # EXIF DateTimeOriginal, camera's local time
    gps_lat: Mapped[float | None] = mapped_column(sa.Float)  # WGS-84 as recorded by the device
    gps_lon: Mapped[float | None] = mapped_column(sa.Float)
    preview_sha256: Mapped[str | None] = mapped_column(sa.String(64))  # JPEG, longest side 1600 px
    thumbnail_sha256: Mapped[str | None] = mapped_column(sa.String(64))  # JPEG, longest side 320 px


class EvidenceItem(Base):
    """A blob as one piece of evidence of a check record, keyed by the client's evidence UUID."""

    __tablename__ = "evidence_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True)
    record_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, index=True)  # the client's check-record UUID
    blob_sha256: Mapped[str] = mapped_column(sa.ForeignKey("blob.sha256"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))  # sanitized display name, never a path
    uploaded_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    upload_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CustodyEvent(Base):
    """One step in the chain of custody of a blob. Append-only in the database."""

    __tablename__ = "custody_event"
    __table_args__ = (sa.Index("ix_custody_event_blob_at", "blob_sha256", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Not a foreign key: a rejected upload leaves events under the hash the client declared.
    blob_sha256: Mapped[str] = mapped_column(sa.String(64))
    event: Mapped[str] = mapped_column(sa.String(32))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))  # None: the system
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    upload_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
