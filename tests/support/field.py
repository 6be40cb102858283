"""Field-work fixtures: inspectors linked to accounts, items with checklists, assignments, records.

Assignments are inserted directly (task, commitment, reveal, assignment, members), so a test
picks exactly who is on which team; the draw's own tests cover how teams are drawn.
"""
from __future__ import annotations

import hashlib
import itertools
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from flask import Flask

from tests.support import catalog_routes as cat
from tests.support.catalog_data import rulebook_body
from tests.support.draws import department_id, seed_entities, seed_inspectors
from tests.support.uploads import jpeg, png

_serial = itertools.count(1)
PAST = datetime(2020, 1, 1, tzinfo=timezone.utc)


def _system():  # type: ignore[no-untyped-def]
    from backend.policy import Principal

    return Principal(0, "field-fixture", 0, None, frozenset({"system_admin"}))


def linked_inspector(app: Flask, user_id: int, department: str) -> int:
    """An inspector of the directory linked to the account `user_id`."""
    return seed_inspectors(app, department, 1, user_id=user_id)[0]


def checklist_item(app: Flask, department: str, code: str | None = None) -> str:
    """An item with a rulebook (tests/support/catalog_data.template()); its code."""
    from backend.catalog import rulebook
    from backend.catalog.model import CheckItem
    from backend.catalog.rulebook_schemas import RulebookCreateSchema
    from backend.db import db

    code = code or f"FLD-{next(_serial)}"
    item_id = cat.item_of(app, department, code)
    with app.test_request_context():
        if db.session.scalar(sa.select(CheckItem.rulebook_version).where(CheckItem.id == item_id)) is None:
            rulebook.add_rulebook_version(_system(), item_id, None, RulebookCreateSchema().load(rulebook_body()))
    return code


def make_assignments(app: Flask, entity_ids: list[int], team: list[int], item_codes: list[str],
                     department: str, *, drawn_at: datetime | None = None) -> list[int]:
    """One drawn task with an assignment per entity, each with `team` (inspector ids, in order)."""
    from backend.catalog.model import CheckItem
    from backend.db import unit_of_work
    from backend.draws.model import DrawCommitment, DrawReveal
    from backend.tasks.model import Assignment, AssignmentMember, Task, TaskDepartment

    n = next(_serial)
    now = drawn_at or datetime.now(timezone.utc)
    dept = department_id(app, department)
    with app.test_request_context(), unit_of_work() as session:
        items = [{"code": c.code, "version": c.current_version}
                 for c in session.scalars(sa.select(CheckItem).where(CheckItem.code.in_(item_codes)))]
        task = Task(number=f"FLD-T-{n:05d}-{uuid.uuid4().hex[:6]}", name_zh=f"现场检查任务{n}", department_id=dept,
                    kind="routine", scope={}, sampling={"stratify_by": "none", "strata": {}}, team_size=len(team),
                    window_start=date(2027, 3, 1), window_end=date(2027, 3, 31), status="drawn",
                    departments=[TaskDepartment(department_id=dept, role="initiating")])
        session.add(task)
        session.flush()
        digest = hashlib.sha256(f"fixture-{n}-{uuid.uuid4()}".encode()).hexdigest()
        commitment = DrawCommitment(
            task_id=task.id, sequence=1, algorithm="fixture", announcement_head="{", population_gz=b"",
            population_bytes=0, announcement_tail="}", announcement_digest=digest, population_digest=digest,
            commitment=digest, secret=digest, frame_gz=b"", randomness_kind="witnesses", randomness_source="fixture",
            randomness_available_at=now - timedelta(hours=1), eligible_count=len(entity_ids), excluded_count=0,
            target_count=len(entity_ids), stratum_count=1, inspector_count=len(team), committed_at=now - timedelta(hours=2))
        session.add(commitment)
        session.flush()
        reveal = DrawReveal(commitment_id=commitment.id, task_id=task.id, randomness_value="1", witnesses=[],
                            seed=digest, record_tail="}", record_sha256=digest, record_bytes=0,
                            target_count=len(entity_ids), team_count=len(entity_ids), revealed_at=now)
        session.add(reveal)
        session.flush()
        ids = []
        for index, entity_id in enumerate(entity_ids, 1):
            assignment = Assignment(task_id=task.id, reveal_id=reveal.id, entity_id=entity_id, target=f"E{entity_id}",
                                    stratum="A", rank=index, draw_index=index, items=items,
                                    window_start=task.window_start, window_end=task.window_end)
            session.add(assignment)
            session.flush()
            session.add_all([AssignmentMember(assignment_id=assignment.id, inspector_id=i, position=p)
                             for p, i in enumerate(team, 1)])
            ids.append(assignment.id)
        return ids


@dataclass
class Evidence:
    id: str
    kind: str
    data: bytes
    media_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def declared(self, item_code: str | None = None, question_id: str | None = None) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "sha256": self.sha256, "size": len(self.data),
                "media_type": self.media_type, "item_code": item_code, "question_id": question_id,
                "captured_at": "2027-03-02T09:20:00+08:00", "captured_by": None}


def photo(seed: int = 0, size: tuple[int, int] = (64, 48)) -> Evidence:
    return Evidence(str(uuid.uuid4()), "photo", jpeg(size, color=f"#{seed % 0xFFFFFF:06x}"), "image/jpeg")


def signature(seed: int = 0) -> Evidence:
    return Evidence(str(uuid.uuid4()), "signature", png((40 + seed % 50, 20)), "image/png")


def digest_of(body: dict[str, Any]) -> str:
    from backend.field.canonical import canonical_json

    return hashlib.sha256(canonical_json({k: v for k, v in body.items() if k != "digest"})).hexdigest()


