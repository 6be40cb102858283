"""Reads of results: one result with its published versions and corrections, lists shared
between the departments of a task, an entity's credit record, and the due and overdue lists."""
from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.directory.model import MarketEntity
from backend.field.model import CheckRecord
from backend.orgs.model import Department
from backend.policy import Principal, Scope, scope_for
from backend.results.clock import china_date, clock, cutoffs
from backend.results.model import CheckResult, PublishedResult, ResultCorrection
from backend.tasks.model import Assignment, Task, TaskDepartment
from backend.workdays.services import china_today, current_calendar

BULLETIN_COLUMNS = ("plan_number", "plan_name", "task_number", "task_name", "check_type", "inspecting_authority",
                    "entity_name", "credit_code", "registration_number", "completion_date", "result", "remarks")
OPEN_STATUSES = ("submitted", "under_review", "returned", "lead_approved", "approved", "entered")


def published_view(p: PublishedResult) -> dict[str, Any]:
    row = {k: getattr(p, k) for k in BULLETIN_COLUMNS}
    row["completion_date"] = p.completion_date.isoformat() if p.completion_date else None
    return {"id": p.id, "version": p.version, "corrected": p.version > 1, "supersedes_id": p.supersedes_id,
            "correction_id": p.correction_id, "correction_reason": p.correction_reason, **row,
            "published_fields": p.published_fields, "detail": p.detail, "digest": p.digest,
            "published_at": p.published_at.isoformat()}


def result_view(session: Session, result: CheckResult) -> dict[str, Any]:
    from backend.results.services import correction_view

    versions = list(session.scalars(sa.select(PublishedResult).where(PublishedResult.result_id == result.id)
                                    .order_by(PublishedResult.version)))
    corrections = list(session.scalars(sa.select(ResultCorrection).where(ResultCorrection.result_id == result.id)
                                       .order_by(ResultCorrection.id)))
    done = china_date(result.first_published_at) if result.first_published_at else None
    return {"id": result.id, "record_id": str(result.record_id), "assignment_id": result.assignment_id,
            "task_id": result.task_id, "entity_id": result.entity_id, "department_id": result.department_id,
            "revision": result.revision, "status": result.status, "parts": result.parts, "adopted": result.adopted,
            "remarks": result.remarks, "entered_by": result.entered_by, "entered_at": result.entered_at.isoformat(),
            "clock": clock(current_calendar(), result.ended_on, china_today(), done),
            "published_version": result.published_version,
            "current": published_view(versions[-1]) if versions else None,
            "versions": [published_view(v) for v in versions],
            "corrections": [correction_view(c) for c in corrections]}


def task_departments(session: Session, task_id: int) -> list[int]:
    task = session.get(Task, task_id)
    assert task is not None
    return [task.department_id, *session.scalars(sa.select(TaskDepartment.department_id)
                                                 .where(TaskDepartment.task_id == task_id))]


def _joined_tasks(principal: Principal, permission: str) -> sa.Select[Any] | None:
    """Ids of the tasks a DEPARTMENT-scoped caller's department initiates or joins (None: every task)."""
    if scope_for(principal, permission) is Scope.ANY:
        return None
    return sa.select(TaskDepartment.task_id).where(TaskDepartment.department_id == principal.department_id)


def list_results(session: Session, principal: Principal, query: dict[str, Any]) -> list[dict[str, Any]]:
    stmt = sa.select(CheckResult).order_by(CheckResult.id.desc()).limit(query.get("limit", 100))
    joined = _joined_tasks(principal, "results.read")
    if joined is not None:
        stmt = stmt.where(CheckResult.task_id.in_(joined))
    for key in ("entity_id", "task_id", "status"):
        if query.get(key) is not None:
            stmt = stmt.where(getattr(CheckResult, key) == query[key])
    return [result_view(session, r) for r in session.scalars(stmt)]


def entity_record(session: Session, entity_id: int) -> list[dict[str, Any]]:
    """The entity's credit record: the current version of each published result, newest check first."""
    stmt = (sa.select(PublishedResult).join(CheckResult, CheckResult.current_published_id == PublishedResult.id)
            .where(PublishedResult.entity_id == entity_id)
            .order_by(PublishedResult.completion_date.desc(), PublishedResult.id.desc()))
    return [published_view(p) for p in session.scalars(stmt)]


def due_list(session: Session, principal: Principal, department_id: int | None, state: str,
             today: date | None = None, limit: int = 200) -> dict[str, Any]:
    """Records of a department's tasks not yet published, with their due dates: overdue,
    due soon (at most 3 working days left) or all open ones; `count` is the whole list,
    `records` its first `limit` rows, oldest check first."""
    calendar = current_calendar()
    today = today or china_today()
    overdue_end, soon_end = cutoffs(calendar, today)
    department_id = department_id if department_id is not None else principal.department_id
    conditions = [CheckRecord.status.in_(OPEN_STATUSES), CheckRecord.ended_on.is_not(None),
                  Assignment.task_id.in_(sa.select(TaskDepartment.task_id)
                                         .where(TaskDepartment.department_id == department_id))]
    if state == "overdue":
        conditions.append(CheckRecord.ended_on <= overdue_end)
    elif state == "due_soon":
        conditions += [CheckRecord.ended_on > overdue_end, CheckRecord.ended_on <= soon_end]
    joined = sa.select().select_from(CheckRecord).join(Assignment, Assignment.id == CheckRecord.assignment_id)
    count = session.scalar(joined.add_columns(sa.func.count()).where(*conditions)) or 0
    stmt = (joined.add_columns(CheckRecord.id, CheckRecord.assignment_id, CheckRecord.status, CheckRecord.ended_on,
                               Assignment.task_id, Task.number, Assignment.entity_id, MarketEntity.name)
            .join(Task, Task.id == Assignment.task_id).join(MarketEntity, MarketEntity.id == Assignment.entity_id)
            .where(*conditions)
            .order_by(CheckRecord.ended_on, CheckRecord.created_at).limit(limit))
    clocks: dict[date, dict[str, Any] | None] = {}  # many records share an end date
    rows = []
    for record_id, assignment_id, status, ended_on, task_id, number, entity_id, name in session.execute(stmt):
        if ended_on not in clocks:
            clocks[ended_on] = clock(calendar, ended_on, today)
        rows.append({"record_id": str(record_id), "assignment_id": assignment_id, "task_id": task_id,
                     "task_number": number, "entity_id": entity_id, "entity_name": name, "status": status,
                     "clock": clocks[ended_on]})
    department = session.get(Department, department_id)
    return {"department": department.code if department else None, "today": today.isoformat(), "state": state,
            "count": count, "records": rows}
