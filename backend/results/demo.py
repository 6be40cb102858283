"""Demo: results of the demo joint draw (backend/draws/demo.py), made through the real services.

The first five targets of SCJG-2027-LH01 (whose teams include neither the demo team lead nor
the head, who review them) are checked in March 2027 by their drawn teams: three results are
published, the third then corrected with the head's signature; one record is approved and
entered but never published, so it is overdue from 7 April 2027; one was submitted and never
reviewed, due on 13 April. The demo world is the first half of 2027, so the lists show them
as of a day in it: `GET /api/v1/results/due?state=overdue&as_of=2027-04-09` (and
`state=due_soon`). Officers of the teams without an account get a demo account
`officer-i<inspector id>` (password as the other demo accounts), linked to their directory
record. The records declare their photos and signatures; the demo uploads no files.
Loading twice changes nothing.
"""
from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from backend.accounts import users
from backend.accounts.model import User
from backend.db import db
from backend.demo.catalog_content import _admin
from backend.directory import confirmations
from backend.directory import inspectors as directory
from backend.directory.model import Inspector, MarketEntity
from backend.draws.demo import BEIJING, NUMBER
from backend.field import assignments as packet_views
from backend.field import records
from backend.field.model import CheckRecord
from backend.field.validation import digest_of
from backend.policy import Principal
from backend.results import services
from backend.review import services as review
from backend.tasks.model import Assignment, AssignmentMember, Task

DEMO_PASSWORD = "demo-password"
# per target in draw order: check day in March 2027, how far it gets, result category of the first item
PLAN = ((2, "published", "no_problem"), (3, "published", "no_problem"), (4, "corrected", "no_problem"),
        (9, "entered", "corrected"), (16, "submitted", "no_problem"))


def _principal(user: User) -> Principal:
    return Principal(user.id, user.username, user.department_id, None, frozenset(user.role_names))


def _officer_account(admin: Principal, inspector: Inspector) -> Principal:
    """The account linked to the inspector, made and linked when there is none."""
    if inspector.user_id is None:
        department = inspector.department.code
        user = users.create_user(admin, {"username": f"officer-i{inspector.id}", "display_name": f"{inspector.name}（演示）",
                                         "password": DEMO_PASSWORD, "department": department, "roles": ["inspector"],
                                         "jurisdiction": None})
        directory.update_inspector(admin, inspector.id, inspector.version, {"user_id": user.id})
        inspector = db.session.get(Inspector, inspector.id, populate_existing=True)
    account = db.session.get(User, inspector.user_id)
    assert account is not None
    return _principal(account)


def _uuid4(seed: str) -> str:
    """A UUID v4 (as the app makes them) derived from a seed, so the demo is the same every time."""
    return str(uuid.UUID(bytes=hashlib.sha256(seed.encode()).digest()[:16], version=4))


def _evidence(kind: str, seed: str, at: str, item: str | None = None, question: str | None = None,
              by: str | None = None) -> dict[str, Any]:
    media = "image/jpeg" if kind == "photo" else "image/png"
    return {"id": _uuid4(f"ssgk-demo:{seed}"), "kind": kind,
            "sha256": hashlib.sha256(seed.encode()).hexdigest(), "size": 180_000 if kind == "photo" else 9_000,
            "media_type": media, "item_code": item, "question_id": question, "captured_at": at, "captured_by": by}


def _answers(template: dict[str, Any], item: str, seed: str, at: str, evidence: list[dict[str, Any]],
             day: date) -> dict[str, Any]:
    """Compliant answers to every required question that shows (show_if follows earlier answers)."""
    answers: dict[str, Any] = {}
    for section in template["sections"]:
        for q in section["questions"]:
            cond = q.get("show_if")
            if cond is not None:
                given = answers.get(cond["question"])
                wanted = [cond["equals"]] if "equals" in cond else cond["in"]
                if not any(v in (given if isinstance(given, list) else [given]) for v in wanted):
                    continue
            if not q.get("required", False):
                continue
            kind = q["type"]
            if kind == "yes_no_na":
                answers[q["id"]] = q.get("compliant_answer", "yes")
            elif kind == "single_choice":
                answers[q["id"]] = q["options"][0]["value"]
            elif kind == "multi_choice":
                answers[q["id"]] = [o["value"] for o in q["options"][:max(1, q.get("min_selected", 1))]]
            elif kind == "number":
                answers[q["id"]] = q.get("minimum", 0)
            elif kind == "text":
                answers[q["id"]] = "符合要求"
            elif kind == "date":
                answers[q["id"]] = day.isoformat()
            elif kind == "photo":
                photos = [_evidence("photo", f"{seed}:{item}:{q['id']}:{n}", at, item, q["id"])
                          for n in range(q["min_count"])]
                evidence.extend(photos)
                answers[q["id"]] = [p["id"] for p in photos]
            elif kind == "signature":
                signature = _evidence("signature", f"{seed}:{item}:{q['id']}", at, item, q["id"])
                evidence.append(signature)
                answers[q["id"]] = signature["id"]
    return answers


