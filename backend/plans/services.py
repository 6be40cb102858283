"""Annual plans: drafting, in-year adjustments (new versions with a reason), filing, publication."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.audit import services as audit
from backend.catalog.model import CheckItem
from backend.catalog.services import actor_id, department_by_code, lead_bureau
from backend.catalog.versioning import check_version
from backend.db import db, unit_of_work, utcnow
from backend.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from backend.orgs.model import Department, Jurisdiction
from backend.plans import lifecycle
from backend.plans.model import Plan, PlanVersion
from backend.plans.schemas import BatchSchema
from backend.policy import Principal, ensure


def department_of_plan(view_args: dict[str, Any]) -> int | None:
    """Policy resolver: the department that owns the plan addressed by the URL."""
    return db.session.scalar(sa.select(Plan.department_id).where(Plan.id == view_args["plan_id"]))


def list_plans(*, year: int | None = None, department: str | None = None, status: str | None = None
               ) -> sa.Select[tuple[Plan]]:
    query = sa.select(Plan).order_by(Plan.year.desc(), Plan.department_id, Plan.id)
    if year is not None:
        query = query.where(Plan.year == year)
    if department:
        query = query.where(Plan.department_id.in_(sa.select(Department.id).where(Department.code == department)))
    if status:
        query = query.where(Plan.status == status)
    return query


def get_plan(plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("No such plan.", code="plan.not_found")
    return plan


def _batch_problems(session: Session, year: int, batches: list[dict[str, Any]]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(where: str, message: str) -> None:
        errors.setdefault(where, []).append(message)

    codes = {c for b in batches for c in b["items"]}
    known_items = set(session.scalars(sa.select(CheckItem.code).where(CheckItem.code.in_(codes)))) if codes else set()
    known_depts = set(session.scalars(sa.select(Department.code)))
    known_places = set(session.scalars(sa.select(Jurisdiction.code)))
    seen: set[str] = set()
    for i, batch in enumerate(batches):
        at = f"/batches/{i}"
        if batch["id"] in seen:
            add(f"{at}/id", f"batch id {batch['id']!r} is used twice")
        seen.add(batch["id"])
        for j, code in enumerate(batch["items"]):
            if code not in known_items:
                add(f"{at}/items/{j}", f"no item {code!r} in the list")
        for j, code in enumerate(batch["partner_departments"]):
            if code not in known_depts:
                add(f"{at}/partner_departments/{j}", f"no department {code!r}")
        for j, code in enumerate(batch["scope"]["jurisdiction_codes"]):
            if code not in known_places:
                add(f"{at}/scope/jurisdiction_codes/{j}", f"no jurisdiction {code!r}")
        window = batch["window"]
        if not date(year, 1, 1) <= window["start"] <= window["end"] <= date(year, 12, 31):
            add(f"{at}/window", f"the window must lie within {year}")
    return errors


def _content(session: Session, year: int, data: dict[str, Any]) -> dict[str, Any]:
    errors = _batch_problems(session, year, data["batches"])
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(f"The batches are not valid: {first}.", code="plan.batches_invalid", errors=errors)
    return {"name_zh": data["name_zh"], "name_en": data.get("name_en"),
            "batches": BatchSchema(many=True).dump(data["batches"])}


def create_plan(principal: Principal, data: dict[str, Any], *, now: datetime | None = None) -> Plan:
    now = now or utcnow()
    with unit_of_work() as session:
        dept = (department_by_code(session, data["department"]) if data.get("department")
                else session.get(Department, principal.department_id))
        if dept is None:
            raise ValidationFailed("Say which department the plan is for.", code="department.unknown",
                                   errors={"department": ["required"]})
        ensure(principal, "plans.manage", dept.id)
        place = data.get("jurisdiction") or dept.jurisdiction_code
        if session.get(Jurisdiction, place) is None:
            raise ValidationFailed("Unknown jurisdiction.", code="jurisdiction.unknown",
                                   errors={"jurisdiction": [f"no jurisdiction {place!r}"]})
        if session.scalar(sa.select(Plan.id).where(Plan.number == data["number"])) is not None:
            raise Conflict(f"A plan numbered {data['number']!r} exists.", code="plan.duplicate_number")
        if session.scalar(sa.select(Plan.id).where(Plan.department_id == dept.id, Plan.year == data["year"])):
            raise Conflict(f"{dept.name_zh} already has a plan for {data['year']}; adjust it instead.",
                           code="plan.duplicate_year")
        content = _content(session, data["year"], data)
        plan = Plan(number=data["number"], year=data["year"], department_id=dept.id, jurisdiction_code=place,
                    status="draft", current_version=1, created_by=actor_id(principal), created_at=now)
        session.add(plan)
        session.flush()
        session.add(PlanVersion(plan_id=plan.id, version=1, reason=None, created_by=actor_id(principal),
                                created_at=now, **content))
        audit.record("plan.create", object_type="plan", object_id=plan.id, actor=str(principal.user_id),
                     payload={"number": plan.number, "year": plan.year, "department": dept.code, **content})
        session.flush()
        session.refresh(plan)
    return plan


def _locked(session: Session, principal: Principal, plan_id: int) -> Plan:
    if session.scalar(sa.select(Plan.id).where(Plan.id == plan_id).with_for_update()) is None:
        raise NotFound("No such plan.", code="plan.not_found")
    plan = session.get(Plan, plan_id, populate_existing=True)
    assert plan is not None
    ensure(principal, "plans.manage", plan.department_id)
    return plan


def add_plan_version(principal: Principal, plan_id: int, expected: frozenset[int] | None, data: dict[str, Any],
                     *, now: datetime | None = None) -> Plan:
    """Adjust a plan: a new version from the fields given; once filed, a reason is required."""
    now = now or utcnow()
    with unit_of_work() as session:
        plan = _locked(session, principal, plan_id)
        check_version(plan.current_version, expected, what="plan")
        if plan.status != "draft" and not data.get("reason"):
            raise ValidationFailed("An adjustment of a filed or published plan needs a reason.",
                                   code="plan.reason_required", errors={"reason": ["required once the plan is filed"]})
        current = plan.current
        before = {"name_zh": current.name_zh, "name_en": current.name_en,
                  "batches": BatchSchema(many=True).load(current.batches)}
        content = _content(session, plan.year, {**before, **{k: v for k, v in data.items() if k != "reason"}})
        if content == _content(session, plan.year, before):
            raise ValidationFailed("Nothing would change.", code="plan.no_change")
        version = plan.current_version + 1
        session.add(PlanVersion(plan_id=plan.id, version=version, reason=data.get("reason"),
                                created_by=actor_id(principal), created_at=now, **content))
        plan.current_version = version
        try:
            session.flush()
        except IntegrityError as exc:
            raise PreconditionFailed("The plan has changed since you read it.", code="version.stale") from exc
        audit.record("plan.version", object_type="plan", object_id=plan.id, actor=str(principal.user_id),
                     payload={"version": version, "status": plan.status, "reason": data.get("reason"), **content})
        session.refresh(plan)
    return plan


def file_plan(principal: Principal, plan_id: int, expected: frozenset[int] | None,
              *, now: datetime | None = None) -> Plan:
    """File the plan with the lead bureau; after 31 January of the plan year it is marked late."""
    now = now or utcnow()
    with unit_of_work() as session:
        plan = _locked(session, principal, plan_id)
        check_version(plan.current_version, expected, what="plan")
        if not lifecycle.can_move(plan.status, "filed"):
            raise Conflict(f"A {plan.status} plan cannot be filed.", code="plan.already_filed")
        if not plan.current.batches:
            raise ValidationFailed("A plan without batches cannot be filed.", code="plan.no_batches",
                                   errors={"batches": ["at least one batch"]})
        plan.status = "filed"
        plan.filed_version = plan.current_version
        plan.filed_at = now
        plan.filed_by = actor_id(principal)
        plan.filed_days_late = lifecycle.days_late(plan.year, now)
        plan.lead_department_id = lead_bureau(session).id
        audit.record("plan.file", object_type="plan", object_id=plan.id, actor=str(principal.user_id),
                     payload={"version": plan.current_version, "days_late": plan.filed_days_late})
    return plan


def publish_plan(principal: Principal, plan_id: int, expected: frozenset[int] | None,
                 *, now: datetime | None = None) -> Plan:
    """Publish a filed plan to the public plan bulletin (抽查计划公告)."""
    now = now or utcnow()
    with unit_of_work() as session:
        plan = _locked(session, principal, plan_id)
        check_version(plan.current_version, expected, what="plan")
        if not lifecycle.can_move(plan.status, "published"):
            code = "plan.not_filed" if plan.status == "draft" else "plan.already_published"
            raise Conflict(f"A {plan.status} plan cannot be published; it must be filed first and only once.",
                           code=code)
        plan.status = "published"
        plan.published_version = plan.current_version
        plan.published_at = now
        plan.published_by = actor_id(principal)
        audit.record("plan.publish", object_type="plan", object_id=plan.id, actor=str(principal.user_id),
                     payload={"version": plan.current_version})
    return plan
