"""Sub-directories (分库): a department's domains, each with its member entities."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, undefer

from backend.audit import services as audit
from backend.db import db, unit_of_work
from backend.directory.entities import set_membership
from backend.directory.model import MarketEntity, SubDirectory
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.orgs.model import Department
from backend.policy import Principal, ensure


def department_of_sub_directory(view_args: dict[str, Any]) -> int | None:
    """Policy resolver: the department that owns the sub-directory in the URL."""
    return db.session.scalar(sa.select(SubDirectory.department_id)
                             .where(SubDirectory.id == view_args["sub_directory_id"]))


def list_sub_directories(department: str | None = None) -> list[SubDirectory]:
    query = (sa.select(SubDirectory).join(Department).options(undefer(SubDirectory.member_count))
             .order_by(Department.code, SubDirectory.code))
    if department:
        query = query.where(Department.code == department)
    return list(db.session.scalars(query))


def get_sub_directory(sub_directory_id: int) -> SubDirectory:
    sub = db.session.get(SubDirectory, sub_directory_id)
    if sub is None:
        raise NotFound("No such sub-directory.", code="sub_directory.not_found")
    return sub


def create_sub_directory(principal: Principal, data: dict[str, Any]) -> SubDirectory:
    with unit_of_work() as session:
        dept = session.scalar(sa.select(Department).where(Department.code == data["department"]))
        if dept is None:
            raise ValidationFailed("Unknown department.", code="sub_directory.unknown_department",
                                   errors={"department": [{"code": "sub_directory.unknown_department",
                                                           "message": f"no department {data['department']!r}"}]})
        ensure(principal, "directory.manage", dept.id)
        exists = session.scalar(sa.select(SubDirectory.id).where(SubDirectory.department_id == dept.id,
                                                                 SubDirectory.code == data["code"]))
        if exists is not None:
            raise Conflict("This department already has a sub-directory with that code.",
                           code="sub_directory.duplicate_code", details={"sub_directory_id": exists})
        sub = SubDirectory(department=dept, code=data["code"], name_zh=data["name_zh"], name_en=data.get("name_en", ""))
        session.add(sub)
        session.flush()
        audit.record("sub_directory.create", object_type="sub_directory", object_id=sub.id,
                     payload={"department": dept.code, **{k: v for k, v in data.items() if k != "department"}})
    return sub


def _entity(session: Session, entity_id: int) -> MarketEntity:
    entity = session.get(MarketEntity, entity_id)
    if entity is None:
        raise NotFound("No such entity.", code="entity.not_found")
    return entity


def change_membership(principal: Principal, sub_directory_id: int, entity_id: int, member: bool) -> None:
    """Add (member=True) or remove an entity; doing it twice changes nothing the second time."""
    with unit_of_work() as session:
        sub = session.get(SubDirectory, sub_directory_id)
        if sub is None:
            raise NotFound("No such sub-directory.", code="sub_directory.not_found")
        ensure(principal, "directory.manage", sub.department_id)
        entity = _entity(session, entity_id)
        if member and sub.department_id not in {d.id for d in entity.departments}:
            raise ValidationFailed(
                "The sub-directory's department does not supervise this entity.",
                code="sub_directory.entity_not_supervised",
                errors={"entity_id": [{"code": "sub_directory.entity_not_supervised",
                                       "message": f"{sub.department.code} does not supervise entity {entity_id}"}]})
        if set_membership(session, entity, sub, member):
            audit.record("sub_directory.add_member" if member else "sub_directory.remove_member",
                         object_type="sub_directory", object_id=sub.id,
                         payload={"entity_id": entity.id, "entity_version": entity.version})
