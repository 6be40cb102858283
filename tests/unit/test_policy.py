"""Unit tests for backend.policy: the grants table, scopes, and the `requires` decorator, with fake principals."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, g
from flask.views import MethodView

from backend.accounts.roles import ALL_ROLES, Role
from backend.errors import Forbidden, Unauthenticated
from backend.policy import (GRANTS, Principal, RoutePolicy, Scope, allows, current_principal, ensure, policy_of,
                            public, requires, scope_for)

OWN, OTHER = 10, 20


def who(*roles: str, department: int = OWN) -> Principal:
    return Principal(1, "someone", department, None, frozenset(roles))


@pytest.fixture
def request_ctx() -> Iterator[None]:
    app = Flask(__name__)
    with app.test_request_context():
        yield


# --- the grants table ---------------------------------------------------------


def test_every_grant_names_a_known_role_and_a_scope():
    for permission, grants in GRANTS.items():
        assert grants, permission
        for role, scope in grants.items():
            assert isinstance(role, Role), (permission, role)
            assert isinstance(scope, Scope), (permission, role)


def test_every_role_may_act_on_its_own_account():
    assert {scope_for(who(role), "account.self") for role in ALL_ROLES} == {Scope.ANY}


@pytest.mark.parametrize(("permission", "role", "scope"), [
    ("users.read", Role.SYSTEM_ADMIN, Scope.ANY),
    ("users.read", Role.AUDITOR, Scope.ANY),
    ("users.read", Role.DEPARTMENT_ADMIN, Scope.DEPARTMENT),
    ("users.read", Role.DEPARTMENT_HEAD, Scope.DEPARTMENT),
    ("users.read", Role.TEAM_LEAD, Scope.DEPARTMENT),
    ("users.read", Role.INSPECTOR, None),
    ("users.manage", Role.SYSTEM_ADMIN, Scope.ANY),
    ("users.manage", Role.DEPARTMENT_ADMIN, Scope.DEPARTMENT),
    ("users.manage", Role.AUDITOR, None),
    ("users.manage", Role.DEPARTMENT_HEAD, None),
    ("users.manage", Role.TEAM_LEAD, None),
    ("users.manage", Role.INSPECTOR, None),
    ("audit.read", Role.SYSTEM_ADMIN, Scope.ANY),
    ("audit.read", Role.AUDITOR, Scope.ANY),
    ("audit.read", Role.DEPARTMENT_ADMIN, None),
    ("audit.read", Role.INSPECTOR, None),
])
def test_a_single_role_gets_the_scope_the_table_grants(permission, role, scope):
    assert scope_for(who(role), permission) is scope


def test_the_widest_scope_of_several_roles_wins():
    assert scope_for(who("team_lead", "auditor"), "users.read") is Scope.ANY
    assert scope_for(who("inspector", "team_lead"), "users.read") is Scope.DEPARTMENT


def test_no_roles_means_no_scope():
    assert scope_for(who(), "users.read") is None


def test_a_role_the_code_no_longer_knows_grants_nothing_instead_of_failing():
    # Roles are stored as strings; a stale one in the database must not turn every request into a 500.
    assert scope_for(who("retired_role"), "users.read") is None
    assert scope_for(who("retired_role", "auditor"), "users.read") is Scope.ANY


def test_an_unknown_permission_is_a_programming_error():
    with pytest.raises(KeyError):
        scope_for(who("system_admin"), "no.such.permission")


# --- allows / ensure ----------------------------------------------------------


@pytest.mark.parametrize(("roles", "department_id", "expected"), [
    (("system_admin",), OTHER, True),
    (("system_admin",), None, True),
    (("department_admin",), OWN, True),
    (("department_admin",), OTHER, False),
    (("department_admin",), None, True),
    (("inspector",), OWN, False),
    (("inspector",), None, False),
    ((), None, False),
])
def test_allows_follows_the_scope_and_the_department(roles, department_id, expected):
    assert allows(who(*roles), "users.manage", department_id) is expected


def test_ensure_passes_silently_when_allowed():
    assert ensure(who("department_admin"), "users.manage", OWN) is None
    assert ensure(who("system_admin"), "users.manage", OTHER) is None


def test_ensure_without_the_permission_is_forbidden():
    with pytest.raises(Forbidden) as err:
        ensure(who("inspector"), "users.manage", OWN)
    assert (err.value.status, err.value.code) == (403, "auth.forbidden")
    assert err.value.details == {"permission": "users.manage"}


def test_ensure_outside_the_department_is_out_of_scope():
    with pytest.raises(Forbidden) as err:
        ensure(who("department_admin"), "users.manage", OTHER)
    assert (err.value.status, err.value.code) == (403, "auth.out_of_scope")


# --- requires / public / policy_of --------------------------------------------


def test_requires_refuses_a_permission_missing_from_the_table():
    with pytest.raises(ValueError, match="unknown permission"):
        requires("no.such.permission")


def _guarded(department_of=None):  # type: ignore[no-untyped-def]
    calls: list[dict] = []

    @requires("users.manage", department_of=department_of)
    def view(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs)
        return "ran"

    return view, calls


def test_requires_lets_a_holder_of_the_permission_through(request_ctx):
    g.principal = who("department_admin")
    view, calls = _guarded()
    assert view(user_id=5) == "ran"
    assert calls == [{"user_id": 5}]


def test_requires_stops_a_caller_without_the_permission_before_the_view_runs(request_ctx):
    g.principal = who("inspector")
    view, calls = _guarded()
    with pytest.raises(Forbidden) as err:
        view()
    assert err.value.code == "auth.forbidden"
    assert calls == []


def test_requires_checks_the_department_of_the_addressed_object(request_ctx):
    g.principal = who("department_admin")
    seen: list[dict] = []

    def owner(view_args):  # type: ignore[no-untyped-def]
        seen.append(view_args)
        return OTHER

    view, calls = _guarded(owner)
    with pytest.raises(Forbidden) as err:
        view(user_id=9)
    assert err.value.code == "auth.out_of_scope"
    assert seen == [{"user_id": 9}]
    assert calls == []


def test_requires_lets_the_view_answer_when_the_object_has_no_owner(request_ctx):
    # The resolver returns None for a missing object; the view then answers 404 itself.
    g.principal = who("department_admin")
    view, calls = _guarded(lambda _args: None)
    assert view(user_id=404) == "ran"


def test_requires_without_a_principal_or_token_is_unauthenticated(request_ctx):
    view, calls = _guarded()
    with pytest.raises(Unauthenticated) as err:
        view()
    assert err.value.code == "auth.required"
    assert calls == []


def test_current_principal_needs_an_authenticated_request(request_ctx):
    with pytest.raises(Unauthenticated):
        current_principal()
    g.principal = who("auditor")
    assert current_principal().roles == frozenset({"auditor"})


def test_policy_of_reads_the_policy_of_method_views_and_plain_functions():
    def resolver(_args):  # type: ignore[no-untyped-def]
        return None

    class Things(MethodView):
        @requires("users.read", department_of=resolver)
        def get(self):  # type: ignore[no-untyped-def]
            return ""

        def post(self):  # type: ignore[no-untyped-def]
            return ""

    @public
    def page():  # type: ignore[no-untyped-def]
        return ""

    view = Things.as_view("things")
    assert policy_of(view, "GET") == RoutePolicy("users.read", resolver)
    assert policy_of(view, "POST") is None
    assert policy_of(view, "DELETE") is None
    assert policy_of(page, "GET") == RoutePolicy(None)
