"""The item list: creating items, new versions, filings with the lead bureau, acknowledgement.

Every change to an item is a new append-only `ItemVersion`, filed in the same transaction
with the lead bureau (`ItemFiling`). The compiled city-wide list is every item's current
version.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.audit import services as audit
from backend.catalog import sampling
from backend.catalog.model import CheckItem, ItemFiling, ItemVersion
from backend.catalog.versioning import check_version
from backend.db import db, unit_of_work, utcnow
from backend.directory.model import RiskClass, RiskScheme
from backend.errors import Conflict, Forbidden, NotFound, PreconditionFailed, ValidationFailed
from backend.orgs.model import Department
from backend.policy import Principal, Scope, ensure, scope_for

INITIAL_SUMMARY = "新增抽查事项 (item added to the list)"


def actor_id(principal: Principal) -> int | None:
    """The user to record as author; None for the internal system principal (id 0)."""
    return principal.user_id if principal.user_id > 0 else None


def department_of_item(view_args: dict[str, Any]) -> int | None:
    """Policy resolver: the department that owns the item addressed by the URL."""
    return db.session.scalar(sa.select(CheckItem.department_id).where(CheckItem.id == view_args["item_id"]))


def bureau_of_filing(view_args: dict[str, Any]) -> int | None:
    """Policy resolver: the bureau a filing was made with (the one that may acknowledge it)."""
    return db.session.scalar(sa.select(ItemFiling.lead_department_id).where(ItemFiling.id == view_args["filing_id"]))


def department_by_code(session: Session, code: str, *, field: str = "department") -> Department:
    dept = session.scalar(sa.select(Department).where(Department.code == code))
    if dept is None:
        raise ValidationFailed("Unknown department.", code="department.unknown", errors={field: [f"no department {code!r}"]})
    return dept


def lead_bureau(session: Session) -> Department:
    lead = session.scalar(sa.select(Department).where(Department.is_lead.is_(True)).order_by(Department.id))
    if lead is None:
        raise Conflict("No department is marked as the lead bureau.", code="catalog.no_lead_bureau")
    return lead


def list_items(*, department: str | None = None, kind: str | None = None, q: str | None = None
               ) -> sa.Select[tuple[CheckItem]]:
    """The compiled city-wide list: every item at its current version."""
    current = sa.and_(ItemVersion.item_id == CheckItem.id, ItemVersion.version == CheckItem.current_version)
    query = (sa.select(CheckItem).join(ItemVersion, current).join(Department, CheckItem.department_id == Department.id)
             .order_by(Department.id, CheckItem.code))
    if department:
        query = query.where(Department.code == department)
    if kind:
        query = query.where(ItemVersion.kind == kind)
    if q:
        needle = q.lower()
        query = query.where(sa.or_(sa.func.lower(CheckItem.code).contains(needle, autoescape=True),
                                   ItemVersion.name_zh.contains(q, autoescape=True),
                                   sa.func.lower(ItemVersion.name_en).contains(needle, autoescape=True)))
    return query


def get_item(item_id: int) -> CheckItem:
    item = db.session.get(CheckItem, item_id)
    if item is None:
        raise NotFound("No such item.", code="item.not_found")
    return item


def active_risk_classes(session: Session) -> list[str]:
    """The active risk scheme's classes, lowest risk first (the sampling rules follow that scheme)."""
    scheme = session.scalar(sa.select(RiskScheme.code).where(RiskScheme.is_active.is_(True)))
    return list(session.scalars(sa.select(RiskClass.code).where(RiskClass.scheme_code == scheme)
                                .order_by(RiskClass.rank)))


