"""Audit entries (Merkle leaves) and signed checkpoints. Both tables are append-only in the database."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    # Leaf index in the Merkle tree: contiguous from 0, assigned under a lock at commit time.
    leaf_index: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    # Kept as the exact string that was hashed, so verification never depends on a driver's datetime handling.
    time: Mapped[str] = mapped_column(sa.String(32))
    actor: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(64))
    object_id: Mapped[str | None] = mapped_column(sa.String(128))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    payload_sha256: Mapped[str] = mapped_column(sa.String(64))
    leaf_hash: Mapped[str] = mapped_column(sa.String(64))

    __table_args__ = (sa.Index("ix_audit_entry_object", "object_type", "object_id"),)


class AuditCheckpoint(Base):
    __tablename__ = "audit_checkpoint"

    tree_size: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(sa.String(64))
    timestamp: Mapped[str] = mapped_column(sa.String(32))
    origin: Mapped[str] = mapped_column(sa.String(100))
    key_id: Mapped[str] = mapped_column(sa.String(16))
    signature: Mapped[str] = mapped_column(sa.String(100))
    # Compact list of perfect-subtree roots, so the next checkpoint extends this one in O(log n).
    frontier: Mapped[str] = mapped_column(sa.Text)
