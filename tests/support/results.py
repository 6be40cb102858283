"""Results fixtures: a joint task with officers of two departments, reviewers and heads, and
helpers that take a record through review, entry and publication over HTTP.

The joint assignment is inserted directly (as tests/support/field.py does for one department):
market_regulation initiates, ecology takes part, each with its own item and one officer.
"""
from __future__ import annotations

import hashlib
import itertools
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.support import catalog_routes as cat
from tests.support.apps import OTHER_DEPARTMENT, OWN_DEPARTMENT
from tests.support.catalog_data import rulebook_body
from tests.support.draws import department_id, seed_entities
from tests.support.field import RecordDraft, linked_inspector

_serial = itertools.count(1)
REVIEW = "/api/v1/review"
RESULTS = "/api/v1/results"


def _system():  # type: ignore[no-untyped-def]
    from backend.policy import Principal

    return Principal(0, "results-fixture", 0, None, frozenset({"system_admin"}))


def item_with_approval(app: Flask, department: str, approval: dict[str, Any] | None = None,
                       publication: dict[str, Any] | None = None) -> str:
    """A fresh item of the department whose rulebook (version 1) names this approval."""
    from backend.catalog import rulebook
    from backend.catalog.rulebook_schemas import RulebookCreateSchema

    code = f"RES-{department[:3].upper()}-{next(_serial)}-{uuid.uuid4().hex[:4]}"
    item_id = cat.item_of(app, department, code)
    overrides: dict[str, Any] = {"approval": approval or {"authority": "team_lead"}}
    if publication:
        overrides["publication"] = publication
    with app.test_request_context():
        rulebook.add_rulebook_version(_system(), item_id, None, RulebookCreateSchema().load(rulebook_body(**overrides)))
    return code


def joint_assignment(app: Flask, entity_id: int, team: list[int], items: dict[str, list[str]],
                     initiating: str = OWN_DEPARTMENT) -> tuple[int, int]:
    """(assignment id, task id) of a drawn joint task: `items` by department code, `team` inspector ids."""
    from backend.catalog.model import CheckItem
    from backend.db import unit_of_work
    from backend.draws.model import DrawCommitment, DrawReveal
    from backend.tasks.model import Assignment, AssignmentMember, Task, TaskDepartment

    n = next(_serial)
    now = datetime.now(UTC)
    codes = [c for cs in items.values() for c in cs]
    ids = {d: department_id(app, d) for d in {*items, initiating}}
    with app.test_request_context(), unit_of_work() as session:
        refs = [{"code": c.code, "version": c.current_version}
                for c in session.scalars(sa.select(CheckItem).where(CheckItem.code.in_(codes)).order_by(CheckItem.code))]
        departments = [TaskDepartment(department_id=ids[d],
                                      role="initiating" if d == initiating else "participating") for d in items]
        task = Task(number=f"RES-T-{n:05d}-{uuid.uuid4().hex[:6]}", name_zh=f"联合抽查任务{n}",
                    department_id=ids[initiating], kind="routine", scope={},
                    sampling={"stratify_by": "none", "strata": {}}, team_size=len(team),
                    window_start=date(2026, 9, 1), window_end=date(2026, 12, 31), status="drawn",
                    departments=departments)
        session.add(task)
        session.flush()
        digest = hashlib.sha256(f"results-{n}-{uuid.uuid4()}".encode()).hexdigest()
        commitment = DrawCommitment(
            task_id=task.id, sequence=1, algorithm="fixture", announcement_head="{", population_gz=b"",
            population_bytes=0, announcement_tail="}", announcement_digest=digest, population_digest=digest,
            commitment=digest, secret=digest, frame_gz=b"", randomness_kind="witnesses", randomness_source="fixture",
            randomness_available_at=now - timedelta(hours=1), eligible_count=1, excluded_count=0, target_count=1,
            stratum_count=1, inspector_count=len(team), committed_at=now - timedelta(hours=2))
        session.add(commitment)
        session.flush()
        reveal = DrawReveal(commitment_id=commitment.id, task_id=task.id, randomness_value="1", witnesses=[],
                            seed=digest, record_tail="}", record_sha256=digest, record_bytes=0, target_count=1,
                            team_count=1, revealed_at=now)
        session.add(reveal)
        session.flush()
        assignment = Assignment(task_id=task.id, reveal_id=reveal.id, entity_id=entity_id, target=f"E{entity_id}",
                                stratum="C", rank=1, draw_index=1, items=refs, window_start=task.window_start,
                                window_end=task.window_end)
        session.add(assignment)
        session.flush()
        session.add_all([AssignmentMember(assignment_id=assignment.id, inspector_id=i, position=p)
                         for p, i in enumerate(team, 1)])
        return assignment.id, task.id


