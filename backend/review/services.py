"""Review of check records (docs/results.md §1).

    submitted -> under_review -> returned (with comments) | lead_approved -> approved
                                                            (or approved at once when the
                                                            rulebooks name no further authority)

The lead stage is decided by a team lead (or the department head) of a department taking part
in the task; the authority stage by a holder of each role the items' rulebooks name, in the
item's department. Nobody decides on a record they are an officer on or submitted, and the
authority approval is never given by the person who gave the lead approval. A returned record
is amended by the officers (a new revision, `submitted` again) and reviewed afresh: decisions
count only for the revision they were made on. Every decision is a row of the append-only
`review_decision` and an audit entry.
"""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.audit import services as audit
from backend.db import unit_of_work, utcnow
from backend.errors import Conflict, Forbidden, ValidationFailed
from backend.directory.model import MarketEntity
from backend.field import assignments as field_assignments
from backend.field.model import CheckRecord
from backend.policy import Principal
from backend.results.clock import clock
from backend.review.context import (
    RecordContext,
    Requirement,
    ensure_takes_part,
    load,
    requirements,
)
from backend.review.model import ReviewDecision
from backend.tasks.model import Assignment, TaskDepartment
from backend.workdays.services import china_today, current_calendar

LEAD_ROLES = ("team_lead", "department_head")
LEAD_STATUSES = ("submitted", "under_review")


def _decisions(session: Session, record_id: uuid.UUID) -> list[ReviewDecision]:
    return list(session.scalars(sa.select(ReviewDecision).where(ReviewDecision.record_id == record_id)
                                .order_by(ReviewDecision.id)))


def _pending(session: Session, ctx: RecordContext) -> tuple[list[Requirement], list[ReviewDecision]]:
    """The authority approvals still missing on the current revision, and the decisions made on it."""
    on_revision = [d for d in _decisions(session, ctx.record.id) if d.revision == ctx.record.current_revision]
    done = {(d.department_id, d.role) for d in on_revision if d.stage == "authority" and d.action == "approve"}
    return [r for r in requirements(session, ctx.body) if (r.department_id, r.role) not in done], on_revision


def _lead_capacity(principal: Principal, ctx: RecordContext) -> str:
    roles = [r for r in LEAD_ROLES if r in principal.roles]
    if not roles or principal.department_id not in ctx.department_ids:
        raise Forbidden("The team lead's review is for a team lead or head of a department in the task.",
                        code="review.wrong_role", details={"stage": "lead", "roles": list(LEAD_ROLES)})
    return roles[0]


def _authority_capacity(principal: Principal, pending: list[Requirement]) -> Requirement:
    for requirement in pending:
        if requirement.department_id == principal.department_id and requirement.role in principal.roles:
            return requirement
    raise Forbidden("This approval is for the authority the rulebook names.", code="review.wrong_authority",
                    details={"stage": "authority", "required": [
                        {"department_id": r.department_id, "role": r.role, "items": list(r.items)} for r in pending]})


def _write(ctx: RecordContext, principal: Principal, stage: str, action: str, role: str, department_id: int,
           comment: str, status: str) -> ReviewDecision:
    record = ctx.record
    decision = ReviewDecision(record_id=record.id, revision=record.current_revision, stage=stage, action=action,
                              role=role, department_id=department_id, comment=comment,
                              decided_by=principal.user_id, decided_at=utcnow())
    previous, record.status, record.updated_at = record.status, status, decision.decided_at
    audit.record(f"review.{action}", object_type="check_record", object_id=record.id,
                 payload={"revision": record.current_revision, "stage": stage, "role": role,
                          "department_id": department_id, "comment": comment, "from": previous, "to": status,
                          "officers": sorted(ctx.officer_users)})
    return decision


