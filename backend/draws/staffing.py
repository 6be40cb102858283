"""The inspectors of a draw: who may be drawn, who must recuse, and whether there are enough.

An inspector is listed when their department takes part in the task; they are eligible when
their enforcement certificate is valid and their status is `active` on every day of the
planned window. Their id in the record is "I" + their directory id: opaque, so the record
carries no names or certificate numbers (personal data). Recusals (回避): declared conflicts
with an entity of the population, and, when the task asks for it, the members of the latest
team that checked the entity for one of the same items.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.directory.availability import Period, status_on
from backend.directory.inspectors import conflicted_entity_ids
from backend.directory.model import Inspector
from backend.draws.population import Population, current_assignments
from backend.errors import ValidationFailed
from backend.tasks.model import Assignment, AssignmentMember, Task, TaskItem


def inspector_key(inspector_id: int) -> str:
    return f"I{inspector_id}"


def inspector_id_of(key: str) -> int:
    return int(key[1:])


def available_throughout(periods: Iterable[Period], valid_from: date, valid_until: date,
                         start: date, end: date) -> bool:
    """Certificate valid and status active on every day from start to end (inclusive)."""
    periods = list(periods)
    if not (valid_from <= start and end <= valid_until):
        return False
    # The status can only change where a period starts or the day after one ends.
    days = {start} | {p.starts_on for p in periods if start < p.starts_on <= end}
    days |= {p.ends_on + timedelta(days=1) for p in periods if p.ends_on is not None and start <= p.ends_on < end}
    return all(status_on(periods, day) == "active" for day in days)


def collect_inspectors(session: Session, task: Task) -> list[dict[str, Any]]:
    codes = {d.department_id: d.department.code for d in task.departments}
    rows = session.scalars(sa.select(Inspector).where(Inspector.department_id.in_(list(codes)))
                           .order_by(Inspector.id))
    return [{"id": inspector_key(i.id), "department": codes[i.department_id],
             "eligible": available_throughout(i._periods(), i.certificate_valid_from, i.certificate_valid_until,
                                              task.window_start, task.window_end)} for i in rows]


def _previous_teams(session: Session, task: Task) -> dict[int, list[int]]:
    """Entity -> inspectors of the latest current assignment for one of the task's items.

    The database keeps only each entity's latest assignment (a window function), so the rows read
    grow with the entities checked before, not with every team of every earlier task."""
    ranked = (sa.select(Assignment.id, Assignment.entity_id, sa.func.row_number().over(
                  partition_by=Assignment.entity_id, order_by=(Assignment.window_end.desc(), Assignment.id.desc())
              ).label("newest_first"))
              .where(Assignment.task_id != task.id, current_assignments(),
                     Assignment.task_id.in_(sa.select(TaskItem.task_id)
                                            .where(TaskItem.item_id.in_([i.item_id for i in task.items]))))
              .subquery())
    teams: dict[int, list[int]] = {}
    for entity_id, inspector_id in session.execute(
            sa.select(ranked.c.entity_id, AssignmentMember.inspector_id)
            .join(AssignmentMember, AssignmentMember.assignment_id == ranked.c.id)
            .where(ranked.c.newest_first == 1)):
        teams.setdefault(entity_id, []).append(inspector_id)
    return teams


def recusal_sources(session: Session, task: Task, inspectors: list[dict[str, Any]]) -> dict[int, set[int]]:
    """Directory entity id -> the listed inspectors who must stay away from it."""
    listed = {inspector_id_of(i["id"]) for i in inspectors}
    by_entity: dict[int, set[int]] = {}
    for inspector_id, entities in conflicted_entity_ids(session, sorted(listed)).items():
        for entity_id in entities:
            by_entity.setdefault(entity_id, set()).add(inspector_id)
    if task.recuse_previous:
        for entity_id, members in _previous_teams(session, task).items():
            by_entity.setdefault(entity_id, set()).update(m for m in members if m in listed)
    return {entity_id: ids for entity_id, ids in by_entity.items() if ids}


def recusals(sources: dict[int, set[int]], population: Population) -> dict[str, list[str]]:
    """The record's recusals: draw id of each entity of the population -> recused inspector ids."""
    draw_ids = population.draw_ids_of(sources.keys())
    return {draw_ids[e]: sorted(inspector_key(i) for i in ids) for e, ids in sources.items() if e in draw_ids}


def check_capacity(inspectors: list[dict[str, Any]], staffing: dict[str, int], team_size: int,
                   workload_cap: int | None, targets: int) -> None:
    """Refuse a draw that cannot staff its teams whatever the randomness (422 draw.too_few_inspectors)."""
    if targets == 0:
        return
    eligible = [i for i in inspectors if i["eligible"]]

    def short(have: int, need: int) -> bool:  # too few people, or too few seats under the workload cap
        return have < need or (workload_cap is not None and workload_cap * have < targets * need)

    problems = []
    if short(len(eligible), team_size):
        problems.append(f"{len(eligible)} eligible inspector(s) for {targets} team(s) of {team_size}")
    for department, need in staffing.items():
        have = sum(1 for i in eligible if i["department"] == department)
        if short(have, need):
            problems.append(f"{department}: {have} eligible inspector(s), each team needs {need}")
    if problems:
        raise ValidationFailed("There are too few eligible inspectors for the teams: " + "; ".join(problems) + ".",
                               code="draw.too_few_inspectors", errors={"staffing": problems},
                               details={"eligible": len(eligible), "targets": targets, "team_size": team_size})
