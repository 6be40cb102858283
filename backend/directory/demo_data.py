"""Demo directories: 2,000 synthetic entities, ~120 inspectors, sub-directories, a conflict and
confirmations. Every step looks at what exists first, so loading twice adds nothing."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.accounts.model import User
from backend.audit import services as audit
from backend.db import unit_of_work, utcnow
from backend.demo.synthetic import DEMO_REFERENCE_DATE, generate_entities, generate_inspectors
from backend.directory import bulk, rules
from backend.directory.confirmations import record_confirmation
from backend.directory.history import inspector_snapshot, record_inspector_change
from backend.directory.model import (
    DirectoryConfirmation,
    Inspector,
    InspectorConflict,
    InspectorStatusPeriod,
    MarketEntity,
    Specialty,
    SubDirectory,
    SubDirectoryMember,
)
from backend.directory.reference import References, load_references
from backend.orgs.model import Department

ACTOR = "demo"
ENTITY_COUNT = 2000
INSPECTOR_COUNT = 120
INSPECTOR_DEPARTMENTS = ["market_regulation", "ecology", "health", "culture_tourism", "emergency", "transport",
                         "agriculture", "taishan_gov", "daiyue_gov", "xintai_gov", "feicheng_gov", "ningyang_gov",
                         "dongping_gov"]
# GB/T 4754 code prefix -> departments supervising entities of that industry (market regulation: all;
# county and zone governments: all in their jurisdiction).
INDUSTRY_SUPERVISION: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("C", ("ecology",)), ("C26", ("emergency",)), ("D45", ("ecology", "emergency")),
    ("H62", ("health",)), ("H61", ("health", "culture_tourism")), ("O8040", ("health",)),
    ("R90", ("culture_tourism",)), ("L7291", ("culture_tourism",)), ("N7861", ("culture_tourism",)),
    ("O81", ("transport",)), ("A", ("agriculture",)), ("E47", ("housing",)),
)
# department, code, Chinese name, English name, industry prefixes of its members
SUB_DIRECTORIES = (
    ("market_regulation", "food_business", "食品经营", "Food business", ("F5212", "F5213", "H62")),
    ("market_regulation", "special_equipment", "特种设备", "Special equipment",
     ("C34", "D45", "H6110", "N7861", "R90")),
    ("ecology", "pollutant_discharge", "排污许可", "Pollutant discharge permits", ("C26", "C29", "C30", "C33", "D45")),
)
# demo account -> its inspector record (valid certificate, active)
LINKED_INSPECTORS = (
    ("lead", "王某明", "market_regulation", "37099001000001", ("food", "special_equipment")),
    ("inspector1", "李某静", "market_regulation", "37099001000002", ("food", "publicity_information")),
    ("inspector2", "赵某强", "market_regulation", "37099001000003", ("special_equipment", "product_quality")),
    ("inspector3", "陈某红", "ecology", "37099002000001", ("environment",)),
)
_LINKED_VALIDITY = (date(2025, 1, 1), date(2029, 12, 31))
_STATUS_FROM = DEMO_REFERENCE_DATE - timedelta(days=60)
_STATUS_UNTIL = DEMO_REFERENCE_DATE + timedelta(days=90)


def _supervisors(row: dict[str, Any], county_of: dict[str, str]) -> list[str]:
    codes = {"market_regulation"}
    for prefix, departments in INDUSTRY_SUPERVISION:
        if row["industry_code"].startswith(prefix):
            codes.update(departments)
    if row["division_code"] in county_of:
        codes.add(county_of[row["division_code"]])
    return sorted(codes)


def _sub_directories(session: Session, departments: dict[str, int]) -> tuple[dict[int, tuple[str, ...]], int]:
    """Ensure the demo sub-directories exist; returns {id: industry prefixes} and how many were made."""
    out: dict[int, tuple[str, ...]] = {}
    created = 0
    for dept, code, name_zh, name_en, prefixes in SUB_DIRECTORIES:
        sub = session.scalar(sa.select(SubDirectory).where(SubDirectory.department_id == departments[dept],
                                                           SubDirectory.code == code))
        if sub is None:
            sub = SubDirectory(department_id=departments[dept], code=code, name_zh=name_zh, name_en=name_en)
            session.add(sub)
            session.flush()
            audit.record("sub_directory.create", object_type="sub_directory", object_id=sub.id, actor=ACTOR,
                         payload={"department": dept, "code": code, "name_zh": name_zh, "name_en": name_en})
            created += 1
        out[sub.id] = prefixes
    return out, created


def _entity_rows(refs: References, county_of: dict[str, str], subs: dict[int, tuple[str, ...]],
                 sub_department: dict[int, int], existing: set[str]) -> list[dict[str, Any]]:
    rows = []
    for generated in generate_entities(ENTITY_COUNT):
        if generated["credit_code"] in existing:
            continue
        supervisors = _supervisors(generated, county_of)
        values, errors = rules.check_entity({**generated, "supervising_departments": supervisors}, refs)
        if errors:
            raise RuntimeError(f"demo entity {generated['credit_code']} breaks the standard: {errors}")
        departments = [refs.departments[c] for c in supervisors]
        values["departments"] = departments
        values["sub_directories"] = [s for s, prefixes in subs.items() if sub_department[s] in departments
                                     and generated["industry_code"].startswith(prefixes)]
        rows.append(values)
    return rows


def load_entities() -> dict[str, int]:
    with unit_of_work() as session:
        refs = load_references(session)
        subs, subs_created = _sub_directories(session, refs.departments)
        sub_department = dict(session.execute(sa.select(SubDirectory.id, SubDirectory.department_id)).all())
        county_of = {j: c for c, j in session.execute(sa.select(Department.code, Department.jurisdiction_code))
                     if j != "370900"}
        existing = {c for c in session.scalars(sa.select(MarketEntity.credit_code)) if c is not None}
        rows = _entity_rows(refs, county_of, subs, sub_department, existing)
        ids = bulk.insert_entities(session, rows, ACTOR)
        if ids:
            audit.record("demo.load_entities", object_type="market_entity", actor=ACTOR,
                         payload={"count": len(ids), "first_id": ids[0], "last_id": ids[-1]})
    return {"entities created": len(ids), "sub-directories created": subs_created}


def _periods(status: str, valid_from: date) -> list[InspectorStatusPeriod]:
    periods = [InspectorStatusPeriod(status="active", starts_on=valid_from, note="演示")]
    if status != "active":
        ends = None if status in ("retired", "transferred") else _STATUS_UNTIL
        periods.append(InspectorStatusPeriod(status=status, starts_on=max(_STATUS_FROM, valid_from + timedelta(days=1)),
                                             ends_on=ends, note="演示"))
    return periods


def _inspector_specs(session: Session) -> list[dict[str, Any]]:
    specs = [dict(g) for g in generate_inspectors(INSPECTOR_COUNT, INSPECTOR_DEPARTMENTS)]
    users = dict(session.execute(sa.select(User.username, User.id)).all())
    for username, name, dept, number, specialties in LINKED_INSPECTORS:
        specs.append({"name": name, "department": dept, "certificate_number": number,
                      "certificate_valid_from": _LINKED_VALIDITY[0], "certificate_valid_until": _LINKED_VALIDITY[1],
                      "staff_category": "enforcement_civil_servant", "specialties": list(specialties),
                      "status": "active", "user_id": users.get(username)})
    return specs


def load_inspectors() -> dict[str, int]:
    with unit_of_work() as session:
        departments = {d.code: d for d in session.scalars(sa.select(Department))}
        specialties = {s.code: s for s in session.scalars(sa.select(Specialty))}
        existing = set(session.scalars(sa.select(Inspector.certificate_number)))
        created = []
        for spec in _inspector_specs(session):
            if spec["certificate_number"] in existing:
                continue
            dept = departments[spec["department"]]
            inspector = Inspector(
                name=spec["name"], department=dept, jurisdiction_code=dept.jurisdiction_code,
                certificate_number=spec["certificate_number"],
                certificate_valid_from=spec["certificate_valid_from"],
                certificate_valid_until=spec["certificate_valid_until"], staff_category=spec["staff_category"],
                user_id=spec.get("user_id"), specialty_rows=[specialties[s] for s in spec["specialties"]],
                status_periods=_periods(spec["status"], spec["certificate_valid_from"]))
            session.add(inspector)
            created.append(inspector)
        session.flush()
        for inspector in created:
            record_inspector_change(session, inspector, "create", None, actor=ACTOR)
        if created:
            audit.record("demo.load_inspectors", object_type="inspector", actor=ACTOR,
                         payload={"count": len(created), "certificates": sorted(i.certificate_number for i in created)})
    return {"inspectors created": len(created)}


def load_conflict() -> int:
    """inspector1 declares a conflict with the first entity of the food-business sub-directory."""
    with unit_of_work() as session:
        inspector = session.scalar(sa.select(Inspector).where(Inspector.certificate_number == LINKED_INSPECTORS[1][3]))
        if inspector is None or inspector.conflicts:
            return 0
        entity_id = session.scalar(sa.select(sa.func.min(SubDirectoryMember.entity_id)).join(SubDirectory)
                                   .where(SubDirectory.code == "food_business"))
        before = inspector_snapshot(inspector)
        inspector.conflicts.append(InspectorConflict(entity_id=entity_id, reason="近亲属在该单位任职（演示）",
                                                     relation="配偶任该单位股东（演示）", declared_at=utcnow()))
        inspector.updated_at = utcnow()
        session.flush()
        change = record_inspector_change(session, inspector, "conflict_declared", before, actor=ACTOR)
        audit.record("inspector.declare_conflict", object_type="inspector", object_id=inspector.id, actor=ACTOR,
                     payload={"version": inspector.version, "after": change.after})
    return 1


def load_confirmations() -> int:
    created = 0
    with unit_of_work() as session:
        admin = session.scalar(sa.select(User.id).where(User.username == "admin"))
        for code in ("market_regulation", "ecology"):
            dept_id = session.scalar(sa.select(Department.id).where(Department.code == code))
            for kind in ("entities", "inspectors"):
                done = session.scalar(sa.select(DirectoryConfirmation.id).where(
                    DirectoryConfirmation.department_id == dept_id, DirectoryConfirmation.kind == kind).limit(1))
                if done is None and admin is not None and dept_id is not None:
                    record_confirmation(session, dept_id, kind, admin, note="演示数据：名录已核对")
                    created += 1
    return created


def load_directories() -> dict[str, int]:
    summary = {**load_entities(), **load_inspectors()}
    summary["conflicts declared"] = load_conflict()
    summary["directory confirmations"] = load_confirmations()
    return summary