def decide(principal: Principal, record_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    action, comment = body["decision"], body.get("comment", "").strip()
    if action == "return" and not comment:
        raise ValidationFailed("A returned record needs comments for the officers.", code="review.comment_required",
                               errors={"json": {"comment": ["required when returning a record"]}})
    with unit_of_work() as session:
        ctx = load(session, record_id, lock=True)
        ensure_takes_part(principal, "review.decide", ctx.department_ids)
        if ctx.is_on_record(principal):
            raise Forbidden("Nobody reviews a record they are an officer on or submitted.", code="review.own_record")
        status = ctx.record.status
        if status in LEAD_STATUSES:
            role = _lead_capacity(principal, ctx)
            if action == "review":
                if status != "submitted":
                    raise Conflict("The record is already under review.", code="review.not_pending",
                                   details={"status": status})
                new = "under_review"
            elif action == "return":
                new = "returned"
            else:
                new = "lead_approved" if _pending(session, ctx)[0] else "approved"
            session.add(_write(ctx, principal, "lead", action, role, principal.department_id, comment, new))
        elif status == "lead_approved":
            pending, decided = _pending(session, ctx)
            requirement = _authority_capacity(principal, pending)
            if action == "review":
                raise Conflict("The team lead's review is done; approve or return.", code="review.not_pending",
                               details={"status": status})
            if any(d.decided_by == principal.user_id and d.stage == "lead" and d.action == "approve" for d in decided):
                raise Forbidden("The authority approval needs someone other than the team lead who approved.",
                                code="review.same_approver")
            new = "returned" if action == "return" else ("approved" if len(pending) == 1 else "lead_approved")
            session.add(_write(ctx, principal, "authority", action, requirement.role, requirement.department_id,
                               comment, new))
        else:
            raise Conflict(f"A record that is {status} awaits no review decision.", code="review.not_pending",
                           details={"status": status})
        session.flush()
        return _view(session, ctx)


def _view(session: Session, ctx: RecordContext) -> dict[str, Any]:
    pending, _ = _pending(session, ctx)
    record = ctx.record
    entity = session.get(MarketEntity, ctx.assignment.entity_id)
    assert entity is not None
    return {
        "id": str(record.id), "assignment_id": record.assignment_id, "task_id": ctx.task.id,
        "task_number": ctx.task.number, "task_name": ctx.task.name_zh, "revision": record.current_revision,
        "status": record.status, "submitted_at": record.updated_at.isoformat(),
        "target": {"name": entity.name, "credit_code": entity.credit_code},
        "officers": [{"inspector_id": k, "name": ctx.officer_names[k]} for k in ctx.officer_users],
        "clock": clock(current_calendar(), record.ended_on, china_today()),
        "required_approvals": [{"department_id": r.department_id, "role": r.role, "items": list(r.items),
                                "satisfied": r not in pending}
                               for r in requirements(session, ctx.body)],
        "decisions": [{"revision": d.revision, "stage": d.stage, "decision": d.action, "role": d.role,
                       "department_id": d.department_id, "comment": d.comment, "decided_by": d.decided_by,
                       "decided_at": d.decided_at.isoformat()} for d in _decisions(session, record.id)],
    }


def record_view(principal: Principal, record_id: uuid.UUID) -> dict[str, Any]:
    with unit_of_work() as session:
        ctx = load(session, record_id)
        ensure_takes_part(principal, "review.read", ctx.department_ids)
        # What the reviewer's app needs to show the answers with their questions: the assignment as a
        # task packet has it (items, team) and the checklist templates the record names.
        views, templates = field_assignments.build(session, [ctx.assignment.id])
        return {**_view(session, ctx), "record": ctx.body, "item_views": views[0]["items"], "team": views[0]["team"],
                "templates": {k: v for k, v in templates.items() if k in set(ctx.body.get("templates", {}).values())}}


def queue(principal: Principal, limit: int = 200) -> list[dict[str, Any]]:
    """Records awaiting a decision the caller can make, oldest check first."""
    with unit_of_work() as session:
        joined = sa.select(TaskDepartment.task_id).where(TaskDepartment.department_id == principal.department_id)
        ids = list(session.scalars(
            sa.select(CheckRecord.id).join(Assignment, Assignment.id == CheckRecord.assignment_id)
            .where(CheckRecord.status.in_((*LEAD_STATUSES, "lead_approved")), Assignment.task_id.in_(joined))
            .order_by(CheckRecord.ended_on, CheckRecord.created_at)))
        lead = any(r in principal.roles for r in LEAD_ROLES)
        out = []
        for record_id in ids:
            ctx = load(session, record_id)
            if ctx.is_on_record(principal):
                continue
            if ctx.record.status == "lead_approved":
                pending, decided = _pending(session, ctx)
                mine = [r for r in pending if r.department_id == principal.department_id and r.role in principal.roles]
                lead_approver = {d.decided_by for d in decided if d.stage == "lead" and d.action == "approve"}
                if not mine or principal.user_id in lead_approver:
                    continue
            elif not lead:
                continue
            out.append(_view(session, ctx))
            if len(out) >= limit:
                break
        return out
