"""Concurrent duplicates against a threaded WSGI server: the database makes exactly one record."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import make_server

from tests.support.apps import OTHER_DEPARTMENT, OWN_DEPARTMENT
from tests.support.field import FieldWorld, field_world


@pytest.fixture
def world(app, make_user, auth_headers) -> FieldWorld:  # type: ignore[no-untyped-def]
    return field_world(app, make_user, auth_headers, OWN_DEPARTMENT, OTHER_DEPARTMENT)


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


def send(url: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={**headers, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def all_at_once(calls: list[tuple[str, dict[str, Any], dict[str, str]]]) -> list[tuple[int, dict[str, Any]]]:
    barrier = threading.Barrier(len(calls))

    def run(call: tuple[str, dict[str, Any], dict[str, str]]) -> tuple[int, dict[str, Any]]:
        barrier.wait()
        return send(*call)

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_twenty_simultaneous_posts_of_one_record_make_exactly_one(server: str, world: FieldWorld) -> None:
    draft = world.draft()
    body = draft.body()
    answers = all_at_once([(f"{server}/api/v1/field/records", body, world.headers["lead"])] * 20)
    assert Counter(status for status, _ in answers) == {201: 1, 200: 19}
    assert len({json.dumps(result, sort_keys=True) for _, result in answers}) == 1
    from backend.db import db
    from backend.field.model import CheckRecord, CheckRecordRevision

    with world.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckRecord)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckRecordRevision)) == 1


def test_simultaneous_different_bodies_under_one_id_leave_one_winner_and_409s(
        server: str, world: FieldWorld) -> None:
    draft = world.draft()
    bodies = [draft.body()] * 15 + [draft.body(notes=f"另一版本{n}") for n in range(5)]
    answers = all_at_once([(f"{server}/api/v1/field/records", b, world.headers["lead"]) for b in bodies])
    assert [s for s, _ in answers].count(201) == 1
    winner = next(b for b, (s, _) in zip(bodies, answers) if s == 201)
    for body, (status, result) in zip(bodies, answers):
        expected = (200, 201) if body["digest"] == winner["digest"] else (409,)
        assert status in expected, result
        assert status != 409 or result["code"] == "record.id_conflict"


def test_simultaneous_amendments_of_one_revision_make_one_new_revision(server: str, world: FieldWorld) -> None:
    draft = world.draft()
    assert send(f"{server}/api/v1/field/records", draft.body(), world.headers["lead"])[0] == 201
    headers = {**world.headers["lead"], "If-Match": '"r1"'}
    url = f"{server}/api/v1/field/records/{draft.id}/revisions"
    answers = all_at_once([(url, draft.body(notes=f"修改{n}"), headers) for n in range(8)])
    assert Counter(status for status, _ in answers) == {201: 1, 412: 7}
