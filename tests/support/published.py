"""Published results for tests of the public site: a drawn task whose targets have results
published (and corrected) straight into the tables, as the results services leave them.

`published_result` is append-only: publishing inserts version 1, a correction inserts version
n + 1 naming the version it supersedes; `check_result` points at the current version.
"""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from flask import Flask

from tests.support.draws import DrawWorld, task_body

__all__ = ["PublishedWorld", "publish", "correct", "drawn_targets", "published_entity_code"]

ENDED = date(2027, 3, 10)


@dataclass
class PublishedWorld:
    draw: DrawWorld
    task_number: str
    task_name: str
    assignments: list[dict] = field(default_factory=list)  # {"id", "entity_id", "credit_code", "name"}


def drawn_targets(world: DrawWorld, **overrides) -> PublishedWorld:
    """A drawn task of market regulation and its targets (entity ids, credit codes, names)."""
    from backend.db import db
    from backend.directory.model import MarketEntity
    from backend.tasks.model import Assignment

    task = world.create(task_body(**overrides))
    world.draw(task["id"])
    with world.app.app_context():
        rows = db.session.execute(sa.select(Assignment.id, Assignment.entity_id, MarketEntity.credit_code,
                                            MarketEntity.name)
                                  .join(MarketEntity, MarketEntity.id == Assignment.entity_id)
                                  .where(Assignment.task_id == task["id"]).order_by(Assignment.id)).all()
    return PublishedWorld(world, task["number"], task["name_zh"],
                          [{"id": a, "entity_id": e, "credit_code": c, "name": n} for a, e, c, n in rows])


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def publish(app: Flask, assignment_id: int, *, result: str = "未发现问题", remarks: str | None = None,
            published_at: datetime | None = None, check_type: str = "定向抽查",
            authority: str = "泰安市市场监督管理局") -> int:
    """Publish version 1 of the result of one assignment; returns the check_result id."""
    from backend.accounts.model import User
    from backend.db import db
    from backend.directory.model import MarketEntity
    from backend.field.model import CheckRecord
    from backend.results.model import CheckResult, PublishedResult
    from backend.tasks.model import Assignment, Task

    now = published_at or datetime.now(timezone.utc)
    with app.app_context():
        session = db.session
        assignment = session.get(Assignment, assignment_id)
        task = session.get(Task, assignment.task_id)
        entity = session.get(MarketEntity, assignment.entity_id)
        user = session.scalar(sa.select(sa.func.min(User.id)))
        record = CheckRecord(id=uuid.uuid4(), assignment_id=assignment.id, current_revision=1, status="published",
                             created_by=user, ended_on=ENDED)
        session.add(record)
        session.flush()
        head = CheckResult(record_id=record.id, assignment_id=assignment.id, task_id=task.id, entity_id=entity.id,
                           department_id=task.department_id, revision=1, ended_on=ENDED,
                           parts={"departments": [], "check_methods": [], "followup": []}, adopted=[],
                           remarks=remarks or "", status="published", entered_by=user, entered_at=now)
        session.add(head)
        session.flush()
        row = PublishedResult(
            result_id=head.id, version=1, entity_id=entity.id, task_id=task.id, department_id=task.department_id,
            plan_number=None, plan_name=None, task_number=task.number, task_name=task.name_zh, check_type=check_type,
            inspecting_authority=authority, entity_name=entity.name, credit_code=entity.credit_code,
            registration_number=entity.registration_number, completion_date=ENDED, result=result, remarks=remarks,
            published_fields=["task_number", "task_name", "check_type", "inspecting_authority", "entity_name",
                              "credit_code", "completion_date", "result", "remarks"],
            detail=[], digest=_digest(head.id, 1, result), published_by=user, published_at=now)
        session.add(row)
        session.flush()
        head.current_published_id, head.published_version, head.first_published_at = row.id, 1, now
        session.commit()
        return head.id


def correct(app: Flask, result_id: int, *, result: str, reason: str, remarks: str | None = None) -> int:
    """A signed correction: version n + 1 superseding version n; returns the new version."""
    from backend.accounts.model import User
    from backend.db import db
    from backend.results.model import CheckResult, PublishedResult, ResultCorrection

    with app.app_context():
        session = db.session
        head = session.get(CheckResult, result_id)
        old = session.get(PublishedResult, head.current_published_id)
        user = session.scalar(sa.select(sa.func.min(User.id)))
        now = old.published_at + timedelta(days=3)
        signed = ResultCorrection(result_id=head.id, base_version=old.version, department_id=head.department_id,
                                  reason=reason, changes={"remarks": remarks}, digest=_digest(reason),
                                  status="signed", proposed_by=user, proposed_at=now, decided_by=user, decided_at=now)
        session.add(signed)
        session.flush()
        keep = {c: getattr(old, c) for c in ("entity_id", "task_id", "department_id", "plan_number", "plan_name",
                                              "task_number", "task_name", "check_type", "inspecting_authority",
                                              "entity_name", "credit_code", "registration_number",
                                              "completion_date", "published_fields", "detail")}
        row = PublishedResult(result_id=head.id, version=old.version + 1, supersedes_id=old.id,
                              correction_id=signed.id, result=result, remarks=remarks, correction_reason=reason,
                              digest=_digest(head.id, old.version + 1, result), published_by=user, published_at=now,
                              **keep)
        session.add(row)
        session.flush()
        head.current_published_id, head.published_version = row.id, row.version
        session.commit()
        return row.version


def published_entity_code(app: Flask, task_id: int) -> str:
    """Publish the result of a drawn task's first target; returns its credit code (or registration number)."""
    from backend.db import db
    from backend.directory.model import MarketEntity
    from backend.tasks.model import Assignment

    with app.app_context():
        assignment_id, credit, registration = db.session.execute(
            sa.select(Assignment.id, MarketEntity.credit_code, MarketEntity.registration_number)
            .join(MarketEntity, MarketEntity.id == Assignment.entity_id)
            .where(Assignment.task_id == task_id).order_by(Assignment.id).limit(1)).one()
    publish(app, assignment_id)
    return credit or registration
