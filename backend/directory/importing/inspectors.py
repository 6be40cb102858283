"""Importing the inspector directory: upsert by certificate number (执法证号).

A department's inspector list is small (hundreds, a few thousand city-wide), so rows are written
through the ORM with the same history rows as the API: the check pass writes nothing, and the
apply pass checks the file again inside one transaction and writes it. The row is the record for
the columns the file has: specialties are replaced, an empty 所属部门 means the importing
department. 状态 / 状态起始日期 give a new inspector's first status period; for a stored
inspector whose status on that day differs, they add a status period (a `status_change`).
"""
from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.directory import rules, standard
from backend.directory.availability import INSPECTOR_STATUSES
from backend.directory.history import inspector_snapshot, record_inspector_change
from backend.directory.importing import cells
from backend.directory.importing.columns import ColumnMap
from backend.directory.importing.rows import Context, Row, RowParser, merge_rule_errors
from backend.directory.inspectors import today
from backend.directory.model import Inspector, InspectorStatusPeriod, Specialty
from backend.directory.reference import load_references
from backend.errors import Forbidden
from backend.orgs.model import Department
from backend.policy import ensure

# The API's rule for a certificate number (InspectorCreateSchema); a unit test keeps them equal.
CERTIFICATE = re.compile(r"[0-9A-Za-z-]{4,32}")
REQUIRED = tuple(c.field for c in standard.INSPECTOR_COLUMNS if c.required and c.field != "department")
_RECORD = ("name", "certificate_number", "certificate_valid_from", "certificate_valid_until", "staff_category")


def _certificate(raw: Any) -> str | None:
    value = cells.code(raw)
    if value is not None and CERTIFICATE.fullmatch(value) is None:
        raise cells.CellError("inspector.invalid_certificate_number",
                              "a certificate number is 4-32 digits, letters and -")
    return value


