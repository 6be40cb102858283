"""The app, its test client, and named fixture users in two departments."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from backend import create_app
from backend.db import build_engine

__all__ = ["_shared_app", "app", "client", "runner", "make_user", "login", "auth_headers"]

OWN_DEPARTMENT = "market_regulation"
OTHER_DEPARTMENT = "ecology"
PASSWORD = "fixture-password"


@pytest.fixture(scope="session")
def _shared_app() -> Flask:
    # Building the app (mostly flask-smorest assembling the OpenAPI spec) costs ~0.1 s; tests
    # share one app and get their own database engine and a restored config each time.
    return create_app({"SQLALCHEMY_DATABASE_URL": "sqlite://"})


@pytest.fixture
def app(_shared_app: Flask, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = _shared_app
    saved_config = dict(app.config)
    saved_engine = app.extensions["ssgk.engine"]
    app.config.update(SQLALCHEMY_DATABASE_URL=database_url, MEDIA_ROOT=str(tmp_path / "media"))
    engine = build_engine(database_url)
    app.extensions["ssgk.engine"] = engine
    try:
        yield app
    finally:
        engine.dispose()
        app.extensions["ssgk.engine"] = saved_engine
        app.extensions.pop("ssgk.audit_key", None)
        app.config.clear()
        app.config.update(saved_config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., int]:
    """Create a user directly through the service layer; returns the user id."""
    from backend.accounts import users
    from backend.policy import Principal

    system = Principal(0, "fixture", 0, None, frozenset({"system_admin"}))

    def make(username: str, *roles: str, department: str = OWN_DEPARTMENT, **extra: Any) -> int:
        with app.test_request_context():
            user = users.create_user(system, {"username": username, "display_name": username.title(),
                                              "password": PASSWORD, "department": department,
                                              "roles": list(roles), "jurisdiction": extra.get("jurisdiction")})
            return user.id

    return make


@pytest.fixture
def login(client: FlaskClient) -> Callable[[str], dict[str, Any]]:
    """Sign in and return the token pair."""

    def do(username: str, password: str = PASSWORD) -> dict[str, Any]:
        resp = client.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()

    return do


@pytest.fixture
def auth_headers(login: Callable[[str], dict[str, Any]]) -> Callable[[str], dict[str, str]]:
    def headers(username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {login(username)['access_token']}"}

    return headers
