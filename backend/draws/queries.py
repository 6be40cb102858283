"""Reads of draws: summaries, downloads of announcements and records, the current assignments."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.db import db
from backend.directory.access import can_see_risk
from backend.directory.model import Inspector, MarketEntity
from backend.draws import storage
from backend.draws.model import DrawCancellation, DrawCommitment, DrawReveal
from backend.draws.params import utc_text
from backend.errors import Conflict, NotFound
from backend.field.assignments import record_statuses
from backend.policy import Principal
from backend.tasks.model import Assignment, Task
from backend.tasks.services import get_task


@dataclass(frozen=True)
class Download:
    filename: str
    sha256: str
    size: int
    chunks: Iterator[bytes]


@dataclass(frozen=True)
class Draw:
    commitment: DrawCommitment
    reveal: DrawReveal | None
    cancellation: DrawCancellation | None

    @property
    def status(self) -> str:
        return "cancelled" if self.cancellation else "drawn" if self.reveal else "committed"


def draws_of(session: Session, task_id: int) -> list[Draw]:
    rows = session.execute(
        sa.select(DrawCommitment, DrawReveal, DrawCancellation)
        .outerjoin(DrawReveal, DrawReveal.commitment_id == DrawCommitment.id)
        .outerjoin(DrawCancellation, DrawCancellation.commitment_id == DrawCommitment.id)
        .where(DrawCommitment.task_id == task_id).order_by(DrawCommitment.sequence))
    return [Draw(*row) for row in rows]


def randomness_of(commitment: DrawCommitment) -> dict[str, Any]:
    return {"kind": commitment.randomness_kind, "source": commitment.randomness_source,
            "available_at": utc_text(commitment.randomness_available_at)}


def summary(draw: Draw) -> dict[str, Any]:
    c, r, x = draw.commitment, draw.reveal, draw.cancellation
    return {"sequence": c.sequence, "status": draw.status, "commitment": c.commitment,
            "announcement_digest": c.announcement_digest, "committed_at": c.committed_at,
            "randomness": randomness_of(c), "eligible_count": c.eligible_count, "target_count": c.target_count,
            "revealed_at": r.revealed_at if r else None, "record_sha256": r.record_sha256 if r else None,
            "team_count": r.team_count if r else None, "cancelled_at": x.cancelled_at if x else None,
            "cancel_reason": x.reason if x else None}


def draw_summary(task_id: int, *, commitment_id: int) -> dict[str, Any]:
    return next(summary(d) for d in draws_of(db.session, task_id) if d.commitment.id == commitment_id)


def current_summary(task: Task) -> dict[str, Any] | None:
    live = [d for d in draws_of(db.session, task.id) if d.cancellation is None]
    return summary(live[-1]) if live else None


def task_draws(principal: Principal, task_id: int) -> list[dict[str, Any]]:
    get_task(principal, task_id)
    return [summary(d) for d in draws_of(db.session, task_id)]


def _draw(task: Task, sequence: int) -> Draw:
    found = [d for d in draws_of(db.session, task.id) if d.commitment.sequence == sequence]
    if not found:
        raise NotFound(f"Task {task.number} has no draw {sequence}.", code="draw.not_found")
    return found[0]


def announcement_download(principal: Principal, task_id: int, sequence: int) -> Download:
    """The announcement with every stratum's ids: for the task's departments and auditors only."""
    return full_announcement(get_task(principal, task_id, "draws.read_record"), sequence)


def full_announcement(task: Task, sequence: int) -> Download:
    c = _draw(task, sequence).commitment
    size = len(c.announcement_head.encode()) + c.population_bytes + len(c.announcement_tail.encode())
    return Download(f"{task.number}-draw-{sequence}-announcement.json", c.announcement_digest, size,
                    storage.announcement_chunks(c))


def latest_sequence(task: Task, *, revealed: bool) -> int | None:
    """The newest draw (revealed ones only, if asked)."""
    found = [d.commitment.sequence for d in draws_of(db.session, task.id) if d.reveal is not None or not revealed]
    return found[-1] if found else None


def record_download(principal: Principal, task_id: int, sequence: int) -> Download:
    task = get_task(principal, task_id, "draws.read_record")
    return full_record(task, sequence)


def full_record(task: Task, sequence: int) -> Download:
    draw = _draw(task, sequence)
    if draw.reveal is None:
        raise Conflict("This draw has not been revealed; its record does not exist yet.", code="draw.not_revealed")
    return Download(f"{task.number}-draw-{sequence}-record.json", draw.reveal.record_sha256,
                    draw.reveal.record_bytes, storage.record_chunks(draw.commitment, draw.reveal))


def current_reveal_id(task: Task) -> int | None:
    live = [d for d in draws_of(db.session, task.id) if d.cancellation is None and d.reveal is not None]
    return live[-1].reveal.id if live else None  # type: ignore[union-attr]


def assignments(principal: Principal, task_id: int) -> list[dict[str, Any]]:
    """The current draw's assignments in draw order; the stratum (a risk class) only with read_risk."""
    task = get_task(principal, task_id)
    reveal_id = current_reveal_id(task)
    if reveal_id is None:
        return []
    rows = db.session.scalars(sa.select(Assignment).where(Assignment.reveal_id == reveal_id)
                              .order_by(Assignment.draw_index)).all()
    names = dict(db.session.execute(sa.select(MarketEntity.id, MarketEntity.name)
                                    .where(MarketEntity.id.in_([a.entity_id for a in rows]))).all())
    inspectors = {i.id: i for i in db.session.scalars(sa.select(Inspector).where(
        Inspector.id.in_({m.inspector_id for a in rows for m in a.members})))}
    show_risk = can_see_risk()
    # how far each target's check has got: the latest record's status, "open" before any record
    progress = record_statuses(db.session, [a.id for a in rows])
    out = []
    for a in rows:
        view = {"id": a.id, "target": a.target, "entity_id": a.entity_id, "entity_name": names[a.entity_id],
                "rank": a.rank, "draw_index": a.draw_index, "items": a.items,
                "check_status": progress.get(a.id, "open"),
                "window": {"start": a.window_start, "end": a.window_end},
                "team": [{"inspector_id": m.inspector_id, "name": inspectors[m.inspector_id].name,
                          "department": inspectors[m.inspector_id].department.code} for m in a.members]}
        if show_risk:
            view["stratum"] = a.stratum
        out.append(view)
    return out