@dataclass
class JointDraft(RecordDraft):
    """A record of the officer and the partner whose check ended on `ended` (China time)."""

    ended: str = "2026-09-18"

    def body(self, **overrides: Any) -> dict[str, Any]:
        times = {"started_at": f"{self.ended}T09:15:00+08:00", "ended_at": f"{self.ended}T10:02:11+08:00"}
        return super().body(**{**times, **overrides})


@dataclass
class ResultsWorld:
    """officer (market_regulation) and partner (ecology) check together; lead, head and the
    others review and sign. Every user name maps to bearer headers."""

    app: Flask
    client: FlaskClient
    inspectors: dict[str, int]
    headers: dict[str, dict[str, str]]
    own_item: str
    other_item: str

    def key(self, username: str) -> str:
        return f"I{self.inspectors[username]}"

    def assignment(self, items: dict[str, list[str]] | None = None, entity_id: int | None = None) -> tuple[int, int]:
        entity = entity_id or seed_entities(self.app, {"C": 1}, departments=(OWN_DEPARTMENT, OTHER_DEPARTMENT))[0]
        return joint_assignment(self.app, entity, [self.inspectors["officer"], self.inspectors["partner"]],
                                items or {OWN_DEPARTMENT: [self.own_item], OTHER_DEPARTMENT: [self.other_item]})

    def draft(self, assignment_id: int, items: list[str] | None = None, ended: str = "2026-09-18") -> JointDraft:
        return JointDraft(assignment_id, items or [self.own_item, self.other_item],
                          [self.key("officer"), self.key("partner")], ended=ended)

    def body(self, draft: RecordDraft, **overrides: Any) -> dict[str, Any]:
        return draft.body(**overrides)

    def submit(self, draft: RecordDraft, **overrides: Any) -> dict[str, Any]:
        resp = self.client.post("/api/v1/field/records", json=self.body(draft, **overrides),
                                headers=self.headers["officer"])
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    def decide(self, record_id: str, user: str, decision: str, comment: str = "") -> Any:
        return self.client.post(f"{REVIEW}/records/{record_id}/decision", json={"decision": decision, "comment": comment},
                                headers=self.headers[user])

    def enter(self, record_id: str, user: str = "officer", **body: Any) -> Any:
        return self.client.post(f"{RESULTS}/records/{record_id}/entry", json=body, headers=self.headers[user])

    def publish(self, record_id: str, user: str = "officer") -> Any:
        return self.client.post(f"{RESULTS}/records/{record_id}/publication", headers=self.headers[user])

    def published(self, **kwargs: Any) -> tuple[RecordDraft, dict[str, Any]]:
        """A fresh joint record taken through review, entry and publication; (draft, result)."""
        assignment_id, _ = self.assignment()
        draft = self.draft(assignment_id, **kwargs)
        self.submit(draft)
        assert self.decide(draft.id, "lead", "approve").status_code == 200
        assert self.enter(draft.id).status_code == 201
        resp = self.publish(draft.id)
        assert resp.status_code == 201, resp.get_json()
        return draft, resp.get_json()


EVERYTHING = {"fields": ["plan_number", "plan_name", "task_number", "task_name", "check_type", "inspecting_authority",
                         "entity_name", "credit_code", "completion_date", "result", "remarks"]}
USERS = {
    "officer": (OWN_DEPARTMENT, "inspector"), "partner": (OTHER_DEPARTMENT, "inspector"),
    "lead": (OWN_DEPARTMENT, "team_lead"), "head": (OWN_DEPARTMENT, "department_head"),
    "admin": (OWN_DEPARTMENT, "department_admin"), "other-lead": (OTHER_DEPARTMENT, "team_lead"),
    "other-head": (OTHER_DEPARTMENT, "department_head"), "outsider-lead": ("health", "team_lead"),
    "auditor": (OWN_DEPARTMENT, "auditor"),
}


