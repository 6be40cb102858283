"""From a complete, hash-verified file to stored evidence.

`prepare` does the slow part outside any transaction: sniff the type, check the media (a photo
is decoded in full) and move the file into the store. `record` then adds the rows (blob once per
content, the evidence item, the custody event) to the caller's unit of work. A crash between
the two leaves at most an unreferenced object in the store, never a row without its file.
Previews and thumbnails are not made here but on their first request (`derive_previews`), so an
upload's completion does not wait for them.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from backend.db import utcnow
from backend.evidence_store import custody
from backend.evidence_store.images import ImageFacts, derivatives, inspect_image
from backend.evidence_store.model import Blob, EvidenceItem
from backend.evidence_store.sniff import (
    HEAD_BYTES,
    MediaRejected,
    Sniffed,
    family_of,
    sniff,
)
from backend.evidence_store.storage import storage


@dataclass(frozen=True)
class Prepared:
    sha256: str
    size: int
    sniffed: Sniffed
    image: ImageFacts | None
    stored_new: bool  # False: the same content was already in the store


@dataclass(frozen=True)
class NewItem:
    evidence_id: uuid.UUID
    record_id: uuid.UUID
    upload_id: uuid.UUID
    filename: str
    uploaded_by: int
    department_id: int
    chunks: int


def examine(path: Path, declared_kind: str) -> tuple[Sniffed, ImageFacts | None]:
    """Raise MediaRejected unless the bytes are an accepted type of the family that was declared."""
    with open(path, "rb") as f:
        sniffed = sniff(f.read(HEAD_BYTES))
    if sniffed.family != family_of(declared_kind):
        raise MediaRejected(f"The content is {sniffed.media_type}, but the upload was declared as {declared_kind}.",
                            code="upload.type_mismatch",
                            details={"declared_kind": declared_kind, "detected": sniffed.media_type})
    image = inspect_image(path, sniffed.media_type) if sniffed.kind == "image" else None
    return sniffed, image


def prepare(path: Path, sha256: str, declared_kind: str) -> Prepared:
    """Check the media of `path` (a whole file already verified to hash to `sha256` and fsynced)
    and move it into the store: `path` is gone afterwards unless the media is rejected."""
    sniffed, image = examine(path, declared_kind)
    size = path.stat().st_size
    stored_new = storage().adopt(path, sha256)
    return Prepared(sha256, size, sniffed, image, stored_new)


def derive_previews(session: Session, blob: Blob) -> Blob:
    """Make and store a photo's preview and thumbnail from its original, once; returns the blob
    with both hashes. Two first requests at once both make them: the same bytes, stored once."""
    if blob.preview_sha256 is not None and blob.thumbnail_sha256 is not None:
        return blob
    store = storage()
    with store.open(blob.sha256) as original:
        preview, thumbnail = derivatives(original, blob.media_type)
    preview_sha256, thumbnail_sha256 = store.put_bytes(preview), store.put_bytes(thumbnail)
    session.execute(sa.update(Blob).where(Blob.sha256 == blob.sha256, Blob.preview_sha256.is_(None))
                    .values(preview_sha256=preview_sha256, thumbnail_sha256=thumbnail_sha256))
    blob.preview_sha256, blob.thumbnail_sha256 = preview_sha256, thumbnail_sha256
    return blob


def record(session: Session, prepared: Prepared, item: NewItem) -> None:
    """The blob (once per content), the evidence item and the custody event, as plain INSERTs in
    the caller's unit of work (in this order: the item refers to the blob)."""
    _insert_blob_once(session, _blob_values(prepared))
    session.execute(EvidenceItem.__table__.insert(), [{
        "evidence_id": item.evidence_id, "record_id": item.record_id, "blob_sha256": prepared.sha256,
        "filename": item.filename, "uploaded_by": item.uploaded_by, "department_id": item.department_id,
        "upload_id": item.upload_id}])
    custody.record(session, prepared.sha256, custody.Event.UPLOAD_COMPLETED, actor_id=item.uploaded_by,
                   upload_id=item.upload_id, details={
                       "sha256_verified": True, "size": prepared.size, "media_type": prepared.sniffed.media_type,
                       "stored_new": prepared.stored_new, "evidence_id": str(item.evidence_id),
                       "record_id": str(item.record_id), "filename": item.filename, "chunks": item.chunks})


def _blob_values(p: Prepared) -> dict[str, object]:
    image = p.image
    return {
        "sha256": p.sha256, "size": p.size, "media_type": p.sniffed.media_type, "kind": p.sniffed.kind,
        "width": image.width if image else None, "height": image.height if image else None,
        "orientation": image.orientation if image else None,
        "captured_at": image.captured_at if image else None,
        "gps_lat": image.gps[0] if image and image.gps else None,
        "gps_lon": image.gps[1] if image and image.gps else None,
        "preview_sha256": None, "thumbnail_sha256": None,  # made on first request
    }


_INSERT_BLOB_ONCE = {dialect.__name__.rsplit(".", 1)[-1]: dialect.insert(Blob.__table__).on_conflict_do_nothing(
    index_elements=["sha256"]) for dialect in (postgresql, sqlite)}


def _insert_blob_once(session: Session, values: dict[str, object]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: two uploads of one content finishing together store one row.
    One statement per dialect, made once: building it per upload cost more than running it."""
    statement = _INSERT_BLOB_ONCE[session.get_bind().dialect.name]
    session.execute(statement, [{**values, "created_at": utcnow()}])


def find_blob(session: Session, sha256: str) -> Blob | None:
    return session.scalar(sa.select(Blob).where(Blob.sha256 == sha256))
