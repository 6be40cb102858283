"""Objects for the route-policy table: items, filings, rulebooks and plans of a department, made
through the services. The table sends one request per role and side against one database, so
every request that consumes an object (acknowledging a filing, filing a plan) gets a fresh one."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from tests.support.catalog_data import item_body, plan_body, rulebook_body

FIRST_PLAN_YEAR = 2030


def _system():  # type: ignore[no-untyped-def]
    from backend.policy import Principal

    return Principal(0, "route-table", 0, None, frozenset({"system_admin"}))


def item_code(department: str) -> str:
    return f"RP-{department}"


def item_of(app: Flask, department: str, code: str | None = None) -> int:
    """The department's item with this code (default: its standing one), created on first use."""
    from backend.catalog import services
    from backend.catalog.model import CheckItem
    from backend.catalog.schemas import ItemCreateSchema
    from backend.db import db

    code = code or item_code(department)
    with app.test_request_context():
        found = db.session.scalar(sa.select(CheckItem.id).where(CheckItem.code == code))
        if found is not None:
            return found
        return services.create_item(_system(), ItemCreateSchema().load(item_body(code, department=department))).id


def item_with_rulebook(app: Flask, department: str) -> int:
    from backend.catalog import rulebook
    from backend.catalog.model import CheckItem
    from backend.catalog.rulebook_schemas import RulebookCreateSchema
    from backend.db import db

    item_id = item_of(app, department)
    with app.test_request_context():
        if db.session.scalar(sa.select(CheckItem.rulebook_version).where(CheckItem.id == item_id)) is None:
            rulebook.add_rulebook_version(_system(), item_id, None, RulebookCreateSchema().load(rulebook_body()))
    return item_id


def fresh_filing(app: Flask, department: str, code: str) -> int:
    """An unacknowledged filing: that of a new item."""
    from backend.catalog.model import ItemFiling
    from backend.db import db

    item_id = item_of(app, department, code)
    with app.app_context():
        return db.session.scalar(sa.select(ItemFiling.id).where(ItemFiling.item_id == item_id))


def plan_number(department: str, year: int) -> str:
    return f"RP-{department.upper().replace('_', '-')}-{year}"


def new_plan_body(app: Flask, department: str) -> dict[str, Any]:
    """A plan for the department's next year without one (a department has one plan a year)."""
    from backend.db import db
    from backend.orgs.model import Department
    from backend.plans.model import Plan

    item_of(app, department)
    with app.app_context():
        years = set(db.session.scalars(sa.select(Plan.year).join(Department, Plan.department_id == Department.id)
                                       .where(Department.code == department)))
    year = next(y for y in range(FIRST_PLAN_YEAR, 2101) if y not in years)
    return {**plan_body(year, [item_code(department)], number=plan_number(department, year)), "department": department}


def fresh_plan(app: Flask, department: str, status: str = "draft") -> int:
    """A new plan of the department, moved on to `status` (draft, filed or published)."""
    from backend.plans import services
    from backend.plans.schemas import PlanCreateSchema

    body = PlanCreateSchema().load(new_plan_body(app, department))
    with app.test_request_context():
        plan = services.create_plan(_system(), body)
        if status in ("filed", "published"):
            services.file_plan(_system(), plan.id, frozenset({1}))
        if status == "published":
            services.publish_plan(_system(), plan.id, frozenset({1}))
        return plan.id


def standing_plan(app: Flask, department: str, status: str = "draft") -> int:
    """The department's first plan (created at `status` on first use)."""
    from backend.db import db
    from backend.plans.model import Plan

    with app.app_context():
        found = db.session.scalar(sa.select(Plan.id).where(Plan.number == plan_number(department, FIRST_PLAN_YEAR)))
    return found if found is not None else fresh_plan(app, department, status)


def published_plan_number(app: Flask, department: str) -> str:
    standing_plan(app, department, "published")
    return plan_number(department, FIRST_PLAN_YEAR)
