"""Who is asking and which assignments they may work on: the caller's inspector record and its teams.

An assignment is workable while its task is drawn (not closed, not back in draft for a redraw)
and the draw that made it has not been cancelled.
"""
from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.directory.model import Inspector
from backend.draws.model import DrawCancellation, DrawReveal
from backend.errors import Forbidden, NotFound
from backend.field.model import CheckRecord
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


def _membership(principal: Principal, assignment_id: int | sa.ColumnElement[int]) -> sa.Select[tuple[int]]:
    """The caller's inspector id on this assignment's team, while it can be worked on."""
    return (sa.select(AssignmentMember.inspector_id).join(Inspector, Inspector.id == AssignmentMember.inspector_id)
            .where(AssignmentMember.assignment_id == assignment_id, Inspector.user_id == principal.user_id,
                   AssignmentMember.assignment_id.in_(live_assignments())))


def _member(session: Session, principal: Principal, assignment_id: int) -> int | None:
    return session.scalar(_membership(principal, assignment_id))


def own_assignment(session: Session, principal: Principal, assignment_id: int) -> int:
    """The caller's inspector id, if they are on the assignment's team and it can still be worked on;
    404 / 403 otherwise (told apart only when the caller is not on it)."""
    inspector = _member(session, principal, assignment_id)
    if inspector is not None:
        return inspector
    if session.scalar(sa.select(Assignment.id).where(Assignment.id == assignment_id)) is None:
        raise NotFound(f"There is no assignment {assignment_id}.", code="field.assignment_not_found")
    raise Forbidden("This assignment is not one of yours.", code="field.not_your_assignment",
                    details={"assignment_id": assignment_id})


def record_open_to(session: Session, principal: Principal, record_id: uuid.UUID) -> bool | None:
    """Whether the caller may add to this check record (on the team of its assignment, which can
    still be worked on); None when there is no such record (yet: evidence may come first)."""
    found = session.execute(sa.select(_membership(principal, CheckRecord.assignment_id).scalar_subquery())
                            .where(CheckRecord.id == record_id)).first()  # one query on every upload
    return None if found is None else found[0] is not None
