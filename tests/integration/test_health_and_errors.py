"""/healthz, the shape of every error response, and request ids."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from backend import create_app
from backend.migrate import alembic_config, head_revisions
from backend.policy import public
from tests.support.apps import PASSWORD

PROBLEM_KEYS = {"code", "status", "message", "errors", "details"}


def assert_problem(resp, status: int, code: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.headers["Content-Type"] == "application/problem+json"
    body = resp.get_json()
    assert (body["status"], body["code"]) == (status, code), body
    return body


# --- /healthz ---------------------------------------------------------------------------


def test_healthz_reports_a_reachable_database_at_the_latest_migration(client):
    resp = client.get("/healthz")  # no sign-in needed
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["migrations"]["at_head"] is True
    assert body["migrations"]["current"] == body["migrations"]["head"] == head_revisions()


def test_healthz_is_503_when_the_schema_is_behind(app, client, database_url):
    from alembic import command

    command.downgrade(alembic_config(database_url), "base")
    resp = client.get("/healthz")
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["status"] == "degraded"
    assert body["migrations"]["at_head"] is False
    assert body["migrations"]["current"] == []


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path: Path):
    app = create_app({"SQLALCHEMY_DATABASE_URL": f"sqlite:///{tmp_path}/no/such/dir/x.db",
                      "MEDIA_ROOT": str(tmp_path / "media")})
    try:
        resp = app.test_client().get("/healthz")
    finally:
        app.extensions["ssgk.engine"].dispose()
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["status"] == "error"
    assert body["database"].startswith("unreachable")
    assert body["migrations"]["at_head"] is False


# --- routes that do not exist or do not take the method --------------------------------------


@pytest.mark.parametrize("url", ["/nope", "/api/v1/nope", "/api/v1/users/abc", "/api/v2/auth/token"])
def test_an_unknown_route_is_a_404_problem(client, url):
    body = assert_problem(client.get(url), 404, "route.not_found")
    assert set(body) == PROBLEM_KEYS


@pytest.mark.parametrize(("method", "url", "allowed"), [
    ("DELETE", "/api/v1/auth/token", {"POST"}),
    ("GET", "/api/v1/auth/refresh", {"POST"}),
    ("POST", "/healthz", {"GET", "HEAD"}),
    ("PUT", "/api/v1/users/1", {"GET", "HEAD", "PATCH"}),
    ("DELETE", "/api/v1/audit/checkpoint", {"GET", "HEAD"}),
])
def test_a_wrong_method_is_a_405_problem_naming_the_allowed_methods(client, method, url, allowed):
    resp = client.open(url, method=method)
    body = assert_problem(resp, 405, "route.method_not_allowed")
    assert set(body) == PROBLEM_KEYS
    listed = {m.strip() for m in resp.headers["Allow"].split(",")}
    assert allowed <= listed
    assert method not in listed


# --- every error has the same shape ------------------------------------------------------------


@dataclass
class World:
    app: Flask
    client: FlaskClient
    make_user: Callable[..., int]
    auth_headers: Callable[[str], dict[str, str]]


def _throttled(w: World):  # type: ignore[no-untyped-def]
    w.app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 1
    w.client.post("/api/v1/auth/token", json={"username": "insp", "password": "wrong-password"})
    return w.client.post("/api/v1/auth/token", json={"username": "insp", "password": PASSWORD})


def _too_large(w: World):  # type: ignore[no-untyped-def]
    w.app.config["MAX_CONTENT_LENGTH"] = 1024
    return w.client.post("/api/v1/auth/token", json={"username": "insp", "password": "x" * 2000})


def _stale(w: World):  # type: ignore[no-untyped-def]
    headers = w.auth_headers("root")
    return w.client.patch("/api/v1/users/2", json={"display_name": "X"}, headers={**headers, "If-Match": '"old"'})


def _new_user(username: str) -> dict[str, Any]:
    return {"username": username, "display_name": "X", "password": "a-long-password",
            "department": "market_regulation", "roles": ["inspector"]}


ERRORS = [
    pytest.param(lambda w: w.client.post("/api/v1/auth/token", data="{", content_type="application/json"),
                 400, "request.malformed_json", id="400-malformed-json"),
    pytest.param(lambda w: w.client.get("/api/v1/auth/me"), 401, "auth.required", id="401-no-token"),
    pytest.param(lambda w: w.client.post("/api/v1/auth/token", json={"username": "insp", "password": "nope"}),
                 401, "auth.invalid_credentials", id="401-bad-password"),
    pytest.param(lambda w: w.client.get("/api/v1/users", headers=w.auth_headers("insp")),
                 403, "auth.forbidden", id="403-forbidden"),
    pytest.param(lambda w: w.client.get("/api/v1/users/99999", headers=w.auth_headers("root")),
                 404, "user.not_found", id="404-domain"),
    pytest.param(lambda w: w.client.get("/nope"), 404, "route.not_found", id="404-route"),
    pytest.param(lambda w: w.client.delete("/healthz"), 405, "route.method_not_allowed", id="405"),
    pytest.param(lambda w: w.client.post("/api/v1/users", json=_new_user("insp"), headers=w.auth_headers("root")),
                 409, "user.username_taken", id="409"),
    pytest.param(_stale, 412, "version.stale", id="412"),
    pytest.param(_too_large, 413, "request.too_large", id="413"),
    pytest.param(lambda w: w.client.post("/api/v1/auth/token", json={"username": 5}),
                 422, "validation.failed", id="422-schema"),
    pytest.param(lambda w: w.client.post("/api/v1/users", json={**_new_user("x1"), "department": "none"},
                                         headers=w.auth_headers("root")),
                 422, "user.unknown_department", id="422-domain"),
    pytest.param(lambda w: w.client.patch("/api/v1/users/2", json={"display_name": "X"},
                                          headers=w.auth_headers("root")),
                 428, "version.required", id="428"),
    pytest.param(_throttled, 429, "auth.throttled", id="429"),
]


@pytest.mark.parametrize(("make_error", "status", "code"), ERRORS)
def test_every_error_response_is_problem_json_with_exactly_five_keys(app, client, make_user, auth_headers,
                                                                      make_error, status, code):
    make_user("root", "system_admin")
    make_user("insp", "inspector")
    resp = make_error(World(app, client, make_user, auth_headers))
    body = assert_problem(resp, status, code)
    assert set(body) == PROBLEM_KEYS
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    assert isinstance(body["details"], dict)
    assert re.fullmatch(r"[a-z_]+\.[a-z_]+", body["code"])


def test_an_unexpected_failure_is_a_500_problem_that_leaks_nothing(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URL": database_url})  # its own app: it adds a route

    @app.route("/test-only/boom")
    @public
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("secret connection string postgresql://admin:hunter2@db")

    resp = app.test_client().get("/test-only/boom")
    body = assert_problem(resp, 500, "server.error")
    assert set(body) == PROBLEM_KEYS
    assert "hunter2" not in resp.get_data(as_text=True)
    assert "RuntimeError" not in resp.get_data(as_text=True)


def test_validation_errors_say_where_and_which_field(client):
    body = assert_problem(client.post("/api/v1/auth/token", json={"username": 5, "password": "x", "extra": 1}),
                          422, "validation.failed")
    assert set(body["errors"]["json"]) == {"username", "extra"}


# --- request ids -------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url"), [("GET", "/healthz"), ("GET", "/nope"), ("GET", "/api/v1/auth/me"),
                                             ("GET", "/api/v1/departments")])
def test_every_response_carries_a_request_id(client, method, url):
    resp = client.open(url, method=method)
    assert re.fullmatch(r"[0-9a-f]{32}", resp.headers["X-Request-Id"])


def test_each_request_gets_its_own_id(client):
    ids = {client.get("/healthz").headers["X-Request-Id"] for _ in range(3)}
    assert len(ids) == 3


@pytest.mark.parametrize("supplied", ["abcdefgh", "req-2026.11.25_0001", "A" * 64,
                                      "0f8fad5b-d9cb-469f-a165-70867728950e"])
def test_a_valid_supplied_request_id_is_echoed(client, supplied):
    assert client.get("/healthz", headers={"X-Request-Id": supplied}).headers["X-Request-Id"] == supplied


@pytest.mark.parametrize("supplied", ["short", "has spaces in it", "A" * 65, "<script>alert(1)</script>",
                                      "line\\nbreak-inject", "中文请求编号编号编号"])
def test_an_invalid_supplied_request_id_is_replaced(client, supplied):
    got = client.get("/healthz", headers={"X-Request-Id": supplied}).headers["X-Request-Id"]
    assert got != supplied
    assert re.fullmatch(r"[0-9a-f]{32}", got)


def test_an_error_names_its_request_id_in_the_body_too(client):
    resp = client.get("/nope", headers={"X-Request-Id": "trace-me-please"})
    body = assert_problem(resp, 404, "route.not_found")
    assert resp.headers["X-Request-Id"] == body["details"]["request_id"] == "trace-me-please"


def test_a_nul_character_in_a_search_is_a_422_not_a_server_error(make_user, auth_headers, client):
    make_user("nul_admin", "system_admin")
    resp = client.get("/api/v1/entities?q=a%00b", headers=auth_headers("nul_admin"))
    assert resp.status_code in (200, 422)  # SQLite can search it; PostgreSQL cannot store NUL
    assert resp.status_code != 500
