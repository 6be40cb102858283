"""The target directory (检查对象名录库): create, read, change; every change keeps its history."""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from backend.audit import services as audit
from backend.db import db, unit_of_work, utcnow
from backend.directory import queries, rules
from backend.directory.access import ensure_may_change_entity, ensure_risk_visible
from backend.directory.history import entity_snapshot, record_entity_change
from backend.directory.model import EntityChange, MarketEntity, SubDirectory, SubDirectoryMember
from backend.directory.reference import References, load_references
from backend.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from backend.orgs.model import Department
from backend.policy import Principal

_KEYS = (("credit_code", "entity.duplicate_credit_code"),
         ("registration_number", "entity.duplicate_registration_number"),
         ("local_id", "entity.duplicate_local_id"))
_COLUMNS = [f for f in rules.ENTITY_FIELDS if f != "supervising_departments"]


def get_entity(entity_id: int) -> MarketEntity:
    entity = db.session.get(MarketEntity, entity_id)
    if entity is None:
        raise NotFound("No such entity.", code="entity.not_found")
    return entity


def new_local_id() -> str:
    """Stable key for an individual business with neither credit code nor registration number."""
    return "L" + uuid.uuid4().hex[:15].upper()


def _checked(values: dict[str, Any], refs: References, fields: set[str] | None = None) -> dict[str, Any]:
    out, errors = rules.check_entity(values, refs, fields)
    if errors:
        raise ValidationFailed("The entity does not meet the directory standard.",
                               code=rules.error_code(errors), errors=errors)
    return out


def _ensure_unique(session: Session, values: dict[str, Any], entity_id: int | None = None) -> None:
    for field, code in _KEYS:
        value = values.get(field)
        if value is None:
            continue
        column = getattr(MarketEntity, field)
        other = session.scalar(sa.select(MarketEntity.id).where(column == value, MarketEntity.id != (entity_id or 0)))
        if other is not None:
            raise Conflict(f"Another entity has this {field}.", code=code, details={"entity_id": other, field: value})


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise PreconditionFailed("The entity changed while you were editing it.", code="version.stale") from exc
    except IntegrityError as exc:  # a concurrent insert of the same key won the race
        raise Conflict("Another entity has the same identifier.", code="entity.duplicate_key") from exc


def _departments(session: Session, codes: list[str]) -> list[Department]:
    return list(session.scalars(sa.select(Department).where(Department.code.in_(codes))))


def create_entity(principal: Principal, data: dict[str, Any]) -> MarketEntity:
    with unit_of_work() as session:
        refs = load_references(session)
        values = {f: data.get(f) for f in rules.ENTITY_FIELDS}
        values["registration_status"] = data.get("registration_status") or "operating"
        own = next((c for c, i in refs.departments.items() if i == principal.department_id), None)
        values["supervising_departments"] = data.get("supervising_departments") or ([own] if own else [])
        values = _checked(values, refs)
        if values["credit_code"] is None and values["registration_number"] is None and values["local_id"] is None:
            values["local_id"] = new_local_id()
        departments = {refs.departments[c] for c in values["supervising_departments"]}
        ensure_may_change_entity(principal, set(), departments, other_fields_changed=False)
        _ensure_unique(session, values)
        entity = MarketEntity(**{f: values[f] for f in _COLUMNS}, risk_scheme=values["risk_scheme"],
                              departments=_departments(session, values["supervising_departments"]))
        session.add(entity)
        _flush(session)
        record_entity_change(session, entity, "create", None)
        audit.record("entity.create", object_type="market_entity", object_id=entity.id,
                     payload=entity_snapshot(entity))
    return entity


def update_entity(principal: Principal, entity_id: int, expected_version: int, data: dict[str, Any]) -> MarketEntity:
    with unit_of_work() as session:
        entity = session.get(MarketEntity, entity_id)
        if entity is None:
            raise NotFound("No such entity.", code="entity.not_found")
        if entity.version != expected_version:
            raise PreconditionFailed("The entity has changed since you read it.", code="version.stale")
        before = entity_snapshot(entity)
        refs = load_references(session)
        if "supervising_departments" in data:
            data = {**data, "supervising_departments": sorted(set(data["supervising_departments"]))}
        current = {f: getattr(entity, f) for f in rules.ENTITY_FIELDS}
        values = _checked({**current, **data}, refs, set(data))
        changed = {f for f in data if values[f] != current[f]}
        if "risk_class" in data and values["risk_scheme"] != entity.risk_scheme:
            changed.add("risk_class")  # same letter, but now of the active scheme
        if not changed:
            return entity  # nothing to do: no new version
        old_departments = {d.id for d in entity.departments}
        new_departments = {refs.departments[c] for c in values["supervising_departments"]}
        ensure_may_change_entity(principal, old_departments, new_departments,
                                 other_fields_changed=bool(changed - {"supervising_departments"}))
        _ensure_unique(session, values, entity.id)
        for field in changed & set(_COLUMNS):
            setattr(entity, field, values[field])
        if "risk_class" in changed:
            entity.risk_scheme = values["risk_scheme"]
        if "supervising_departments" in changed:
            entity.departments = _departments(session, values["supervising_departments"])
            # leaving a department's supervision also leaves its sub-directories
            entity.memberships = [m for m in entity.memberships if m.sub_directory.department_id in new_departments]
        entity.updated_at = utcnow()
        _flush(session)
        action = "status_change" if "registration_status" in changed else "update"
        change = record_entity_change(session, entity, action, before)
        audit.record(f"entity.{action}", object_type="market_entity", object_id=entity.id,
                     payload={"version": entity.version, "changed": sorted(changed), "after": change.after})
    return entity


def set_membership(session: Session, entity: MarketEntity, sub_directory: SubDirectory, member: bool) -> bool:
    """Add or remove one sub-directory membership as a new entity version; False if nothing changed."""
    current = {m.sub_directory_id for m in entity.memberships}
    if (sub_directory.id in current) == member:
        return False
    before = entity_snapshot(entity)
    if member:
        entity.memberships.append(SubDirectoryMember(sub_directory=sub_directory))
    else:
        entity.memberships = [m for m in entity.memberships if m.sub_directory_id != sub_directory.id]
    entity.updated_at = utcnow()
    _flush(session)
    record_entity_change(session, entity, "membership_change", before)
    return True


def entity_history(entity_id: int) -> list[EntityChange]:
    get_entity(entity_id)
    return list(db.session.scalars(sa.select(EntityChange).where(EntityChange.entity_id == entity_id)
                                   .order_by(EntityChange.version)))


def list_entities(principal: Principal, filters: dict[str, Any]) -> sa.Select[MarketEntity]:
    if filters.get("risk_class"):
        ensure_risk_visible(principal)  # filtering by class would reveal it
    return queries.entities_query(filters, load_references(db.session).divisions)
