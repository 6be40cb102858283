"""Bad import files: each problem is a row-level or file-level error with a clear reason, and a
failed real import commits nothing."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
import sqlalchemy as sa

from backend.db import db
from backend.directory.importing.model import staged_entity
from backend.directory.model import EntityChange, MarketEntity
from tests.support.directory import credit_code, headers_for, registration_number  # noqa: F401
from tests.support.directory_imports import csv_bytes, entity_row, upload, xlsx_bytes


def run(client, headers, data, filename="entities.csv", **kw):
    resp = upload(client, headers, data, filename, **kw)
    assert resp.status_code == 201, resp.get_json()
    job = resp.get_json()
    lines = client.get(job["errors_url"], headers=headers)
    assert lines.status_code == 200
    return job, list(csv.DictReader(io.StringIO(lines.get_data(as_text=True).lstrip("\ufeff"))))


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count()).select_from(MarketEntity)),
                db.session.scalar(sa.select(sa.func.count()).select_from(EntityChange)))


def wrong_check_digit(n: int) -> str:
    code = credit_code(n)
    return code[:17] + ("0" if code[17] != "0" else "1")


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_an_invalid_credit_code_is_a_row_error_with_the_identifier_problem(app, client, headers_for, dry_run):
    rows = [entity_row(1), entity_row(2, credit_code=wrong_check_digit(2)), entity_row(3, credit_code="91370902abc")]
    job, lines = run(client, headers_for("system_admin"), csv_bytes(rows), dry_run=dry_run)
    assert (job["status"], job["valid"], job["rejected"], job["imported"]) == ("rejected", 1, 2, 0)
    assert job["failure_code"] == "import.rows_rejected"
    assert [(r["row"], r["column"], r["field"], r["code"]) for r in lines][:2] == [
        ("3", "统一社会信用代码", "credit_code", "credit_code.check_digit"),
        ("4", "统一社会信用代码", "credit_code", "credit_code.length")]
    assert lines[0]["value"] == wrong_check_digit(2) and "校验码" in lines[0]["reason"]
    assert counts(app) == (0, 0)


def test_a_key_repeated_in_the_file_points_at_its_first_row(app, client, headers_for, monkeypatch):
    monkeypatch.setattr("backend.directory.importing.jobs.BATCH_ROWS", 3)  # repeats across batches too
    rows = [entity_row(n) for n in range(1, 6)] + [entity_row(2, name="重复"), entity_row(9), entity_row(9)]
    job, lines = run(client, headers_for("system_admin"), csv_bytes(rows))
    assert job["status"] == "rejected" and job["rejected"] == 2
    assert [(r["row"], r["code"]) for r in lines] == [("7", "import.duplicate_in_file"), ("9", "import.duplicate_in_file")]
    assert "row 3" in lines[0]["reason"] and "row 8" in lines[1]["reason"]
    assert counts(app) == (0, 0)


@pytest.mark.parametrize(("field", "value", "code"), [
    ("division_code", "110101", "entity.unknown_division"),
    ("industry_code", "Z9999", "entity.unknown_industry"),
    ("risk_class", "F", "entity.unknown_risk_class"),
    ("supervising_departments", "no_such_department", "entity.unknown_department"),
    ("entity_type", "外星企业", "entity.unknown_entity_type"),
    ("registered_on", "去年", "import.invalid_date"),
    ("latitude", "91", "import.out_of_range"),
    ("name", "", "import.required"),
    ("sub_directories", "market_regulation/none", "sub_directory.unknown"),
])
def test_a_value_outside_the_standard_is_a_row_error(app, client, headers_for, field, value, code):
    job, lines = run(client, headers_for("system_admin"), csv_bytes([entity_row(1), entity_row(2, **{field: value})]))
    assert job["rejected"] == 1
    assert [(r["row"], r["field"], r["code"]) for r in lines] == [("3", field, code)]
    assert counts(app) == (0, 0)


def test_a_row_without_any_key_is_refused_since_it_could_not_be_updated_later(client, headers_for):
    row = entity_row(1, credit_code=..., entity_type="个体工商户")
    job, lines = run(client, headers_for("system_admin"), csv_bytes([row]))
    assert [(r["row"], r["code"]) for r in lines] == [("2", "import.key_required")]


def test_a_key_that_belongs_to_another_stored_entity_is_a_row_error(client, headers_for):
    admin = headers_for("system_admin")
    run(client, admin, csv_bytes([entity_row(1, registration_number=registration_number(1)), entity_row(2)]))
    job, lines = run(client, admin, csv_bytes([entity_row(2, registration_number=registration_number(1))]))
    assert [(r["field"], r["code"]) for r in lines] == [("registration_number", "entity.duplicate_registration_number")]


def test_an_import_fills_a_missing_identifier_but_never_changes_one(app, client, headers_for):
    admin = headers_for("system_admin")
    legacy = entity_row(1, credit_code=..., registration_number=registration_number(1))
    run(client, admin, csv_bytes([legacy, entity_row(2, registration_number=registration_number(2))]))
    job, _ = run(client, admin, csv_bytes([{**legacy, "统一社会信用代码": credit_code(1)}]))
    assert (job["status"], job["updated"]) == ("succeeded", 1)
    with app.app_context():
        assert db.session.scalar(sa.select(MarketEntity.credit_code).where(
            MarketEntity.registration_number == registration_number(1))) == credit_code(1)
    job, lines = run(client, admin, csv_bytes([entity_row(3, registration_number=registration_number(2))]))
    assert [(r["field"], r["code"]) for r in lines] == [("credit_code", "import.identifier_mismatch")]


def test_formula_cells_are_refused_in_key_fields_kept_as_text_elsewhere_and_escaped_in_the_report(app, client,
                                                                                                   headers_for):
    rows = [entity_row(1, name="=HYPERLINK(\"http://evil.example\",\"点我\")", legal_representative="@王某"),
            entity_row(2, credit_code="=cmd|' /C calc'!A0"), entity_row(3, industry_code="+H6210"),
            entity_row(4, division_code="\t=1+1")]
    job, lines = run(client, headers_for("system_admin"), csv_bytes(rows))
    assert [(r["row"], r["field"], r["code"]) for r in lines] == [
        ("3", "credit_code", "import.formula"), ("4", "industry_code", "import.formula"),
        ("5", "division_code", "import.formula")]
    raw = client.get(job["errors_url"], headers=headers_for("system_admin")).get_data(as_text=True)
    assert "'=cmd|' /C calc'!A0" in raw and "'+H6210" in raw and "'\t=1+1" in raw
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                   for line in csv.reader(io.StringIO(raw.lstrip("\ufeff"))) for cell in line)
    ok, _ = run(client, headers_for("system_admin"), csv_bytes(rows[:1]))
    assert ok["status"] == "succeeded"
    with app.app_context():
        stored = db.session.scalars(sa.select(MarketEntity)).one()
        assert (stored.name, stored.legal_representative) == ("=HYPERLINK(\"http://evil.example\",\"点我\")", "@王某")


def test_formulas_in_an_xlsx_are_read_as_their_text_never_computed(client, headers_for):
    job, lines = run(client, headers_for("system_admin"), xlsx_bytes([entity_row(1, division_code="=370900+2")]),
                     "entities.xlsx")
    assert [(r["field"], r["code"], r["value"]) for r in lines] == [("division_code", "import.formula", "'=370900+2")]


def _zip_not_xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "filename", "code", "line"), [
    (b"", "entities.csv", "import.empty_file", None),
    ("统一社会信用代码,名称,主体类型,行政区划代码,行业代码\r\n".encode(), "entities.csv", "import.no_rows", "2"),
    (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n", "entities.csv", "import.not_a_spreadsheet", None),
    (bytes(range(256)) * 8, "entities.xlsx", "import.not_a_spreadsheet", "1"),
    (_zip_not_xlsx(), "entities.xlsx", "import.not_a_spreadsheet", None),
    ("名称,电话\r\n某公司,123\r\n".encode(), "entities.csv", "import.bad_header", "1"),
], ids=["empty", "header-only", "pdf", "binary", "zip-not-xlsx", "unknown-columns"])
def test_a_file_that_cannot_be_imported_is_one_file_level_error(app, client, headers_for, data, filename, code, line):
    job, lines = run(client, headers_for("system_admin"), data, filename)
    assert (job["status"], job["failure_code"], job["imported"]) == ("rejected", code, 0)
    assert [(r["row"] or None, r["code"]) for r in lines] == [(line, code)]
    assert job["failure_message"] == lines[0]["reason"]
    assert counts(app) == (0, 0)


def test_a_file_in_the_wrong_encoding_names_the_line(client, headers_for):
    data = csv_bytes([entity_row(n) for n in range(1, 5)]) + "9137,某公司,企业\r\n".encode("gb18030")
    job, lines = run(client, headers_for("system_admin"), data)
    assert (job["failure_code"], lines[0]["row"]) == ("import.encoding", "6")
    assert "line 6" in job["failure_message"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_truncated_file_is_refused_and_nothing_of_it_is_written(app, client, headers_for, kind):
    rows = [entity_row(n) for n in range(1, 300)] + [entity_row(300, name='带"引号"的名称')]
    data = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    cut = data[:data.rindex("引号".encode())] if kind == "csv" else data[:len(data) * 2 // 3]
    job, lines = run(client, headers_for("system_admin"), cut, f"entities.{kind}")
    assert (job["status"], job["failure_code"]) == ("rejected", "import.damaged")
    assert counts(app) == (0, 0)


def test_a_real_import_with_one_bad_row_late_in_the_file_commits_nothing(app, client, headers_for, monkeypatch):
    monkeypatch.setattr("backend.directory.importing.jobs.BATCH_ROWS", 50)  # good batches are staged first
    rows = [entity_row(n) for n in range(1, 400)] + [entity_row(400, division_code="999999")]
    job, lines = run(client, headers_for("system_admin"), csv_bytes(rows))
    assert (job["status"], job["valid"], job["rejected"], job["imported"]) == ("rejected", 399, 1, 0)
    assert counts(app) == (0, 0)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(staged_entity)) == 0


def test_a_failure_while_applying_rolls_everything_back(app, client, headers_for, monkeypatch):
    from backend.directory.importing.entities import EntityImporter

    original = EntityImporter.apply

    def apply_then_fail(self, session, tally):
        original(self, session, tally)
        assert session.scalar(sa.select(sa.func.count()).select_from(MarketEntity)) == 3  # written, not committed
        raise RuntimeError("disk full")

    monkeypatch.setattr(EntityImporter, "apply", apply_then_fail)
    job, _ = run(client, headers_for("system_admin"), csv_bytes([entity_row(n) for n in range(1, 4)]))
    assert (job["status"], job["failure_code"], job["imported"]) == ("failed", "import.failed", 0)
    assert counts(app) == (0, 0)


def test_an_entity_changed_between_check_and_apply_fails_the_import_cleanly(app, client, headers_for, monkeypatch):
    admin = headers_for("system_admin")
    run(client, admin, csv_bytes([entity_row(1)]))
    from backend.directory.importing.entities import EntityImporter

    original = EntityImporter.apply

    def someone_edits_first(self, session, tally):
        session.execute(sa.update(MarketEntity).values(version=MarketEntity.version + 1))
        original(self, session, tally)

    monkeypatch.setattr(EntityImporter, "apply", someone_edits_first)
    job, _ = run(client, admin, csv_bytes([entity_row(1, name="改名"), entity_row(2)]))
    assert (job["status"], job["failure_code"]) == ("failed", "import.directory_changed")
    assert counts(app) == (1, 1)
