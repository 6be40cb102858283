"""The inspector directory (执法检查人员名录库): records, status periods, declared conflicts."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from backend.accounts.model import User
from backend.audit import services as audit
from backend.db import db, unit_of_work, utcnow
from backend.directory import queries, rules
from backend.directory.history import inspector_snapshot, record_inspector_change
from backend.directory.model import (
    Inspector,
    InspectorChange,
    InspectorConflict,
    InspectorStatusPeriod,
    MarketEntity,
    Specialty,
)
from backend.directory.reference import References, load_references
from backend.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from backend.orgs.model import Department
from backend.policy import Principal, Scope, ensure, scope_for

CHINA_TIME = timezone(timedelta(hours=8))  # status periods and certificates are local calendar dates


def today() -> date:
    return datetime.now(CHINA_TIME).date()


def department_of_inspector(view_args: dict[str, Any]) -> int | None:
    """Policy resolver: the department the inspector in the URL belongs to."""
    return db.session.scalar(sa.select(Inspector.department_id).where(Inspector.id == view_args["inspector_id"]))


def get_inspector(inspector_id: int) -> Inspector:
    inspector = db.session.get(Inspector, inspector_id)
    if inspector is None:
        raise NotFound("No such inspector.", code="inspector.not_found")
    return inspector


def list_inspectors(principal: Principal, filters: dict[str, Any]) -> sa.Select[Inspector]:
    scope = scope_for(principal, "directory.read_inspectors")
    own = principal.department_id if scope is Scope.DEPARTMENT else None
    return queries.inspectors_query(filters, own, today())


def _fail(field: str, code: str, message: str) -> None:
    raise ValidationFailed(message, code=code, errors={field: [rules.problem(code, message)]})


def _checked(values: dict[str, Any], refs: References, fields: set[str] | None = None) -> dict[str, Any]:
    out, errors = rules.check_inspector(values, refs, fields)
    if errors:
        raise ValidationFailed("The inspector does not meet the directory standard.",
                               code=rules.error_code(errors, "inspector.invalid"), errors=errors)
    return out


def _check_user(session: Session, user_id: int | None, department_id: int, inspector_id: int | None) -> None:
    if user_id is None:
        return
    user = session.get(User, user_id)
    if user is None:
        _fail("user_id", "inspector.unknown_user", f"no user {user_id}")
    elif user.department_id != department_id:
        _fail("user_id", "inspector.user_department_mismatch", "the account belongs to another department")
    linked = session.scalar(sa.select(Inspector.id).where(Inspector.user_id == user_id,
                                                          Inspector.id != (inspector_id or 0)))
    if linked is not None:
        raise Conflict("That account is already linked to another inspector.", code="inspector.user_already_linked",
                       details={"inspector_id": linked})


def _check_certificate(session: Session, number: str, inspector_id: int | None) -> None:
    other = session.scalar(sa.select(Inspector.id).where(Inspector.certificate_number == number,
                                                         Inspector.id != (inspector_id or 0)))
    if other is not None:
        raise Conflict("Another inspector has this certificate number.", code="inspector.duplicate_certificate",
                       details={"inspector_id": other})


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise PreconditionFailed("The inspector changed while you were editing it.", code="version.stale") from exc
    except IntegrityError as exc:
        raise Conflict("Another inspector has the same certificate number or account.",
                       code="inspector.duplicate_key") from exc


def _specialties(session: Session, codes: list[str]) -> list[Specialty]:
    return list(session.scalars(sa.select(Specialty).where(Specialty.code.in_(codes))))


def create_inspector(principal: Principal, data: dict[str, Any]) -> Inspector:
    with unit_of_work() as session:
        refs = load_references(session)
        values = _checked({f: data.get(f) for f in rules.INSPECTOR_FIELDS}, refs)
        dept = session.get(Department, refs.departments[values["department"]])
        assert dept is not None
        ensure(principal, "directory.manage", dept.id)
        _check_certificate(session, values["certificate_number"], None)
        _check_user(session, values["user_id"], dept.id, None)
        inspector = Inspector(
            name=values["name"], department=dept, jurisdiction_code=values["jurisdiction"] or dept.jurisdiction_code,
            certificate_number=values["certificate_number"], certificate_valid_from=values["certificate_valid_from"],
            certificate_valid_until=values["certificate_valid_until"], staff_category=values["staff_category"],
            user_id=values["user_id"], specialty_rows=_specialties(session, values["specialties"]),
            status_periods=[InspectorStatusPeriod(status=data.get("status") or "active",
                                                  starts_on=data.get("status_from") or today())])
        session.add(inspector)
        _flush(session)
        record_inspector_change(session, inspector, "create", None)
        audit.record("inspector.create", object_type="inspector", object_id=inspector.id,
                     payload=inspector_snapshot(inspector))
    return inspector


def _load_for_change(session: Session, principal: Principal, inspector_id: int) -> Inspector:
    inspector = session.get(Inspector, inspector_id)
    if inspector is None:
        raise NotFound("No such inspector.", code="inspector.not_found")
    ensure(principal, "directory.manage", inspector.department_id)
    return inspector


def _new_version(session: Session, inspector: Inspector, action: str, before: dict[str, Any]) -> None:
    inspector.updated_at = utcnow()
    _flush(session)
    record_inspector_change(session, inspector, action, before)


def update_inspector(principal: Principal, inspector_id: int, expected_version: int,
                     data: dict[str, Any]) -> Inspector:
    with unit_of_work() as session:
        inspector = _load_for_change(session, principal, inspector_id)
        if inspector.version != expected_version:
            raise PreconditionFailed("The inspector has changed since you read it.", code="version.stale")
        refs = load_references(session)
        before = inspector_snapshot(inspector)
        current = {**{f: getattr(inspector, f) for f in ("name", "certificate_number", "certificate_valid_from",
                                                         "certificate_valid_until", "staff_category", "user_id",
                                                         "specialties")},
                   "department": inspector.department.code, "jurisdiction": inspector.jurisdiction_code}
        values = _checked({**current, **data}, refs, set(data))
        changed = {f for f in data if values[f] != current[f]}
        if not changed:
            return inspector
        department_id = refs.departments[values["department"]]
        ensure(principal, "directory.manage", department_id)  # moving needs reach over the new department too
        if "certificate_number" in changed:
            _check_certificate(session, values["certificate_number"], inspector.id)
        if changed & {"user_id", "department"}:
            _check_user(session, values["user_id"], department_id, inspector.id)
        for field in changed & {"name", "certificate_number", "certificate_valid_from", "certificate_valid_until",
                                "staff_category", "user_id"}:
            setattr(inspector, field, values[field])
        if "department" in changed:
            inspector.department_id = department_id
        if "jurisdiction" in changed:
            inspector.jurisdiction_code = values["jurisdiction"]
        if "specialties" in changed:
            inspector.specialty_rows = _specialties(session, values["specialties"])
        _new_version(session, inspector, "update", before)
        audit.record("inspector.update", object_type="inspector", object_id=inspector.id,
                     payload={"version": inspector.version, "changed": sorted(changed),
                              "after": inspector_snapshot(inspector)})
    return inspector


def add_status_period(principal: Principal, inspector_id: int, data: dict[str, Any]) -> Inspector:
    if data.get("ends_on") is not None and data["ends_on"] < data["starts_on"]:
        _fail("ends_on", "inspector.period_dates", "a period cannot end before it starts")
    with unit_of_work() as session:
        inspector = _load_for_change(session, principal, inspector_id)
        before = inspector_snapshot(inspector)
        inspector.status_periods.append(InspectorStatusPeriod(
            status=data["status"], starts_on=data["starts_on"], ends_on=data.get("ends_on"), note=data.get("note", "")))
        _new_version(session, inspector, "status_change", before)
        audit.record("inspector.status_period", object_type="inspector", object_id=inspector.id,
                     payload={"version": inspector.version, **{k: str(v) for k, v in data.items()}})
    return inspector


def declare_conflict(principal: Principal, inspector_id: int, data: dict[str, Any]) -> Inspector:
    if data.get("entity_id") is None and not data.get("relation"):
        _fail("entity_id", "inspector.conflict_subject_required", "name an entity or describe the relationship")
    with unit_of_work() as session:
        inspector = _load_for_change(session, principal, inspector_id)
        if data.get("entity_id") is not None and session.get(MarketEntity, data["entity_id"]) is None:
            _fail("entity_id", "inspector.unknown_entity", f"no entity {data['entity_id']}")
        before = inspector_snapshot(inspector)
        inspector.conflicts.append(InspectorConflict(entity_id=data.get("entity_id"), relation=data.get("relation"),
                                                     reason=data["reason"], declared_at=utcnow()))
        _new_version(session, inspector, "conflict_declared", before)
        audit.record("inspector.declare_conflict", object_type="inspector", object_id=inspector.id,
                     payload={"version": inspector.version, **data})
    return inspector


def inspector_history(inspector_id: int) -> list[InspectorChange]:
    get_inspector(inspector_id)
    return list(db.session.scalars(sa.select(InspectorChange).where(InspectorChange.inspector_id == inspector_id)
                                   .order_by(InspectorChange.version)))


def conflicted_entity_ids(session: Session, inspector_ids: list[int]) -> dict[int, set[int]]:
    """For recusal: the entities each inspector declared a conflict with (free-text ones are not listed)."""
    rows = session.execute(sa.select(InspectorConflict.inspector_id, InspectorConflict.entity_id)
                           .where(InspectorConflict.inspector_id.in_(inspector_ids),
                                  InspectorConflict.entity_id.is_not(None)))
    out: dict[int, set[int]] = {i: set() for i in inspector_ids}
    for inspector_id, entity_id in rows:
        if entity_id is not None:
            out[inspector_id].add(entity_id)
    return out
