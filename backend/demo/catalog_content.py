"""Demo item list, rulebooks and two published 2027 plans, loaded through the real services.

The content is `catalog_content.json` next to this module: eight items of five departments
(market regulation, ecology and environment, culture and tourism, health, emergency
management), each with a checklist template, and the 2027 plans of market regulation and
ecology, filed before 31 January 2027 and published. Everything is created as the demo
system administrator with fixed timestamps; each step is skipped when its result exists, so
loading twice changes nothing.
"""
from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from typing import Any

import sqlalchemy as sa

from backend.accounts.model import User
from backend.catalog import rulebook
from backend.catalog import services as catalog
from backend.catalog.model import CheckItem, ItemFiling
from backend.db import db
from backend.plans import services as plans
from backend.plans.model import Plan
from backend.plans.schemas import BatchSchema
from backend.policy import Principal

DEMO_ADMIN = "admin"


def content() -> dict[str, Any]:
    return json.loads(resources.files("backend.demo").joinpath("catalog_content.json").read_text("utf-8"))


def _admin() -> Principal:
    user = db.session.scalar(sa.select(User).where(User.username == DEMO_ADMIN))
    if user is None:
        raise RuntimeError("load the demo accounts first (the demo admin creates the catalog)")
    return Principal(user.id, user.username, user.department_id, None, frozenset(user.role_names))


def _load_items(admin: Principal, data: dict[str, Any]) -> tuple[int, int]:
    at = datetime.fromisoformat(data["items_created_at"])
    items = rulebooks = 0
    for entry in data["items"]:
        body = {k: v for k, v in entry.items() if k != "rulebook"}
        item_id = db.session.scalar(sa.select(CheckItem.id).where(CheckItem.code == entry["code"]))
        if item_id is None:
            item_id = catalog.create_item(admin, body, now=at).id
            items += 1
        if db.session.scalar(sa.select(CheckItem.rulebook_version).where(CheckItem.id == item_id)) is None:
            rulebook.add_rulebook_version(admin, item_id, None, entry["rulebook"], now=at)
            rulebooks += 1
    return items, rulebooks


def _acknowledge(admin: Principal, data: dict[str, Any]) -> int:
    at = datetime.fromisoformat(data["filings_acknowledged_at"])
    codes = [entry["code"] for entry in data["items"]]
    pending = db.session.scalars(sa.select(ItemFiling.id).join(CheckItem, ItemFiling.item_id == CheckItem.id)
                                 .where(CheckItem.code.in_(codes), ItemFiling.acknowledged_at.is_(None))).all()
    for filing_id in pending:
        catalog.acknowledge_filing(admin, filing_id, now=at)
    return len(pending)


def _load_plans(admin: Principal, data: dict[str, Any]) -> int:
    created = 0
    for entry in data["plans"]:
        filed_at, published_at = (datetime.fromisoformat(entry[k]) for k in ("filed_at", "published_at"))
        plan = db.session.scalar(sa.select(Plan).where(Plan.number == entry["number"]))
        if plan is None:
            body = {k: entry[k] for k in ("department", "number", "year", "name_zh", "name_en")}
            body["batches"] = BatchSchema(many=True).load(entry["batches"])
            plan = plans.create_plan(admin, body, now=filed_at)
            created += 1
        version = frozenset({plan.current_version})
        if plan.status == "draft":
            plan = plans.file_plan(admin, plan.id, version, now=filed_at)
        if plan.status == "filed":
            plans.publish_plan(admin, plan.id, version, now=published_at)
    return created


def load_catalog_demo() -> dict[str, int]:
    data = content()
    admin = _admin()
    items, rulebooks = _load_items(admin, data)
    acknowledged = _acknowledge(admin, data)
    return {"items created": items, "rulebooks written": rulebooks, "filings acknowledged": acknowledged,
            "plans created": _load_plans(admin, data)}