def _content(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    """The version columns from a (merged) request body, sampling rules checked and ordered by risk."""
    classes = active_risk_classes(session)
    found = list(sampling.rule_problems(data["kind"], data["sampling_rules"], classes))
    if found:
        errors: dict[str, list[str]] = {}
        for where, message in found:
            errors.setdefault("/sampling_rules" + where, []).append(message)
        raise ValidationFailed(f"The sampling rules are not valid: {found[0][1]}.", code="item.sampling_rules_invalid",
                               errors=errors)
    subjects = data["subjects"]
    return {
        "name_zh": data["name_zh"], "name_en": data.get("name_en"), "kind": data["kind"],
        "legal_basis": data["legal_basis"],
        "subjects": {k: list(subjects.get(k, [])) for k in ("entity_types", "industry_codes", "subdirectory_codes")},
        "check_methods": list(data["check_methods"]),
        "provincial_item_code": data["provincial_item"]["code"],
        "provincial_item_name": data["provincial_item"]["name_zh"],
        "sampling_rules": sampling.ordered(data["sampling_rules"], classes),
    }


def _as_request(version: ItemVersion) -> dict[str, Any]:
    """A stored version in the shape of a request body, to merge a partial change onto."""
    return {"name_zh": version.name_zh, "name_en": version.name_en, "kind": version.kind,
            "legal_basis": version.legal_basis, "subjects": version.subjects, "check_methods": version.check_methods,
            "provincial_item": {"code": version.provincial_item_code, "name_zh": version.provincial_item_name},
            "sampling_rules": version.sampling_rules}


def _file(session: Session, principal: Principal, item: CheckItem, version: int, summary: str, now: datetime) -> None:
    filing = ItemFiling(department_id=item.department_id, lead_department_id=lead_bureau(session).id,
                        item_id=item.id, version=version, change_summary=summary,
                        filed_by=actor_id(principal), filed_at=now)
    session.add(filing)
    session.flush()
    audit.record("catalog.item.file", object_type="item_filing", object_id=filing.id, actor=str(principal.user_id),
                 payload={"item": item.code, "version": version, "summary": summary})


def create_item(principal: Principal, data: dict[str, Any], *, now: datetime | None = None) -> CheckItem:
    now = now or utcnow()
    with unit_of_work() as session:
        dept = (department_by_code(session, data["department"]) if data.get("department")
                else session.get(Department, principal.department_id))
        if dept is None:
            raise ValidationFailed("Say which department owns the item.", code="department.unknown",
                                   errors={"department": ["required"]})
        ensure(principal, "catalog.manage", dept.id)
        if session.scalar(sa.select(CheckItem.id).where(CheckItem.code == data["code"])) is not None:
            raise Conflict(f"An item with code {data['code']!r} exists.", code="item.duplicate_code")
        content = _content(session, data)
        summary = data.get("change_summary") or INITIAL_SUMMARY
        item = CheckItem(code=data["code"], department_id=dept.id, current_version=1, created_at=now, updated_at=now)
        session.add(item)
        session.flush()
        session.add(ItemVersion(item_id=item.id, version=1, change_summary=summary,
                                created_by=actor_id(principal), created_at=now, **content))
        audit.record("catalog.item.create", object_type="item", object_id=item.id, actor=str(principal.user_id),
                     payload={"code": item.code, "department": dept.code, **content})
        _file(session, principal, item, 1, summary, now)
        session.refresh(item)
    return item


def add_item_version(principal: Principal, item_id: int, expected: frozenset[int] | None, data: dict[str, Any],
                     *, now: datetime | None = None) -> CheckItem:
    """A new version from the fields given (others carried over); If-Match must name the current one."""
    now = now or utcnow()
    with unit_of_work() as session:
        current_version = session.scalar(sa.select(CheckItem.current_version).where(CheckItem.id == item_id)
                                         .with_for_update())
        if current_version is None:
            raise NotFound("No such item.", code="item.not_found")
        item = session.get(CheckItem, item_id, populate_existing=True)
        assert item is not None
        ensure(principal, "catalog.manage", item.department_id)
        check_version(current_version, expected, what="item")
        before = _as_request(item.current)
        content = _content(session, {**before, **{k: v for k, v in data.items() if k != "change_summary"}})
        if content == _content(session, before):
            raise ValidationFailed("Nothing would change.", code="item.no_change")
        version = current_version + 1
        session.add(ItemVersion(item_id=item.id, version=version, change_summary=data["change_summary"],
                                created_by=actor_id(principal), created_at=now, **content))
        item.current_version = version
        item.updated_at = now
        try:
            session.flush()
        except IntegrityError as exc:  # a concurrent writer took this version number first
            raise PreconditionFailed("The item has changed since you read it.", code="version.stale") from exc
        audit.record("catalog.item.version", object_type="item", object_id=item.id, actor=str(principal.user_id),
                     payload={"version": version, "changed": sorted(data), **content})
        _file(session, principal, item, version, data["change_summary"], now)
        session.refresh(item)
    return item


def list_filings(*, item_id: int | None = None, unacknowledged: bool | None = None,
                 department: str | None = None) -> sa.Select[tuple[ItemFiling]]:
    query = sa.select(ItemFiling).order_by(ItemFiling.filed_at.desc(), ItemFiling.id.desc())
    if item_id is not None:
        get_item(item_id)
        query = query.where(ItemFiling.item_id == item_id)
    if unacknowledged is not None:
        column = ItemFiling.acknowledged_at
        query = query.where(column.is_(None) if unacknowledged else column.is_not(None))
    if department:
        query = query.where(ItemFiling.department_id.in_(sa.select(Department.id).where(Department.code == department)))
    return query


def acknowledge_filing(principal: Principal, filing_id: int, *, now: datetime | None = None) -> ItemFiling:
    """The lead bureau confirms it has received a filing (a department administrator there, or a system admin)."""
    now = now or utcnow()
    with unit_of_work() as session:
        filing = session.get(ItemFiling, filing_id, with_for_update={"of": ItemFiling})
        if filing is None:
            raise NotFound("No such filing.", code="filing.not_found")
        if scope_for(principal, "catalog.acknowledge") is not Scope.ANY:
            own = session.get(Department, principal.department_id)
            if own is None or not own.is_lead or own.id != filing.lead_department_id:
                raise Forbidden("Only the lead bureau acknowledges filings.", code="filing.not_lead_bureau")
        if filing.acknowledged_at is not None:
            raise Conflict("This filing is already acknowledged.", code="filing.already_acknowledged",
                           details={"acknowledged_at": filing.acknowledged_at.isoformat()})
        filing.acknowledged_by = actor_id(principal)
        filing.acknowledged_at = now
        audit.record("catalog.filing.acknowledge", object_type="item_filing", object_id=filing.id,
                     actor=str(principal.user_id), payload={"item_id": filing.item_id, "version": filing.version})
    return filing
