"""Recovering from crashes: completion finishes later, leftovers are swept."""
from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from backend.db import unit_of_work, utcnow
from backend.evidence_store import ingest
from backend.uploads.model import Upload
from tests.support.uploads import Tus, pdf

DOC = pdf(b"on-site record " * 100)


@pytest.fixture
def tus(client: FlaskClient, make_user: Callable[..., int], auth_headers: Callable[[str], dict[str, str]]) -> Tus:
    make_user("zhang-wei", "inspector")
    return Tus(client, auth_headers("zhang-wei"))


def interrupted_completion(tus: Tus, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every byte arrives, then storing the file fails (a full disk, a crash)."""
    real = ingest.prepare

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk went away")

    monkeypatch.setattr(ingest, "prepare", broken)
    url = tus.create(DOC, filetype="application/pdf").headers["Location"]
    resp = tus.patch(url, 0, DOC)
    assert resp.status_code == 500
    assert resp.get_json()["code"] == "server.error"
    monkeypatch.setattr(ingest, "prepare", real)
    return url


def test_an_interrupted_completion_is_finished_by_the_next_head(tus: Tus, monkeypatch: pytest.MonkeyPatch) -> None:
    url = interrupted_completion(tus, monkeypatch)
    assert tus.status(url)["state"] == "active"
    resp = tus.head(url)
    assert resp.status_code == 200
    assert resp.headers["Upload-Offset"] == str(len(DOC))
    assert tus.status(url)["state"] == "completed"


def test_an_interrupted_completion_is_finished_by_the_cleaner_instead_of_expiring(
        app: Flask, tus: Tus, runner, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    url = interrupted_completion(tus, monkeypatch)
    with app.app_context(), unit_of_work() as session:
        session.get(Upload, uuid.UUID(url.rsplit("/", 1)[1])).expires_at = utcnow() - timedelta(1)  # type: ignore[union-attr]
    result = runner.invoke(args=["uploads", "clean-expired"])
    assert "expired: 0, completed: 1" in result.output
    assert tus.status(url)["state"] == "completed"


def test_the_cleaner_removes_old_partial_files_that_belong_to_no_upload(app: Flask, tus: Tus, runner) -> None:  # type: ignore[no-untyped-def]
    live = tus.create(DOC, filetype="application/pdf").headers["Location"]
    folder = Path(app.config["MEDIA_ROOT"]) / "uploads"
    stray, fresh = folder / f"{uuid.uuid4().hex}.part", folder / f"{uuid.uuid4().hex}.part"
    stray.write_bytes(b"left by a crash")
    fresh.write_bytes(b"being created right now")
    hours_ago = time.time() - 7200
    os.utime(stray, (hours_ago, hours_ago))
    os.utime(folder / f"{uuid.UUID(live.rsplit('/', 1)[1]).hex}.part", (hours_ago, hours_ago))
    result = runner.invoke(args=["uploads", "clean-expired"])
    assert "orphan files removed: 1" in result.output
    assert not stray.exists() and fresh.exists()
    assert tus.offset(live) == 0  # the active upload's file stays


def test_bytes_a_crash_left_beyond_the_recorded_offset_are_dropped(app: Flask, tus: Tus) -> None:
    url = tus.create(DOC, filetype="application/pdf").headers["Location"]
    tus.patch(url, 0, DOC[:100])
    partial = Path(app.config["MEDIA_ROOT"]) / "uploads" / f"{uuid.UUID(url.rsplit('/', 1)[1]).hex}.part"
    with partial.open("ab") as f:
        f.write(b"garbage written before the process died")
    assert tus.patch(url, 100, DOC[100:]).status_code == 204
    assert tus.client.get(f"/api/v1/evidence/{tus.status(url)['sha256']}", headers=tus.auth).data == DOC
