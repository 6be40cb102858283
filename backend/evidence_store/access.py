"""Reading evidence: who may (by department) and an audited custody event for every access."""
from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, BinaryIO

import sqlalchemy as sa
from flask import g

from backend.audit import services as audit
from backend.db import db, unit_of_work
from backend.errors import NotFound
from backend.evidence_store import custody
from backend.evidence_store.model import Blob, CustodyEvent, EvidenceItem
from backend.evidence_store.storage import storage
from backend.policy import Principal

log = logging.getLogger("ssgk.evidence")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class Variant(StrEnum):
    ORIGINAL = "original"
    PREVIEW = "preview"
    THUMBNAIL = "thumbnail"


@dataclass(frozen=True)
class Opened:
    stream: BinaryIO
    sha256: str  # of the bytes served (the original's, or the derivative's)
    size: int
    media_type: str


def department_of_blob(view_args: dict[str, Any]) -> int | None:
    """Policy resolver: the department whose evidence this blob is (None: no such evidence).

    A blob attached by several departments answers with the caller's own when it is one of them, and
    so does evidence of a joint check the caller's department took part in."""
    sha256 = str(view_args.get("sha256", ""))
    if _SHA256.fullmatch(sha256) is None:
        return None
    departments = db.session.scalars(sa.select(EvidenceItem.department_id).where(EvidenceItem.blob_sha256 == sha256)
                                     .order_by(EvidenceItem.id)).all()
    principal = g.get("principal")
    if principal is not None and (principal.department_id in departments
                                  or (departments and _joint_check_of(sha256, principal.department_id))):
        return principal.department_id
    return departments[0] if departments else None


def _joint_check_of(sha256: str, department_id: int) -> bool:
    """Whether the evidence belongs to the record of a task the department initiates or joins:
    evidence of joint checks is shared with every department that took part (R5.5)."""
    from backend.field.model import CheckRecord
    from backend.tasks.model import Assignment, TaskDepartment

    return db.session.scalar(
        sa.select(TaskDepartment.department_id)
        .join(Assignment, Assignment.task_id == TaskDepartment.task_id)
        .join(CheckRecord, CheckRecord.assignment_id == Assignment.id)
        .join(EvidenceItem, EvidenceItem.record_id == CheckRecord.id)
        .where(EvidenceItem.blob_sha256 == sha256, TaskDepartment.department_id == department_id).limit(1)) is not None


def _blob(sha256: str) -> Blob:
    blob = db.session.get(Blob, sha256) if _SHA256.fullmatch(sha256) else None
    if blob is None:
        raise NotFound("No such evidence.", code="evidence.not_found")
    return blob


def open_variant(principal: Principal, sha256: str, variant: Variant, *, byte_range: str | None) -> Opened:
    blob = _blob(sha256)
    target = {Variant.ORIGINAL: blob.sha256, Variant.PREVIEW: blob.preview_sha256,
              Variant.THUMBNAIL: blob.thumbnail_sha256}[variant]
    if target is None:
        raise NotFound(f"This {blob.kind} has no {variant.value}; only photos have one.", code="evidence.no_preview")
    store = storage()
    try:
        stream = store.open(target)
    except FileNotFoundError:
        log.error("evidence %s: %s %s missing from the store", sha256, variant.value, target)
        raise
    media_type = blob.media_type if variant is Variant.ORIGINAL else "image/jpeg"
    try:
        with unit_of_work() as session:
            custody.record(session, sha256, custody.Event.ACCESSED, actor_id=principal.user_id,
                           details={"variant": variant.value, "range": (byte_range or "")[:100] or None})
    except BaseException:
        stream.close()
        raise
    return Opened(stream, target, store.size(target), media_type)


def custody_trail(principal: Principal, sha256: str) -> tuple[Blob, Sequence[CustodyEvent]]:
    blob = _blob(sha256)
    with unit_of_work() as session:
        events = custody.trail(session, sha256)
        audit.record("evidence.custody_read", object_type="blob", object_id=sha256,
                     actor=str(principal.user_id), payload={"events": len(events)}, session=session)
    return blob, events
