"""A creation POST carrying the whole file: one unit of work, the same answers as the general path."""
from __future__ import annotations

import io
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from backend.audit.model import AuditCheckpoint
from backend.db import unit_of_work
from backend.evidence_store.model import CustodyEvent, EvidenceItem
from backend.uploads import admission
from backend.uploads.model import Upload
from tests.support.uploads import OFFSET_STREAM, TUS, Tus, checksum_header, jpeg, metadata_header, sha256_hex

PHOTO = jpeg((320, 240))


@pytest.fixture
def tus(client: FlaskClient, make_user: Callable[..., int], auth_headers: Callable[[str], dict[str, str]]) -> Tus:
    make_user("li-na", "inspector")
    return Tus(client, auth_headers("li-na"))


def counts(app: Flask) -> tuple[int, int, int]:
    with app.app_context(), unit_of_work() as session:
        return (session.scalar(sa.select(sa.func.count()).select_from(AuditCheckpoint)) or 0,
                session.scalar(sa.select(sa.func.count()).select_from(Upload)) or 0,
                session.scalar(sa.select(sa.func.count()).select_from(EvidenceItem)) or 0)


def test_a_photo_sent_whole_is_stored_and_recorded_with_one_signed_checkpoint(app: Flask, tus: Tus) -> None:
    checkpoints, uploads, items = counts(app)
    created = tus.create(PHOTO, filetype="image/jpeg", body=PHOTO, headers={"Upload-Checksum": checksum_header(PHOTO)})
    assert created.status_code == 201, created.get_json()
    assert created.headers["Upload-Offset"] == str(len(PHOTO)) and "Upload-Expires" not in created.headers
    assert counts(app) == (checkpoints + 1, uploads + 1, items + 1)
    status = tus.status(created.headers["Location"])
    assert (status["state"], status["offset"], status["chunks"]) == ("completed", len(PHOTO), 1)
    with app.app_context(), unit_of_work() as session:
        events = session.scalars(sa.select(CustodyEvent.event).where(CustodyEvent.blob_sha256 == sha256_hex(PHOTO))
                                 .order_by(CustodyEvent.id)).all()
    assert events == ["upload_started", "upload_completed"]
    assert not list(Path(app.config["MEDIA_ROOT"], "uploads").iterdir())  # no private file left behind


def test_a_whole_photo_that_does_not_match_its_declared_hash_is_a_failed_upload_with_its_custody_event(
        app: Flask, tus: Tus) -> None:
    created = tus.create(PHOTO, filetype="image/jpeg", sha256="0" * 64, body=PHOTO)
    assert created.status_code == 422 and created.get_json()["code"] == "upload.hash_mismatch"
    with app.app_context(), unit_of_work() as session:
        upload = session.scalars(sa.select(Upload).order_by(Upload.created_at.desc())).first()
        assert upload is not None and (upload.state, upload.failure_code) == ("failed", "upload.hash_mismatch")
        events = session.scalars(sa.select(CustodyEvent.event).where(CustodyEvent.upload_id == upload.id)
                                 .order_by(CustodyEvent.id)).all()
    assert events == ["upload_started", "upload_rejected"]
    assert not list(Path(app.config["MEDIA_ROOT"], "uploads").iterdir())


def test_a_whole_file_post_cut_short_keeps_what_arrived_and_its_retry_resumes_from_there(
        client: FlaskClient, tus: Tus) -> None:
    evidence_id, record_id = uuid.uuid4(), uuid.uuid4()
    meta = metadata_header(filename="photo", filetype="image/jpeg", sha256=sha256_hex(PHOTO),
                           record_id=str(record_id), evidence_id=str(evidence_id))
    sent = 1000
    cut = client.post("/api/v1/uploads", headers={**TUS, **tus.auth, "Upload-Length": str(len(PHOTO)),
                                                  "Upload-Metadata": meta, "Content-Type": OFFSET_STREAM},
                      input_stream=io.BytesIO(PHOTO[:sent]), environ_overrides={"CONTENT_LENGTH": str(len(PHOTO))})
    assert cut.status_code == 400 and cut.get_json()["code"] == "upload.body_incomplete"
    assert cut.get_json()["details"]["offset"] == sent

    retry = tus.create(PHOTO, filetype="image/jpeg", filename="photo", evidence_id=evidence_id, record_id=record_id,
                       body=PHOTO)
    assert retry.status_code == 201 and retry.headers["Upload-Offset"] == str(sent)  # resume, not start again
    url = retry.headers["Location"]
    assert tus.patch(url, sent, PHOTO[sent:]).status_code == 204
    assert tus.status(url)["state"] == "completed"
    assert client.get(f"/api/v1/evidence/{sha256_hex(PHOTO)}", headers=tus.auth).data == PHOTO


def test_two_whole_posts_of_one_evidence_item_at_once_make_one_upload(app: Flask, tus: Tus) -> None:
    evidence_id, record_id = uuid.uuid4(), uuid.uuid4()
    answers: list[tuple[int, str]] = []

    def post() -> None:
        other = Tus(app.test_client(), tus.auth)
        resp = other.create(PHOTO, filetype="image/jpeg", evidence_id=evidence_id, record_id=record_id, body=PHOTO)
        answers.append((resp.status_code, resp.headers.get("Location", "")))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [status for status, _ in answers] == [201] * 4
    assert len({location for _, location in answers}) == 1
    with app.app_context(), unit_of_work() as session:
        live = session.scalars(sa.select(Upload).where(Upload.evidence_id == evidence_id)).all()
    assert [u.state for u in live] == ["completed"]


def test_an_upload_that_gets_no_slot_in_time_is_told_to_retry_later_and_nothing_is_created(
        app: Flask, tus: Tus, monkeypatch: pytest.MonkeyPatch) -> None:
    app.config.update(UPLOAD_CONCURRENCY=1, UPLOAD_WAIT_SECONDS=0)
    monkeypatch.setattr(admission, "_slots", None)
    _, uploads, _ = counts(app)
    with app.test_request_context():
        with admission.slot():  # another upload holds this worker's only slot
            busy = tus.create(PHOTO, filetype="image/jpeg", body=PHOTO)
    assert busy.status_code == 503 and busy.get_json()["code"] == "upload.busy"
    assert busy.headers["Retry-After"] == "5"
    assert counts(app)[1] == uploads
    monkeypatch.setattr(admission, "_slots", None)
    assert tus.create(PHOTO, filetype="image/jpeg", body=PHOTO).status_code == 201
