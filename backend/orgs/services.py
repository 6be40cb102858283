"""Reading and seeding departments and jurisdictions."""
from __future__ import annotations

import json
from importlib import resources
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.db import db
from backend.orgs.model import Department, Jurisdiction


def seed_data() -> dict[str, list[dict[str, Any]]]:
    return json.loads(resources.files("backend.orgs").joinpath("seed.json").read_text("utf-8"))


def list_departments() -> list[Department]:
    return list(db.session.scalars(sa.select(Department).order_by(Department.id)))


def list_jurisdictions() -> list[dict[str, Any]]:
    rows = db.session.scalars(sa.select(Jurisdiction).order_by(Jurisdiction.code))
    return [{**{c: getattr(j, c) for c in ("code", "name_zh", "name_en", "kind", "parent_code", "is_gbt2260")},
             "legacy_codes": [c for c in j.legacy_codes.split(",") if c]} for j in rows]


def department_by_code(session: Session, code: str) -> Department | None:
    return session.scalar(sa.select(Department).where(Department.code == code))
