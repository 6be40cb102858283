"""Assignments as the offline app sees them: target, team, items and the checklist templates.

Built in a handful of batch queries however many assignments there are. The template of an
item is the rulebook version that was current when the assignment was drawn (the latest one
written at or before the reveal); an item whose first rulebook came later gets that first
one. So an inspector's checklist never changes under them mid-task, and the same assignment
always names the same template.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, lazyload

from backend.catalog.model import CheckItem, ItemVersion, RulebookVersion
from backend.directory.model import Inspector, MarketEntity
from backend.draws.model import DrawReveal
from backend.field.access import inspector_key
from backend.field.model import CheckRecord
from backend.orgs.model import Department
from backend.tasks.model import Assignment, AssignmentMember, Task, TaskDepartment


def template_key(code: str, version: int) -> str:
    return f"{code}@{version}"


def _prior_results(session: Session, entity_ids: set[int]) -> dict[int, list[dict[str, Any]]]:
    """The current version of each published result of these entities, newest check first (at most 5 each):
    what the entity's public page shows under 抽查检查结果信息."""
    from backend.results.model import CheckResult, PublishedResult

    rows = session.scalars(sa.select(PublishedResult)
                           .join(CheckResult, CheckResult.current_published_id == PublishedResult.id)
                           .where(PublishedResult.entity_id.in_(entity_ids))
                           .order_by(PublishedResult.completion_date.desc(), PublishedResult.id.desc()))
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for p in rows:
        if len(out[p.entity_id]) < 5:
            out[p.entity_id].append({"date": p.completion_date.isoformat() if p.completion_date else None,
                                     "authority": p.inspecting_authority, "type": p.check_type, "result": p.result})
    return out


def _target(entity: MarketEntity, prior: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": entity.id, "name": entity.name, "credit_code": entity.credit_code,
            "registration_number": entity.registration_number, "entity_type": entity.entity_type,
            "legal_representative": entity.legal_representative, "registered_address": entity.registered_address,
            "business_address": entity.business_address, "division_code": entity.division_code,
            "industry": {"code": entity.industry.code, "name": entity.industry.name_zh},
            "latitude": entity.latitude, "longitude": entity.longitude,
            "prior_results": prior}


def _task(task: Task, departments: int) -> dict[str, Any]:
    return {"number": task.number, "name": task.name_zh, "kind": task.kind, "joint": departments > 1,
            "initiating_department": task.department.code}


