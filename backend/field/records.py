"""Check records: idempotent submission, amendments as new revisions, and evidence completeness.

The client's UUID is the record's primary key and (record, revision) is unique: the database,
not a lookup, makes concurrent duplicates one record. A request that loses the race rolls back
and compares its digest with the stored one: the same body answers 200 with the first result,
another body 409 `record.id_conflict`. Everything of a submission is one transaction.
"""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.audit import services as audit
from backend.db import db, read_only, unit_of_work, utcnow
from backend.errors import Conflict, NotFound, PreconditionFailed, PreconditionRequired, ValidationFailed
from backend.field import access, assignments, reference, validation
from backend.field.evidence import completeness
from backend.field.model import AMENDABLE_STATUSES, CheckRecord, CheckRecordRevision
from backend.policy import Principal
from backend.results.clock import china_date


def _revision(session: Session, record_id: uuid.UUID, revision: int) -> CheckRecordRevision:
    return session.scalars(sa.select(CheckRecordRevision).where(CheckRecordRevision.record_id == record_id,
                                                                CheckRecordRevision.revision == revision)).one()


def _status(session: Session, record: CheckRecord, body: dict[str, Any] | None = None) -> dict[str, Any]:
    if body is None:
        body = _revision(session, record.id, record.current_revision).body
    return {"id": str(record.id), "revision": record.current_revision, "status": record.status,
            **completeness(session, record, body["evidence"])}


def _validate(session: Session, inspector_id: int, body: dict[str, Any], assignment_id: int) -> None:
    view, templates = assignments.for_checking(session, assignment_id)
    validation.check(body, view=view, templates=templates, caller=access.inspector_key(inspector_id),
                     ref=reference.load(session))


def _first_digest(session: Session, record_id: uuid.UUID) -> str:
    return session.scalars(sa.select(CheckRecordRevision.digest).where(CheckRecordRevision.record_id == record_id,
                                                                       CheckRecordRevision.revision == 1)).one()


def _replayed_status(session: Session, record: CheckRecord, body: dict[str, Any]) -> dict[str, Any]:
    """The status for a body equal to the record's first revision: while that revision is current,
    the posted body is the stored one (same canonical digest), so it is not read back."""
    return _status(session, record, body if record.current_revision == 1 else None)


def _replay(session: Session, record: CheckRecord, body: dict[str, Any], digest: str) -> dict[str, Any]:
    if _first_digest(session, record.id) != digest:
        raise Conflict("A different record was already submitted under this id.", code="record.id_conflict",
                       details={"id": str(record.id)})
    return _replayed_status(session, record, body)


def _submit(principal: Principal, body: dict[str, Any], digest: str, free: bool) -> tuple[dict[str, Any], int]:
    """Checked in a read-only unit, written in a short one: on SQLite the write lock is not held
    while the body is checked against its assignment and templates (tens of milliseconds, which
    every upload finishing meanwhile would otherwise wait for). What the write needs again (the
    caller still on the team) is asked again inside it; whether the id is still free is the
    primary key's to say. `free`: the id was just looked up and not found, so the read-only unit
    does not ask again."""
    record_id = uuid.UUID(body["id"])
    with read_only() as session:
        inspector_id = access.own_assignment(session, principal, body["assignment_id"])
        existing = None if free else session.get(CheckRecord, record_id)
        if existing is not None:
            return _replay(session, existing, body, digest), 200
        _validate(session, inspector_id, body, body["assignment_id"])
    with unit_of_work() as session:
        # A concurrent duplicate written meanwhile makes the INSERT fail on the primary key: submit()
        # answers it as a replay.
        access.own_assignment(session, principal, body["assignment_id"])
        now = utcnow()
        record = CheckRecord(id=record_id, assignment_id=body["assignment_id"], current_revision=1,
                             status="submitted", created_by=principal.user_id, created_at=now, updated_at=now,
                             ended_on=china_date(body["ended_at"]))
        session.add(record)
        session.flush()
        session.add(CheckRecordRevision(record_id=record_id, revision=1, base_revision=None, body=body,
                                        digest=digest, submitted_by=principal.user_id, submitted_at=now))
        session.flush()
        audit.record("field.record_submit", object_type="check_record", object_id=record_id,
                     payload={"assignment_id": body["assignment_id"], "revision": 1, "digest": digest})
        return _status(session, record, body), 201


def _digest(body: Any) -> str | None:
    """digest_of(body) when the body is an object with a canonical form, else None (shape says why)."""
    if not isinstance(body, dict):
        return None
    try:
        return validation.digest_of(body)
    except ValueError:
        return None


