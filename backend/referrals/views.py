"""A case as the API shows it: the head's fields, the party's name and every step taken."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from backend.db import db, utcnow
from backend.directory.model import MarketEntity
from backend.field.model import CheckRecord
from backend.orgs.model import Department
from backend.referrals.model import ReferralCase, ReferralStep
from backend.tasks.model import Assignment


def party_name(case: ReferralCase) -> str:
    return db.session.scalar(sa.select(MarketEntity.name).join(Assignment, Assignment.entity_id == MarketEntity.id)
                             .join(CheckRecord, CheckRecord.assignment_id == Assignment.id)
                             .where(CheckRecord.id == case.record_id)) or ""


def case_view(case: ReferralCase, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    steps = db.session.scalars(sa.select(ReferralStep).where(ReferralStep.case_id == case.id)
                               .order_by(ReferralStep.id)).all()
    return {
        "id": case.id, "case_number": case.case_number, "record_id": str(case.record_id),
        "department": db.session.scalar(sa.select(Department.code).where(Department.id == case.department_id)),
        "record_revision": case.record_revision, "party": party_name(case), "state": case.state,
        "due_step": case.due_step, "due_at": case.due_at, "overdue": case.due_at is not None and case.due_at < now,
        "receiving_authority": case.receiving_authority, "reason": case.reason, "handlers": case.handlers,
        "report": case.report, "decision_reason": case.decision_reason, "acknowledgement": case.acknowledgement,
        "steps": [{"step": s.step, "actor": s.actor_id, "at": s.at, "due_at": s.due_at, "on_time": s.on_time,
                   "details": s.details} for s in steps],
    }
