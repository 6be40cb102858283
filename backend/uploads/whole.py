"""A creation POST that carries the whole file: received, checked and recorded in one unit of work.

The app sends its first chunk with the creation POST, so signatures and photos or recordings up
to one chunk (512 KiB) arrive whole. The general path creates the upload first and then appends, completes and
records it: five units of work, two signed audit checkpoints and the file read twice per photo.
Under 100 inspectors syncing at once on SQLite those units queue for the one write lock, and
bench/sync.py measured uploads at a sixth of the raw-write baseline. Here the database is not
touched until every byte is in: the body goes to a private file while it is hashed, is fsynced,
its SHA-256 and media checked, moved into the store, and one unit of work then writes the upload
(already completed), its evidence item and the custody events `upload_started` and
`upload_completed`: one transaction, one checkpoint, one read of the bytes.

What a client sees is the same as on the general path: 201 with the upload's URL and an offset
equal to the length once the evidence is stored; a hash or media failure is a failed upload
with its custody event and the same 422; a body cut short becomes an active upload holding the
bytes received (answered `400 upload.body_incomplete`, which the client never reads: its retried
POST for the same evidence_id finds the upload and resumes from its offset);
a chunk failing its Upload-Checksum becomes an active upload at offset 0.
"""
from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa

from backend.db import read_only, unit_of_work, utcnow
from backend.errors import Conflict, ValidationFailed
from backend.evidence_store import custody, ingest
from backend.evidence_store.sniff import MediaRejected
from backend.policy import Principal
from backend.uploads import partials, services
from backend.uploads.errors import BadUploadRequest, ChecksumMismatch
from backend.uploads.metadata import Declared, declared
from backend.uploads.model import State, Upload
from backend.uploads.tus import Checksum


def existing(evidence_id: uuid.UUID) -> Upload | None:
    """The live upload already made for this evidence item (a retried POST), if any."""
    with read_only() as session:
        return session.scalar(sa.select(Upload).where(Upload.evidence_id == evidence_id,
                                                      Upload.state.in_(State.live())))


def post(principal: Principal, *, length: int, metadata: dict[str, str], metadata_header: str,
         stream: BinaryIO, checksum: Checksum | None) -> Upload:
    """Take the whole file from `stream` (the caller saw Content-Length equal Upload-Length) and
    return the upload as recorded. A retried POST for an evidence item that already has a live
    upload gets that one back (the unique index finds it when this one is recorded: looking
    first would cost every upload a query for the rare retry)."""
    facts = declared(metadata)
    services.admissible(facts, length, first_chunk=length)
    services.for_open_record(principal, facts)
    partials.directory().mkdir(parents=True, exist_ok=True)
    path = partials.directory() / f"{uuid.uuid4().hex}.whole"
    try:
        return _receive(principal, facts, length, metadata_header, stream, checksum, path)
    finally:
        path.unlink(missing_ok=True)  # moved into the store or a partial file on every kept outcome


def _receive(principal: Principal, facts: Declared, length: int, header: str, stream: BinaryIO,
             checksum: Checksum | None, path: Path) -> Upload:
    sha256 = hashlib.sha256()
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        received = partials.PartialFile(fd, path).receive(stream, start=0, limit=length, checksum=checksum,
                                                          also=sha256)
    except ChecksumMismatch:
        return _keep_partial(principal, facts, length, header, path, written=0)
    finally:
        os.close(fd)
    if received.interrupted is not None or received.written < length:
        upload = _keep_partial(principal, facts, length, header, path, written=received.written)
        # As for a PATCH cut short: the client went away and never reads this; its retried POST
        # finds the upload by evidence_id and resumes from the offset.
        raise BadUploadRequest(f"The body ended early; {upload.offset} bytes were kept.",
                               code="upload.body_incomplete", details={"offset": upload.offset})
    actual = sha256.hexdigest()
    if actual != facts.sha256:
        error = ValidationFailed("The file's SHA-256 differs from the one declared at creation; nothing was kept.",
                                 code="upload.hash_mismatch", details={"declared": facts.sha256, "actual": actual})
        _reject(principal, facts, length, header, error, actual_sha256=actual)
        raise error
    try:
        prepared = ingest.prepare(path, actual, facts.kind)
    except MediaRejected as error:
        _reject(principal, facts, length, header, error, actual_sha256=actual)
        raise
    try:
        return _record(principal, facts, length, header, prepared)
    except sa.exc.IntegrityError:
        # A concurrent POST for the same evidence item (a retry racing its original) recorded it
        # first; the stored object is the same content, so nothing is left over.
        return _theirs(principal, facts, length)


def _record(principal: Principal, facts: Declared, length: int, header: str, prepared: ingest.Prepared) -> Upload:
    now = utcnow()
    upload = services.new_upload(principal, facts, length, header, state=State.COMPLETED.value, offset=length,
                                 chunks=1, completed_at=now)
    with unit_of_work() as session:
        services.add_started(session, principal, facts, upload)
        ingest.record(session, prepared, ingest.NewItem(
            evidence_id=facts.evidence_id, record_id=facts.record_id, upload_id=upload.id, filename=facts.filename,
            uploaded_by=principal.user_id, department_id=principal.department_id, chunks=1))
    return upload


def _reject(principal: Principal, facts: Declared, length: int, header: str, error: ValidationFailed,
            **facts_found: object) -> None:
    """A failed upload and its custody trail (started, rejected); nothing of the bytes is kept."""
    upload = services.new_upload(principal, facts, length, header, state=State.FAILED.value,
                                 failure_code=error.code, failure_message=error.message[:300])
    with unit_of_work() as session:
        services.add_started(session, principal, facts, upload)
        custody.record(session, facts.sha256, custody.Event.UPLOAD_REJECTED, actor_id=principal.user_id,
                       upload_id=upload.id, details={"reason": error.code, "message": error.message[:300],
                                                     "size": length, **facts_found})


def _keep_partial(principal: Principal, facts: Declared, length: int, header: str, path: Path, *,
                  written: int) -> Upload:
    """The body ended early (or failed its checksum): an active upload holding what arrived."""
    upload = services.new_upload(principal, facts, length, header, offset=written, chunks=1 if written else 0)
    partial = partials.path_for(upload.id)
    try:
        with unit_of_work() as session:
            services.add_started(session, principal, facts, upload)
            os.replace(path, partial)  # inside the unit of work: no row without its file
    except sa.exc.IntegrityError:
        partial.unlink(missing_ok=True)
        return _theirs(principal, facts, length)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return upload


def _theirs(principal: Principal, facts: Declared, length: int) -> Upload:
    """The upload a concurrent request made for this evidence item, if it is the same file."""
    other = existing(facts.evidence_id)
    if other is None:  # theirs failed or ended since: a conflict the client resolves by retrying
        raise Conflict("Another request for this evidence_id ended without storing it; retry.",
                       code="upload.evidence_conflict", details={"evidence_id": str(facts.evidence_id)})
    return _same_file(principal, facts, length, other)


def _same_file(principal: Principal, facts: Declared, length: int, other: Upload) -> Upload:
    if (other.owner_id, other.sha256, other.length, other.record_id, other.kind) != (
            principal.user_id, facts.sha256, length, facts.record_id, facts.kind):
        raise Conflict("This evidence_id already belongs to a different upload.", code="upload.evidence_conflict",
                       details={"evidence_id": str(facts.evidence_id)})
    return services.settled(other)
