"""Task packets: everything an inspector needs offline, versioned per inspector.

The packet's content is built from the database on every request; its digest (canonical JSON,
without version and time) is compared with the last version handed to that inspector. Same
digest: same version. Otherwise a new version is stored with the digest of each assignment,
so a later `?since=<version>` can answer only what changed. Versions count up from 1 per
inspector; two requests racing to store the same new version meet the UNIQUE constraint and
the loser reads the winner's row.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.audit.canonical import canonical_json, sha256_hex
from backend.db import db, unit_of_work
from backend.directory.model import Inspector
from backend.field import access, assignments, reference
from backend.field.model import PacketVersion
from backend.orgs.model import Department
from backend.policy import Principal


def _digest(obj: Any) -> str:
    return sha256_hex(canonical_json(obj))


def _inspector(session: Session, inspector_id: int) -> dict[str, Any]:
    name, department, user_id = session.execute(
        sa.select(Inspector.name, Department.code, Inspector.user_id)
        .join(Department, Department.id == Inspector.department_id).where(Inspector.id == inspector_id)).one()
    return {"id": access.inspector_key(inspector_id), "name": name, "department": department, "user_id": user_id}


def _issue(session: Session, inspector_id: int, digest: str, per_assignment: dict[str, str],
           templates: list[str], reference_digest: str) -> PacketVersion:
    latest = session.scalars(sa.select(PacketVersion).where(PacketVersion.inspector_id == inspector_id)
                             .order_by(PacketVersion.version.desc()).limit(1)).first()
    if latest is not None and latest.digest == digest:
        return latest
    row = PacketVersion(inspector_id=inspector_id, version=latest.version + 1 if latest else 1, digest=digest,
                        assignments=per_assignment, templates=templates, reference_digest=reference_digest)
    session.add(row)
    session.flush()
    return row


def _delta(previous: PacketVersion, current: PacketVersion, views: list[dict[str, Any]],
           templates: dict[str, Any], common: dict[str, Any]) -> dict[str, Any]:
    old = previous.assignments
    changed = [v for v in views if old.get(str(v["id"])) != current.assignments[str(v["id"])]]
    removed = sorted(int(k) for k in old.keys() - current.assignments.keys())
    body = {"version": current.version, "since": previous.version,
            "generated_at": current.created_at.isoformat(), "assignments": changed,
            "removed_assignment_ids": removed,
            "templates": {k: t for k, t in templates.items() if k not in set(previous.templates)}}
    if previous.reference_digest != current.reference_digest:
        body.update(common)  # the inspector or a reference list changed: send them again
    return body


def _build(principal: Principal, since: int | None) -> tuple[int, dict[str, Any]]:
    with unit_of_work() as session:
        ref = reference.load(session).as_packet()
        inspector = access.inspector_of(session, principal)
        if inspector is None:  # signed in, but not linked to the inspector directory: nothing to work on
            return 0, {"version": 0, "since": None, "generated_at": None, "inspector": None, "assignments": [],
                       "templates": {}, **ref}
        views, templates = assignments.build(session, access.assignment_ids_of(session, inspector))
        common = {"inspector": _inspector(session, inspector), **ref}
        per_assignment = {str(v["id"]): _digest(v) for v in views}
        reference_digest = _digest(common)
        digest = _digest({"assignments": per_assignment, "templates": sorted(templates),
                          "reference": reference_digest})
        current = _issue(session, inspector, digest, per_assignment, sorted(templates), reference_digest)
        previous = None
        if since is not None and since <= current.version:
            previous = session.scalar(sa.select(PacketVersion).where(PacketVersion.inspector_id == inspector,
                                                                     PacketVersion.version == since))
        if previous is not None:
            return current.version, _delta(previous, current, views, templates, common)
        return current.version, {"version": current.version, "since": None,
                                 "generated_at": current.created_at.isoformat(), **common,
                                 "assignments": views, "templates": templates}


def packet(principal: Principal, since: int | None = None) -> tuple[int, dict[str, Any]]:
    """(version, body): the whole packet, or the delta since `since` when that version is known."""
    try:
        return _build(principal, since)
    except IntegrityError:  # another request stored this version first: read it
        db.session.rollback()
        return _build(principal, since)


def assignment(principal: Principal, assignment_id: int) -> dict[str, Any]:
    """One of the caller's assignments with the templates it names (403 for anyone else's)."""
    with unit_of_work() as session:
        access.own_assignment(session, principal, assignment_id)
        views, templates = assignments.build(session, [assignment_id])
        return {**views[0], "templates": templates}
