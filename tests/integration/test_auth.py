"""Sign-in, token rotation, sign-out, throttling, and how bad tokens and bad bodies are refused."""
from __future__ import annotations

import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from flask import Flask

from backend.accounts import users
from backend.accounts.model import LoginAttempt, RefreshToken
from backend.audit.model import AuditEntry
from backend.db import db, unit_of_work
from backend.policy import Principal
from tests.support.apps import PASSWORD

TOKEN = "/api/v1/auth/token"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/auth/me"
SYSTEM = Principal(0, "fixture", 0, None, frozenset({"system_admin"}))


# --- helpers -----------------------------------------------------------------


def assert_problem(resp, status: int, code: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.headers["Content-Type"] == "application/problem+json"
    body = resp.get_json()
    assert (body["status"], body["code"]) == (status, code), body
    return body


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def audit_actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.leaf_index)))


def sign_in(client, username: str, password: str = PASSWORD, address: str = "127.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post(TOKEN, json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def refresh(client, token: str):  # type: ignore[no-untyped-def]
    return client.post(REFRESH, json={"refresh_token": token})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def disable(app: Flask, user_id: int) -> None:
    with app.test_request_context():
        users.update_user(SYSTEM, users.get_user(user_id), {"is_active": False})


def craft(app: Flask, *, alg: str = "HS256", kid: str | None = None, key: str | None = None,
          **claim_overrides: Any) -> str:
    """An access token made outside the app, from the test key unless told otherwise."""
    cfg = app.config
    kid = kid or cfg["JWT_ACTIVE_KEY_ID"]
    now = datetime.now(timezone.utc).replace(microsecond=0)
    claims = {"iss": cfg["JWT_ISSUER"], "aud": cfg["JWT_AUDIENCE"], "sub": "1", "iat": now, "nbf": now,
              "exp": now + timedelta(minutes=5), "jti": "x" * 32, "typ": "access", "roles": [], "dept": 1}
    claims.update(claim_overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    secret = None if alg == "none" else (key or cfg["JWT_KEYS"][cfg["JWT_ACTIVE_KEY_ID"]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)  # HS512 with a 43-byte test key
        return jwt.encode(claims, secret, algorithm=alg, headers={"kid": kid})


@pytest.fixture
def alice(make_user) -> int:  # type: ignore[no-untyped-def]
    return make_user("alice", "inspector")


@pytest.fixture
def low_limits(app: Flask) -> Flask:
    """Throttle after 3 failures per account and 5 per address."""
    app.config.update(LOGIN_MAX_FAILURES_PER_ACCOUNT=3, LOGIN_MAX_FAILURES_PER_ADDRESS=5)
    return app


# --- signing in --------------------------------------------------------------


def test_signing_in_returns_an_access_token_a_refresh_token_and_their_lifetimes(app, client, alice):
    resp = sign_in(client, "alice")
    assert resp.status_code == 200
    body = resp.get_json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in", "refresh_expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == app.config["ACCESS_TOKEN_TTL"] == 900
    assert body["refresh_expires_in"] == app.config["REFRESH_TOKEN_TTL"]
    assert body["refresh_token"] != body["access_token"]


def test_the_access_token_is_an_hs256_jwt_with_key_id_issuer_audience_expiry_and_subject(app, client, alice):
    token = sign_in(client, "alice").get_json()["access_token"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "HS256"
    assert header["kid"] == app.config["JWT_ACTIVE_KEY_ID"] == "test-1"
    claims = jwt.decode(token, app.config["JWT_KEYS"]["test-1"], algorithms=["HS256"],
                        audience="ssgk-api", issuer="ssgk-inspection")
    assert claims["sub"] == str(alice)
    assert claims["exp"] - claims["iat"] == 900
    assert abs(claims["iat"] - datetime.now(timezone.utc).timestamp()) < 5


def test_the_access_token_opens_the_api_as_its_user(client, alice):
    token = sign_in(client, "alice").get_json()["access_token"]
    resp = client.get(ME, headers=bearer(token))
    assert resp.status_code == 200
    assert resp.get_json()["id"] == alice


def test_only_the_hash_of_a_refresh_token_is_stored(app, client, alice):
    token = sign_in(client, "alice").get_json()["refresh_token"]
    with app.app_context():
        stored = db.session.scalars(sa.select(RefreshToken.token_hash)).all()
    assert len(stored) == 1
    assert token not in stored[0]


def test_a_wrong_password_is_refused_and_counted(app, client, alice):
    body = assert_problem(sign_in(client, "alice", "wrong-password"), 401, "auth.invalid_credentials")
    assert "access_token" not in body
    assert count(app, LoginAttempt) == 1
    assert audit_actions(app)[-1] == "auth.login_failed"


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(app, client, alice):
    wrong = assert_problem(sign_in(client, "alice", "wrong-password"), 401, "auth.invalid_credentials")
    unknown = assert_problem(sign_in(client, "nobody"), 401, "auth.invalid_credentials")
    assert unknown["message"] == wrong["message"]
    assert count(app, LoginAttempt) == 2


def test_a_disabled_account_cannot_sign_in_even_with_the_right_password(app, client, alice):
    disable(app, alice)
    assert_problem(sign_in(client, "alice"), 401, "auth.invalid_credentials")


def test_disabling_an_account_stops_its_access_token_at_once(app, client, alice):
    token = sign_in(client, "alice").get_json()["access_token"]
    disable(app, alice)
    assert_problem(client.get(ME, headers=bearer(token)), 401, "auth.account_disabled")


def test_disabling_an_account_stops_its_refresh_token(app, client, alice):
    token = sign_in(client, "alice").get_json()["refresh_token"]
    disable(app, alice)
    assert_problem(refresh(client, token), 401, "auth.refresh_invalid")


# --- throttling ----------------------------------------------------------------


def test_an_account_is_throttled_after_too_many_failures_even_with_the_right_password(low_limits, client, alice):
    for i in range(3):  # from different addresses, so only the per-account limit can trip
        assert sign_in(client, "alice", "wrong-password", address=f"10.0.0.{i}").status_code == 401
    body = assert_problem(sign_in(client, "alice", address="10.0.0.99"), 429, "auth.throttled")
    assert body["details"]["retry_after"] == low_limits.config["LOGIN_WINDOW_SECONDS"]


def test_throttling_one_account_leaves_other_accounts_alone(low_limits, client, make_user, alice):
    make_user("bob", "inspector")
    for i in range(3):
        sign_in(client, "alice", "wrong-password", address=f"10.0.0.{i}")
    assert sign_in(client, "bob", address="10.0.0.99").status_code == 200


def test_an_address_is_throttled_after_too_many_failures_across_accounts(low_limits, client, alice):
    for i in range(5):  # a different name each time, so only the per-address limit can trip
        assert sign_in(client, f"guess{i}", "wrong-password", address="10.9.9.9").status_code == 401
    assert_problem(sign_in(client, "alice", address="10.9.9.9"), 429, "auth.throttled")


def test_throttling_one_address_leaves_other_addresses_alone(low_limits, client, alice):
    for i in range(5):
        sign_in(client, f"guess{i}", "wrong-password", address="10.9.9.9")
    assert sign_in(client, "alice", address="10.8.8.8").status_code == 200


def test_one_failure_below_the_limit_does_not_throttle(low_limits, client, alice):
    for i in range(2):
        sign_in(client, "alice", "wrong-password", address=f"10.0.0.{i}")
    assert sign_in(client, "alice").status_code == 200


def test_a_successful_sign_in_clears_the_accounts_failures(low_limits, client, alice):
    for _ in range(2):
        sign_in(client, "alice", "wrong-password")
    assert sign_in(client, "alice").status_code == 200
    assert count(low_limits, LoginAttempt) == 0
    for _ in range(2):  # 4 failures in the window if the first two had been kept
        sign_in(client, "alice", "wrong-password")
    assert sign_in(client, "alice").status_code == 200


def test_failures_older_than_the_window_no_longer_count(low_limits, client, alice):
    long_ago = datetime.now(timezone.utc) - timedelta(seconds=low_limits.config["LOGIN_WINDOW_SECONDS"] + 60)
    with low_limits.app_context(), unit_of_work() as session:
        session.add_all(LoginAttempt(username="alice", address="127.0.0.1", at=long_ago) for _ in range(10))
    assert sign_in(client, "alice").status_code == 200


def test_a_throttled_attempt_writes_nothing(low_limits, client, alice):
    for i in range(3):
        sign_in(client, "alice", "wrong-password", address=f"10.0.0.{i}")
    attempts, entries = count(low_limits, LoginAttempt), count(low_limits, AuditEntry)
    assert sign_in(client, "alice").status_code == 429
    assert (count(low_limits, LoginAttempt), count(low_limits, AuditEntry)) == (attempts, entries)


# --- refresh and sign-out ------------------------------------------------------


def test_refreshing_returns_a_new_working_pair(client, alice):
    first = sign_in(client, "alice").get_json()
    resp = refresh(client, first["refresh_token"])
    assert resp.status_code == 200
    second = resp.get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get(ME, headers=bearer(second["access_token"])).status_code == 200
    assert refresh(client, second["refresh_token"]).status_code == 200


def test_a_refresh_token_works_only_once(client, alice):
    first = sign_in(client, "alice").get_json()["refresh_token"]
    assert refresh(client, first).status_code == 200
    assert_problem(refresh(client, first), 401, "auth.refresh_reused")


def test_a_reused_refresh_token_ends_the_whole_family(app, client, alice):
    first = sign_in(client, "alice").get_json()["refresh_token"]
    second = refresh(client, first).get_json()["refresh_token"]
    third = refresh(client, second).get_json()["refresh_token"]
    assert_problem(refresh(client, first), 401, "auth.refresh_reused")
    assert_problem(refresh(client, third), 401, "auth.refresh_invalid")
    with app.app_context():
        reasons = set(db.session.scalars(sa.select(RefreshToken.revoked_reason)))
    assert reasons == {"reuse_detected"}
    assert audit_actions(app)[-1] == "auth.refresh_reuse"


def test_reuse_in_one_family_leaves_other_sign_ins_alone(client, alice):
    phone = sign_in(client, "alice").get_json()["refresh_token"]
    laptop = sign_in(client, "alice").get_json()["refresh_token"]
    refresh(client, phone)
    refresh(client, phone)
    assert refresh(client, laptop).status_code == 200


def test_an_unknown_refresh_token_is_refused(client, alice):
    assert_problem(refresh(client, "not-a-token-we-issued"), 401, "auth.refresh_invalid")


def test_an_expired_refresh_token_is_refused(app, client, alice):
    app.config["REFRESH_TOKEN_TTL"] = 0
    token = sign_in(client, "alice").get_json()["refresh_token"]
    assert_problem(refresh(client, token), 401, "auth.refresh_invalid")


def test_two_simultaneous_refreshes_with_one_token_cannot_both_succeed(app, alice):
    """A copied token raced against its owner must still trip reuse detection."""
    token = app.test_client().post(TOKEN, json={"username": "alice", "password": PASSWORD}).get_json()["refresh_token"]
    engine = app.extensions["ssgk.engine"]
    second_arrived, guard, arrivals = threading.Event(), threading.Lock(), []

    def hold_the_first_reader(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        # The first request to read the token waits until the second has read it too (or 1 s passes):
        # without a row lock both see it unused.
        if not (statement.lstrip().upper().startswith("SELECT") and "FROM refresh_token" in statement):
            return
        with guard:
            arrivals.append(threading.get_ident())
            first = len(arrivals) == 1
        if first:
            second_arrived.wait(timeout=1.0)
        else:
            second_arrived.set()

    sa.event.listen(engine, "after_cursor_execute", hold_the_first_reader)
    try:
        with ThreadPoolExecutor(2) as pool:
            futures = [pool.submit(lambda: app.test_client().post(REFRESH, json={"refresh_token": token}))
                       for _ in range(2)]
            results = [f.result() for f in futures]
    finally:
        sa.event.remove(engine, "after_cursor_execute", hold_the_first_reader)
    assert len(arrivals) == 2
    assert sorted(r.status_code for r in results) == [200, 401]
    loser = next(r for r in results if r.status_code == 401)
    assert loser.get_json()["code"] == "auth.refresh_reused"


def test_signing_out_ends_the_refresh_token(client, alice):
    token = sign_in(client, "alice").get_json()["refresh_token"]
    resp = client.post(LOGOUT, json={"refresh_token": token})
    assert resp.status_code == 204
    assert resp.get_data() == b""
    assert_problem(refresh(client, token), 401, "auth.refresh_invalid")


def test_signing_out_with_an_older_token_ends_the_newest_one_too(app, client, alice):
    first = sign_in(client, "alice").get_json()["refresh_token"]
    newest = refresh(client, first).get_json()["refresh_token"]
    assert client.post(LOGOUT, json={"refresh_token": first}).status_code == 204
    assert_problem(refresh(client, newest), 401, "auth.refresh_invalid")
    assert audit_actions(app)[-1] == "auth.logout"


def test_signing_out_leaves_other_sign_ins_alone(client, alice):
    phone = sign_in(client, "alice").get_json()["refresh_token"]
    laptop = sign_in(client, "alice").get_json()["refresh_token"]
    client.post(LOGOUT, json={"refresh_token": phone})
    assert refresh(client, laptop).status_code == 200


def test_signing_out_twice_is_fine(client, alice):
    token = sign_in(client, "alice").get_json()["refresh_token"]
    assert client.post(LOGOUT, json={"refresh_token": token}).status_code == 204
    assert client.post(LOGOUT, json={"refresh_token": token}).status_code == 204


def test_signing_out_with_an_unknown_token_answers_204_and_writes_nothing(app, client, alice):
    entries = count(app, AuditEntry)
    assert client.post(LOGOUT, json={"refresh_token": "never-issued"}).status_code == 204
    assert count(app, AuditEntry) == entries


# --- bad access tokens -----------------------------------------------------------


def _refresh_token_of(app: Flask, client) -> str:  # type: ignore[no-untyped-def]
    return sign_in(client, "alice").get_json()["refresh_token"]


BAD_AUTHORIZATION = [
    pytest.param(lambda app, c: bearer(craft(app, exp=datetime.now(timezone.utc) - timedelta(seconds=5),
                                             iat=datetime.now(timezone.utc) - timedelta(minutes=20),
                                             nbf=datetime.now(timezone.utc) - timedelta(minutes=20))),
                 "auth.token_expired", id="expired"),
    pytest.param(lambda app, c: bearer(craft(app, alg="none")), "auth.token_invalid", id="alg-none"),
    pytest.param(lambda app, c: bearer(craft(app, alg="HS512")), "auth.token_invalid", id="alg-HS512-same-key"),
    pytest.param(lambda app, c: bearer(craft(app, kid="retired-key")), "auth.token_invalid", id="unknown-kid"),
    pytest.param(lambda app, c: bearer(craft(app, key="some-other-secret-0123456789abcdef0123")),
                 "auth.token_invalid", id="forged-signature"),
    pytest.param(lambda app, c: bearer(craft(app, aud="another-api")), "auth.token_invalid", id="wrong-audience"),
    pytest.param(lambda app, c: bearer(craft(app, iss="another-issuer")), "auth.token_invalid", id="wrong-issuer"),
    pytest.param(lambda app, c: bearer(craft(app, typ="refresh")), "auth.token_invalid", id="not-typed-access"),
    pytest.param(lambda app, c: bearer(craft(app, sub="alice")), "auth.token_invalid", id="non-numeric-subject"),
    pytest.param(lambda app, c: bearer(_refresh_token_of(app, c)), "auth.token_invalid",
                 id="refresh-token-as-access-token"),
    pytest.param(lambda app, c: bearer("garbage"), "auth.token_invalid", id="garbage"),
    pytest.param(lambda app, c: bearer("e30.e30.e30"), "auth.token_invalid", id="empty-json-segments"),
    pytest.param(lambda app, c: {"Authorization": craft(app)}, "auth.token_invalid", id="missing-bearer-scheme"),
    pytest.param(lambda app, c: {"Authorization": f"Basic {craft(app)}"}, "auth.token_invalid", id="basic-scheme"),
    pytest.param(lambda app, c: {"Authorization": "Bearer"}, "auth.token_invalid", id="bearer-without-token"),
    pytest.param(lambda app, c: {}, "auth.required", id="no-authorization-header"),
]


@pytest.mark.parametrize(("make_headers", "code"), BAD_AUTHORIZATION)
def test_a_bad_access_token_gets_a_401_problem_with_a_stable_code(app, client, alice, make_headers, code):
    resp = client.get(ME, headers=make_headers(app, client))
    body = assert_problem(resp, 401, code)
    assert set(body) == {"code", "status", "message", "errors", "details"}


def test_a_crafted_token_with_the_test_key_is_accepted_so_the_refusals_above_are_meaningful(app, client, alice):
    resp = client.get(ME, headers=bearer(craft(app, sub=str(alice))))
    assert resp.status_code == 200
    assert resp.get_json()["username"] == "alice"


# --- bad request bodies -------------------------------------------------------------


@pytest.mark.parametrize("url", [TOKEN, REFRESH, LOGOUT])
def test_a_body_that_is_not_json_is_a_400(app, client, alice, url):
    entries = count(app, AuditEntry)
    resp = client.post(url, data='{"username": "alice",', content_type="application/json")
    body = assert_problem(resp, 400, "request.malformed_json")
    assert body["errors"] == {}
    assert (count(app, LoginAttempt), count(app, AuditEntry)) == (0, entries)


@pytest.mark.parametrize("body", [
    pytest.param({"username": "alice", "password": PASSWORD, "remember_me": True}, id="one-extra"),
    pytest.param({"username": "alice", "password": PASSWORD, "roles": ["system_admin"]}, id="mass-assignment"),
])
def test_unknown_fields_are_refused_with_field_errors(app, client, alice, body):
    entries = count(app, AuditEntry)
    problem = assert_problem(client.post(TOKEN, json=body), 422, "validation.failed")
    extra = (set(body) - {"username", "password"}).pop()
    assert problem["errors"]["json"][extra] == ["Unknown field."]
    assert (count(app, LoginAttempt), count(app, AuditEntry)) == (0, entries)


@pytest.mark.parametrize(("body", "field"), [
    pytest.param({"username": 42, "password": PASSWORD}, "username", id="number-username"),
    pytest.param({"username": True, "password": PASSWORD}, "username", id="boolean-username"),
    pytest.param({"username": None, "password": PASSWORD}, "username", id="null-username"),
    pytest.param({"username": "alice", "password": ["a", "b"]}, "password", id="list-password"),
    pytest.param({"username": "alice", "password": {"p": 1}}, "password", id="object-password"),
    pytest.param({"username": "alice"}, "password", id="missing-password"),
    pytest.param({"username": "", "password": PASSWORD}, "username", id="empty-username"),
    pytest.param({"username": "a" * 65, "password": PASSWORD}, "username", id="too-long-username"),
])
def test_wrong_types_and_missing_fields_are_refused_with_field_errors(app, client, alice, body, field):
    entries = count(app, AuditEntry)
    problem = assert_problem(client.post(TOKEN, json=body), 422, "validation.failed")
    assert field in problem["errors"]["json"]
    assert (count(app, LoginAttempt), count(app, AuditEntry)) == (0, entries)


@pytest.mark.parametrize("body", [[1, 2], "alice", 42])
def test_a_json_body_that_is_not_an_object_is_refused(client, alice, body):
    problem = assert_problem(client.post(TOKEN, json=body), 422, "validation.failed")
    assert problem["errors"]["json"]["_schema"]


@pytest.mark.parametrize("url", [TOKEN, REFRESH])
def test_a_body_over_the_size_limit_is_a_413_problem_and_writes_nothing(app, client, alice, url):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    entries = count(app, AuditEntry)
    resp = client.post(url, json={"username": "alice", "password": "x" * 5000, "refresh_token": "y"})
    assert_problem(resp, 413, "request.too_large")
    assert (count(app, LoginAttempt), count(app, AuditEntry)) == (0, entries)


def test_a_body_just_under_the_size_limit_is_read(app, client, alice):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    resp = client.post(TOKEN, json={"username": "alice", "password": PASSWORD, "pad": "x" * 3000})
    assert_problem(resp, 422, "validation.failed")  # parsed, then refused for the unknown field
