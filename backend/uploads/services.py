"""Creating, reading and terminating uploads. Appending bytes is in backend.uploads.append."""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from flask import current_app

from backend.db import read_only, unit_of_work, utcnow
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.evidence_store import custody
from backend.field import access
from backend.policy import Principal
from backend.uploads import kinds, lifecycle, partials, tus
from backend.uploads.errors import UploadLocked, UploadTooLarge
from backend.uploads.metadata import Declared, declared
from backend.uploads.model import State, Upload


def discovery() -> dict[str, Any]:
    """The OPTIONS document: what a client needs to know before it sends anything."""
    return {"tus_version": tus.VERSION, "extensions": list(tus.EXTENSIONS),
            "checksum_algorithms": list(tus.CHECKSUM_ALGORITHMS), "max_size": kinds.limits(),
            "max_chunk_bytes": kinds.chunk_limit(), "filetypes": kinds.FILETYPES,
            "metadata_keys": ["filename", "filetype", "sha256", "record_id", "evidence_id"],
            "expiry_seconds": int(current_app.config["UPLOAD_EXPIRY_SECONDS"])}


def create(principal: Principal, *, length: int, metadata: dict[str, str], metadata_header: str,
           first_chunk: int | None = None) -> tuple[Upload, bool]:
    """A new upload, or the live one already made for this evidence_id (the client's retry): (upload, created).

    `first_chunk` is the length of a body sent with the POST (creation-with-upload), checked
    against the chunk limit before anything is created."""
    facts = declared(metadata)
    admissible(facts, length, first_chunk=first_chunk)
    for_open_record(principal, facts)
    for attempt in (1, 2):
        try:
            return _create_once(principal, facts, length, metadata_header)
        except sa.exc.IntegrityError:  # a concurrent POST for the same evidence_id won the race
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def admissible(facts: Declared, length: int, *, first_chunk: int | None) -> None:
    """Refuse, before anything is created or read, an upload whose size its kind does not allow."""
    if first_chunk is not None and first_chunk > kinds.chunk_limit():
        raise UploadTooLarge(f"One request may carry at most {kinds.chunk_limit()} bytes; send smaller chunks.",
                             code="upload.chunk_too_large", details={"max_chunk_bytes": kinds.chunk_limit()})
    if length == 0:
        raise ValidationFailed("An empty file is not evidence.", code="upload.empty")
    limit = kinds.limit(facts.kind)
    if length > limit:
        raise UploadTooLarge(f"A {facts.kind} may have at most {limit} bytes; this one has {length}.",
                             details={"kind": facts.kind, "length": length, "limit": limit})


def for_open_record(principal: Principal, facts: Declared) -> None:
    """Refuse, before anything is created, evidence for a check record the caller does not work
    on (403 `upload.not_your_record`). A record the server does not have yet is no reason: the
    app may send evidence first, and only the team's uploads count towards a record (backend.field.evidence)."""
    with read_only() as session:
        open_to = access.record_open_to(session, principal, facts.record_id)
    if open_to is False:
        raise Forbidden("That check record is not one you work on; its evidence comes from its team.",
                        code="upload.not_your_record", details={"record_id": str(facts.record_id)})


def _create_once(principal: Principal, facts: Declared, length: int, header: str) -> tuple[Upload, bool]:
    with unit_of_work() as session:
        existing = session.scalar(sa.select(Upload).where(Upload.evidence_id == facts.evidence_id,
                                                          Upload.state.in_(State.live())))
        if existing is not None:
            if (existing.owner_id, existing.sha256, existing.length, existing.record_id, existing.kind) != (
                    principal.user_id, facts.sha256, length, facts.record_id, facts.kind):
                raise Conflict("This evidence_id already belongs to a different upload.",
                               code="upload.evidence_conflict", details={"evidence_id": str(facts.evidence_id)})
            return existing, False
        upload = new_upload(principal, facts, length, header)
        add_started(session, principal, facts, upload)
        partials.create(upload.id)  # inside the unit of work: no row without its file
    return upload, True


