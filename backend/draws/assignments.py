"""Assignments from a draw: each selected target with its team, the task's items and planned window.

The record names entities by their draw id; the commitment's frame maps each id (by its place
in the sorted stratum) back to the directory row, so a code changed since the commitment does
not lose the entity. Later issues turn assignments into task packets for the app.

On PostgreSQL the rows go in with COPY (their ids taken from the table's sequence first, so the
members can name them): thousands of targets and their teams in a few round trips instead of
an INSERT ... RETURNING per batch. Elsewhere (SQLite) they go through SQLAlchemy's bulk insert.
"""
from __future__ import annotations

import bisect
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.draws import storage
from backend.draws import verify as v
from backend.draws.model import DrawCommitment, DrawReveal
from backend.draws.staffing import inspector_id_of
from backend.tasks.model import Assignment, AssignmentMember, Task

_COLUMNS = ("task_id", "reveal_id", "entity_id", "target", "stratum", "rank", "draw_index", "items", "window_start",
            "window_end")


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
        rows.append((task.id, reveal.id, entity_id, target, stratum, rank, index, items, task.window_start,
                     task.window_end))
    if not rows:
        return 0
    teams = result["teams"]
    if session.get_bind().dialect.name == "postgresql":
        _copy_assignments(session, rows, teams)
    else:
        ids = list(session.scalars(sa.insert(Assignment).returning(Assignment.id, sort_by_parameter_order=True),
                                   [dict(zip(_COLUMNS, row)) for row in rows]))
        session.execute(sa.insert(AssignmentMember), [
            {"assignment_id": assignment_id, "inspector_id": inspector_id_of(member), "position": position}
            for assignment_id, row in zip(ids, rows) for position, member in enumerate(teams[row[3]], 1)])
    return len(rows)


def _copy_assignments(session: Session, rows: list[tuple], teams: dict[str, list[str]]) -> None:
    """COPY the assignments with ids drawn from their sequence, then their members, in the session's transaction."""
    connection = session.connection()
    ids = sorted(connection.execute(sa.text(
        "SELECT nextval(pg_get_serial_sequence('assignment', 'id')) FROM generate_series(1, :n)"),
        {"n": len(rows)}).scalars())
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        items = json.dumps(rows[0][7], ensure_ascii=False)  # the same items on every row
        with cursor.copy(f"COPY assignment (id, {', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for assignment_id, row in zip(ids, rows):
                copy.write_row((assignment_id, *row[:7], items, *row[8:]))
        with cursor.copy("COPY assignment_member (assignment_id, inspector_id, position) FROM STDIN") as copy:
            for assignment_id, row in zip(ids, rows):
                for position, member in enumerate(teams[row[3]], 1):
                    copy.write_row((assignment_id, inspector_id_of(member), position))
    finally:
        cursor.close()
