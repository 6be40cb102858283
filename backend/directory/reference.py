"""Reference data of the directories: the seed file, and lookups loaded once per operation.

`References` holds everything needed to check a directory row without further queries, so
a bulk importer can load it once and check a hundred thousand rows against it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.directory.model import Industry, RiskClass, RiskScheme, Specialty
from backend.orgs.model import Department, Jurisdiction


def seed_data() -> dict[str, list[dict[str, Any]]]:
    """Industries, risk schemes with their classes, and inspector specialties (seed.json)."""
    return json.loads(resources.files("backend.directory").joinpath("seed.json").read_text("utf-8"))


@dataclass(frozen=True)
class References:
    divisions: dict[str, str]  # accepted code (current or legacy) -> current jurisdiction code
    industries: dict[str, str]  # code -> Chinese name
    risk_scheme: str | None  # the active scheme
    risk_classes: frozenset[str]  # classes of the active scheme
    departments: dict[str, int]  # code -> id
    specialties: frozenset[str]


def load_references(session: Session) -> References:
    divisions: dict[str, str] = {}
    for code, legacy in session.execute(sa.select(Jurisdiction.code, Jurisdiction.legacy_codes)):
        divisions[code] = code
        for old in filter(None, legacy.split(",")):
            divisions.setdefault(old.strip(), code)  # e.g. 370903 (old Daiyue) -> 370911
    scheme = session.scalar(sa.select(RiskScheme.code).where(RiskScheme.is_active.is_(True)))
    classes = session.scalars(sa.select(RiskClass.code).where(RiskClass.scheme_code == scheme))
    return References(
        divisions=divisions,
        industries=dict(session.execute(sa.select(Industry.code, Industry.name_zh)).all()),
        risk_scheme=scheme,
        risk_classes=frozenset(classes),
        departments=dict(session.execute(sa.select(Department.code, Department.id)).all()),
        specialties=frozenset(session.scalars(sa.select(Specialty.code))),
    )
