"""What a result says: composed from the approved record, and written as a result bulletin row.

A result groups the record's items by the department that owns them (a joint check has one
part per participating department), with their result categories, the check methods and the
follow-up actions. The bulletin row (REFERENCE §5) holds exactly the columns the items'
rulebooks publish (the union of their `publication.fields`); the others are stored as NULL.
Risk classes and the inspectors' personal details are never part of it.
"""
from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.audit.canonical import canonical_json
from backend.catalog.model import (
    BULLETIN_FIELDS,
    BULLETIN_REQUIRED,
    CheckItem,
    ItemVersion,
    RulebookVersion,
)
from backend.directory.model import MarketEntity
from backend.field.model import CheckMethod, FollowupOption, ResultCategory
from backend.orgs.model import Department
from backend.plans.model import Plan
from backend.review.context import RecordContext

CHECK_TYPES = {"routine": "双随机抽查", "special": "专项抽查"}
JOINT_PREFIX = "部门联合"


def _names(session: Session, model: Any) -> dict[str, str]:
    return dict(session.execute(sa.select(model.code, model.name_zh)).all())


def compose(session: Session, ctx: RecordContext) -> dict[str, Any]:
    """The result's parts from the record's current revision."""
    body = ctx.body
    versions = {ref["code"]: ref["version"] for ref in ctx.assignment.items}
    rows = session.execute(sa.select(CheckItem.code, CheckItem.department_id, ItemVersion.version, ItemVersion.name_zh)
                           .join(ItemVersion, ItemVersion.item_id == CheckItem.id).where(CheckItem.code.in_(versions)))
    items = {code: (department_id, name) for code, department_id, version, name in rows if version == versions[code]}
    departments = {d.id: d for d in session.scalars(sa.select(Department).where(Department.id.in_(ctx.department_ids)))}
    categories = _names(session, ResultCategory)
    methods, followups = _names(session, CheckMethod), _names(session, FollowupOption)
    parts = []
    for department_id in ctx.department_ids:
        own = [code for code in versions if code in items and items[code][0] == department_id]
        if not own:
            continue
        parts.append({"department": departments[department_id].code,
                      "department_name": departments[department_id].name_zh,
                      "items": [{"code": code, "name": items[code][1],
                                 "result_categories": [{"code": c, "name": categories.get(c, c)}
                                                       for c in body["result_categories"].get(code, [])]}
                                for code in sorted(own)]})
    return {"departments": parts,
            "check_methods": [{"code": m, "name": methods.get(m, m)} for m in body.get("check_methods", [])],
            "followup": [{"code": f["code"], "name": followups.get(f["code"], f["code"]), "done": f.get("done", False),
                          "date": f.get("date")} for f in body.get("followup", [])]}


def result_text(departments: list[dict[str, Any]]) -> str:
    """The bulletin's 结果 column: the categories, per department when several took part."""
    def categories(part: dict[str, Any]) -> str:
        seen: list[str] = []
        for item in part["items"]:
            for category in item["result_categories"]:
                if category["name"] not in seen:
                    seen.append(category["name"])
        return "、".join(seen)

    if len(departments) == 1:
        return categories(departments[0])
    return "；".join(f"{p['department_name']}：{categories(p)}" for p in departments)


def published_fields(session: Session, body: dict[str, Any]) -> list[str]:
    """The union of the publication rules of the record's items (at the templates' rulebook versions)."""
    wanted = {code: int(str(key).rsplit("@", 1)[1]) for code, key in body["templates"].items()}
    chosen = set(BULLETIN_REQUIRED)
    for code, version, publication in session.execute(
            sa.select(CheckItem.code, RulebookVersion.version, RulebookVersion.publication)
            .join(RulebookVersion, RulebookVersion.item_id == CheckItem.id).where(CheckItem.code.in_(wanted))):
        if wanted.get(code) == version:
            chosen.update(publication.get("fields", []))
    return [f for f in BULLETIN_FIELDS if f in chosen]


def bulletin_row(session: Session, ctx: RecordContext, departments: list[dict[str, Any]], ended_on: date,
                 remarks: str, fields: list[str]) -> dict[str, Any]:
    """Every bulletin column; those the rulebooks do not publish are None."""
    task = ctx.task
    plan = session.get(Plan, task.plan_id) if task.plan_id else None
    entity = session.get(MarketEntity, ctx.assignment.entity_id)
    assert entity is not None
    check_type = CHECK_TYPES.get(task.kind, task.kind)
    full = {
        "plan_number": plan.number if plan else None,
        "plan_name": plan.current.name_zh if plan else None,
        "task_number": task.number, "task_name": task.name_zh,
        "check_type": JOINT_PREFIX + check_type if len(ctx.department_ids) > 1 else check_type,
        "inspecting_authority": "、".join(session.get(Department, d).name_zh for d in ctx.department_ids),  # type: ignore[union-attr]
        "entity_name": entity.name, "credit_code": entity.credit_code,
        "completion_date": ended_on, "result": result_text(departments), "remarks": remarks or None,
    }
    row = {k: (v if k in fields else None) for k, v in full.items()}
    # the registration number stands in for a missing credit code (REFERENCE §5)
    row["registration_number"] = entity.registration_number if "credit_code" in fields else None
    return row


def digest(row: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json({k: (v.isoformat() if isinstance(v, date) else v)
                                          for k, v in row.items()})).hexdigest()
