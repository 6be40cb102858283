"""Import jobs: progress while running, background runs, abandoned jobs, who may see a job."""
from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import sqlalchemy as sa

from backend.db import db, utcnow
from backend.directory.importing import jobs
from backend.directory.importing.model import ImportJob, staged_entity
from backend.directory.model import MarketEntity
from tests.support.directory import headers_for  # noqa: F401
from tests.support.directory_imports import csv_bytes, entity_row, seed_import_job, upload, wait_for

URL = "/api/v1/directory/imports"


def test_progress_is_visible_through_the_api_while_a_large_file_is_checked(app, client, headers_for, monkeypatch):
    app.config["DIRECTORY_IMPORT_INLINE_BYTES"] = 0  # every file runs in the background
    monkeypatch.setattr(jobs, "BATCH_ROWS", 20)
    first_batch_done, go_on = threading.Event(), threading.Event()
    batches = jobs._batches

    def paused_after_the_first_batch(source, importer):
        for number, rows in enumerate(batches(source, importer)):
            if number == 1:
                first_batch_done.set()
                go_on.wait(30)
            yield rows

    monkeypatch.setattr(jobs, "_batches", paused_after_the_first_batch)
    admin = headers_for("system_admin")
    resp = upload(client, admin, csv_bytes([entity_row(n) for n in range(1, 101)]))
    assert resp.status_code == 201
    job_id = resp.get_json()["id"]
    try:
        assert first_batch_done.wait(30)
        running = client.get(f"{URL}/{job_id}", headers=admin).get_json()
        assert (running["status"], running["phase"], running["rows_done"]) == ("running", "checking", 20)
        assert running["rows_total_estimated"] and running["rows_total"] >= 20
        assert 0 < running["progress"] < 1 and running["errors_url"] is None
        early = client.get(f"{URL}/{job_id}/errors.csv", headers=admin)
        assert early.status_code == 409 and early.get_json()["code"] == "import.running"
    finally:
        go_on.set()
        done = wait_for(client, admin, job_id)  # also when an assertion above failed: no thread outlives the test
    assert (done["status"], done["rows_done"], done["rows_total"], done["rows_total_estimated"], done["progress"]) == \
        ("succeeded", 100, 100, False, 1.0)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MarketEntity)) == 100


def test_a_large_file_is_imported_in_the_background_and_its_upload_removed(app, client, headers_for):
    app.config["DIRECTORY_IMPORT_INLINE_BYTES"] = 100
    admin = headers_for("system_admin")
    resp = upload(client, admin, csv_bytes([entity_row(n) for n in range(1, 31)]))
    assert resp.status_code == 201 and resp.get_json()["status"] in ("queued", "running", "succeeded")
    done = wait_for(client, admin, resp.get_json()["id"])
    assert (done["status"], done["created"]) == ("succeeded", 30)
    with app.app_context():
        kept = sorted(p.name for p in jobs.job_dir(uuid.UUID(done["id"])).iterdir())
    assert kept == ["errors.csv"]  # the uploaded file and the scratch file are gone


def test_a_job_whose_process_died_is_marked_failed_when_read(app, client, headers_for):
    admin = headers_for("system_admin")
    job_id = uuid.uuid4()
    with app.app_context():
        stale = utcnow() - timedelta(seconds=app.config["DIRECTORY_IMPORT_STALE_SECONDS"] + 60)
        db.session.add(ImportJob(id=job_id, kind="entities", filename="big.csv", sha256="0" * 64, size=1,
                                 dry_run=False, status="running", phase="checking", created_at=stale,
                                 started_at=stale, heartbeat_at=stale))
        db.session.execute(sa.insert(staged_entity).values(
            job_id=job_id, seq=2, new_seq=1, action="create", name="x", entity_type="enterprise",
            division_code="370902", industry_code="H6210", registration_status="operating",
            departments="[]", sub_directories="[]"))
        db.session.commit()
    body = client.get(f"{URL}/{job_id}", headers=admin).get_json()
    assert (body["status"], body["failure_code"]) == ("failed", "import.abandoned")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(staged_entity)) == 0
    entries = client.get("/api/v1/audit/entries", query_string={"object_type": "import_job", "object_id": str(job_id)},
                         headers=headers_for("auditor")).get_json()
    assert [e["action"] for e in entries] == ["directory_import.finish"]


def test_a_running_job_with_a_recent_heartbeat_is_left_alone(app, client, headers_for):
    job_id = uuid.uuid4()
    with app.app_context():
        db.session.add(ImportJob(id=job_id, kind="entities", filename="big.csv", sha256="0" * 64, size=1,
                                 dry_run=False, status="running", created_at=utcnow(), heartbeat_at=utcnow()))
        db.session.commit()
    assert client.get(f"{URL}/{job_id}", headers=headers_for("system_admin")).get_json()["status"] == "running"


def test_a_department_administrator_cannot_see_another_departments_job(app, client, headers_for):
    other = seed_import_job(app, "ecology")
    resp = client.get(f"{URL}/{other}", headers=headers_for("department_admin"))
    assert resp.status_code == 403 and resp.get_json()["code"] == "auth.out_of_scope"
    resp = client.get(f"{URL}/{other}/errors.csv", headers=headers_for("department_admin"))
    assert resp.status_code == 403


def test_a_command_line_job_without_department_is_for_system_administrators(app, client, headers_for, tmp_path):
    path = tmp_path / "one.csv"
    path.write_bytes(csv_bytes([entity_row(1, supervising_departments="")]))
    result = app.test_cli_runner().invoke(args=["directory", "import", "entities", str(path), "--dry-run"])
    assert result.exit_code == 1  # no department: the row has no supervisor
    with app.app_context():
        job_id = db.session.scalars(sa.select(ImportJob.id)).one()
    assert client.get(f"{URL}/{job_id}", headers=headers_for("department_admin")).status_code == 403
    assert client.get(f"{URL}/{job_id}", headers=headers_for("system_admin")).status_code == 200
