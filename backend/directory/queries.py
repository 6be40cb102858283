"""Filtered reads of both directories, as `select()` statements for pagination.

`status_is` and `available_on` restate `backend.directory.availability` in SQL, so that a
page of "inspectors available on day D" is counted and cut in the database.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from backend.directory.model import (
    Inspector,
    InspectorStatusPeriod,
    MarketEntity,
    SubDirectoryMember,
    entity_department,
    inspector_specialty,
)
from backend.orgs.model import Department


def entities_query(filters: dict[str, Any], divisions: dict[str, str]) -> sa.Select[MarketEntity]:
    query = sa.select(MarketEntity).order_by(MarketEntity.id)
    if filters.get("division"):
        query = query.where(MarketEntity.division_code == divisions.get(filters["division"], filters["division"]))
    if filters.get("industry"):  # GB/T 4754 is hierarchical: a prefix selects the subtree
        query = query.where(MarketEntity.industry_code.startswith(filters["industry"], autoescape=True))
    for param, column in (("entity_type", MarketEntity.entity_type), ("status", MarketEntity.registration_status),
                          ("risk_class", MarketEntity.risk_class)):
        if filters.get(param):
            query = query.where(column == filters[param])
    if filters.get("sub_directory") is not None:
        query = query.where(MarketEntity.id.in_(sa.select(SubDirectoryMember.entity_id).where(
            SubDirectoryMember.sub_directory_id == filters["sub_directory"])))
    if filters.get("department"):
        query = query.where(MarketEntity.id.in_(
            sa.select(entity_department.c.entity_id).join(Department)
            .where(Department.code == filters["department"])))
    if filters.get("q"):
        q = filters["q"]
        query = query.where(sa.or_(MarketEntity.name.contains(q, autoescape=True),
                                   MarketEntity.credit_code.startswith(q.upper(), autoescape=True),
                                   MarketEntity.registration_number.startswith(q, autoescape=True),
                                   MarketEntity.local_id.startswith(q, autoescape=True)))
    return query


def _covers(period: Any, day: date) -> sa.ColumnElement[bool]:
    return sa.and_(period.starts_on <= day, sa.or_(period.ends_on.is_(None), period.ends_on >= day))


def status_is(status: str, day: date) -> sa.ColumnElement[bool]:
    """The inspector's status on `day` is `status`: a covering period with it, and none starting later."""
    p = aliased(InspectorStatusPeriod)
    q = aliased(InspectorStatusPeriod)
    later = sa.select(q.id).where(q.inspector_id == p.inspector_id, _covers(q, day),
                                  sa.or_(q.starts_on > p.starts_on, sa.and_(q.starts_on == p.starts_on, q.id > p.id)))
    return sa.exists(sa.select(p.id).where(p.inspector_id == Inspector.id, p.status == status,
                                           _covers(p, day), ~sa.exists(later)))


def available_on(day: date) -> sa.ColumnElement[bool]:
    return sa.and_(status_is("active", day), Inspector.certificate_valid_from <= day,
                   Inspector.certificate_valid_until >= day)


def inspectors_query(filters: dict[str, Any], department_id: int | None,
                     today: date) -> sa.Select[Inspector]:
    """`department_id` confines the list to one department (department-scoped readers)."""
    query = sa.select(Inspector).order_by(Inspector.id)
    if department_id is not None:
        query = query.where(Inspector.department_id == department_id)
    if filters.get("department"):
        query = query.where(Inspector.department_id.in_(
            sa.select(Department.id).where(Department.code == filters["department"])))
    if filters.get("status"):
        query = query.where(status_is(filters["status"], filters.get("on") or today))
    if filters.get("specialty"):
        query = query.where(Inspector.id.in_(sa.select(inspector_specialty.c.inspector_id).where(
            inspector_specialty.c.specialty_code == filters["specialty"])))
    if filters.get("available_on"):
        query = query.where(available_on(filters["available_on"]))
    if filters.get("q"):
        query = query.where(sa.or_(Inspector.name.contains(filters["q"], autoescape=True),
                                   Inspector.certificate_number.startswith(filters["q"], autoescape=True)))
    return query