def _known(principal: Principal, body: Any, computed: str | None) -> tuple[dict[str, Any] | None, bool]:
    """(the status of the record this body already is, or None; whether the id was looked up and
    found free). A body whose digest is right and equals the stored revision's is that record byte
    for byte in canonical form, which passed every check when it was first submitted. The app
    posts a record again to learn which evidence is still missing; this answers it without
    checking the shape again."""
    if computed is None or computed != body.get("digest") or not isinstance(body.get("id"), str):
        return None, False
    try:
        record_id = uuid.UUID(body["id"])
    except ValueError:
        return None, False
    with read_only() as session:
        record = session.get(CheckRecord, record_id)
        if record is None:
            return None, True
        if _first_digest(session, record.id) != computed:
            return None, False
        access.own_assignment(session, principal, record.assignment_id)
        return _replayed_status(session, record, body), False


def submit(principal: Principal, body: Any) -> tuple[dict[str, Any], int]:
    """(status object, 201) the first time; (the same, 200) for the same body again; 409 otherwise."""
    computed = _digest(body)
    known, free = _known(principal, body, computed)
    if known is not None:
        return known, 200
    digest = validation.shape(body, computed)
    try:
        return _submit(principal, body, digest, free)
    except IntegrityError:
        db.session.rollback()
        with read_only() as session:  # a concurrent duplicate won: answer as a replay (nothing to write)
            existing = session.get(CheckRecord, uuid.UUID(body["id"]))
            if existing is None:
                raise
            return _replay(session, existing, body, digest), 200


def _own_record(session: Session, principal: Principal, record_id: uuid.UUID) -> tuple[CheckRecord, int]:
    """The record and the caller's inspector id, when the caller is on the record's team."""
    record = session.get(CheckRecord, record_id)
    if record is None:
        raise NotFound(f"There is no check record {record_id}.", code="record.not_found")
    return record, access.own_assignment(session, principal, record.assignment_id)


def get_record(principal: Principal, record_id: uuid.UUID) -> dict[str, Any]:
    with unit_of_work() as session:
        record, _ = _own_record(session, principal, record_id)
        current = _revision(session, record.id, record.current_revision)
        return {**_status(session, record), "assignment_id": record.assignment_id, "record": current.body,
                "review": _review_outcome(session, record)}


def _review_outcome(session: Session, record: CheckRecord) -> dict[str, Any]:
    """Where review stands, for the officers' app: a returned record shows the reviewer's comment."""
    from backend.review.model import ReviewDecision  # review builds on field records, not the reverse

    last = session.scalars(sa.select(ReviewDecision).where(ReviewDecision.record_id == record.id)
                           .order_by(ReviewDecision.id.desc()).limit(1)).first()
    returned = last is not None and last.action == "return" and record.status == "returned"
    return {"status": record.status, "comment": last.comment if returned else None,
            "decided_at": last.decided_at.isoformat() if last is not None else None}


def _amend(principal: Principal, record_id: uuid.UUID, bases: frozenset[int] | None, body: dict[str, Any],
           digest: str) -> tuple[dict[str, Any], int]:
    with unit_of_work() as session:
        record, inspector_id = _own_record(session, principal, record_id)
        if body["id"] != str(record_id) or body["assignment_id"] != record.assignment_id:
            raise ValidationFailed("An amendment keeps the record's id and assignment.", code="record.invalid",
                                   errors={"json": {"id": ["must be the record's id and assignment"]}})
        replay = session.scalar(sa.select(CheckRecordRevision.revision).where(
            CheckRecordRevision.record_id == record_id, CheckRecordRevision.digest == digest,
            CheckRecordRevision.revision > 1))
        if replay is not None:
            return _status(session, record), 200
        current = record.current_revision
        if bases is None:
            raise PreconditionRequired(f'Send If-Match: "r{current}" with the revision you amended.',
                                       code="version.required", details={"current_revision": current})
        if current not in bases:
            raise PreconditionFailed(f"The record has changed; it is now at revision {current}.",
                                     code="version.stale", details={"current_revision": current,
                                                                    "etag": f'"r{current}"'})
        if record.status not in AMENDABLE_STATUSES:
            raise Conflict(f"A record that is {record.status} cannot be amended.", code="record.not_amendable",
                           details={"status": record.status})
        _validate(session, inspector_id, body, record.assignment_id)
        now = utcnow()
        session.add(CheckRecordRevision(record_id=record_id, revision=current + 1, base_revision=current, body=body,
                                        digest=digest, submitted_by=principal.user_id, submitted_at=now))
        session.flush()
        record.current_revision, record.status, record.updated_at = current + 1, "submitted", now
        record.ended_on = china_date(body["ended_at"])
        audit.record("field.record_amend", object_type="check_record", object_id=record_id,
                     payload={"revision": current + 1, "base_revision": current, "digest": digest})
        return _status(session, record, body), 201


def amend(principal: Principal, record_id: uuid.UUID, bases: frozenset[int] | None, body: Any
          ) -> tuple[dict[str, Any], int]:
    """A new revision based on the one named in If-Match (428 without, 412 when stale)."""
    digest = validation.shape(body)
    try:
        return _amend(principal, record_id, bases, body, digest)
    except IntegrityError:
        db.session.rollback()  # another amendment of the same base won: a replay, or stale
        return _amend(principal, record_id, bases, body, digest)
