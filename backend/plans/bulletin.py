"""The public plan bulletin (抽查计划公告): published plans, built field by field from a whitelist.

Nothing internal leaves through here: no user ids, no filing lateness, no drafts, no
versions from before publication, no sub-directory codes.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from backend.catalog.model import CheckItem, ItemVersion
from backend.db import db
from backend.errors import NotFound
from backend.orgs.model import Department
from backend.plans.model import Plan


def published_plans(*, year: int | None = None, department: str | None = None,
                    jurisdiction: str | None = None) -> sa.Select[tuple[Plan]]:
    query = (sa.select(Plan).where(Plan.status == "published")
             .order_by(Plan.year.desc(), Plan.department_id, Plan.number))
    if year is not None:
        query = query.where(Plan.year == year)
    if department:
        query = query.where(Plan.department_id.in_(sa.select(Department.id).where(Department.code == department)))
    if jurisdiction:
        query = query.where(Plan.jurisdiction_code == jurisdiction)
    return query


def _item_names(codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    current = sa.and_(ItemVersion.item_id == CheckItem.id, ItemVersion.version == CheckItem.current_version)
    rows = db.session.execute(sa.select(CheckItem.code, ItemVersion.name_zh).join(ItemVersion, current)
                              .where(CheckItem.code.in_(codes)))
    return {code: name for code, name in rows}


def _public_batch(batch: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    scope = batch["scope"]
    return {
        "id": batch["id"], "name_zh": batch["name_zh"], "name_en": batch.get("name_en"),
        "scope": {"description_zh": scope["description_zh"], "entity_types": scope["entity_types"],
                  "industry_codes": scope["industry_codes"], "jurisdiction_codes": scope["jurisdiction_codes"]},
        "items": [{"code": code, "name_zh": names.get(code)} for code in batch["items"]],
        "target_count": batch["target_count"], "window": batch["window"],
        "partner_departments": batch["partner_departments"],
    }


def published_plan(number: str) -> dict[str, Any]:
    plan = db.session.scalar(sa.select(Plan).where(Plan.number == number, Plan.status == "published"))
    if plan is None:
        raise NotFound("No published plan has that number.", code="plan.not_found")
    current = plan.current
    names = _item_names({code for batch in current.batches for code in batch["items"]})
    assert plan.published_version is not None
    return {
        "number": plan.number, "year": plan.year, "department": plan.department,
        "jurisdiction": plan.jurisdiction_code, "name_zh": current.name_zh, "name_en": current.name_en,
        "version": plan.current_version, "published_at": plan.published_at,
        "batches": [_public_batch(b, names) for b in current.batches],
        "adjustments": [{"version": v.version, "reason": v.reason, "adjusted_at": v.created_at}
                        for v in plan.versions if v.version > plan.published_version],
    }