class InspectorImporter:
    columns = standard.INSPECTOR_COLUMNS
    defaulted = frozenset({"department"})
    staged = False

    def __init__(self, session: Session, ctx: Context) -> None:
        self.ctx = ctx
        self.refs = load_references(session)
        self.department_code = {i: c for c, i in self.refs.departments.items()}
        specialties = cells.label_lookup(dict(session.execute(sa.select(Specialty.code, Specialty.name_zh)).all()))
        staff = cells.label_lookup(standard.STAFF_CATEGORY_LABELS)
        statuses = cells.label_lookup(standard.INSPECTOR_STATUS_LABELS)
        self.default_department = self.department_code.get(ctx.department_id) if ctx.department_id else None
        self.parsers = {
            "name": lambda c: cells.free_text(c, Inspector.__table__.c.name.type.length),
            "department": cells.code, "jurisdiction": cells.code, "certificate_number": _certificate,
            "certificate_valid_from": cells.day, "certificate_valid_until": cells.day,
            "staff_category": lambda c: cells.enum(c, staff),
            "specialties": lambda c: [specialties.get(v.lower(), v)
                                      for v in cells.values_list(c, standard.LIST_SEPARATORS)],
            "status": lambda c: cells.enum(c, statuses), "status_from": cells.day,
        }

    def use_columns(self, columns: ColumnMap) -> None:
        self.parse = RowParser(columns, self.parsers)
        self.written = frozenset(columns.index) - {"status", "status_from"}

    def keys(self, row: Row) -> list[tuple[str, str]]:
        number = row.values.get("certificate_number")
        return [("certificate_number", number)] if number else []

    def check(self, session: Session, rows: list[Row]) -> None:
        numbers = sorted({r.values["certificate_number"] for r in rows if r.values.get("certificate_number")})
        stored = {i.certificate_number: i for i in session.scalars(
            sa.select(Inspector).where(Inspector.certificate_number.in_(numbers)))} if numbers else {}
        for row in rows:
            self._check_row(row, stored.get(row.values.get("certificate_number") or ""))

    def _check_row(self, row: Row, inspector: Inspector | None) -> None:
        values = row.values
        department = values.get("department") or (self.default_department if inspector is None else None)
        if inspector is None:
            merged = {f: values.get(f) for f in rules.INSPECTOR_FIELDS}
            merged.update(department=department, specialties=values.get("specialties") or [], user_id=None)
            current: dict[str, Any] = {}
            fields = None
        else:
            current = {**{f: getattr(inspector, f) for f in (*_RECORD, "specialties")},
                       "department": inspector.department.code, "jurisdiction": inspector.jurisdiction_code}
            merged = dict(current)
            for f in self.written:
                if not row.failed(f) and (values.get(f) is not None or f == "specialties"):
                    merged[f] = values.get(f) or ([] if f == "specialties" else None)
            if department:
                merged["department"] = department
            fields = set(self.written)
        for f in (*REQUIRED, "department"):
            if merged.get(f) is None and not row.failed(f):
                row.fail(f, "import.required", "a value is required")
        out, errors = rules.check_inspector(merged, self.refs, fields)
        merge_rule_errors(row, errors)
        status = values.get("status")
        if status is not None and status not in INSPECTOR_STATUSES and not row.failed("status"):
            row.fail("status", "inspector.unknown_status", f"status must be one of {INSPECTOR_STATUSES}")
        if row.errors:
            return
        department_id = self.refs.departments[out["department"]]
        try:
            ensure(self.ctx.principal, "directory.manage", department_id)
            if inspector is not None:
                ensure(self.ctx.principal, "directory.manage", inspector.department_id)
        except Forbidden as exc:
            row.forbid("department", exc)
            return
        starts_on = values.get("status_from") or today()
        if inspector is None:
            row.plan = "create"
            row.work = (out, department_id, status or "active", starts_on)
            return
        changed = {f for f in current if out.get(f, current[f]) != current[f]}
        new_status = status if status is not None and inspector.status_on(starts_on) != status else None
        row.plan = "update" if changed else "status_change" if new_status else "unchanged"
        row.work = (out, department_id, new_status, starts_on, changed, inspector)

    def write(self, session: Session, rows: list[Row]) -> None:
        for row in rows:
            if row.plan == "create":
                self._create(session, *row.work)
            elif row.plan in ("update", "status_change"):
                self._update(session, *row.work)

    def _create(self, session: Session, out: dict[str, Any], department_id: int, status: str, starts_on: Any) -> None:
        specialties = list(session.scalars(sa.select(Specialty).where(Specialty.code.in_(out["specialties"]))))
        department = session.get(Department, department_id)
        assert department is not None
        inspector = Inspector(
            name=out["name"], department_id=department_id,
            jurisdiction_code=out["jurisdiction"] or department.jurisdiction_code,
            certificate_number=out["certificate_number"], certificate_valid_from=out["certificate_valid_from"],
            certificate_valid_until=out["certificate_valid_until"], staff_category=out["staff_category"],
            specialty_rows=specialties, status_periods=[InspectorStatusPeriod(status=status, starts_on=starts_on)],
            created_at=self.ctx.now, updated_at=self.ctx.now)
        session.add(inspector)
        session.flush()
        record_inspector_change(session, inspector, "create", None, actor=self.ctx.actor)

    def _update(self, session: Session, out: dict[str, Any], department_id: int, new_status: str | None,
                starts_on: Any, changed: set[str], inspector: Inspector) -> None:
        if changed:
            before = inspector_snapshot(inspector)
            specialties = list(session.scalars(sa.select(Specialty).where(Specialty.code.in_(out["specialties"]))))
            for f in changed & set(_RECORD):  # one UPDATE, so one new version: no queries from here to flush
                setattr(inspector, f, out[f])
            if "department" in changed:
                inspector.department_id = department_id
            if "jurisdiction" in changed:
                inspector.jurisdiction_code = out["jurisdiction"]
            if "specialties" in changed:
                inspector.specialty_rows = specialties
            inspector.updated_at = self.ctx.now
            session.flush()
            session.expire(inspector, ["department"])
            record_inspector_change(session, inspector, "update", before, actor=self.ctx.actor)
        if new_status is not None:
            before = inspector_snapshot(inspector)
            inspector.status_periods.append(InspectorStatusPeriod(status=new_status, starts_on=starts_on))
            inspector.updated_at = self.ctx.now
            session.flush()
            record_inspector_change(session, inspector, "status_change", before, actor=self.ctx.actor)