def results_world(app: Flask, client: FlaskClient, make_user: Any, auth_headers: Any) -> ResultsWorld:
    inspectors, headers = {}, {}
    for username, (department, role) in USERS.items():
        user_id = make_user(username, role, department=department)
        if username in ("officer", "partner"):
            inspectors[username] = linked_inspector(app, user_id, department)
        headers[username] = auth_headers(username)
    return ResultsWorld(app, client, inspectors, headers, item_with_approval(app, OWN_DEPARTMENT, publication=EVERYTHING),
                        item_with_approval(app, OTHER_DEPARTMENT, publication=EVERYTHING))


# ------------------------------------------------------------------ the route-policy table

def _table_people(app: Flask, department: str) -> dict[str, Any]:
    """Officers (a, b), an approver (team lead) and an editor (department admin) of the department,
    none of them a caller of the table; made once per database."""
    from backend.accounts import users
    from backend.policy import Principal

    marks = app.extensions.setdefault("route-table-results", {})
    key = (app.config["SQLALCHEMY_DATABASE_URL"], department)
    if key not in marks:
        people: dict[str, Any] = {}
        dept = department_id(app, department)
        for name, role in (("officer-a", "inspector"), ("officer-b", "inspector"), ("approver", "team_lead"),
                           ("editor", "department_admin")):
            username = f"table-{name}-{department}".replace("_", "-")
            with app.test_request_context():
                user = users.create_user(_system(), {"username": username, "display_name": username,
                                                     "password": "fixture-password", "department": department,
                                                     "roles": [role], "jurisdiction": None})
            people[name] = Principal(user.id, username, dept, None, frozenset({role}))
            if role == "inspector":
                people[f"{name}-inspector"] = linked_inspector(app, user.id, department)
        from tests.support.field import checklist_item

        people["item"] = checklist_item(app, department)
        marks[key] = people
    return marks[key]


def table_record(app: Flask, department: str, *, callers: bool = False, stage: str = "submitted") -> str:
    """A fresh record of a single-department task, taken to `stage` (submitted, approved, entered,
    published); its officers are the table's own officers, or with `callers` the table's
    inspector and team lead of market_regulation. Returns the record id."""
    from backend.field import records
    from backend.policy import Principal
    from backend.results import services
    from backend.review import services as review
    from tests.support.field import TABLE_CALLERS, make_assignments, table_assignment

    people = _table_people(app, department)
    if callers:
        _, keys = table_assignment(app)
        team, item = [int(k[1:]) for k in keys], app.extensions["route-table-field"][app.config["SQLALCHEMY_DATABASE_URL"]][2]
        from backend.accounts.model import User
        from backend.db import db

        with app.app_context():
            user = db.session.scalar(sa.select(User).where(User.username == TABLE_CALLERS[0]))
            officer = Principal(user.id, user.username, user.department_id, None, frozenset({"inspector"}))
    else:
        team, item, officer = [people["officer-a-inspector"], people["officer-b-inspector"]], people["item"], people["officer-a"]
    [assignment] = make_assignments(app, seed_entities(app, {"B": 1}, departments=(department,)), team, [item], department)
    draft = RecordDraft(assignment, [item], [f"I{i}" for i in team])
    with app.test_request_context():
        records.submit(officer, draft.body())
        record_id = uuid.UUID(draft.id)
        if stage in ("approved", "entered", "published"):
            review.decide(people["approver"], record_id, {"decision": "approve", "comment": ""})
        if stage in ("entered", "published"):
            services.enter(officer, record_id, {})
        if stage == "published":
            services.publish(officer, record_id)
    return draft.id


def table_result(app: Flask, department: str) -> int:
    """A fresh published result of the department."""
    from backend.db import db
    from backend.results.model import CheckResult

    record_id = table_record(app, department, stage="published")
    with app.app_context():
        return db.session.scalar(sa.select(CheckResult.id).where(CheckResult.record_id == uuid.UUID(record_id)))  # type: ignore[return-value]


def table_correction(app: Flask, department: str) -> int:
    """A fresh pending correction of a published result of the department."""
    from backend.results import services

    result_id = table_result(app, department)
    with app.test_request_context():
        return services.propose_correction(_table_people(app, department)["editor"], result_id,
                                           table_correction_body(app, department))["id"]


def table_correction_body(app: Flask, department: str) -> dict[str, Any]:
    return {"reason": "路由表更正", "result_categories": {_table_people(app, department)["item"]: ["corrected"]}}
