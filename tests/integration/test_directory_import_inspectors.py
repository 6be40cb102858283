"""Importing the inspector directory: upsert by certificate number, status periods, reach."""
from __future__ import annotations

import csv
import io
from datetime import date

import sqlalchemy as sa

from backend.db import db
from backend.directory.history import inspector_snapshot
from backend.directory.model import Inspector, InspectorChange
from tests.support.directory import headers_for  # noqa: F401
from tests.support.directory_imports import csv_bytes, inspector_row, upload, xlsx_bytes


def run(client, headers, data, filename="inspectors.csv", **kw):
    resp = upload(client, headers, data, filename, kind="inspectors", **kw)
    assert resp.status_code == 201, resp.get_json()
    job = resp.get_json()
    text = client.get(job["errors_url"], headers=headers).get_data(as_text=True)
    return job, list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def stored(app) -> dict[str, Inspector]:
    with app.app_context():
        return {i.certificate_number: i for i in db.session.scalars(sa.select(Inspector))}


def changes(app) -> list[InspectorChange]:
    with app.app_context():
        return list(db.session.scalars(sa.select(InspectorChange).order_by(InspectorChange.id)))


def test_a_file_of_inspectors_creates_each_with_its_specialties_status_and_history(app, client, headers_for):
    rows = [inspector_row(1), inspector_row(2, status="休假", status_from="2026-03-01", specialties="food")]
    job, lines = run(client, headers_for("system_admin"), csv_bytes(rows, encoding="gb18030"))
    assert (job["status"], job["created"], job["encoding"]) == ("succeeded", 2, "gb18030")
    inspectors = stored(app)
    first, second = inspectors["3709IMP000001"], inspectors["3709IMP000002"]
    assert first.specialties == ["food", "special_equipment"] and first.jurisdiction_code == "370900"
    assert (second.status_on(date(2026, 3, 2)), second.specialties) == ("on_leave", ["food"])
    with app.app_context():
        for inspector in db.session.scalars(sa.select(Inspector)):
            change = db.session.scalars(sa.select(InspectorChange)
                                        .where(InspectorChange.inspector_id == inspector.id)).one()
            assert (change.action, change.actor) == ("create", f"import:{job['id']}")
            assert change.after == inspector_snapshot(inspector)


def test_importing_inspectors_again_is_idempotent(app, client, headers_for):
    data = xlsx_bytes([inspector_row(n) for n in range(1, 4)])
    run(client, headers_for("system_admin"), data, "inspectors.xlsx")
    job, _ = run(client, headers_for("system_admin"), data, "inspectors.xlsx")
    assert (job["status"], job["unchanged"], job["imported"]) == ("succeeded", 3, 3)
    assert len(changes(app)) == 3


def test_a_changed_inspector_gets_an_update_and_a_new_status_a_status_period(app, client, headers_for):
    run(client, headers_for("system_admin"), csv_bytes([inspector_row(1), inspector_row(2)]))
    rows = [inspector_row(1, certificate_valid_until="2030-12-31", specialties="environment"),
            inspector_row(2, status="退休", status_from="2026-07-01")]
    job, _ = run(client, headers_for("system_admin"), csv_bytes(rows))
    assert (job["updated"], job["unchanged"]) == (2, 0)
    inspectors = stored(app)
    assert inspectors["3709IMP000001"].certificate_valid_until == date(2030, 12, 31)
    assert inspectors["3709IMP000001"].specialties == ["environment"]
    assert inspectors["3709IMP000002"].status_on(date(2026, 7, 2)) == "retired"
    assert [(c.action, c.version) for c in changes(app)][2:] == [("update", 2), ("status_change", 2)]


def test_an_empty_department_cell_means_the_importing_department(app, client, headers_for):
    job, _ = run(client, headers_for("department_admin"), csv_bytes([inspector_row(1, department="")]))
    assert job["created"] == 1
    with app.app_context():
        assert db.session.scalars(sa.select(Inspector)).one().department.code == "market_regulation"


def test_a_department_administrator_cannot_import_another_departments_inspectors(app, client, headers_for):
    job, lines = run(client, headers_for("department_admin"), csv_bytes([inspector_row(1, department="ecology")]))
    assert job["status"] == "rejected"
    assert [(r["field"], r["code"]) for r in lines] == [("department", "auth.out_of_scope")]
    assert stored(app) == {}


def test_bad_inspector_rows_are_reported_row_by_row(app, client, headers_for):
    rows = [inspector_row(1, certificate_valid_until="2020-01-01"), inspector_row(2, certificate_number="=1+1"),
            inspector_row(3, specialties="juggling"), inspector_row(4, staff_category="志愿者"),
            inspector_row(5, status="摸鱼"), inspector_row(6, certificate_number="3709IMP000001"),
            inspector_row(7, certificate_number="a b")]
    job, lines = run(client, headers_for("system_admin"), csv_bytes(rows))
    assert [(r["row"], r["field"], r["code"]) for r in lines] == [
        ("2", "certificate_valid_until", "inspector.certificate_dates"),
        ("3", "certificate_number", "import.formula"),
        ("4", "specialties", "inspector.unknown_specialty"),
        ("5", "staff_category", "inspector.unknown_staff_category"),
        ("6", "status", "inspector.unknown_status"),
        ("7", "certificate_number", "import.duplicate_in_file"),
        ("8", "certificate_number", "inspector.invalid_certificate_number"),
    ]
    assert stored(app) == {}