@dataclass
class RecordDraft:
    """A valid record for an assignment whose items use the fixture checklist, and its evidence."""

    assignment_id: int
    item_codes: list[str]
    officers: list[str]  # inspector keys, "I17"
    photos: int = 0
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    notes: str = "现场检查未发现问题"

    def __post_init__(self) -> None:
        self.signatures = [signature(n) for n in range(len(self.officers) + 1)]
        self.pictures = [photo(n + 1) for n in range(self.photos)]

    @property
    def evidence(self) -> list[Evidence]:
        return [*self.signatures, *self.pictures]

    def body(self, **overrides: Any) -> dict[str, Any]:
        code = self.item_codes[0]
        answers = {c: {"licence_valid": "yes", "business_format": "retail",
                       "inspector_signature": self.signatures[0].id} for c in self.item_codes}
        if self.pictures:
            answers[code].update(licence_valid="no", licence_photos=[p.id for p in self.pictures])
        body = {
            "id": self.id, "assignment_id": self.assignment_id,
            "templates": {c: f"{c}@1" for c in self.item_codes}, "answers": answers,
            "result_categories": {c: ["no_problem"] for c in self.item_codes}, "check_methods": ["on_site"],
            "followup": [{"code": "none", "done": True, "date": "2027-03-02", "note": ""}], "notes": self.notes,
            "started_at": "2027-03-02T09:15:00+08:00", "ended_at": "2027-03-02T10:02:11+08:00",
            "elapsed_ms": 2831000,
            "gps": [{"lat": 36.1901, "lon": 117.1203, "accuracy_m": 8.5, "at": "2027-03-02T09:15:00+08:00",
                     "purpose": "start", "evidence_id": None}],
            "officers": [{"inspector_id": key, "signature_evidence_id": s.id}
                         for key, s in zip(self.officers, self.signatures)],
            "party": {"present": True, "name": "王某", "signed": True,
                      "signature_evidence_id": self.signatures[-1].id, "refused": False, "witness": None},
            "evidence": [e.declared(code) for e in self.evidence],
        }
        body.update(overrides)
        body["digest"] = digest_of(body)
        return body


@dataclass
class FieldWorld:
    app: Flask
    item: str
    inspectors: dict[str, int]  # username -> inspector id
    headers: dict[str, dict[str, str]]  # username -> bearer headers
    assignment: int  # of lead + partner (market_regulation), with the other department's inspector absent

    def key(self, username: str) -> str:
        return f"I{self.inspectors[username]}"

    def draft(self, assignment: int | None = None, officers: tuple[str, ...] = ("lead", "partner"),
              **kwargs: Any) -> RecordDraft:
        return RecordDraft(assignment or self.assignment, [self.item], [self.key(u) for u in officers], **kwargs)


def field_world(app: Flask, make_user: Any, auth_headers: Any, own: str, other: str) -> FieldWorld:
    """lead and partner (own department) share an assignment; outsider (other department) has their own."""
    users = {"lead": (own, "inspector"), "partner": (own, "team_lead"), "outsider": (other, "inspector")}
    inspectors, headers = {}, {}
    for username, (department, role) in users.items():
        user_id = make_user(username, role, department=department)
        inspectors[username] = linked_inspector(app, user_id, department)
        headers[username] = auth_headers(username)
    item = checklist_item(app, own)
    entities = seed_entities(app, {"A": 2}, departments=(own, other))
    mine = make_assignments(app, entities[:1], [inspectors["lead"], inspectors["partner"]], [item], own)
    make_assignments(app, entities[1:], [inspectors["outsider"]], [item], own)
    return FieldWorld(app, item, inspectors, headers, mine[0])


# ------------------------------------------------------------------ the route-policy table

TABLE_CALLERS = ("caller-inspector", "caller-team-lead")  # the table's users holding field.work


def table_assignment(app: Flask) -> tuple[int, list[str]]:
    """An assignment whose team is the table's inspector and team lead (made once per database):
    its id and the team's inspector keys."""
    from backend.accounts.model import User
    from backend.db import db

    marks = app.extensions.setdefault("route-table-field", {})
    mark = app.config["SQLALCHEMY_DATABASE_URL"]
    if mark not in marks:
        with app.app_context():
            users = [db.session.scalar(sa.select(User.id).where(User.username == name)) for name in TABLE_CALLERS]
            department = db.session.scalar(sa.select(User.department_id).where(User.id == users[0]))
        own = next(code for code in ("market_regulation", "ecology") if department_id(app, code) == department)
        team = [linked_inspector(app, user_id, own) for user_id in users]
        item = checklist_item(app, own)
        [assignment] = make_assignments(app, seed_entities(app, {"A": 1}, departments=(own,)), team, [item], own)
        marks[mark] = (assignment, [f"I{i}" for i in team], item)
    assignment, keys, _ = marks[mark]
    return assignment, keys


def table_draft(app: Flask) -> RecordDraft:
    assignment, keys = table_assignment(app)
    item = app.extensions["route-table-field"][app.config["SQLALCHEMY_DATABASE_URL"]][2]
    return RecordDraft(assignment, [item], keys)


def table_record(app: Flask) -> RecordDraft:
    """A record the table's inspector submitted."""
    from backend.accounts.model import User
    from backend.db import db
    from backend.field import records
    from backend.policy import Principal

    draft = table_draft(app)
    with app.test_request_context():
        user = db.session.scalar(sa.select(User).where(User.username == TABLE_CALLERS[0]))
        principal = Principal(user.id, user.username, user.department_id, None, frozenset({"inspector"}))
        records.submit(principal, draft.body())
    return draft