def new_upload(principal: Principal, facts: Declared, length: int, header: str, **state: object) -> Upload:
    """An upload of these declared facts, active at offset 0 unless `state` says otherwise (not yet stored)."""
    now = utcnow()
    values: dict[str, object] = {
        "id": uuid.uuid4(), "owner_id": principal.user_id, "department_id": principal.department_id,
        "state": State.ACTIVE.value, "length": length, "offset": 0, "kind": facts.kind, "filetype": facts.filetype,
        "filename": facts.filename, "sha256": facts.sha256, "record_id": facts.record_id,
        "evidence_id": facts.evidence_id, "metadata_header": header, "chunks": 0, "created_at": now,
        "updated_at": now, "expires_at": lifecycle.next_expiry(now)}
    return Upload(**{**values, **state})


def add_started(session: Session, principal: Principal, facts: Declared, upload: Upload) -> None:
    """Insert the upload's row and its custody event `upload_started`, in the caller's unit of work.

    A plain INSERT (the object stays transient: it is only read afterwards); the unique index on
    the live evidence_id makes a concurrent duplicate fail here with an IntegrityError."""
    session.execute(Upload.__table__.insert(), [{column.key: getattr(upload, column.key)
                                                 for column in Upload.__table__.columns}])
    custody.record(session, facts.sha256, custody.Event.UPLOAD_STARTED, actor_id=principal.user_id,
                   upload_id=upload.id, details={
                       "size": upload.length, "filetype": facts.filetype, "filename": facts.filename,
                       "record_id": str(facts.record_id), "evidence_id": str(facts.evidence_id)})


def owned(principal: Principal, upload_id: uuid.UUID) -> Upload:
    """The caller's upload; someone else's is as unknown as a missing one (404)."""
    with unit_of_work() as session:
        upload = session.get(Upload, upload_id, populate_existing=True)
    if upload is None or upload.owner_id != principal.user_id:
        raise NotFound("No such upload.", code="upload.not_found")
    return upload


def live(principal: Principal, upload_id: uuid.UUID) -> Upload:
    """The caller's active or completed upload; 410 once it has ended otherwise."""
    return settled(owned(principal, upload_id))


def settled(upload: Upload) -> Upload:
    """The upload as a client may be told about it; 410 once it has ended otherwise.

    An active upload past its expiry is expired on the spot. One whose bytes have all been
    recorded is either being completed by the request that wrote the last byte (then this waits
    for it, 423 after LOCK_WAIT_SECONDS) or was left so by a crash (then it is completed now). So
    an offset equal to the length is only ever reported for a completed upload, whose evidence
    item is committed: a client that takes it as "stored" and sends its record next is never told
    the evidence was not received."""
    if upload.state == State.ACTIVE and (upload.expires_at <= utcnow() or upload.offset == upload.length):
        upload = _settle(upload)
    if upload.state not in State.live():
        raise lifecycle.gone(upload)
    return upload


def _settle(upload: Upload) -> Upload:
    all_recorded = upload.offset == upload.length
    try:
        with partials.locked(upload.id, wait=partials.LOCK_WAIT_SECONDS if all_recorded else 0) as pf:
            upload = lifecycle.reload(upload.id)
            if upload.state != State.ACTIVE:
                return upload
            if upload.expires_at <= utcnow():
                return lifecycle.end(upload, State.EXPIRED, actor_id=None)
            if upload.offset == upload.length:
                if pf.size() < upload.length:  # the file was lost (moved into the store, then a crash)
                    return lifecycle.step_back(upload, pf.size())
                if pf.size() > upload.length:  # unrecorded bytes a crash left behind
                    pf.truncate(upload.length)
                return lifecycle.complete(pf, upload)
    except UploadLocked:
        if all_recorded:
            raise  # still completing: 423, retry
        # a PATCH is at work on it: report what is recorded
    except ValidationFailed:
        return lifecycle.reload(upload.id)  # rejected at completion: now failed
    return upload


def terminate(principal: Principal, upload_id: uuid.UUID) -> None:
    upload = live(principal, upload_id)
    if upload.state == State.COMPLETED:
        raise Conflict("A completed upload is evidence and cannot be deleted.", code="upload.already_completed")
    with partials.locked(upload.id):
        upload = lifecycle.reload(upload.id)
        if upload.state != State.ACTIVE:
            raise lifecycle.gone(upload) if upload.state not in State.live() else Conflict(
                "A completed upload is evidence and cannot be deleted.", code="upload.already_completed")
        lifecycle.end(upload, State.TERMINATED, actor_id=principal.user_id)
