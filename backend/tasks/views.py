"""Tasks as the staff API shows them: the risk-class filter only to holders of directory.read_risk."""
from __future__ import annotations

from typing import Any

from backend.directory.access import can_see_risk
from backend.draws.queries import current_summary
from backend.tasks.model import Task
from backend.tasks.services import content_of


def task_view(task: Task) -> dict[str, Any]:
    scope = dict(task.scope)
    if not can_see_risk():
        scope.pop("risk_classes", None)
    return {
        "id": task.id, "number": task.number, "name_zh": task.name_zh, "name_en": task.name_en, "kind": task.kind,
        "basis": task.basis, "targeted": task.targeted, "status": task.status, "version": task.version,
        "department": task.department,
        "departments": [{"code": d.department.code, "name_zh": d.department.name_zh, "role": d.role,
                         "min_per_team": d.min_per_team} for d in task.departments],
        "items": [{"code": i.item.code, "name_zh": i.item.current.name_zh, "kind": i.item.current.kind,
                   "department": i.item.department.code, "version": i.item.current_version} for i in task.items],
        "scope": scope, "sampling": task.sampling,
        "staffing": {"team_size": task.team_size, "workload_cap": task.workload_cap,
                     "recuse_previous": task.recuse_previous},
        "window": {"start": task.window_start, "end": task.window_end}, "names_public": task.names_public,
        "plan": content_of(task)["plan"], "draw": current_summary(task), "created_at": task.created_at,
        "updated_at": task.updated_at, "closed_at": task.closed_at,
    }
