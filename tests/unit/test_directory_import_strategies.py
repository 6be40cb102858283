"""Where an entity import stages its checked rows: one strategy per database engine."""
from __future__ import annotations

import sqlite3
import uuid

import pytest

from backend.directory.importing.scratch import Scratch
from backend.directory.importing.strategies import PostgresStaging, SqliteStaging, staging_for


def test_postgresql_stages_in_the_shared_tables_keyed_by_job():
    staging = staging_for("postgresql", None, uuid.uuid4())  # type: ignore[arg-type]
    assert isinstance(staging, PostgresStaging)
    assert "job_id" in staging.entity.c and staging.entity.schema is None


def test_sqlite_stages_in_the_jobs_scratch_file_keyed_by_row_number_as_rowid(tmp_path):
    scratch = Scratch(tmp_path / "scratch.sqlite")
    try:
        staging = staging_for("sqlite", scratch, uuid.uuid4())
        assert isinstance(staging, SqliteStaging)
        assert "job_id" not in staging.entity.c and "job_id" not in staging.link.c
        columns = ("seq", "action", "name", "entity_type", "division_code", "industry_code",
                   "registration_status", "departments", "sub_directories")
        row = (7, "create", "泰安", "enterprise", "370902", "F5123", "operating", "[]", "[]")
        staging.write(None, staging.entity, columns, [row])  # type: ignore[arg-type]  # no session on SQLite
        with sqlite3.connect(scratch.path) as db:
            assert db.execute("SELECT rowid, seq, name FROM import_staged_entity").fetchall() == [(7, 7, "泰安")]
            indexes = db.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                 "AND tbl_name = 'import_staged_entity'").fetchall()
        assert indexes == []  # the row number is the rowid: no second index to maintain
    finally:
        scratch.close()


def test_a_database_without_a_strategy_is_refused_rather_than_half_served():
    with pytest.raises(ValueError, match="mysql"):
        staging_for("mysql", None, uuid.uuid4())  # type: ignore[arg-type]
