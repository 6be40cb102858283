"""The draw's three append-only steps: commitment, reveal, and (for a redraw) cancellation.

A commitment freezes the announcement (docs/draw-algorithm.md §1): its canonical JSON is stored
as `announcement_head` + gzip(population) + `announcement_tail`, so the large population part is
encoded and compressed once and reused by the record. The record of a reveal is
`announcement_head` + population + `record_tail`; its SHA-256 is stored with the reveal.
`secret` leaves the server only inside the record, after the reveal. `frame_gz` (private) holds
the directory ids of the population in the order of the record's ids.

Every table here is append-only (database triggers); a redraw adds a cancellation row.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime, utcnow

RANDOMNESS_KINDS = ("lottery", "witnesses", "beacon")  # a future lottery draw, witnesses' numbers, a beacon round


class DrawCommitment(Base):
    __tablename__ = "draw_commitment"
    __table_args__ = (sa.UniqueConstraint("task_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("task.id"), index=True)
    sequence: Mapped[int] = mapped_column()  # 1, then 2 after a redraw, ...
    algorithm: Mapped[str] = mapped_column(sa.String(20))
    announcement_head: Mapped[str] = mapped_column(sa.Text)
    population_gz: Mapped[bytes] = mapped_column(sa.LargeBinary)  # (PostgreSQL: STORAGE EXTERNAL, migration 0015)
    population_bytes: Mapped[int] = mapped_column()
    announcement_tail: Mapped[str] = mapped_column(sa.Text)
    announcement_digest: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of the announcement JSON
    population_digest: Mapped[str] = mapped_column(sa.String(64))  # docs/draw-algorithm.md §4
    commitment: Mapped[str] = mapped_column(sa.String(64), unique=True)
    secret: Mapped[str] = mapped_column(sa.String(64))  # never served before the reveal
    frame_gz: Mapped[bytes] = mapped_column(sa.LargeBinary)  # (likewise)
    randomness_kind: Mapped[str] = mapped_column(sa.String(16))
    randomness_source: Mapped[str] = mapped_column(sa.String(300))
    randomness_available_at: Mapped[datetime] = mapped_column(UTCDateTime())
    eligible_count: Mapped[int] = mapped_column()
    excluded_count: Mapped[int] = mapped_column()  # recently checked or in another open task
    target_count: Mapped[int] = mapped_column()
    stratum_count: Mapped[int] = mapped_column()
    inspector_count: Mapped[int] = mapped_column()  # eligible inspectors
    committed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    committed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DrawReveal(Base):
    __tablename__ = "draw_reveal"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("draw_commitment.id"), unique=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("task.id"), index=True)
    randomness_value: Mapped[str] = mapped_column(sa.String(500))  # exactly as entered
    witnesses: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)  # [{"name", "capacity"}]
    seed: Mapped[str] = mapped_column(sa.String(64))
    record_tail: Mapped[str] = mapped_column(sa.Text)
    record_sha256: Mapped[str] = mapped_column(sa.String(64))
    record_bytes: Mapped[int] = mapped_column()
    target_count: Mapped[int] = mapped_column()
    team_count: Mapped[int] = mapped_column()
    revealed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    revealed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DrawCancellation(Base):
    """A commitment voided for a redraw, with the reason; its record (if any) is kept."""

    __tablename__ = "draw_cancellation"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("draw_commitment.id"), unique=True)
    reason: Mapped[str] = mapped_column(sa.String(1000))
    cancelled_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    cancelled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
