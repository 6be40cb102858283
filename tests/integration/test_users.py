"""User management: who may create, read and change accounts, and the version checks on changes."""
from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from backend.accounts.model import User
from backend.audit.model import AuditEntry
from backend.db import db
from tests.support.apps import OTHER_DEPARTMENT, OWN_DEPARTMENT, PASSWORD

USERS = "/api/v1/users"


def assert_problem(resp, status: int, code: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.headers["Content-Type"] == "application/problem+json"
    body = resp.get_json()
    assert (body["status"], body["code"]) == (status, code), body
    return body


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def new_user(username: str = "newbie", department: str = OWN_DEPARTMENT, roles: list[str] | None = None,
             **extra: Any) -> dict[str, Any]:
    return {"username": username, "display_name": "新 用户", "password": "a-long-password",
            "department": department, "roles": roles or ["inspector"], **extra}


@pytest.fixture
def people(make_user) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A system admin, a department admin and staff in the own department, and staff in another."""
    return {
        "root": make_user("root", "system_admin"),
        "dadmin": make_user("dadmin", "department_admin"),
        "lead": make_user("lead", "team_lead"),
        "insp": make_user("insp", "inspector"),
        "auditor": make_user("auditor", "auditor", department="statistics"),
        "other_admin": make_user("other_admin", "department_admin", department=OTHER_DEPARTMENT),
        "other_insp": make_user("other_insp", "inspector", department=OTHER_DEPARTMENT),
    }


def etag_of(client, headers: dict[str, str], user_id: int) -> str:  # type: ignore[no-untyped-def]
    resp = client.get(f"{USERS}/{user_id}", headers=headers)
    assert resp.status_code == 200
    return resp.headers["ETag"]


# --- creating ------------------------------------------------------------------


@pytest.mark.parametrize("department", [OWN_DEPARTMENT, OTHER_DEPARTMENT, "taishan_gov"])
def test_a_system_admin_creates_users_in_any_department(client, auth_headers, people, department):
    resp = client.post(USERS, json=new_user(department=department), headers=auth_headers("root"))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["username"], body["department"], body["roles"], body["is_active"]) == \
        ("newbie", department, ["inspector"], True)
    assert "password" not in body and "password_hash" not in body


def test_a_created_user_can_sign_in_with_the_given_password(client, auth_headers, login, people):
    client.post(USERS, json=new_user(), headers=auth_headers("root"))
    assert login("newbie", "a-long-password")["access_token"]


def test_a_department_admin_creates_users_in_their_own_department(client, auth_headers, people):
    resp = client.post(USERS, json=new_user(roles=["inspector", "team_lead"]), headers=auth_headers("dadmin"))
    assert resp.status_code == 201
    assert resp.get_json()["roles"] == ["inspector", "team_lead"]


def test_a_department_admin_cannot_create_users_in_another_department(app, client, auth_headers, people):
    headers = auth_headers("dadmin")
    users, entries = count(app, User), count(app, AuditEntry)
    resp = client.post(USERS, json=new_user(department=OTHER_DEPARTMENT), headers=headers)
    assert_problem(resp, 403, "auth.out_of_scope")
    assert (count(app, User), count(app, AuditEntry)) == (users, entries)


def test_a_department_admin_cannot_grant_the_system_admin_role(app, client, auth_headers, people):
    headers = auth_headers("dadmin")
    users = count(app, User)
    resp = client.post(USERS, json=new_user(roles=["inspector", "system_admin"]), headers=headers)
    body = assert_problem(resp, 422, "user.role_not_grantable")
    assert "roles" in body["errors"]
    assert count(app, User) == users


def test_a_system_admin_may_grant_the_system_admin_role(client, auth_headers, people):
    resp = client.post(USERS, json=new_user(roles=["system_admin"]), headers=auth_headers("root"))
    assert resp.status_code == 201
    assert resp.get_json()["roles"] == ["system_admin"]


@pytest.mark.parametrize(("username", "code"), [
    ("insp", "auth.forbidden"), ("lead", "auth.forbidden"), ("auditor", "auth.forbidden"),
])
def test_staff_without_users_manage_cannot_create_users(client, auth_headers, people, username, code):
    assert_problem(client.post(USERS, json=new_user(), headers=auth_headers(username)), 403, code)


def test_creating_users_needs_a_sign_in(client, people):
    assert_problem(client.post(USERS, json=new_user()), 401, "auth.required")


def test_a_taken_username_is_a_conflict(app, client, auth_headers, people):
    headers = auth_headers("root")
    users = count(app, User)
    body = assert_problem(client.post(USERS, json=new_user(username="insp"), headers=headers),
                          409, "user.username_taken")
    assert body["message"]
    assert count(app, User) == users


def test_an_unknown_department_is_a_validation_error(client, auth_headers, people):
    resp = client.post(USERS, json=new_user(department="no_such_department"), headers=auth_headers("root"))
    body = assert_problem(resp, 422, "user.unknown_department")
    assert "department" in body["errors"]


def test_an_unknown_jurisdiction_is_a_validation_error(client, auth_headers, people):
    resp = client.post(USERS, json=new_user(jurisdiction="999999"), headers=auth_headers("root"))
    body = assert_problem(resp, 422, "user.unknown_jurisdiction")
    assert "jurisdiction" in body["errors"]


def test_a_known_jurisdiction_is_stored(client, auth_headers, people):
    resp = client.post(USERS, json=new_user(jurisdiction="370902"), headers=auth_headers("root"))
    assert resp.status_code == 201
    assert resp.get_json()["jurisdiction"] == "370902"


@pytest.mark.parametrize(("change", "field"), [
    pytest.param({"username": "Alice"}, "username", id="upper-case-username"),
    pytest.param({"username": "a"}, "username", id="too-short-username"),
    pytest.param({"username": "al ice"}, "username", id="space-in-username"),
    pytest.param({"password": "short"}, "password", id="short-password"),
    pytest.param({"roles": []}, "roles", id="no-roles"),
    pytest.param({"roles": ["superuser"]}, "roles", id="unknown-role"),
    pytest.param({"roles": "inspector"}, "roles", id="roles-not-a-list"),
    pytest.param({"is_active": False}, "is_active", id="unknown-field"),
    pytest.param({"id": 1}, "id", id="read-only-field"),
])
def test_invalid_user_data_is_refused_field_by_field(app, client, auth_headers, people, change, field):
    headers = auth_headers("root")
    users = count(app, User)
    body = assert_problem(client.post(USERS, json={**new_user(), **change}, headers=headers), 422, "validation.failed")
    assert field in body["errors"]["json"]
    assert count(app, User) == users


# --- listing and reading ---------------------------------------------------------


def _usernames(resp) -> set[str]:  # type: ignore[no-untyped-def]
    assert resp.status_code == 200, resp.get_json()
    return {u["username"] for u in resp.get_json()}


def test_a_system_admin_lists_every_user(client, auth_headers, people):
    assert _usernames(client.get(USERS, query_string={"page_size": 100}, headers=auth_headers("root"))) == set(people)


def test_an_auditor_lists_every_user(client, auth_headers, people):
    assert _usernames(client.get(USERS, query_string={"page_size": 100}, headers=auth_headers("auditor"))) == \
        set(people)


@pytest.mark.parametrize("username", ["dadmin", "lead"])
def test_department_scoped_readers_list_only_their_own_department(client, auth_headers, people, username):
    listed = _usernames(client.get(USERS, query_string={"page_size": 100}, headers=auth_headers(username)))
    assert listed == {"root", "dadmin", "lead", "insp"}


def test_the_department_filter_narrows_the_list(client, auth_headers, people):
    resp = client.get(USERS, query_string={"department": OTHER_DEPARTMENT}, headers=auth_headers("root"))
    assert _usernames(resp) == {"other_admin", "other_insp"}


def test_a_department_admin_cannot_widen_their_list_with_the_filter(client, auth_headers, people):
    resp = client.get(USERS, query_string={"department": OTHER_DEPARTMENT}, headers=auth_headers("dadmin"))
    assert _usernames(resp) == set()


def test_the_list_is_paginated(client, auth_headers, people):
    resp = client.get(USERS, query_string={"page": 1, "page_size": 3}, headers=auth_headers("root"))
    assert len(resp.get_json()) == 3
    assert json.loads(resp.headers["X-Pagination"])["total"] == 7


def test_an_inspector_cannot_list_users(client, auth_headers, people):
    assert_problem(client.get(USERS, headers=auth_headers("insp")), 403, "auth.forbidden")


def test_reading_one_user_returns_it_with_an_etag(client, auth_headers, people):
    resp = client.get(f"{USERS}/{people['insp']}", headers=auth_headers("dadmin"))
    assert resp.status_code == 200
    assert resp.get_json()["username"] == "insp"
    assert resp.headers["ETag"].startswith('"') and len(resp.headers["ETag"]) > 10


def test_reading_a_user_of_another_department_is_out_of_scope_for_a_department_admin(client, auth_headers, people):
    assert_problem(client.get(f"{USERS}/{people['other_insp']}", headers=auth_headers("dadmin")),
                   403, "auth.out_of_scope")


def test_reading_a_missing_user_is_a_404(client, auth_headers, people):
    assert_problem(client.get(f"{USERS}/99999", headers=auth_headers("root")), 404, "user.not_found")


# --- changing ----------------------------------------------------------------------


def test_a_change_without_if_match_needs_a_version(app, client, auth_headers, people):
    headers = auth_headers("dadmin")
    entries = count(app, AuditEntry)
    resp = client.patch(f"{USERS}/{people['insp']}", json={"display_name": "X"}, headers=headers)
    assert_problem(resp, 428, "version.required")
    assert count(app, AuditEntry) == entries


def test_a_change_against_a_stale_etag_is_refused(app, client, auth_headers, people):
    headers = auth_headers("dadmin")
    url = f"{USERS}/{people['insp']}"
    stale = etag_of(client, headers, people["insp"])
    assert client.patch(url, json={"display_name": "First"}, headers={**headers, "If-Match": stale}).status_code == 200
    entries = count(app, AuditEntry)
    resp = client.patch(url, json={"display_name": "Second"}, headers={**headers, "If-Match": stale})
    assert_problem(resp, 412, "version.stale")
    assert client.get(url, headers=headers).get_json()["display_name"] == "First"
    assert count(app, AuditEntry) == entries


def test_a_change_with_the_current_etag_is_applied_and_returns_the_new_etag(client, auth_headers, people):
    headers = auth_headers("dadmin")
    url = f"{USERS}/{people['insp']}"
    before = etag_of(client, headers, people["insp"])
    resp = client.patch(url, json={"display_name": "王 检查员", "roles": ["inspector", "team_lead"]},
                        headers={**headers, "If-Match": before})
    assert resp.status_code == 200
    body = resp.get_json()
    assert (body["display_name"], body["roles"]) == ("王 检查员", ["inspector", "team_lead"])
    assert resp.headers["ETag"] != before
    assert resp.headers["ETag"] == etag_of(client, headers, people["insp"])


def test_changing_a_password_replaces_the_old_one(client, auth_headers, people):
    headers = auth_headers("root")
    url = f"{USERS}/{people['insp']}"
    resp = client.patch(url, json={"password": "brand-new-password"},
                        headers={**headers, "If-Match": etag_of(client, headers, people["insp"])})
    assert resp.status_code == 200
    assert client.post("/api/v1/auth/token", json={"username": "insp", "password": PASSWORD}).status_code == 401
    assert client.post("/api/v1/auth/token",
                       json={"username": "insp", "password": "brand-new-password"}).status_code == 200


def test_a_disabled_user_cannot_sign_in(client, auth_headers, people):
    headers = auth_headers("dadmin")
    resp = client.patch(f"{USERS}/{people['insp']}", json={"is_active": False},
                        headers={**headers, "If-Match": etag_of(client, headers, people["insp"])})
    assert resp.get_json()["is_active"] is False
    assert client.post("/api/v1/auth/token", json={"username": "insp", "password": PASSWORD}).status_code == 401


def test_a_department_admin_cannot_change_a_user_of_another_department(client, auth_headers, people):
    headers = auth_headers("dadmin")
    etag = etag_of(client, auth_headers("root"), people["other_insp"])
    resp = client.patch(f"{USERS}/{people['other_insp']}", json={"display_name": "X"},
                        headers={**headers, "If-Match": etag})
    assert_problem(resp, 403, "auth.out_of_scope")


def test_a_department_admin_cannot_promote_anyone_to_system_admin(client, auth_headers, people):
    headers = auth_headers("dadmin")
    resp = client.patch(f"{USERS}/{people['insp']}", json={"roles": ["system_admin"]},
                        headers={**headers, "If-Match": etag_of(client, headers, people["insp"])})
    assert_problem(resp, 422, "user.role_not_grantable")
    assert client.get(f"{USERS}/{people['insp']}", headers=headers).get_json()["roles"] == ["inspector"]


@pytest.mark.parametrize("change", [
    pytest.param({"password": "taken-over-password"}, id="reset-password"),
    pytest.param({"is_active": False}, id="disable"),
    pytest.param({"roles": ["inspector"]}, id="demote"),
])
def test_a_department_admin_cannot_change_a_system_admin_of_their_department(client, auth_headers, people, change):
    headers = auth_headers("dadmin")
    resp = client.patch(f"{USERS}/{people['root']}", json=change,
                        headers={**headers, "If-Match": etag_of(client, headers, people["root"])})
    assert_problem(resp, 403, "user.system_admin_protected")
    assert client.post("/api/v1/auth/token", json={"username": "root", "password": PASSWORD}).status_code == 200


def test_a_system_admin_may_change_another_system_admin(client, auth_headers, make_user, people):
    second = make_user("root2", "system_admin", department=OTHER_DEPARTMENT)
    headers = auth_headers("root")
    resp = client.patch(f"{USERS}/{second}", json={"display_name": "Deputy"},
                        headers={**headers, "If-Match": etag_of(client, headers, second)})
    assert resp.status_code == 200


@pytest.mark.parametrize("body", [{"username": "renamed"}, {"department": OTHER_DEPARTMENT}, {"display_name": 5}])
def test_a_change_refuses_fields_that_cannot_change_and_wrong_types(client, auth_headers, people, body):
    headers = auth_headers("root")
    resp = client.patch(f"{USERS}/{people['insp']}", json=body,
                        headers={**headers, "If-Match": etag_of(client, headers, people["insp"])})
    assert_problem(resp, 422, "validation.failed")


def test_changing_a_missing_user_is_a_404(client, auth_headers, people):
    resp = client.patch(f"{USERS}/99999", json={"display_name": "X"},
                        headers={**auth_headers("root"), "If-Match": '"whatever"'})
    assert_problem(resp, 404, "user.not_found")


def test_changing_a_password_ends_every_signed_in_device(make_user, login, auth_headers, client):
    make_user("admin1", "system_admin")
    user_id = make_user("bob", "inspector")
    pair = login("bob")
    headers = auth_headers("admin1")
    etag = client.get(f"/api/v1/users/{user_id}", headers=headers).headers["ETag"]
    resp = client.patch(f"/api/v1/users/{user_id}", json={"password": "a-new-password-1"},
                        headers={**headers, "If-Match": etag})
    assert resp.status_code == 200
    again = client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401
    assert again.get_json()["code"] == "auth.refresh_invalid"


def test_a_401_names_the_bearer_scheme_and_a_429_says_when_to_retry(make_user, client, app):
    make_user("carol", "inspector")
    resp = client.get("/api/v1/auth/me")
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        client.post("/api/v1/auth/token", json={"username": "carol", "password": "wrong-password"})
    resp = client.post("/api/v1/auth/token", json={"username": "carol", "password": "wrong-password"})
    assert resp.status_code == 429
    assert int(resp.headers["Retry-After"]) > 0
