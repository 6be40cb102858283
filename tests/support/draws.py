"""A small drawable world for task and draw tests: items, entities by risk class, inspectors,
directory confirmations, staff of two departments, and a clock the draw services read.

Import the fixtures you use into the test module (pytest finds fixtures by module namespace).
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.support.apps import OTHER_DEPARTMENT, OWN_DEPARTMENT
from tests.support.catalog_data import item_body
from tests.support.directory import credit_code

__all__ = ["clock", "staff_of", "draw_world", "DrawWorld", "WINDOW", "MR_ITEM", "ECO_ITEM", "task_body", "commit_body",
           "seed_entities",
           "seed_inspectors", "confirm_directories", "declare_conflict"]

WINDOW = {"start": "2027-03-01", "end": "2027-03-31"}
MR_ITEM, ECO_ITEM = "T-MR-001", "T-ECO-001"  # key items: classes D and E fully covered
SYSTEM_ROLES = frozenset({"system_admin"})
_serial = itertools.count(1)


def _system():  # type: ignore[no-untyped-def]
    from backend.policy import Principal

    return Principal(0, "draw-fixture", 0, None, SYSTEM_ROLES)


def department_id(app: Flask, code: str) -> int:
    from backend.db import db
    from backend.orgs.model import Department

    with app.app_context():
        return db.session.scalar(sa.select(Department.id).where(Department.code == code))


def seed_entities(app: Flask, classes: dict[str | None, int], *, departments: tuple[str, ...] = (OWN_DEPARTMENT,),
                  status: str = "operating", **values: Any) -> list[int]:
    """Entities supervised by `departments`, `classes` = {risk class (None: unclassified): how many}."""
    from backend.db import unit_of_work
    from backend.directory import bulk

    dept_ids = [department_id(app, d) for d in departments]
    rows = []
    for risk_class, count in classes.items():
        for _ in range(count):
            n = next(_serial)
            rows.append({"credit_code": credit_code(10_000 + n), "name": f"泰山抽查测试{n}有限公司",
                         "entity_type": "enterprise", "division_code": "370902", "industry_code": "H6210",
                         "registration_status": status, "risk_scheme": "shandong" if risk_class else None,
                         "risk_class": risk_class, "departments": dept_ids, **values})
    with app.test_request_context(), unit_of_work() as session:
        return bulk.insert_entities(session, rows, "draw-fixture")


def seed_inspectors(app: Flask, department: str, count: int, **overrides: Any) -> list[int]:
    from backend.directory import inspectors

    ids = []
    with app.test_request_context():
        for _ in range(count):
            body = {"name": f"检查员{next(_serial)}", "department": department,
                    "certificate_number": f"DRAW{next(_serial):06d}", "certificate_valid_from": date(2024, 1, 1),
                    "certificate_valid_until": date(2029, 12, 31), "staff_category": "certified_staff",
                    "specialties": ["food"], "status_from": date(2024, 1, 1), **overrides}
            ids.append(inspectors.create_inspector(_system(), body).id)
    return ids


def declare_conflict(app: Flask, inspector_id: int, entity_id: int) -> None:
    from backend.directory import inspectors

    with app.test_request_context():
        inspectors.declare_conflict(_system(), inspector_id, {"entity_id": entity_id, "reason": "近亲属任职"})


def confirm_directories(app: Flask, *departments: str) -> None:
    from backend.db import unit_of_work
    from backend.directory.confirmations import record_confirmation

    ids = [department_id(app, code) for code in departments]
    with app.test_request_context(), unit_of_work() as session:
        for dept_id in ids:
            for kind in ("entities", "inspectors"):
                record_confirmation(session, dept_id, kind, _fixture_user(session))


def _fixture_user(session) -> int:  # type: ignore[no-untyped-def]
    from backend.accounts.model import User

    return session.scalar(sa.select(sa.func.min(User.id)))


def task_body(number: str | None = None, items: tuple[str, ...] = (MR_ITEM,), **overrides: Any) -> dict[str, Any]:
    body = {"number": number or f"T-{next(_serial):05d}", "name_zh": "特种设备与排污联合抽查", "items": list(items),
            "scope": {"description_zh": "泰山区企业"}, "window": dict(WINDOW)}
    body.update(overrides)
    return body


def commit_body(available_at: datetime, source: str = "福彩3D 第2027050期开奖号码") -> dict[str, Any]:
    return {"randomness": {"kind": "lottery", "source": source, "available_at": available_at.isoformat()}}


class Clock:
    """What the draw services take as now; `advance` moves it past the declared randomness."""

    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from backend.draws import services

    fake = Clock()
    monkeypatch.setattr(services, "utcnow", fake)
    return fake


@pytest.fixture
def staff_of(make_user: Callable[..., int], auth_headers: Callable[[str], dict[str, str]]
             ) -> Callable[..., dict[str, str]]:
    """staff_of(role, department) signs in (once) a user holding that role; returns the headers."""
    made: dict[tuple[str, str], dict[str, str]] = {}

    def get(role: str, department: str = OWN_DEPARTMENT) -> dict[str, str]:
        if (role, department) not in made:
            username = f"d-{role}-{department}".replace("_", "-")
            make_user(username, role, department=department)
            made[(role, department)] = auth_headers(username)
        return made[(role, department)]

    return get


@dataclass
class DrawWorld:
    app: Flask
    client: FlaskClient
    staff: Callable[..., dict[str, str]]
    clock: Clock
    entities: dict[str | None, list[int]] = field(default_factory=dict)
    inspectors: dict[str, list[int]] = field(default_factory=dict)

    @property
    def admin(self) -> dict[str, str]:
        return self.staff("department_admin")

    def create(self, body: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
        resp = self.client.post("/api/v1/tasks", json=body or task_body(**overrides), headers=self.admin)
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    def commit(self, task_id: int, hours: float = 1, expect: int = 201) -> dict[str, Any]:
        resp = self.client.post(f"/api/v1/tasks/{task_id}/commitment", headers=self.admin,
                                json=commit_body(self.clock.now + timedelta(hours=hours)))
        assert resp.status_code == expect, resp.get_json()
        return resp.get_json()

    def reveal(self, task_id: int, commitment: str, value: str = "3 8 5", expect: int = 201) -> dict[str, Any]:
        resp = self.client.post(f"/api/v1/tasks/{task_id}/reveal", headers=self.admin, json={
            "commitment": commitment, "value": value,
            "witnesses": [{"name": "张某某", "capacity": "社会监督员"}, {"name": "李某某", "capacity": "公证员"}]})
        assert resp.status_code == expect, resp.get_json()
        return resp.get_json()

    def draw(self, task_id: int, value: str = "3 8 5") -> dict[str, Any]:
        committed = self.commit(task_id)
        self.clock.advance(hours=2)
        return self.reveal(task_id, committed["commitment"], value)

    def record(self, task_id: int, sequence: int = 1) -> dict[str, Any]:
        resp = self.client.get(f"/api/v1/tasks/{task_id}/draws/{sequence}/record", headers=self.admin)
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()


@pytest.fixture
def draw_world(app: Flask, client: FlaskClient, staff_of: Callable[..., dict[str, str]], clock: Clock
               ) -> Iterator[DrawWorld]:
    """Two key items (market regulation, ecology); 60 entities of both departments in classes A-E and
    none; 6 inspectors each; every directory confirmed."""
    from backend.catalog import services
    from backend.catalog.schemas import ItemCreateSchema

    staff_of("department_admin")  # the first user: confirmations are recorded in its name
    with app.test_request_context():
        for code, dept in ((MR_ITEM, OWN_DEPARTMENT), (ECO_ITEM, OTHER_DEPARTMENT)):
            services.create_item(_system(), ItemCreateSchema().load(item_body(code, department=dept)))
    world = DrawWorld(app, client, staff_of, clock)
    for risk_class, count in {"A": 20, "B": 20, "C": 10, "D": 4, "E": 2, None: 4}.items():
        world.entities[risk_class] = seed_entities(app, {risk_class: count},
                                                   departments=(OWN_DEPARTMENT, OTHER_DEPARTMENT))
    for dept in (OWN_DEPARTMENT, OTHER_DEPARTMENT):
        world.inspectors[dept] = seed_inspectors(app, dept, 6)
    confirm_directories(app, OWN_DEPARTMENT, OTHER_DEPARTMENT)
    yield world
