"""Tasks of a department in each state, made through the services, for the route-policy table.

Every request of the table that consumes a task (changing, committing, revealing, closing it)
gets a fresh one; each fresh task checks its own fresh item, so pending commitments never
overlap. A department is made drawable once per database: three class-D entities (fully
covered), two inspectors, confirmed directories.
"""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from flask import Flask

from tests.support import catalog_routes as cat
from tests.support.draws import WINDOW, confirm_directories, seed_entities, seed_inspectors

_serial = itertools.count(1)


def _system():  # type: ignore[no-untyped-def]
    from backend.policy import Principal

    return Principal(0, "route-table", 0, None, frozenset({"system_admin"}))


def _ready(app: Flask, department: str) -> None:
    marks = app.extensions.setdefault("route-table-drawable", set())  # the app outlives each test's database
    mark = (app.config["SQLALCHEMY_DATABASE_URL"], department)
    if mark not in marks:
        seed_entities(app, {"D": 3}, departments=(department,))
        seed_inspectors(app, department, 2)
        confirm_directories(app, department)
        marks.add(mark)


def task_body(app: Flask, department: str) -> dict[str, Any]:
    item = cat.item_of(app, department, f"RP-T{next(_serial)}")
    from backend.catalog.model import CheckItem
    from backend.db import db

    with app.app_context():
        code = db.session.scalar(sa.select(CheckItem.code).where(CheckItem.id == item))
    return {"number": f"RP-T-{next(_serial):05d}", "name_zh": "路由表任务", "department": department,
            "items": [code], "scope": {"description_zh": "测试范围"}, "window": dict(WINDOW)}


def draft_task(app: Flask, department: str) -> int:
    from backend.tasks import services
    from backend.tasks.schemas import TaskCreateSchema

    _ready(app, department)
    with app.test_request_context():
        return services.create_task(_system(), TaskCreateSchema().load(task_body(app, department))).id


def committed_task(app: Flask, department: str) -> tuple[int, str]:
    """(task id, commitment) of a task whose declared randomness is already known."""
    from backend.draws import services

    task_id = draft_task(app, department)
    now = datetime.now(timezone.utc)
    body = {"randomness": {"kind": "witnesses", "source": "现场见证人宣读的号码",
                           "available_at": now - timedelta(minutes=1)}}
    with app.test_request_context():
        return task_id, services.commit(_system(), task_id, body, now=now - timedelta(hours=1)).commitment


def reveal_body(commitment: str) -> dict[str, Any]:
    return {"commitment": commitment, "value": "07 19 23", "witnesses": [{"name": "王某", "capacity": "社会监督员"}]}


def drawn_task(app: Flask, department: str) -> int:
    from backend.draws import services

    task_id, commitment = committed_task(app, department)
    with app.test_request_context():
        services.reveal(_system(), task_id, reveal_body(commitment))
    return task_id


def number_of(app: Flask, task_id: int) -> str:
    from backend.db import db
    from backend.tasks.model import Task

    with app.app_context():
        return db.session.scalar(sa.select(Task.number).where(Task.id == task_id))
