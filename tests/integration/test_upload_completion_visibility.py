"""An upload is reported whole only once its evidence counts for the record.

The chaos test on PostgreSQL saw a record report a photo `not_received` although its upload had
"completed": the client's creation POST (the whole photo as its body) lost its connection after
the server had the bytes; its retry found the same upload with every byte recorded, while the
first request was still checking and storing the photo, and answered `Upload-Offset` = length.
The client took that as stored, posted its record, and the evidence item was not committed yet.
The same holds for a HEAD. Here the first request is held inside its completion while the retry
comes in from another thread.
"""
from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from backend.db import unit_of_work
from backend.evidence_store import ingest
from backend.uploads import partials
from backend.uploads.model import Upload
from tests.support.apps import OTHER_DEPARTMENT, OWN_DEPARTMENT
from tests.support.field import FieldWorld, field_world
from tests.support.uploads import Tus, checksum_header

RECORDS = "/api/v1/field/records"


@pytest.fixture
def world(app, make_user, auth_headers) -> FieldWorld:  # type: ignore[no-untyped-def]
    return field_world(app, make_user, auth_headers, OWN_DEPARTMENT, OTHER_DEPARTMENT)


def reason_for(client: FlaskClient, world: FieldWorld, record_id: str, evidence_id: str) -> str | None:
    status = client.get(f"{RECORDS}/{record_id}", headers=world.headers["lead"]).get_json()
    return next((m["reason"] for m in status["missing_evidence"] if m["id"] == evidence_id), None)


def while_completing(monkeypatch: pytest.MonkeyPatch, retry: Callable[[], None], moment: str = "checking"
                     ) -> list[threading.Thread]:
    """Run `retry` in another thread once the first request has every byte and is completing:
    while it checks the photo, or once it has moved the file into the store but not yet recorded it."""
    real, started = ingest.prepare, []

    def held(*args: Any, **kwargs: Any) -> Any:
        if started:  # the retry's own completion (a retried whole-file POST checks and stores it too)
            return real(*args, **kwargs)
        result = real(*args, **kwargs) if moment == "stored" else None
        thread = threading.Thread(target=retry)
        thread.start()
        started.append(thread)
        time.sleep(0.5)  # the retry arrives while this request is at `moment`
        return result if moment == "stored" else real(*args, **kwargs)

    monkeypatch.setattr(ingest, "prepare", held)
    return started


@pytest.mark.parametrize("moment", ["checking", "stored"])
@pytest.mark.parametrize("retry_with", ["creation POST", "HEAD", "PATCH"])
def test_a_retry_during_completion_reports_the_whole_upload_only_once_the_record_counts_it(
        client: FlaskClient, world: FieldWorld, monkeypatch: pytest.MonkeyPatch, retry_with: str, moment: str) -> None:
    draft = world.draft(photos=1)
    assert client.post(RECORDS, json=draft.body(), headers=world.headers["lead"]).status_code == 201
    picture = draft.pictures[0]
    tus = Tus(client, world.headers["lead"])
    meta: dict[str, Any] = {"filetype": picture.media_type, "evidence_id": uuid.UUID(picture.id),
                            "record_id": uuid.UUID(draft.id)}
    creation = {"body": picture.data, "headers": {"Upload-Checksum": checksum_header(picture.data)}}
    seen: dict[str, Any] = {}
    url: list[str] = []

    def retry() -> None:
        other = Tus(world.app.test_client(), world.headers["lead"])
        if retry_with == "creation POST":
            answer = other.create(picture.data, **meta, **creation)
        elif retry_with == "HEAD":
            answer = other.head(url[0])
        else:  # the same last chunk again, as a client whose connection dropped sends it
            answer = other.patch(url[0], 0, picture.data)
            assert answer.status_code == 409 and answer.get_json()["details"]["offset"] == len(picture.data)
            answer = other.head(url[0])
        seen["status"], seen["offset"] = answer.status_code, answer.headers.get("Upload-Offset")
        seen["reason"] = reason_for(world.app.test_client(), world, draft.id, picture.id)

    threads = while_completing(monkeypatch, retry, moment)
    if retry_with == "creation POST":
        first = tus.create(picture.data, **meta, **creation)
        assert first.status_code == 201, first.get_json()
    else:
        url.append(tus.create(picture.data, **meta).headers["Location"])
        first = tus.patch(url[0], 0, picture.data)
        assert first.status_code == 204, first.get_json()
    [thread] = threads
    thread.join(timeout=30)

    assert seen["status"] in (200, 201) and seen["offset"] == str(len(picture.data))
    assert seen["reason"] is None  # whole, so received: never `not_received`
    assert reason_for(client, world, draft.id, picture.id) is None
    assert tus.status(url[0] if url else first.headers["Location"])["offset"] == len(picture.data)
    assert not list(Path(world.app.config["MEDIA_ROOT"], "uploads").iterdir())  # no partial or lock file left


def test_a_retry_that_outwaits_the_lock_is_told_to_try_again_not_that_the_upload_is_whole(
        client: FlaskClient, world: FieldWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    draft = world.draft(photos=1)
    picture = draft.pictures[0]
    tus = Tus(client, world.headers["lead"])
    url = tus.create(picture.data, filetype=picture.media_type, evidence_id=uuid.UUID(picture.id),
                     record_id=uuid.UUID(draft.id)).headers["Location"]
    monkeypatch.setattr(partials, "LOCK_WAIT_SECONDS", 0.2)
    seen: dict[str, Any] = {}

    def retry() -> None:
        answer = Tus(world.app.test_client(), world.headers["lead"]).head(url)
        seen["status"], seen["offset"] = answer.status_code, answer.headers.get("Upload-Offset")

    threads = while_completing(monkeypatch, retry)
    assert tus.patch(url, 0, picture.data).status_code == 204
    threads[0].join(timeout=30)
    assert (seen["status"], seen["offset"]) == (423, None)
    assert tus.offset(url) == len(picture.data) and tus.status(url)["state"] == "completed"


def test_an_upload_whose_file_was_lost_after_its_last_byte_resumes_from_what_is_on_disk(
        client: FlaskClient, world: FieldWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file was moved into the store, then recording the evidence failed (a crash)."""
    draft = world.draft(photos=1)
    assert client.post(RECORDS, json=draft.body(), headers=world.headers["lead"]).status_code == 201
    picture = draft.pictures[0]
    tus = Tus(client, world.headers["lead"])
    url = tus.create(picture.data, filetype=picture.media_type, evidence_id=uuid.UUID(picture.id),
                     record_id=uuid.UUID(draft.id)).headers["Location"]

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("the database went away")

    monkeypatch.setattr(ingest, "record", broken)
    assert tus.patch(url, 0, picture.data).status_code == 500
    monkeypatch.undo()
    upload_id = uuid.UUID(url.rsplit("/", 1)[1])
    with world.app.app_context(), unit_of_work() as session:
        assert not partials.path_for(upload_id).exists()  # it is in the store now
        assert session.get(Upload, upload_id).offset == len(picture.data)  # type: ignore[union-attr]
    assert tus.offset(url) == 0  # not "whole": the client sends it again
    assert tus.patch(url, 0, picture.data).status_code == 204
    assert tus.status(url)["state"] == "completed"
    assert reason_for(client, world, draft.id, picture.id) is None
