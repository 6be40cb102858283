"""What review and results need to know about one check record: its task's departments, the
officers on it, and the approvals its items' rulebooks require."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.catalog.model import CheckItem, RulebookVersion
from backend.directory.model import Inspector
from backend.errors import Forbidden, NotFound
from backend.field.model import CheckRecord, CheckRecordRevision
from backend.policy import Principal, Scope, scope_for
from backend.tasks.model import Assignment, Task, TaskDepartment


@dataclass(frozen=True)
class Requirement:
    """An approval the rulebook names: a holder of `role` in department `department_id`."""

    department_id: int
    role: str
    items: tuple[str, ...]


@dataclass
class RecordContext:
    record: CheckRecord
    body: dict[str, Any]
    assignment: Assignment
    task: Task
    department_ids: list[int]  # initiating first, then participating
    officer_users: dict[str, int | None]  # inspector key ("I17") -> linked account
    submitters: set[int]
    officer_names: dict[str, str]

    def is_on_record(self, principal: Principal) -> bool:
        """An officer named on the record, or whoever submitted one of its revisions."""
        return principal.user_id in self.submitters or principal.user_id in self.officer_users.values()


def load(session: Session, record_id: uuid.UUID, *, lock: bool = False) -> RecordContext:
    record = session.get(CheckRecord, record_id, with_for_update=lock or None)
    if record is None:
        raise NotFound(f"There is no check record {record_id}.", code="record.not_found")
    body = session.scalars(sa.select(CheckRecordRevision.body).where(
        CheckRecordRevision.record_id == record_id,
        CheckRecordRevision.revision == record.current_revision)).one()
    assignment = session.get(Assignment, record.assignment_id)
    assert assignment is not None
    task = session.get(Task, assignment.task_id)
    assert task is not None
    departments = [task.department_id] + sorted(
        d for d in session.scalars(sa.select(TaskDepartment.department_id).where(TaskDepartment.task_id == task.id))
        if d != task.department_id)
    keys = [o["inspector_id"] for o in body["officers"]]
    ids = [int(k[1:]) for k in keys]
    rows = {i: (user, name) for i, user, name in session.execute(
        sa.select(Inspector.id, Inspector.user_id, Inspector.name).where(Inspector.id.in_(ids)))}
    submitters = set(session.scalars(sa.select(CheckRecordRevision.submitted_by)
                                     .where(CheckRecordRevision.record_id == record_id)))
    return RecordContext(record, body, assignment, task, departments,
                         {k: rows.get(int(k[1:]), (None, ""))[0] for k in keys}, submitters,
                         {k: rows.get(int(k[1:]), (None, ""))[1] for k in keys})


def ensure_takes_part(principal: Principal, permission: str, department_ids: list[int]) -> None:
    """A DEPARTMENT-scoped caller reaches the records of tasks their department initiates or joins."""
    scope = scope_for(principal, permission)
    if scope is Scope.ANY or (scope is Scope.DEPARTMENT and principal.department_id in department_ids):
        return
    raise Forbidden("This belongs to a task your department does not take part in.", code="auth.out_of_scope",
                    details={"permission": permission})


def requirements(session: Session, body: dict[str, Any]) -> list[Requirement]:
    """The approvals beyond the team lead's that the rulebooks of the record's items name."""
    wanted: dict[str, int] = {}
    for code, key in body["templates"].items():
        wanted[code] = int(str(key).rsplit("@", 1)[1])
    if not wanted:
        return []
    rows = session.execute(
        sa.select(CheckItem.code, CheckItem.department_id, RulebookVersion.version, RulebookVersion.approval)
        .join(RulebookVersion, RulebookVersion.item_id == CheckItem.id)
        .where(CheckItem.code.in_(wanted)))
    needed: dict[tuple[int, str], list[str]] = {}
    for code, department_id, version, approval in rows:
        if version != wanted[code]:
            continue
        authority = approval.get("authority", "team_lead")
        role = {"department_head": "department_head", "role": approval.get("role")}.get(authority)
        if role and role != "team_lead":
            needed.setdefault((department_id, role), []).append(code)
    return [Requirement(d, r, tuple(sorted(codes))) for (d, r), codes in sorted(needed.items())]