def _body(view: dict[str, Any], templates: dict[str, Any], day: date, category: str,
          task_number: str = NUMBER) -> dict[str, Any]:
    seed = f"{task_number}:{view['id']}"
    start = datetime(day.year, day.month, day.day, 9, 30, tzinfo=BEIJING)
    end = start + timedelta(hours=1, minutes=20)
    at = (start + timedelta(minutes=20)).isoformat()
    evidence: list[dict[str, Any]] = []
    answers = {i["code"]: _answers(templates[i["template"]], i["code"], seed, at, evidence, day)
               for i in view["items"] if i["template"]}
    officers = []
    for member in view["team"][:2]:
        signature = _evidence("signature", f"{seed}:officer:{member['inspector_id']}", at, by=member["inspector_id"])
        evidence.append(signature)
        officers.append({"inspector_id": member["inspector_id"], "signature_evidence_id": signature["id"]})
    party = _evidence("signature", f"{seed}:party", at)
    evidence.append(party)
    first = view["items"][0]["code"]
    body = {"id": _uuid4(f"ssgk-demo-record:{seed}"), "assignment_id": view["id"],
            "templates": {i["code"]: i["template"] for i in view["items"] if i["template"]}, "answers": answers,
            "result_categories": {i["code"]: [category if i["code"] == first else "no_problem"] for i in view["items"]},
            "check_methods": ["on_site"],
            "followup": [{"code": "order_to_correct" if category == "corrected" else "none", "done": True,
                          "date": day.isoformat(), "note": ""}],
            "notes": "现场检查（演示）", "started_at": start.isoformat(), "ended_at": end.isoformat(),
            "elapsed_ms": int((end - start).total_seconds() * 1000), "gps": [], "officers": officers,
            "party": {"present": True, "name": view["target"]["legal_representative"] or "负责人", "signed": True,
                      "signature_evidence_id": party["id"], "refused": False, "witness": None},
            "evidence": evidence}
    body["digest"] = digest_of(body)  # as the server checks it
    return body


def load_results_demo() -> dict[str, int]:
    task = db.session.scalar(sa.select(Task).where(Task.number == NUMBER))
    if task is None or task.status != "drawn":
        return {"results published": 0}
    drawn = list(db.session.scalars(sa.select(Assignment).where(Assignment.task_id == task.id)
                                     .order_by(Assignment.draw_index)))
    if not drawn or db.session.scalar(sa.select(CheckRecord.id).where(
            CheckRecord.assignment_id.in_([a.id for a in drawn]))):
        return {"results published": 0}
    admin = _admin()
    lead, head = (_principal(db.session.scalars(sa.select(User).where(User.username == name)).one())
                  for name in ("lead", "head"))
    # the demo team lead reviews, and the head gives the approval the special-equipment rulebook names:
    # targets whose team includes either of them are left for the reader to try
    teams = {a.id: db.session.scalars(sa.select(Inspector).join(AssignmentMember, AssignmentMember.inspector_id == Inspector.id)
                                      .where(AssignmentMember.assignment_id == a.id)
                                      .order_by(AssignmentMember.position)).all() for a in drawn}
    targets = [a for a in drawn if not {m.user_id for m in teams[a.id]} & {lead.user_id, head.user_id}][:len(PLAN)]
    published, linked = 0, set()
    for assignment, (day, stage, category) in zip(targets, PLAN):
        members = teams[assignment.id]
        linked |= {m.department.code for m in members[:2] if m.user_id is None}
        officers = [_officer_account(admin, m) for m in members[:2]]
        views, templates = packet_views.build(db.session, [assignment.id])
        body = _body(views[0], templates, date(2027, 3, day), category)
        db.session.rollback()
        records.submit(officers[0], body)
        record_id = uuid.UUID(body["id"])
        if stage == "submitted":
            continue
        if review.decide(lead, record_id, {"decision": "approve", "comment": "审核通过（演示）"})["status"] != "approved":
            review.decide(head, record_id, {"decision": "approve", "comment": "同意（演示）"})
        services.enter(officers[0], record_id, {"remarks": "", "adopted_conclusions": []})
        if stage == "entered":
            continue
        result = services.publish(officers[1], record_id)
        published += 1
        if stage == "corrected":
            item = result["current"]["detail"][0]["items"][0]["code"]
            correction = services.propose_correction(lead, result["id"], {
                "reason": "复核发现该企业年度报告未按规定公示，原结论录入有误（演示）",
                "result_categories": {item: ["info_not_published"]}})
            services.decide_correction(head, correction["id"], {"decision": "sign", "digest": correction["digest"],
                                                                "comment": "同意更正（演示）"})
    for department in sorted(linked):  # linking accounts changed the inspector directories: confirm them again
        confirmations.confirm(admin, {"department": department, "kind": "inspectors",
                                      "note": "演示数据：检查人员账号已关联，名录已核对"})
    entity_names = db.session.scalars(sa.select(MarketEntity.name).where(
        MarketEntity.id.in_([a.entity_id for a in targets]))).all()
    print(f"demo results for: {'、'.join(entity_names)}")
    return {"results published": published}
