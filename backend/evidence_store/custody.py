"""The chain of custody of each blob, from the upload's first request to every later access.

Each event is a row of the append-only `custody_event` table and, in the same transaction, an
entry of the audit log (action `custody.<event>`, object `blob`/<sha256>) whose payload is
`audit_payload(row)`: a verifier recomputes its SHA-256 to tie the row to the signed log.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.orm import Session

from backend.audit import services as audit
from backend.evidence_store.model import CustodyEvent


class Event(StrEnum):
    UPLOAD_STARTED = "upload_started"  # creation: who, declared hash, size, type, record
    UPLOAD_COMPLETED = "upload_completed"  # every byte received, SHA-256 verified, original stored
    UPLOAD_REJECTED = "upload_rejected"  # hash mismatch or media check failed; nothing kept
    UPLOAD_TERMINATED = "upload_terminated"  # the uploader abandoned it (tus DELETE)
    UPLOAD_EXPIRED = "upload_expired"  # abandoned by silence; the partial file was removed
    ACCESSED = "accessed"  # the original, preview or thumbnail was served


def audit_payload(event: CustodyEvent) -> dict[str, Any]:
    return _payload(event.event, event.blob_sha256, event.upload_id, event.details)


def _payload(event: str, sha256: str, upload_id: uuid.UUID | None, details: dict[str, Any]) -> dict[str, Any]:
    return {"event": event, "blob_sha256": sha256, "upload_id": str(upload_id) if upload_id else None,
            "details": details}


def record(session: Session, sha256: str, event: Event, *, actor_id: int | None,
           upload_id: uuid.UUID | None = None, details: dict[str, Any] | None = None) -> None:
    """Add a custody event and its audit entry to the caller's unit of work.

    A plain INSERT, not an ORM object: custody events are written on every upload and every
    access of evidence and never read back as objects in the same transaction, and the ORM's
    bookkeeping cost more than the statement."""
    request_id = g.get("request_id") if has_request_context() else None
    details = details or {}
    session.execute(CustodyEvent.__table__.insert(), [{
        "blob_sha256": sha256, "event": event.value, "actor_id": actor_id, "upload_id": upload_id,
        "request_id": request_id, "details": details}])
    audit.record(f"custody.{event.value}", object_type="blob", object_id=sha256,
                 actor=None if actor_id is None else str(actor_id),
                 payload=_payload(event.value, sha256, upload_id, details), session=session)


def trail(session: Session, sha256: str) -> Sequence[CustodyEvent]:
    return session.scalars(sa.select(CustodyEvent).where(CustodyEvent.blob_sha256 == sha256)
                           .order_by(CustodyEvent.id)).all()