def _teams(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = session.execute(
        sa.select(AssignmentMember.assignment_id, Inspector.id, Inspector.name, Department.code)
        .join(Inspector, Inspector.id == AssignmentMember.inspector_id)
        .join(Department, Department.id == Inspector.department_id)
        .where(AssignmentMember.assignment_id.in_(ids))
        .order_by(AssignmentMember.assignment_id, AssignmentMember.position))
    teams: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for assignment_id, inspector_id, name, department in rows:
        teams[assignment_id].append({"inspector_id": inspector_key(inspector_id), "name": name,
                                     "department": department})
    return teams


def record_statuses(session: Session, ids: list[int]) -> dict[int, str]:
    """Assignment id -> the status of its latest check record (assignments without one are left out)."""
    rows = session.execute(sa.select(CheckRecord.assignment_id, CheckRecord.status)
                           .where(CheckRecord.assignment_id.in_(ids))
                           .order_by(CheckRecord.created_at, CheckRecord.id))
    return {assignment_id: status for assignment_id, status in rows}  # the latest record wins


class _Items:
    """Item versions and rulebook versions of the items the assignments name."""

    def __init__(self, session: Session, assignments: list[Assignment]) -> None:
        codes = {i["code"] for a in assignments for i in a.items}
        self.items = {i.code: i for i in session.scalars(
            sa.select(CheckItem).where(CheckItem.code.in_(codes)).options(lazyload(CheckItem.current),
                                                                          lazyload(CheckItem.versions)))}
        ids = [i.id for i in self.items.values()]
        self.versions = {(v.item_id, v.version): v for v in session.scalars(
            sa.select(ItemVersion).where(ItemVersion.item_id.in_(ids)))}
        self.rulebooks: dict[int, list[tuple[int, Any]]] = defaultdict(list)
        for item_id, version, created_at in session.execute(
                sa.select(RulebookVersion.item_id, RulebookVersion.version, RulebookVersion.created_at)
                .where(RulebookVersion.item_id.in_(ids)).order_by(RulebookVersion.version)):
            self.rulebooks[item_id].append((version, created_at))

    def rulebook_at(self, item: CheckItem, drawn_at: Any) -> int | None:
        versions = self.rulebooks.get(item.id, [])
        before = [v for v, created in versions if created <= drawn_at]
        return before[-1] if before else versions[0][0] if versions else None

    def view(self, ref: dict[str, Any], drawn_at: Any) -> tuple[dict[str, Any], tuple[int, int] | None]:
        item = self.items[ref["code"]]
        version = self.versions[(item.id, ref["version"])]
        rulebook = self.rulebook_at(item, drawn_at)
        return ({"code": item.code, "name": version.name_zh, "department": item.department.code,
                 "template": None if rulebook is None else template_key(item.code, rulebook),
                 "legal_basis": version.legal_basis, "check_methods": list(version.check_methods)},
                None if rulebook is None else (item.id, rulebook))


def build(session: Session, ids: list[int]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The views of these assignments (in id order) and the templates they name, by key."""
    if not ids:
        return [], {}
    assignments = list(session.scalars(sa.select(Assignment).where(Assignment.id.in_(ids))
                                       .options(lazyload(Assignment.members)).order_by(Assignment.id)))
    tasks = {t.id: t for t in session.scalars(sa.select(Task).where(Task.id.in_({a.task_id for a in assignments}))
                                              .options(lazyload(Task.items), lazyload(Task.departments)))}
    joined = dict(session.execute(sa.select(TaskDepartment.task_id, sa.func.count())
                                  .where(TaskDepartment.task_id.in_(tasks)).group_by(TaskDepartment.task_id)).all())
    entities = {e.id: e for e in session.scalars(
        sa.select(MarketEntity).where(MarketEntity.id.in_({a.entity_id for a in assignments}))
        .options(lazyload(MarketEntity.memberships), lazyload(MarketEntity.departments)))}
    drawn_at = dict(session.execute(sa.select(DrawReveal.id, DrawReveal.revealed_at)
                                    .where(DrawReveal.id.in_({a.reveal_id for a in assignments}))).all())
    teams, statuses, items = _teams(session, ids), record_statuses(session, ids), _Items(session, assignments)
    prior = _prior_results(session, set(entities))
    views, wanted = [], set()
    for a in assignments:
        item_views = []
        for ref in a.items:
            view, rulebook = items.view(ref, drawn_at[a.reveal_id])
            item_views.append(view)
            if rulebook:
                wanted.add(rulebook)
        views.append({"id": a.id, "task": _task(tasks[a.task_id], joined.get(a.task_id, 1)),
                      "window": {"start": a.window_start.isoformat(), "end": a.window_end.isoformat()},
                      "target": _target(entities[a.entity_id], prior.get(a.entity_id, [])), "team": teams[a.id], "items": item_views,
                      "status": statuses.get(a.id, "open")})
    return views, _templates(session, wanted)


def for_checking(session: Session, assignment_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a check record is checked against: the assignment's team and items (as in its packet
    view) and the templates they name, without the target, task and prior results the packet also
    carries (a record's submission needs only these, and is on the sync's hot path)."""
    assignment, drawn_at = session.execute(
        sa.select(Assignment, DrawReveal.revealed_at).join(DrawReveal, DrawReveal.id == Assignment.reveal_id)
        .where(Assignment.id == assignment_id).options(lazyload(Assignment.members))).one()
    items, item_views, wanted = _Items(session, [assignment]), [], set()
    for ref in assignment.items:
        view, rulebook = items.view(ref, drawn_at)
        item_views.append(view)
        if rulebook:
            wanted.add(rulebook)
    return {"id": assignment.id, "team": _teams(session, [assignment.id])[assignment.id],
            "items": item_views}, _templates(session, wanted)


def _templates(session: Session, wanted: set[tuple[int, int]]) -> dict[str, Any]:
    if not wanted:
        return {}
    rows = session.execute(sa.select(CheckItem.code, RulebookVersion.version, RulebookVersion.template)
                           .join(CheckItem, CheckItem.id == RulebookVersion.item_id)
                           .where(sa.tuple_(RulebookVersion.item_id, RulebookVersion.version).in_(wanted)))
    return {template_key(code, version): template for code, version, template in sorted(rows, key=lambda r: r[:2])}
