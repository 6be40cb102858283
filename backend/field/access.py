"""Who is asking and which assignments they may work on: the caller's inspector record and its teams.

An assignment is workable while its task is drawn (not closed, not back in draft for a redraw)
and the draw that made it has not been cancelled.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.directory.model import Inspector
from backend.draws.model import DrawCancellation, DrawReveal
from backend.errors import Forbidden, NotFound
from backend.policy import Principal
from backend.tasks.model import Assignment, AssignmentMember, Task


def inspector_key(inspector_id: int) -> str:
    """The inspector's id as the draw record and the app write it: "I17"."""
    return f"I{inspector_id}"


def inspector_of(session: Session, principal: Principal) -> int | None:
    """The id of the inspector record linked to the caller's account."""
    return session.scalar(sa.select(Inspector.id).where(Inspector.user_id == principal.user_id))


def live_assignments() -> sa.Select[tuple[int]]:
    """Ids of assignments of drawn tasks whose draw stands."""
    cancelled = sa.select(DrawCancellation.commitment_id).where(
        DrawCancellation.commitment_id == DrawReveal.commitment_id).exists()
    return (sa.select(Assignment.id).join(Task, Task.id == Assignment.task_id)
            .join(DrawReveal, DrawReveal.id == Assignment.reveal_id)
            .where(Task.status == "drawn", ~cancelled))


def assignment_ids_of(session: Session, inspector_id: int) -> list[int]:
    query = live_assignments().join(AssignmentMember, AssignmentMember.assignment_id == Assignment.id) \
        .where(AssignmentMember.inspector_id == inspector_id).order_by(Assignment.id)
    return list(session.scalars(query))


def own_assignment(session: Session, principal: Principal, assignment_id: int) -> int:
    """The caller's inspector id, if they are on the assignment's team and it can still be worked on;
    404 / 403 otherwise."""
    if session.scalar(sa.select(Assignment.id).where(Assignment.id == assignment_id)) is None:
        raise NotFound(f"There is no assignment {assignment_id}.", code="field.assignment_not_found")
    inspector = inspector_of(session, principal)
    member = inspector is not None and session.scalar(
        live_assignments().join(AssignmentMember, AssignmentMember.assignment_id == Assignment.id)
        .where(Assignment.id == assignment_id, AssignmentMember.inspector_id == inspector))
    if not member or inspector is None:
        raise Forbidden("This assignment is not one of yours.", code="field.not_your_assignment",
                        details={"assignment_id": assignment_id})
    return inspector
