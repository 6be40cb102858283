"""PATCH: append one chunk at the upload's current offset, and complete the upload at its end.

No database transaction stays open while bytes stream in (on SQLite that would hold the write
lock for minutes over a slow network): the partial file's lock serialises writers, each read of
the upload is its own short unit of work, and the new offset is recorded after the fsync.
"""
from __future__ import annotations

import logging
import uuid
from typing import BinaryIO

from backend.db import unit_of_work, utcnow
from backend.errors import Conflict
from backend.policy import Principal
from backend.uploads import kinds, lifecycle, partials, services
from backend.uploads.errors import BadUploadRequest, ChecksumMismatch, UploadTooLarge
from backend.uploads.model import State, Upload
from backend.uploads.tus import Checksum

log = logging.getLogger("ssgk.uploads")


def patch(principal: Principal, upload_id: uuid.UUID, *, offset: int, stream: BinaryIO,
          content_length: int | None, checksum: Checksum | None) -> Upload:
    return _append(services.live(principal, upload_id), offset=offset, stream=stream, content_length=content_length,
                   checksum=checksum)


def _append(upload: Upload, *, offset: int, stream: BinaryIO, content_length: int | None,
            checksum: Checksum | None) -> Upload:
    chunk_limit = kinds.chunk_limit()
    if content_length is not None and content_length > chunk_limit:
        raise UploadTooLarge(f"One PATCH may carry at most {chunk_limit} bytes; send smaller chunks.",
                             code="upload.chunk_too_large", details={"max_chunk_bytes": chunk_limit})
    if upload.state == State.COMPLETED:
        return _already_complete(upload, offset, content_length)
    with partials.locked(upload.id) as pf:
        upload = lifecycle.reload(upload.id)
        if upload.state != State.ACTIVE:
            if upload.state == State.COMPLETED:
                return _already_complete(upload, offset, content_length)
            raise lifecycle.gone(upload)
        current = _reconcile(pf, upload)
        if offset != current:
            raise Conflict(f"Upload-Offset is {offset} but the upload is at {current}; HEAD it and resume there.",
                           code="upload.offset_mismatch", details={"offset": current})
        remaining = upload.length - current
        if content_length is not None and content_length > remaining:
            raise UploadTooLarge(f"Only {remaining} bytes of this upload are left.", code="upload.exceeds_length",
                                 details={"length": upload.length, "offset": current})
        received = pf.receive(stream, start=current, limit=min(remaining, chunk_limit), checksum=checksum)
        upload = _advance(upload.id, received.written)
        if received.interrupted is not None:
            raise BadUploadRequest(f"The body ended early; {received.written} bytes were kept.",
                                   code="upload.body_incomplete", details={"offset": upload.offset})
        if upload.offset == upload.length:
            upload = lifecycle.complete(pf, upload)
    return upload


def first_chunk(principal: Principal, upload: Upload, *, stream: BinaryIO, content_length: int | None,
                checksum: Checksum | None) -> Upload:
    """creation-with-upload: the POST body is the first chunk of the upload just created. A chunk
    failing its checksum is discarded and the new upload returned at offset 0, so the client still
    learns its URL."""
    try:
        return _append(upload, offset=0, stream=stream, content_length=content_length, checksum=checksum)
    except ChecksumMismatch:
        return services.owned(principal, upload.id)


def _already_complete(upload: Upload, offset: int, content_length: int | None) -> Upload:
    if offset != upload.length:
        raise Conflict("This upload is complete.", code="upload.offset_mismatch", details={"offset": upload.length})
    if content_length:
        raise UploadTooLarge("This upload is complete; no more bytes fit.", code="upload.exceeds_length",
                             details={"length": upload.length, "offset": upload.length})
    return upload


def _reconcile(pf: partials.PartialFile, upload: Upload) -> int:
    """The recorded offset is the truth: drop unacknowledged bytes a crash left behind, or, if the
    file is shorter than recorded (lost writes), step the offset back so the client resends."""
    size = pf.size()
    if size > upload.offset:
        pf.truncate(upload.offset)
    elif size < upload.offset:
        log.warning("upload %s: file has %s bytes, offset was %s; resuming from the file", upload.id, size,
                    upload.offset)
        return lifecycle.step_back(upload, size).offset
    return upload.offset


def _advance(upload_id: uuid.UUID, written: int) -> Upload:
    now = utcnow()
    with unit_of_work() as session:
        row = session.get(Upload, upload_id, populate_existing=True)
        assert row is not None
        if written:
            row.offset += written
            row.chunks += 1
        row.updated_at, row.expires_at = now, lifecycle.next_expiry(now)
    return row
