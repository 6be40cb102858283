"""`flask --app backend directory import entities|inspectors FILE [--dry-run] [--department CODE]`."""
from __future__ import annotations

import io
from pathlib import Path

import sqlalchemy as sa

from backend.db import db
from backend.directory.importing import cli
from backend.directory.importing.model import ImportJob
from backend.directory.model import Inspector, MarketEntity
from tests.support.directory_imports import csv_bytes, entity_row, inspector_row, xlsx_bytes


def invoke(runner, *args: str):
    return runner.invoke(args=["directory", "import", *args])


def report_path(output: str) -> Path:
    return Path(output.rsplit("error report: ", 1)[1].strip())


def test_an_import_ends_by_saying_how_many_rows_were_imported_and_where_the_report_is(app, runner, tmp_path):
    path = tmp_path / "entities.csv"
    path.write_bytes(csv_bytes([entity_row(n, supervising_departments="") for n in range(1, 4)], encoding="gb18030"))
    result = invoke(runner, "entities", str(path), "--department", "market_regulation")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[-2] == "imported 3, rejected 0"
    assert report_path(result.stdout).is_file() and report_path(result.stdout).name == "errors.csv"
    with app.app_context():
        assert [e.supervising_departments for e in db.session.scalars(sa.select(MarketEntity))] == \
            [["market_regulation"]] * 3
        job = db.session.scalars(sa.select(ImportJob)).one()
        assert (job.created_by, job.status, job.department.code) == (None, "succeeded", "market_regulation")


def test_a_dry_run_says_what_would_happen_and_writes_nothing(app, runner, tmp_path):
    path = tmp_path / "entities.xlsx"
    path.write_bytes(xlsx_bytes([entity_row(n) for n in range(1, 3)]))
    result = invoke(runner, "entities", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run: 2 rows meet the standard (2 new, 0 changed, 0 unchanged); nothing was written" in result.stdout
    assert "imported 0, rejected 0" in result.stdout
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MarketEntity)) == 0


def test_rejected_rows_give_a_non_zero_exit_and_the_report_lists_them(app, runner, tmp_path):
    path = tmp_path / "inspectors.csv"
    path.write_bytes(csv_bytes([inspector_row(1), inspector_row(2, certificate_valid_until="2000-01-01")]))
    result = invoke(runner, "inspectors", str(path))
    assert result.exit_code == 1
    assert "imported 0, rejected 1" in result.stdout
    assert "rejected: 1 of 2 rows have errors" in result.stderr
    report = report_path(result.stdout).read_text("utf-8-sig")
    assert "3,有效期止,certificate_valid_until,inspector.certificate_dates" in report
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Inspector)) == 0


def test_a_file_that_is_not_a_spreadsheet_is_a_non_zero_exit_with_the_reason(runner, tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    result = invoke(runner, "entities", str(path))
    assert result.exit_code == 1
    assert "a PDF document, not a CSV or XLSX spreadsheet" in result.stderr
    assert "imported 0, rejected 0" in result.stdout


def test_an_unknown_department_is_a_usage_error(runner, tmp_path):
    path = tmp_path / "entities.csv"
    path.write_bytes(csv_bytes([entity_row(1)]))
    result = invoke(runner, "entities", str(path), "--department", "nowhere")
    assert result.exit_code == 2 and "no department 'nowhere'" in result.output


def test_progress_is_printed_as_plain_lines_when_not_on_a_terminal(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "_PLAIN_EVERY", 0)
    monkeypatch.setattr("backend.directory.importing.jobs.BATCH_ROWS", 2)
    path = tmp_path / "entities.csv"
    path.write_bytes(csv_bytes([entity_row(n) for n in range(1, 6)]))
    result = invoke(runner, "entities", str(path))
    assert result.exit_code == 0, result.output
    assert "checked 2 rows (40%), 0 rejected" in result.stderr
    assert "checked 5 rows (100%), 0 rejected" in result.stderr
    assert "writing them in one transaction" in result.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_is_drawn_on_a_terminal():
    screen = _Terminal()
    progress = cli._Progress(screen)
    progress({"rows_done": 500, "rows_total": 1000, "rejected": 0})
    progress({"phase": "applying"})
    drawn = screen.getvalue()
    assert "checking" in drawn and "100%" in drawn and "writing them in one transaction" in drawn
