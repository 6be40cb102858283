"""The app as deployed: gunicorn with the committed config, over real HTTP (urllib only)."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

DEMO_ACCOUNTS = ("admin", "lead", "inspector1", "inspector2", "inspector3", "head", "auditor")
DEMO_PASSWORD = "demo-password"


def call(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
         ) -> tuple[int, dict[str, str], bytes]:
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method, headers={
        **({"Content-Type": "application/json"} if data is not None else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def sign_in(base: str, username: str, password: str = DEMO_PASSWORD) -> tuple[int, dict[str, Any]]:
    status, _, body = call("POST", f"{base}/api/v1/auth/token", {"username": username, "password": password})
    return status, json.loads(body)


def test_the_live_server_is_healthy_with_migrations_at_head(live_server: str) -> None:
    status, _, body = call("GET", f"{live_server}/healthz")
    report = json.loads(body)
    assert status == 200
    assert report["database"] == "ok"
    assert report["migrations"]["at_head"] is True


def test_the_live_server_serves_the_openapi_document(live_server: str) -> None:
    status, headers, body = call("GET", f"{live_server}/api/openapi.json")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    document = json.loads(body)
    assert document["openapi"].startswith("3.")
    assert "/api/v1/auth/token" in document["paths"]


@pytest.mark.parametrize("username", DEMO_ACCOUNTS)
def test_each_demo_account_signs_in_and_its_token_is_accepted(live_server: str, username: str) -> None:
    status, tokens = sign_in(live_server, username)
    assert status == 200, tokens
    me_status, _, me = call("GET", f"{live_server}/api/v1/auth/me",
                            headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me_status == 200
    assert json.loads(me)["username"] == username


def test_a_wrong_password_is_refused_with_problem_json(live_server: str) -> None:
    status, problem = sign_in(live_server, "inspector1", "not-the-password")
    assert status == 401
    assert problem["code"] == "auth.invalid_credentials"


def test_an_access_log_line_is_json_carrying_the_request_id(live_server: str, access_log: Path) -> None:
    request_id = f"e2e-{uuid.uuid4().hex}"
    status, headers, _ = call("GET", f"{live_server}/healthz", headers={"X-Request-Id": request_id})
    assert status == 200
    assert headers["X-Request-Id"] == request_id
    deadline = time.monotonic() + 5
    line = None
    while line is None and time.monotonic() < deadline:
        line = next((x for x in access_log.read_text("utf-8").splitlines() if request_id in x), None)
        time.sleep(0.05)
    assert line is not None, "no access log line for the request"
    entry = json.loads(line)
    assert entry["request_id"] == request_id
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/healthz", 200)
    assert entry["bytes"] > 0
    assert isinstance(entry["duration_ms"], int)


def test_the_audit_log_of_the_live_database_verifies_after_sign_ins(live_server: str, live_cli) -> None:  # type: ignore[no-untyped-def]
    for username in DEMO_ACCOUNTS:
        assert sign_in(live_server, username)[0] == 200
    result = live_cli("audit", "verify")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("audit log OK")
    entries = int(result.stdout.split(":")[1].split()[0])
    assert entries >= 2 * len(DEMO_ACCOUNTS)  # account creations plus at least one sign-in each
