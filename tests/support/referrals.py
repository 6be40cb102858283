"""A referral world: officers with a submitted check record whose follow-up is a transfer, its
photos uploaded over tus, a department head, and people who must be refused."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.apps import OTHER_DEPARTMENT, OWN_DEPARTMENT
from tests.support.draws import seed_entities
from tests.support.field import (
    RecordDraft,
    checklist_item,
    linked_inspector,
    make_assignments,
)
from tests.support.uploads import Tus

TRANSFER = [{"code": "case_transfer", "done": False, "date": None, "note": "涉嫌销售过期食品，移交办案机构"}]
REPORT = {
    "investigation": "执法人员调取了进货台账并询问了店主。", "suspected_offence": "销售不符合安全标准的食品罪",
    "facts": "当事人销售超过保质期的熟肉制品 320 袋。", "legal_basis": "《中华人民共和国刑法》第一百四十三条。",
    "opinion": "建议移送公安机关依法处理。", "contact": "张明 0538-1234567",
    "items": [{"name": "熟肉制品（酱牛肉）", "specification": "250 克/袋", "quantity": "320", "unit": "袋"}],
    "attachments": ["检验报告（泰检字〔2026〕第 1188 号）"],
}
# username -> (department, role, linked to an inspector of the directory)
PEOPLE = {
    "officer1": (OWN_DEPARTMENT, "inspector", True), "officer2": (OWN_DEPARTMENT, "team_lead", True),
    "third": (OWN_DEPARTMENT, "inspector", True), "clerk": (OWN_DEPARTMENT, "inspector", False),
    "head": (OWN_DEPARTMENT, "department_head", False), "other_head": (OTHER_DEPARTMENT, "department_head", False),
    "outsider": (OTHER_DEPARTMENT, "inspector", True), "auditor": (OWN_DEPARTMENT, "auditor", False),
}


@dataclass
class ReferralWorld:
    app: Flask
    client: FlaskClient
    users: dict[str, int]
    headers: dict[str, dict[str, str]]
    draft: RecordDraft

    def call(self, who: str, method: str, path: str, json: Any = None) -> TestResponse:
        return self.client.open(f"/api/v1/referrals{path}", method=method, json=json, headers=self.headers[who])

    def open(self, who: str = "officer1", **body: Any) -> TestResponse:
        return self.call(who, "POST", "", {"record_id": self.draft.id, "receiving_authority": "泰安市公安局",
                                           "reason": "现场发现超过保质期的熟肉制品 320 袋", **body})

    def opened(self) -> int:
        resp = self.open()
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["id"]

    def verify(self, case_id: int, who: str = "officer1", handlers: tuple[str, ...] = ("officer1", "officer2"),
               **report: Any) -> TestResponse:
        return self.call(who, "POST", f"/{case_id}/verification",
                         {"handlers": [self.users[h] for h in handlers], "report": {**REPORT, **report}})

    def decide(self, case_id: int, who: str = "head", decision: str = "approve", reason: str = "") -> TestResponse:
        return self.call(who, "POST", f"/{case_id}/decision", {"decision": decision, "reason": reason})

    def transfer(self, case_id: int, who: str = "officer1") -> TestResponse:
        return self.call(who, "POST", f"/{case_id}/transfer", {"note": "当面移交"})

    def acknowledge(self, case_id: int, who: str = "officer2", received_at: datetime | None = None) -> TestResponse:
        at = received_at or datetime.now(timezone.utc)
        return self.call(who, "POST", f"/{case_id}/acknowledgement",
                         {"received_by": "公安局经侦支队 王警官", "received_at": at.isoformat(), "receipt_number": "回执 2026-88"})

    def approved(self) -> int:
        case_id = self.opened()
        for resp in (self.verify(case_id), self.decide(case_id)):
            assert resp.status_code == 200, resp.get_json()
        return case_id

    def export(self, case_id: int, who: str = "officer1", reason: str | None = "移送公安机关") -> TestResponse:
        return self.call(who, "POST", f"/{case_id}/evidence-package", {} if reason is None else {"reason": reason})


def referral_world(app: Flask, client: FlaskClient, make_user: Any, auth_headers: Any, *,
                   followup: list[dict[str, Any]] | None = None, photos: int = 2, unsent: int = 0,
                   first_photo: bytes | None = None) -> ReferralWorld:
    """`unsent`: how many of the record's photos never arrive; `first_photo`: the first photo's bytes."""
    users, inspectors, headers = {}, {}, {}
    for username, (department, role, linked) in PEOPLE.items():
        users[username] = make_user(username, role, department=department)
        if linked:
            inspectors[username] = linked_inspector(app, users[username], department)
        headers[username] = auth_headers(username)
    item = checklist_item(app, OWN_DEPARTMENT)
    entities = seed_entities(app, {"A": 1}, departments=(OWN_DEPARTMENT,))
    [assignment] = make_assignments(app, entities, [inspectors["officer1"], inspectors["officer2"]], [item],
                                    OWN_DEPARTMENT)
    draft = RecordDraft(assignment, [item], [f"I{inspectors['officer1']}", f"I{inspectors['officer2']}"],
                        photos=photos, notes="现场发现超过保质期的熟肉制品")
    if first_photo is not None:
        draft.pictures[0].data = first_photo
    captured = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()
    declared = [{**e.declared(item), "captured_at": captured, "captured_by": f"I{inspectors['officer1']}"}
                for e in draft.evidence]
    body = draft.body(followup=TRANSFER if followup is None else followup, evidence=declared)
    tus = Tus(client, headers["officer1"])
    for e in draft.evidence[:len(draft.evidence) - unsent]:
        _, resp = tus.upload(e.data, filetype=e.media_type, filename=f"{e.kind}.{e.media_type.split('/')[1]}",
                             record_id=uuid.UUID(draft.id), evidence_id=uuid.UUID(e.id))
        assert resp.status_code == 204, resp.get_json()
    resp = client.post("/api/v1/field/records", json=body, headers=headers["officer1"])
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["complete"] is (unsent == 0), resp.get_json()
    return ReferralWorld(app, client, users, headers, draft)


# ------------------------------------------------------------------ the route-policy table


def table_transfer_record(app: Flask) -> str:
    """A record the policy table's inspector submitted, whose follow-up is a transfer: its id."""
    import sqlalchemy as sa

    from backend.accounts.model import User
    from backend.db import db
    from backend.field import records
    from backend.policy import Principal
    from tests.support.field import TABLE_CALLERS, table_draft

    draft = table_draft(app)
    with app.test_request_context():
        user = db.session.scalar(sa.select(User).where(User.username == TABLE_CALLERS[0]))
        principal = Principal(user.id, user.username, user.department_id, None, frozenset({"inspector"}))
        records.submit(principal, draft.body(followup=TRANSFER))
    return draft.id


