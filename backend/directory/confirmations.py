"""Directory confirmation (R2.2): a department states its share of a directory is up to date.

The population of a department is, for `entities`, every entity it supervises (whatever its
registration status) and, for `inspectors`, every inspector of the department. Its digest
(`ssgk-directory-confirmation/1`, docs/directory.md) is

    SHA-256( id_1 TAB version_1 LF  id_2 TAB version_2 LF ... )

with ids and versions in decimal ASCII and lines ordered by the id's decimal string compared
bytewise (the ordering of docs/draw-algorithm.md §2). Any change to a record bumps its version,
so the digest pins the exact state that was confirmed.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from backend.audit import services as audit
from backend.db import db, unit_of_work, utcnow
from backend.directory.model import DirectoryConfirmation, Inspector, MarketEntity, entity_department
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.orgs.model import Department
from backend.policy import Principal, ensure

ALGORITHM = "ssgk-directory-confirmation/1"
KINDS = ("entities", "inspectors")


def population(session: Session, department_id: int, kind: str) -> list[tuple[int, int]]:
    """(id, version) of every record in the department's share of the directory."""
    if kind == "entities":
        query = (sa.select(MarketEntity.id, MarketEntity.version)
                 .join(entity_department, entity_department.c.entity_id == MarketEntity.id)
                 .where(entity_department.c.department_id == department_id))
    elif kind == "inspectors":
        query = sa.select(Inspector.id, Inspector.version).where(Inspector.department_id == department_id)
    else:
        raise ValueError(f"unknown directory kind {kind!r}")
    return [(i, v) for i, v in session.execute(query)]


def population_digest(rows: list[tuple[int, int]]) -> str:
    lines = sorted(f"{i}\t{v}\n".encode("ascii") for i, v in rows)
    # Sorting whole lines equals sorting by id: TAB (0x09) sorts below every digit.
    return hashlib.sha256(b"".join(lines)).hexdigest()


def _department(session: Session, code: str) -> Department:
    dept = session.scalar(sa.select(Department).where(Department.code == code))
    if dept is None:
        raise ValidationFailed("Unknown department.", code="directory.unknown_department",
                               errors={"department": [{"code": "directory.unknown_department",
                                                       "message": f"no department {code!r}"}]})
    return dept


def record_confirmation(session: Session, department_id: int, kind: str, user_id: int, *,
                        note: str = "", expected_digest: str | None = None) -> DirectoryConfirmation:
    rows = population(session, department_id, kind)
    digest = population_digest(rows)
    if expected_digest is not None and expected_digest != digest:
        raise Conflict("The directory changed after you reviewed it; review it again.",
                       code="directory.population_changed", details={"digest": digest, "count": len(rows)})
    row = DirectoryConfirmation(department_id=department_id, kind=kind, confirmed_by=user_id, confirmed_at=utcnow(),
                                count=len(rows), digest=digest, algorithm=ALGORITHM, note=note)
    session.add(row)
    session.flush()
    audit.record("directory.confirm", object_type="directory_confirmation", object_id=row.id,
                 actor=str(user_id), payload={"department_id": department_id, "kind": kind,
                                              "count": row.count, "digest": digest, "algorithm": ALGORITHM})
    return row


def confirm(principal: Principal, data: dict[str, Any]) -> DirectoryConfirmation:
    with unit_of_work() as session:
        dept = _department(session, data["department"])
        ensure(principal, "directory.confirm", dept.id)
        return record_confirmation(session, dept.id, data["kind"], principal.user_id,
                                   note=data.get("note", ""), expected_digest=data.get("digest"))


def latest_confirmation(session: Session, department_id: int, kind: str) -> DirectoryConfirmation | None:
    return session.scalars(sa.select(DirectoryConfirmation)
                           .where(DirectoryConfirmation.department_id == department_id,
                                  DirectoryConfirmation.kind == kind)
                           .order_by(DirectoryConfirmation.confirmed_at.desc(), DirectoryConfirmation.id.desc())
                           .limit(1)).first()


def latest(department: str, kind: str) -> dict[str, Any]:
    """The latest confirmation, and whether the directory still matches it."""
    session = db.session
    dept = _department(session, department)
    row = latest_confirmation(session, dept.id, kind)
    if row is None:
        raise NotFound("This department has not confirmed that directory yet.", code="directory.not_confirmed")
    rows = population(session, dept.id, kind)
    current = population_digest(rows)
    return {"confirmation": row, "current_count": len(rows), "current_digest": current,
            "unchanged_since": current == row.digest, "fresh": _is_fresh(row, None)}


def _max_age(max_age: timedelta | None) -> timedelta:
    return max_age if max_age is not None else timedelta(days=current_app.config["DIRECTORY_CONFIRMATION_MAX_AGE_DAYS"])


def _is_fresh(row: DirectoryConfirmation, max_age: timedelta | None) -> bool:
    return utcnow() - row.confirmed_at <= _max_age(max_age)


def require_fresh_confirmation(session: Session, department_id: int, kind: str,
                               max_age: timedelta | None = None) -> DirectoryConfirmation:
    """The latest confirmation if it is at most `max_age` old (default: the configured days); else 409.

    Call before a draw: R2.2 wants directories confirmed up to date before each draw.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown directory kind {kind!r}")
    row = latest_confirmation(session, department_id, kind)
    if row is None or not _is_fresh(row, max_age):
        raise Conflict("The department must confirm its directory before this draw.",
                       code="directory.confirmation_stale",
                       details={"department_id": department_id, "kind": kind,
                                "confirmed_at": None if row is None else row.confirmed_at.isoformat(),
                                "max_age_days": _max_age(max_age) / timedelta(days=1)})
    return row
