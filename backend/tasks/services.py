"""Tasks: drafting, adjusting a draft, reading within reach, closing. The draw is in backend/draws."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.audit import services as audit
from backend.catalog.services import actor_id, department_by_code
from backend.catalog.versioning import check_version
from backend.db import db, unit_of_work, utcnow
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.orgs.model import Department
from backend.plans.model import Plan
from backend.policy import Principal, Scope, ensure, scope_for
from backend.tasks.model import Task, TaskDepartment, TaskItem
from backend.tasks.validation import Content, check_content


def department_of_task(view_args: dict[str, Any]) -> int | None:
    """Policy resolver: the initiating department of the task addressed by the URL."""
    return db.session.scalar(sa.select(Task.department_id).where(Task.id == view_args["task_id"]))


def ensure_involved(principal: Principal, permission: str, task: Task) -> None:
    """Department-scoped callers reach the tasks their department initiates or joins."""
    ensure(principal, permission)
    if scope_for(principal, permission) is not Scope.ANY and principal.department_id not in task.department_ids:
        raise Forbidden("Your department does not take part in this task.", code="auth.out_of_scope",
                        details={"permission": permission})


def list_tasks(principal: Principal, *, status: str | None = None, department: str | None = None
               ) -> sa.Select[tuple[Task]]:
    query = sa.select(Task).order_by(Task.created_at.desc(), Task.id.desc())
    if scope_for(principal, "tasks.read") is not Scope.ANY:
        query = query.where(Task.id.in_(sa.select(TaskDepartment.task_id)
                                        .where(TaskDepartment.department_id == principal.department_id)))
    if status:
        query = query.where(Task.status == status)
    if department:
        query = query.where(Task.id.in_(sa.select(TaskDepartment.task_id).join(Department)
                                        .where(Department.code == department)))
    return query


def get_task(principal: Principal, task_id: int, permission: str = "tasks.read") -> Task:
    task = db.session.get(Task, task_id)
    if task is None:
        raise NotFound("No such task.", code="task.not_found")
    ensure_involved(principal, permission, task)
    return task


def task_by_number(session: Session, number: str) -> Task:
    task = session.scalar(sa.select(Task).where(Task.number == number))
    if task is None:
        raise NotFound(f"No task numbered {number!r}.", code="task.not_found")
    return task


def locked_task(session: Session, task_id: int) -> Task:
    """The task, its row locked until the transaction ends (SQLite: the write lock is already held)."""
    if session.scalar(sa.select(Task.id).where(Task.id == task_id).with_for_update()) is None:
        raise NotFound("No such task.", code="task.not_found")
    task = session.get(Task, task_id, populate_existing=True)
    assert task is not None
    return task


def _apply(session: Session, task: Task, initiating: Department, content: Content) -> None:
    for column, value in content.columns.items():
        setattr(task, column, value)
    wanted = {initiating.id: "initiating", **{d.id: "participating" for d in content.participating}}
    rows = {row.department_id: row for row in task.departments}
    for dept_id, row in rows.items():
        if dept_id not in wanted:
            task.departments.remove(row)
    for dept_id, role in wanted.items():
        row = rows.get(dept_id) or TaskDepartment(department_id=dept_id)
        row.role, row.min_per_team = role, content.minimums[dept_id]
        if dept_id not in rows:
            task.departments.append(row)
    items = {row.item_id: row for row in task.items}
    keep = {item.id for item in content.items}
    for item_id, row in items.items():
        if item_id not in keep:
            task.items.remove(row)
    task.items.extend(TaskItem(item_id=i) for i in keep - set(items))
    session.flush()


def content_of(task: Task) -> dict[str, Any]:
    """The task as a request body would give it (the shape TaskContentSchema loads)."""
    plan = None
    if task.plan_id is not None:
        plan = {"number": db.session.scalar(sa.select(Plan.number).where(Plan.id == task.plan_id)),
                "batch": task.batch_id}
    return {
        "name_zh": task.name_zh, "name_en": task.name_en, "kind": task.kind, "basis": task.basis,
        "participating_departments": sorted(d.department.code for d in task.participating),
        "items": sorted(i.item.code for i in task.items), "scope": task.scope, "sampling": task.sampling,
        "staffing": {"team_size": task.team_size, "workload_cap": task.workload_cap,
                     "recuse_previous": task.recuse_previous,
                     "minimums": {d.department.code: d.min_per_team for d in task.departments}},
        "window": {"start": task.window_start, "end": task.window_end}, "names_public": task.names_public,
        "plan": plan,
    }


def _snapshot(task: Task) -> dict[str, Any]:
    body = content_of(task)
    body["window"] = {k: v.isoformat() for k, v in body["window"].items()}
    return {"number": task.number, "department": task.department.code, "status": task.status, **body}


def create_task(principal: Principal, data: dict[str, Any], *, now: datetime | None = None) -> Task:
    now = now or utcnow()
    with unit_of_work() as session:
        initiating = (department_by_code(session, data["department"]) if data.get("department")
                      else session.get(Department, principal.department_id))
        if initiating is None:
            raise ValidationFailed("Say which department initiates the task.", code="department.unknown",
                                   errors={"department": ["required"]})
        ensure(principal, "tasks.manage", initiating.id)
        if session.scalar(sa.select(Task.id).where(Task.number == data["number"])) is not None:
            raise Conflict(f"A task numbered {data['number']!r} exists.", code="task.duplicate_number")
        content = check_content(session, initiating, data)
        task = Task(number=data["number"], department_id=initiating.id, status="draft",
                    created_by=actor_id(principal), created_at=now, updated_at=now)
        session.add(task)
        _apply(session, task, initiating, content)
        session.refresh(task)
        audit.record("task.create", object_type="task", object_id=task.id, actor=str(principal.user_id),
                     payload=_snapshot(task))
    return task


def update_task(principal: Principal, task_id: int, expected: frozenset[int] | None, data: dict[str, Any],
                *, now: datetime | None = None) -> Task:
    """Change a draft: the fields given replace the current ones (If-Match with the task's version)."""
    with unit_of_work() as session:
        task = locked_task(session, task_id)
        ensure(principal, "tasks.manage", task.department_id)
        check_version(task.version, expected, what="task")
        if task.status != "draft":
            raise Conflict(f"A {task.status} task cannot be changed; a redraw returns it to draft.",
                           code="task.not_draft")
        current = content_of(task)
        merged = {**current, **data}
        if "staffing" not in data:  # departments that leave take their minimums with them
            staying = {task.department.code, *merged["participating_departments"]}
            merged["staffing"] = {**current["staffing"], "minimums": {
                code: n for code, n in current["staffing"]["minimums"].items() if code in staying}}
        if merged == current:
            raise ValidationFailed("Nothing would change.", code="task.no_change")
        content = check_content(session, task.department, merged)
        task.updated_at = now or utcnow()  # with the changes: one new version
        _apply(session, task, task.department, content)
        session.refresh(task)
        audit.record("task.update", object_type="task", object_id=task.id, actor=str(principal.user_id),
                     payload={"version": task.version, "changed": sorted(k for k in data if data[k] != current[k]),
                              "after": _snapshot(task)})
    return task


def close_task(principal: Principal, task_id: int, expected: frozenset[int] | None,
               *, now: datetime | None = None) -> Task:
    """The checks are done: close a drawn task (after_checks tasks then name their targets publicly)."""
    with unit_of_work() as session:
        task = locked_task(session, task_id)
        ensure(principal, "tasks.manage", task.department_id)
        check_version(task.version, expected, what="task")
        if task.status != "drawn":
            raise Conflict(f"Only a drawn task can be closed; this one is {task.status}.", code="task.not_drawn")
        task.status, task.closed_at = "closed", now or utcnow()
        task.updated_at = task.closed_at
        session.flush()
        audit.record("task.close", object_type="task", object_id=task.id, actor=str(principal.user_id),
                     payload={"number": task.number, "version": task.version})
    return task