def table_handlers(app: Flask) -> list[int]:
    """The user ids of the policy table's inspector and team lead, officers of the table's assignment."""
    import sqlalchemy as sa

    from backend.accounts.model import User
    from backend.db import db
    from tests.support.field import TABLE_CALLERS, table_assignment

    table_assignment(app)
    with app.app_context():
        return [db.session.scalar(sa.select(User.id).where(User.username == name)) for name in TABLE_CALLERS]


def seed_case(app: Flask, department: str, state: str = "verifying") -> int:
    """A case of `department` in `state` whose handlers are the table's inspector and team lead (once
    verified), inserted directly: the policy table addresses it by id."""
    import sqlalchemy as sa

    from backend.db import unit_of_work
    from backend.referrals.model import ReferralCase
    from tests.support.draws import department_id

    record_id = uuid.UUID(table_transfer_record(app))
    handlers = [] if state == "verifying" else table_handlers(app)
    transferred = datetime.now(timezone.utc) - timedelta(hours=1) if state == "transferred" else None
    with app.test_request_context(), unit_of_work() as session:
        dept = department_id(app, department)
        serial = (session.scalar(sa.select(sa.func.max(ReferralCase.serial))) or 0) + 1
        case = ReferralCase(case_number=f"测移〔2026〕{serial}号", department_id=dept, year=2026, serial=serial,
                            record_id=record_id, record_revision=1, state=state, receiving_authority="泰安市公安局",
                            reason="route table", handlers=handlers, report={}, transferred_at=transferred,
                            opened_by=session.scalar(
                                sa.select(sa.func.min(sa.text("id"))).select_from(sa.text("user_account"))))
        session.add(case)
        session.flush()
        return case.id
