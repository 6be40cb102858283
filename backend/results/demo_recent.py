"""Demo: results whose 20-working-day clock runs out around the day the demo is loaded.

The main results demo lives in the first half of 2027 (backend/results/demo.py), so on the day
a newcomer loads it nothing is overdue yet. This special check (专项检查) of enterprises'
published information, after a batch of 12315 complaints, is dated relative to the moment of
loading, as the referral demo is: drawn some weeks ago, one target checked long enough ago that
its result is **overdue** today (approved and entered, never published) and one checked so
recently that it is **due soon** (submitted, waiting in the team lead's queue). The due lists
of market regulation (`GET /api/v1/results/due?state=overdue`, `state=due_soon`) and the app's
review page show them at once.

Made through the real task, draw, record, review and result services; targets whose team
includes the demo team lead or head (who review) are passed over. Unlike the main results
demo, these records come with real photo and signature files, uploaded through tus as the app
sends them, so the team lead reviewing the due-soon one sees what was taken on site. Loading
twice changes nothing.
"""
from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from backend.accounts.model import User
from backend.db import db, utcnow
from backend.demo.catalog_content import _admin
from backend.directory import confirmations
from backend.directory.model import Inspector
from backend.draws import services as draws
from backend.field import assignments as packet_views
from backend.field import records
from backend.field.model import CheckRecord
from backend.field.validation import digest_of
from backend.policy import Principal
from backend.referrals.demo import photo, signature, upload
from backend.results import clock, services
from backend.results.demo import _body, _officer_account, _principal
from backend.review import services as review
from backend.tasks import services as tasks
from backend.tasks.model import Assignment, AssignmentMember, Task
from backend.tasks.schemas import TaskCreateSchema
from backend.workdays.services import CHINA, current_calendar

NUMBER = "SCJG-2026-ZX05"
ITEM = "SCJG-GS-001"
TARGETS = 4  # two are checked; the others stay open, so teams with a reviewer on them can be passed over
WITNESSES = [{"name": "吴某平（演示）", "capacity": "社会监督员"}, {"name": "郑某丽（演示）", "capacity": "12315 投诉人代表"}]


def _workday_on_or_before(day: date, after: date) -> date:
    """The last working day on or before `day` (and after `after`): checks happen on working days."""
    calendar = current_calendar()
    while not calendar.is_workday(day) and day - timedelta(days=1) > after:
        day -= timedelta(days=1)
    return day


def check_days(today: date) -> tuple[date, date]:
    """(overdue, due soon): the end dates of the two checks, as of `today` in China."""
    overdue_end, soon_end = clock.cutoffs(current_calendar(), today)
    return (_workday_on_or_before(overdue_end - timedelta(days=14), overdue_end - timedelta(days=30)),
            _workday_on_or_before(soon_end, overdue_end))


def _draw(created: datetime) -> Task:
    admin = _admin()
    task = db.session.scalar(sa.select(Task).where(Task.number == NUMBER))
    if task is None:
        start = created.astimezone(CHINA).date()
        task = tasks.create_task(admin, TaskCreateSchema().load({
            "number": NUMBER, "name_zh": "企业公示信息专项检查（投诉线索，演示）",
            "name_en": "Special check of information published by enterprises, after complaints (demo)",
            "kind": "special", "basis": "12315 投诉：多家企业年度报告公示信息与实际不符（演示）",
            "department": "market_regulation", "items": [ITEM], "names_public": "after_checks",
            "scope": {"description_zh": "本市登记在册的企业", "entity_types": ["enterprise"]},
            "sampling": {"stratify_by": "none", "strata": {"ALL": {"rule": "count", "count": TARGETS}}},
            "staffing": {"team_size": 2},
            "window": {"start": start.isoformat(), "end": (start + timedelta(days=60)).isoformat()}}), now=created)
    if task.status == "draft":
        draws.commit(admin, task.id, {"randomness": {
            "kind": "lottery", "source": "福彩3D 演示期开奖号码", "available_at": created + timedelta(hours=12)}},
            now=created + timedelta(hours=1))
        task = db.session.get(Task, task.id, populate_existing=True)
    if task.status == "committed":
        commitment = draws.current_commitment(db.session, task.id)
        draws.reveal(admin, task.id, {"commitment": commitment.commitment, "value": "6 2 9", "witnesses": WITNESSES},
                     now=created + timedelta(hours=13))
        task = db.session.get(Task, task.id, populate_existing=True)
    return task


def _submit_with_files(officer: Principal, body: dict[str, Any]) -> None:
    """Real files for the record's declared photos and signatures (hashes and digest follow),
    uploaded first, as the app does, so the record arrives complete."""
    files = []
    for n, evidence in enumerate(body["evidence"]):
        data = (photo(n, datetime.fromisoformat(evidence["captured_at"])) if evidence["kind"] == "photo"
                else signature(evidence["id"]))
        evidence["sha256"], evidence["size"] = hashlib.sha256(data).hexdigest(), len(data)
        files.append({**evidence, "data": data})
    body["digest"] = digest_of(body)
    for item in files:
        upload(officer, item, item["sha256"], record_id=uuid.UUID(body["id"]))
    records.submit(officer, body)


def load_recent_results_demo() -> dict[str, int]:
    task = db.session.scalar(sa.select(Task).where(Task.number == NUMBER))
    if task is not None and db.session.scalar(sa.select(CheckRecord.id).join(
            Assignment, Assignment.id == CheckRecord.assignment_id).where(Assignment.task_id == task.id)):
        return {"results due": 0}
    today = utcnow().astimezone(CHINA).date()
    overdue_day, soon_day = check_days(today)
    task = _draw(datetime.combine(overdue_day - timedelta(days=10), time(9, 0), CHINA))
    if task.status != "drawn":
        return {"results due": 0}
    lead, head = (_principal(db.session.scalars(sa.select(User).where(User.username == name)).one())
                  for name in ("lead", "head"))
    reviewers = {lead.user_id, head.user_id}
    admin, made, linked = _admin(), 0, set()
    for assignment in db.session.scalars(sa.select(Assignment).where(Assignment.task_id == task.id)
                                         .order_by(Assignment.draw_index)).all():
        if made == 2:
            break
        members = db.session.scalars(sa.select(Inspector).join(AssignmentMember, AssignmentMember.inspector_id == Inspector.id)
                                     .where(AssignmentMember.assignment_id == assignment.id)
                                     .order_by(AssignmentMember.position)).all()
        if {m.user_id for m in members} & reviewers:
            continue
        linked |= {m.department.code for m in members[:2] if m.user_id is None}
        officers = [_officer_account(admin, m) for m in members[:2]]
        views, templates = packet_views.build(db.session, [assignment.id])
        overdue = made == 0
        body = _body(views[0], templates, overdue_day if overdue else soon_day, "no_problem", NUMBER)
        db.session.rollback()
        _submit_with_files(officers[0], body)
        made += 1
        if overdue:  # approved and entered, but nobody published it: the clock ran out
            record_id = uuid.UUID(body["id"])
            if review.decide(lead, record_id, {"decision": "approve", "comment": "审核通过（演示）"})["status"] != "approved":
                review.decide(head, record_id, {"decision": "approve", "comment": "同意（演示）"})
            services.enter(officers[0], record_id, {"remarks": "", "adopted_conclusions": []})
    for department in sorted(linked):  # linking accounts changed the inspector directories: confirm them again
        confirmations.confirm(admin, {"department": department, "kind": "inspectors",
                                      "note": "演示数据：检查人员账号已关联，名录已核对"})
    return {"results due": made}
