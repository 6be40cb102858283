"""The public task bulletin (抽查任务公告), built field by field from a whitelist.

Public: the task, its departments, items, scope without risk classes, window and counts; every
draw's commitment (from the moment it is made) and, once revealed, the randomness, the secret,
the seed, the witnesses and the SHA-256 of the full record; the targets' names at the draw or
after the checks, as the task says. Never public: strata (risk classes), the population lists,
inspectors, recusals, the special task's basis. ADR 0010 explains why.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from backend.db import db
from backend.directory.model import MarketEntity
from backend.draws import verify as v
from backend.draws.model import DrawCommitment
from backend.draws.params import public_scope, public_view_of_context
from backend.draws.queries import Draw, draws_of, randomness_of
from backend.errors import Conflict, NotFound
from backend.orgs.model import Department
from backend.tasks.model import Assignment, Task, TaskDepartment

VERIFIER = Path(v.__file__)
VERIFIER_URL = "/api/v1/public/draws/verifier.py"


def verifier_sha256() -> str:
    return hashlib.sha256(VERIFIER.read_bytes()).hexdigest()


def published_tasks(*, department: str | None = None, status: str | None = None) -> sa.Select[tuple[Task]]:
    """Tasks with at least one commitment (a draft that never committed is not public)."""
    query = (sa.select(Task).where(Task.id.in_(sa.select(DrawCommitment.task_id)))
             .order_by(Task.created_at.desc(), Task.id.desc()))
    if department:
        query = query.where(Task.id.in_(sa.select(TaskDepartment.task_id).join(Department)
                                        .where(Department.code == department)))
    if status:
        query = query.where(Task.status == status)
    return query


def find_published_task(number: str) -> Task:
    """The task of that number, if it is on the bulletin (its draw has been committed)."""
    task = db.session.scalar(sa.select(Task).where(Task.number == number, Task.id.in_(
        sa.select(DrawCommitment.task_id))))
    if task is None:
        raise NotFound("No published task has that number.", code="task.not_found")
    return task


def targets_public(task: Task) -> bool:
    return task.names_public == "at_draw" or task.status == "closed"


def _targets(draw: Draw) -> list[dict[str, str]]:
    rows = db.session.execute(sa.select(Assignment.target, MarketEntity.name)
                              .join(MarketEntity, MarketEntity.id == Assignment.entity_id)
                              .where(Assignment.reveal_id == draw.reveal.id).order_by(Assignment.target))
    return [{"id": target, "name": name} for target, name in rows]


def _draw_view(draw: Draw, number: str) -> dict[str, Any]:
    c, r, x = draw.commitment, draw.reveal, draw.cancellation
    view = {"sequence": c.sequence, "status": draw.status, "committed_at": c.committed_at,
            "announcement_digest": c.announcement_digest, "commitment": c.commitment, "randomness": randomness_of(c),
            "eligible_count": c.eligible_count, "target_count": c.target_count, "revealed_at": None,
            "randomness_value": None, "server_secret": None, "seed": None, "witnesses": None, "record_sha256": None,
            "public_record_url": None, "cancelled_at": x.cancelled_at if x else None,
            "cancel_reason": x.reason if x else None}
    if r is not None:
        view.update(revealed_at=r.revealed_at, randomness_value=r.randomness_value, server_secret=c.secret,
                    seed=r.seed, witnesses=r.witnesses, record_sha256=r.record_sha256,
                    public_record_url=f"/api/v1/public/tasks/{number}/draws/{c.sequence}/record")
    return view


def _current(draws: list[Draw]) -> Draw | None:
    live = [d for d in draws if d.cancellation is None]
    return live[-1] if live else None


def published_task(number: str) -> dict[str, Any]:
    task = find_published_task(number)
    draws = draws_of(db.session, task.id)
    current = _current(draws)
    shown = current is not None and current.reveal is not None and targets_public(task)
    views = [_draw_view(d, task.number) for d in draws]
    return {
        "number": task.number, "name_zh": task.name_zh, "name_en": task.name_en, "kind": task.kind,
        "targeted": task.targeted, "status": task.status, "department": task.department,
        "participating_departments": [d.department for d in task.participating],
        "items": [{"code": i.item.code, "name_zh": i.item.current.name_zh} for i in task.items],
        "scope": public_scope(task), "window": {"start": task.window_start, "end": task.window_end},
        "names_public": task.names_public,
        "counts": {"eligible": current.commitment.eligible_count if current else None,
                   "targets": current.commitment.target_count if current else None,
                   "teams": current.reveal.team_count if current and current.reveal else None},
        "draws": views, "targets": _targets(current) if shown else None,
        "verifier": {"url": VERIFIER_URL, "sha256": verifier_sha256()},
    }


def published_record(number: str, sequence: int) -> dict[str, Any]:
    """The redacted record of a revealed draw: checkable with verify.py, revealing no risk class."""
    task = find_published_task(number)
    draws = draws_of(db.session, task.id)
    draw = next((d for d in draws if d.commitment.sequence == sequence), None)
    if draw is None:
        raise NotFound(f"Task {number} has no draw {sequence}.", code="draw.not_found")
    if draw.reveal is None:
        raise Conflict("This draw has not been revealed yet.", code="draw.not_revealed")
    c, r = draw.commitment, draw.reveal
    committed = json.loads(c.announcement_head + "null}")["context"]
    targets = None
    if draw is _current(draws) and targets_public(task):
        targets = [t["id"] for t in _targets(draw)]
    return v.public_record(
        task_no=task.number, announcement_digest_hex=c.announcement_digest, population_digest_hex=c.population_digest,
        population_count=c.eligible_count, public_randomness={**randomness_of(c), "value": r.randomness_value},
        server_commitment=c.commitment, server_secret=c.secret, seed=r.seed, record_sha256=r.record_sha256,
        target_count=r.target_count, team_count=r.team_count, targets=targets,
        context=public_view_of_context(committed), algorithm=c.algorithm)
