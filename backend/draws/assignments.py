"""Assignments from a draw: each selected target with its team, the task's items and planned window.

The record names entities by their draw id; the commitment's frame maps each id (by its place
in the sorted stratum) back to the directory row, so a code changed since the commitment does
not lose the entity. Later issues turn assignments into task packets for the app.
"""
from __future__ import annotations

import bisect
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.draws import storage
from backend.draws import verify as v
from backend.draws.model import DrawCommitment, DrawReveal
from backend.draws.staffing import inspector_id_of
from backend.tasks.model import Assignment, AssignmentMember, Task


def store_assignments(session: Session, task: Task, commitment: DrawCommitment, reveal: DrawReveal,
                      announcement: dict[str, Any], result: dict[str, Any]) -> int:
    strata = announcement["population"]["strata"]
    frame = storage.decode_frame(commitment.frame_gz, {k: s["count"] for k, s in strata.items()})
    items = [{"code": i["code"], "version": i["version"]} for i in announcement["context"]["items"]]
    rank_of = {t: (k, n) for k, chosen in result["selected"].items() for n, t in enumerate(chosen, 1)}
    rows = []
    for index, target in enumerate(v.draw_order(result["selected"]), 1):
        stratum, rank = rank_of[target]
        ids = strata[stratum]["ids"]
        entity_id = frame[stratum][bisect.bisect_left(ids, target)]
        rows.append({"task_id": task.id, "reveal_id": reveal.id, "entity_id": entity_id, "target": target,
                     "stratum": stratum, "rank": rank, "draw_index": index, "items": items,
                     "window_start": task.window_start, "window_end": task.window_end})
    if not rows:
        return 0
    ids = list(session.scalars(sa.insert(Assignment).returning(Assignment.id, sort_by_parameter_order=True), rows))
    members = [{"assignment_id": assignment_id, "inspector_id": inspector_id_of(member), "position": position}
               for assignment_id, row in zip(ids, rows)
               for position, member in enumerate(result["teams"][row["target"]], 1)]
    session.execute(sa.insert(AssignmentMember), members)
    return len(rows)
