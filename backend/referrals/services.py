"""The referral workflow: open, verify, decide, transfer, acknowledge. Each step is one unit of
work that checks the case's state, writes the head and an append-only step row, and records an
audit entry `referral.<step>` (object `referral_case`/<case number>) with who did what and why.

Refusals: 403 for the wrong person (not a handler, a head deciding their own report), 409 for a
step out of order or a record that is not a transfer, 422 for bad content (fewer than two
handlers, a rejection without reasons, a receipt dated before the transfer).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.accounts.model import User
from backend.accounts.roles import Role
from backend.audit import services as audit
from backend.db import db, unit_of_work, utcnow
from backend.directory.model import Inspector
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.field import access
from backend.field.model import CheckRecord, CheckRecordRevision
from backend.orgs.model import Department
from backend.policy import Principal, Scope, scope_for
from backend.referrals import deadlines
from backend.referrals.model import ReferralCase, ReferralStep
from backend.tasks.model import Assignment, Task, TaskDepartment
from backend.workdays.repository import load_calendar

TRANSFER_FOLLOWUP = "case_transfer"  # followup_option: 发现案件线索，固定证据，移交办案机构
OFFICER_ROLES = {Role.INSPECTOR.value, Role.TEAM_LEAD.value}
CASE_PREFIXES = {"market_regulation": "泰市监", "ecology": "泰环", "health": "泰卫", "emergency": "泰应急",
                 "culture_tourism": "泰文旅", "transport": "泰交", "agriculture": "泰农"}


def department_of_case(view_args: dict[str, Any]) -> int | None:
    """Policy resolver: the department the case addressed by the URL belongs to."""
    return db.session.scalar(sa.select(ReferralCase.department_id).where(ReferralCase.id == view_args["case_id"]))


def load_case(session: Session, case_id: int) -> ReferralCase:
    """The case, read afresh; 404 `referral.not_found`."""
    case = session.get(ReferralCase, case_id, populate_existing=True)
    if case is None:
        raise NotFound(f"There is no referral case {case_id}.", code="referral.not_found")
    return case


def _in_order(case: ReferralCase, *states: str, step: str) -> None:
    if case.state not in states:
        raise Conflict(f"The case is {case.state}; {step} needs it to be {' or '.join(states)}.",
                       code="referral.out_of_order", details={"state": case.state, "step": step})


def _handler(case: ReferralCase, principal: Principal) -> None:
    if principal.user_id not in case.handlers:
        raise Forbidden("Only the officers who verified this case may take this step.", code="referral.not_a_handler",
                        details={"handlers": case.handlers})


def _step(session: Session, case: ReferralCase, step: str, principal: Principal, now: datetime,
          details: dict[str, Any], due_at: datetime | None = None) -> None:
    on_time = deadlines.on_time(now, due_at)
    session.add(ReferralStep(case_id=case.id, step=step, actor_id=principal.user_id, at=now, due_at=due_at,
                             on_time=on_time, details=details))
    case.version += 1
    case.updated_at = now
    session.flush()
    audit.record(f"referral.{step}", object_type="referral_case", object_id=case.case_number,
                 actor=str(principal.user_id), session=session, payload={
                     "case_id": case.id, "state": case.state, "due_at": due_at.isoformat() if due_at else None,
                     "on_time": on_time, **details})


def _transfer_followup(body: dict[str, Any]) -> bool:
    return any(f.get("code") == TRANSFER_FOLLOWUP for f in body.get("followup") or [])


def _case_number(session: Session, department: Department, year: int) -> tuple[int, str]:
    serial = (session.scalar(sa.select(sa.func.max(ReferralCase.serial)).where(
        ReferralCase.department_id == department.id, ReferralCase.year == year)) or 0) + 1
    prefix = CASE_PREFIXES.get(department.code, "泰" + department.name_zh.removeprefix("市")[:2])
    return serial, f"{prefix}移〔{year}〕{serial}号"


def open_case(principal: Principal, body: dict[str, Any], *, now: datetime | None = None) -> ReferralCase:
    """Open a case from a check record whose follow-up is a transfer (移交办案机构)."""
    now = now or utcnow()
    with unit_of_work() as session:
        record = session.get(CheckRecord, body["record_id"])
        if record is None:
            raise NotFound(f"There is no check record {body['record_id']}.", code="record.not_found")
        task = session.scalar(sa.select(Task).join(Assignment, Assignment.task_id == Task.id)
                              .where(Assignment.id == record.assignment_id))
        departments = set(session.scalars(sa.select(TaskDepartment.department_id)
                                          .where(TaskDepartment.task_id == task.id)))
        if principal.department_id not in departments:
            raise Forbidden("Your department does not take part in this check's task.", code="auth.out_of_scope",
                            details={"permission": "referrals.handle"})
        revision = session.scalars(sa.select(CheckRecordRevision).where(
            CheckRecordRevision.record_id == record.id, CheckRecordRevision.revision == record.current_revision)).one()
        if Role.TEAM_LEAD.value not in principal.roles:
            inspector = access.inspector_of(session, principal)
            if access.inspector_key(inspector or 0) not in {o["inspector_id"] for o in revision.body["officers"]}:
                raise Forbidden("Only an officer named on the record, or a team lead, may open a case from it.",
                                code="referral.not_on_record")
        if not _transfer_followup(revision.body):
            raise Conflict("The record's follow-up is not a transfer to the case-handling unit (case_transfer).",
                           code="referral.not_a_transfer", details={"record_id": str(record.id),
                                                                     "followup": revision.body.get("followup")})
        existing = session.scalar(sa.select(ReferralCase.case_number).where(ReferralCase.record_id == record.id))
        if existing is not None:
            raise Conflict(f"A referral case was already opened from this record: {existing}.",
                           code="referral.already_open", details={"case_number": existing})
        department = session.get(Department, principal.department_id)
        year = now.astimezone(deadlines.BEIJING).year
        serial, number = _case_number(session, department, year)
        case = ReferralCase(case_number=number, department_id=department.id, year=year, serial=serial,
                            record_id=record.id, record_revision=record.current_revision, state="verifying",
                            receiving_authority=body["receiving_authority"], reason=body["reason"], handlers=[],
                            report={}, opened_by=principal.user_id, opened_at=now, updated_at=now)
        session.add(case)
        session.flush()
        _step(session, case, "opened", principal, now, {
            "record_id": str(record.id), "record_revision": record.current_revision,
            "receiving_authority": case.receiving_authority, "reason": case.reason})
        return case


def _check_handlers(session: Session, case: ReferralCase, principal: Principal, handlers: list[int]) -> None:
    errors: list[str] = []
    if len(set(handlers)) != len(handlers):
        errors.append("a handler is named twice")
    if len(set(handlers)) < 2:
        raise ValidationFailed("Two or more officers must verify the case (Order 310, art. 5).",
                               code="referral.too_few_handlers", errors={"json": {"handlers": ["name two or more"]}})
    users = {u.id: u for u in session.scalars(sa.select(User).where(User.id.in_(handlers)))}
    linked = set(session.scalars(sa.select(Inspector.user_id).where(Inspector.user_id.in_(handlers))))
    for user_id in handlers:
        user = users.get(user_id)
        if user is None or not user.is_active or user.department_id != case.department_id:
            errors.append(f"user {user_id} is not an active member of the case's department")
        elif not OFFICER_ROLES & set(user.role_names) or user_id not in linked:
            errors.append(f"user {user_id} is not a law-enforcement officer (inspector in the directory)")
    if errors:
        raise ValidationFailed("The handlers must be officers of the case's department.",
                               code="referral.handler_invalid", errors={"json": {"handlers": errors}})
    if principal.user_id not in handlers:
        raise Forbidden("You must be one of the officers who verified the case.", code="referral.not_a_handler")


def verify(principal: Principal, case_id: int, body: dict[str, Any], *, now: datetime | None = None
           ) -> ReferralCase:
    """The officers' written report: the head's decision is due 3 working days after it."""
    now = now or utcnow()
    with unit_of_work() as session:
        case = load_case(session, case_id)
        _in_order(case, "verifying", step="verification")
        _check_handlers(session, case, principal, body["handlers"])
        due = deadlines.decision_due(now, load_calendar(session))
        case.handlers, case.report, case.reported_at = list(body["handlers"]), body["report"], now
        case.state, case.due_step, case.due_at = "awaiting_decision", "decided", due
        _step(session, case, "verified", principal, now, {"handlers": case.handlers, "report": case.report})
        return case


def decide(principal: Principal, case_id: int, body: dict[str, Any], *, now: datetime | None = None
           ) -> ReferralCase:
    """The department head approves the transfer (due within 24 hours then) or refuses it with reasons."""
    now = now or utcnow()
    with unit_of_work() as session:
        case = load_case(session, case_id)
        _in_order(case, "awaiting_decision", step="the decision")
        if principal.user_id in case.handlers:
            raise Forbidden("A head who verified the case cannot also decide it.", code="referral.decider_is_handler")
        reason = body.get("reason", "").strip()
        if body["decision"] == "reject" and not reason:
            raise ValidationFailed("A refusal to transfer must state its reasons (Order 310, art. 8).",
                                   code="referral.reason_required", errors={"json": {"reason": ["required"]}})
        due, case.due_at = case.due_at, None
        case.decided_by, case.decided_at, case.decision_reason = principal.user_id, now, reason or None
        if body["decision"] == "approve":
            case.state, case.due_step, case.due_at = "approved", "transferred", deadlines.transfer_due(now)
        else:
            case.state, case.due_step = "not_approved", None
        _step(session, case, "decided", principal, now, {"decision": body["decision"], "reason": reason}, due)
        return case


def transfer(principal: Principal, case_id: int, body: dict[str, Any], *, now: datetime | None = None
             ) -> ReferralCase:
    """The handlers record that the case went to the receiving organ."""
    now = now or utcnow()
    with unit_of_work() as session:
        case = load_case(session, case_id)
        _handler(case, principal)
        _in_order(case, "approved", step="the transfer")
        due = case.due_at
        case.transferred_by, case.transferred_at = principal.user_id, now
        case.state, case.due_step, case.due_at = "transferred", None, None
        _step(session, case, "transferred", principal, now,
              {"receiving_authority": case.receiving_authority, "note": body.get("note", "")}, due)
        return case


def acknowledge(principal: Principal, case_id: int, body: dict[str, Any], *, now: datetime | None = None
                ) -> ReferralCase:
    """The receiving organ signed the receipt (回执): who, when, its number."""
    now = now or utcnow()
    with unit_of_work() as session:
        case = load_case(session, case_id)
        _handler(case, principal)
        _in_order(case, "transferred", step="the acknowledgement")
        received_at: datetime = body["received_at"]
        if case.transferred_at is None or not case.transferred_at <= received_at <= now:
            raise ValidationFailed("The receipt must be dated between the transfer and now.",
                                   code="referral.receipt_time_invalid",
                                   errors={"json": {"received_at": ["between the transfer and now"]}})
        case.acknowledged_at = received_at
        case.acknowledgement = {"received_by": body["received_by"], "receipt_number": body.get("receipt_number", ""),
                                "note": body.get("note", ""), "received_at": received_at.isoformat()}
        case.state = "acknowledged"
        _step(session, case, "acknowledged", principal, now, dict(case.acknowledgement))
        return case


# ------------------------------------------------------------------ reading


def get_case(principal: Principal, case_id: int) -> ReferralCase:
    with unit_of_work() as session:
        return load_case(session, case_id)


def list_cases(principal: Principal, *, state: str | None = None, overdue: bool | None = None,
               now: datetime | None = None) -> sa.Select[tuple[ReferralCase]]:
    """Cases of the caller's department (all for city-wide roles), overdue ones first."""
    now = now or utcnow()
    query = sa.select(ReferralCase)
    if scope_for(principal, "referrals.read") is not Scope.ANY:
        query = query.where(ReferralCase.department_id == principal.department_id)
    if state is not None:
        query = query.where(ReferralCase.state == state)
    if overdue is True:
        query = query.where(ReferralCase.due_at < now)
    elif overdue is False:
        query = query.where(sa.or_(ReferralCase.due_at.is_(None), ReferralCase.due_at >= now))
    return query.order_by(ReferralCase.due_at.is_(None), ReferralCase.due_at, ReferralCase.id.desc())


def case_by_number(session: Session, case_number: str) -> ReferralCase:
    case = session.scalar(sa.select(ReferralCase).where(ReferralCase.case_number == case_number))
    if case is None:
        raise NotFound(f"There is no referral case {case_number}.", code="evidence.case_not_found",
                       details={"case_number": case_number})
    return case
