"""How an upload ends: completed (verified and stored), failed, terminated or expired.

Each function is called with the upload's partial file locked (backend.uploads.partials), so
no PATCH runs at the same time; each writes its outcome and custody event in one unit of work
and removes the partial file only after that commits.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import current_app

from backend.db import unit_of_work, utcnow
from backend.errors import ValidationFailed
from backend.evidence_store import custody, ingest
from backend.evidence_store.sniff import MediaRejected
from backend.uploads import partials
from backend.uploads.errors import UploadGone
from backend.uploads.model import State, Upload


def next_expiry(now: datetime | None = None) -> datetime:
    return (now or utcnow()) + timedelta(seconds=int(current_app.config["UPLOAD_EXPIRY_SECONDS"]))


def reload(upload_id: uuid.UUID) -> Upload:
    """The upload as stored now; call it with the partial file locked.

    An upload that is no longer active has no partial file: locking it may have just created an
    empty one (the lock opens with O_CREAT), which is removed again."""
    with unit_of_work() as session:
        upload = session.get(Upload, upload_id, populate_existing=True)
        assert upload is not None
    if upload.state != State.ACTIVE:
        partials.remove(upload_id)
    return upload


def gone(upload: Upload) -> UploadGone:
    if upload.state == State.FAILED:
        return UploadGone(f"This upload was rejected: {upload.failure_message}", code="upload.failed",
                          details={"reason": upload.failure_code})
    if upload.state == State.TERMINATED:
        return UploadGone("This upload was terminated.", code="upload.terminated")
    return UploadGone("This upload expired before it was finished; start a new one.", code="upload.expired")


def complete(pf: partials.PartialFile, upload: Upload) -> Upload:
    """Every byte is here: verify the declared SHA-256, check the media, store, record."""
    actual = pf.sha256()
    if actual != upload.sha256:
        error = ValidationFailed("The file's SHA-256 differs from the one declared at creation; nothing was kept.",
                                 code="upload.hash_mismatch", details={"declared": upload.sha256, "actual": actual})
        fail(upload, error, actual_sha256=actual)
        raise error
    try:
        prepared = ingest.prepare(pf.path, actual, upload.kind)
    except MediaRejected as error:
        fail(upload, error, actual_sha256=actual)
        raise
    with unit_of_work() as session:
        row = session.get(Upload, upload.id, populate_existing=True)
        assert row is not None
        ingest.record(session, prepared, ingest.NewItem(
            evidence_id=row.evidence_id, record_id=row.record_id, upload_id=row.id, filename=row.filename,
            uploaded_by=row.owner_id, department_id=row.department_id, chunks=row.chunks))
        row.state, row.completed_at, row.updated_at = State.COMPLETED.value, utcnow(), utcnow()
    partials.remove(upload.id)
    return row


def step_back(upload: Upload, size: int) -> Upload:
    """Record `size` as the offset: the partial file holds fewer bytes than were recorded, so the
    client resends from there (its next HEAD says where)."""
    with unit_of_work() as session:
        row = session.get(Upload, upload.id, populate_existing=True)
        assert row is not None
        row.offset, row.updated_at = size, utcnow()
    return row


def fail(upload: Upload, error: ValidationFailed, **facts: Any) -> None:
    with unit_of_work() as session:
        row = session.get(Upload, upload.id, populate_existing=True)
        assert row is not None
        row.state, row.updated_at = State.FAILED.value, utcnow()
        row.failure_code, row.failure_message = error.code, error.message[:300]
        custody.record(session, row.sha256, custody.Event.UPLOAD_REJECTED, actor_id=row.owner_id, upload_id=row.id,
                       details={"reason": error.code, "message": error.message[:300], "size": row.length, **facts})
    partials.remove(upload.id)


def end(upload: Upload, state: State, *, actor_id: int | None) -> Upload:
    """Terminate (the owner's DELETE) or expire (abandoned) an active upload."""
    event = custody.Event.UPLOAD_TERMINATED if state == State.TERMINATED else custody.Event.UPLOAD_EXPIRED
    with unit_of_work() as session:
        row = session.get(Upload, upload.id, populate_existing=True)
        assert row is not None
        row.state, row.updated_at = state.value, utcnow()
        custody.record(session, row.sha256, event, actor_id=actor_id, upload_id=row.id,
                       details={"offset": row.offset, "length": row.length,
                                "expires_at": row.expires_at.isoformat()})
    partials.remove(upload.id)
    return row
