"""Removing abandoned uploads: `flask --app backend uploads clean-expired` (run it from cron)."""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from backend.db import unit_of_work, utcnow
from backend.errors import ValidationFailed
from backend.uploads import lifecycle, partials
from backend.uploads.errors import UploadLocked
from backend.uploads.model import State, Upload

ORPHAN_AGE_SECONDS = 3600  # a partial file this old without an active upload is left over from a crash


@dataclass(frozen=True)
class Cleaned:
    expired: int  # active uploads past their expiry, now expired and their partial files removed
    completed: int  # uploads whose bytes had all arrived but whose completion had not finished
    orphans: int  # partial and lock files without an active upload


def clean_expired(now: datetime | None = None) -> Cleaned:
    now = now or utcnow()
    with unit_of_work() as session:
        due = session.scalars(sa.select(Upload.id).where(Upload.state == State.ACTIVE.value,
                                                         Upload.expires_at <= now)).all()
    expired = completed = 0
    for upload_id in due:
        outcome = _settle(upload_id, now)
        expired += outcome == State.EXPIRED
        completed += outcome == State.COMPLETED
    return Cleaned(expired, completed, _remove_orphans())


def _settle(upload_id: uuid.UUID, now: datetime) -> State | None:
    try:
        with partials.locked(upload_id, wait=0) as pf:
            upload = lifecycle.reload(upload_id)
            if upload.state != State.ACTIVE or upload.expires_at > now:
                return None
            if upload.offset == upload.length and pf.size() == upload.length:
                try:  # every byte arrived: finish it rather than throw the evidence away
                    return State(lifecycle.complete(pf, upload).state)
                except ValidationFailed:
                    return State.FAILED
            lifecycle.end(upload, State.EXPIRED, actor_id=None)
            return State.EXPIRED
    except UploadLocked:
        return None  # a request is writing to it right now: not abandoned


def _remove_orphans() -> int:
    folder = partials.directory()
    if not folder.is_dir():
        return 0
    with unit_of_work() as session:
        active = {u.hex for u in session.scalars(sa.select(Upload.id).where(Upload.state == State.ACTIVE.value))}
    removed = 0
    for path in [*folder.glob("*.part"), *folder.glob("*.lock")]:
        if path.stem not in active and time.time() - path.stat().st_mtime > ORPHAN_AGE_SECONDS:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
