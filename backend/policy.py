"""The one place that decides permissions.

Every view method carries a RoutePolicy (set by `requires` or `public`); a test walks the URL
map and fails for any route without one. A permission is granted to roles with a scope:
ANY (whole city), or DEPARTMENT (only objects of the caller's own department).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Callable, TypeVar

from flask import g

from backend.accounts.roles import Role
from backend.errors import Forbidden, Unauthenticated

F = TypeVar("F", bound=Callable[..., Any])


class Scope(StrEnum):
    ANY = "any"
    DEPARTMENT = "department"


_EVERYONE = {role: Scope.ANY for role in Role}

# permission -> the roles that hold it and how far it reaches
GRANTS: dict[str, dict[Role, Scope]] = {
    "account.self": _EVERYONE,
    "users.read": {
        Role.SYSTEM_ADMIN: Scope.ANY,
        Role.AUDITOR: Scope.ANY,
        Role.DEPARTMENT_ADMIN: Scope.DEPARTMENT,
        Role.DEPARTMENT_HEAD: Scope.DEPARTMENT,
        Role.TEAM_LEAD: Scope.DEPARTMENT,
    },
    "users.manage": {Role.SYSTEM_ADMIN: Scope.ANY, Role.DEPARTMENT_ADMIN: Scope.DEPARTMENT},
    "audit.read": {Role.SYSTEM_ADMIN: Scope.ANY, Role.AUDITOR: Scope.ANY},
    # item list and rulebooks: the compiled city-wide list is open to all staff (R2.1)
    "catalog.read": _EVERYONE,
    "catalog.manage": {Role.SYSTEM_ADMIN: Scope.ANY, Role.DEPARTMENT_ADMIN: Scope.DEPARTMENT},
    # acknowledging filings: department administrators of the lead bureau only (services check is_lead)
    "catalog.acknowledge": {Role.SYSTEM_ADMIN: Scope.ANY, Role.DEPARTMENT_ADMIN: Scope.DEPARTMENT},
    "plans.read": _EVERYONE,
    "plans.manage": {Role.SYSTEM_ADMIN: Scope.ANY, Role.DEPARTMENT_ADMIN: Scope.DEPARTMENT},
    # the two directories (docs/directory.md): entities are city-wide and readable by all staff,
    # but their credit risk class is for those who plan and oversee checks, never inspectors or the public
    "directory.read": _EVERYONE,
    "directory.read_risk": {Role.SYSTEM_ADMIN: Scope.ANY, Role.DEPARTMENT_ADMIN: Scope.ANY,
                            Role.DEPARTMENT_HEAD: Scope.ANY, Role.TEAM_LEAD: Scope.ANY, Role.AUDITOR: Scope.ANY},
    "directory.read_inspectors": {Role.SYSTEM_ADMIN: Scope.ANY, Role.AUDITOR: Scope.ANY,
                                  Role.DEPARTMENT_ADMIN: Scope.DEPARTMENT, Role.DEPARTMENT_HEAD: Scope.DEPARTMENT,
                                  Role.TEAM_LEAD: Scope.DEPARTMENT},
    "directory.manage": {Role.SYSTEM_ADMIN: Scope.ANY, Role.DEPARTMENT_ADMIN: Scope.DEPARTMENT},
    "directory.confirm": {Role.SYSTEM_ADMIN: Scope.ANY, Role.DEPARTMENT_ADMIN: Scope.DEPARTMENT,
                          Role.DEPARTMENT_HEAD: Scope.DEPARTMENT},
    # the working-day calendar (docs/working-days.md): everyone reads it; only system admins change a year
    "workdays.read": _EVERYONE,
    "workdays.manage": {Role.SYSTEM_ADMIN: Scope.ANY},
    # evidence (docs/uploads.md): the officers on site upload it; it belongs to the uploader's department,
    # where the officers (two go on every check), their team lead and head may read it; oversight reads all
    "evidence.upload": {Role.INSPECTOR: Scope.DEPARTMENT, Role.TEAM_LEAD: Scope.DEPARTMENT,
                        Role.DEPARTMENT_HEAD: Scope.DEPARTMENT},
    "evidence.read": {Role.SYSTEM_ADMIN: Scope.ANY, Role.AUDITOR: Scope.ANY, Role.DEPARTMENT_HEAD: Scope.DEPARTMENT,
                      Role.TEAM_LEAD: Scope.DEPARTMENT, Role.INSPECTOR: Scope.DEPARTMENT},
    # tasks and draws (docs/tasks-and-draws.md): DEPARTMENT reaches the tasks a department initiates or joins
    # (services check it); the initiating department's administrator runs the task and the draw, its head
    # alone may void a draw; the full record names every entity's stratum (a risk class), so it goes only
    # to those who may see risk classes, and the public gets the redacted record (ADR 0010)
    "tasks.read": {Role.SYSTEM_ADMIN: Scope.ANY, Role.AUDITOR: Scope.ANY, Role.DEPARTMENT_ADMIN: Scope.DEPARTMENT,
                   Role.DEPARTMENT_HEAD: Scope.DEPARTMENT, Role.TEAM_LEAD: Scope.DEPARTMENT,
                   Role.INSPECTOR: Scope.DEPARTMENT},
    "tasks.manage": {Role.SYSTEM_ADMIN: Scope.ANY, Role.DEPARTMENT_ADMIN: Scope.DEPARTMENT},
    "draws.operate": {Role.SYSTEM_ADMIN: Scope.ANY, Role.DEPARTMENT_ADMIN: Scope.DEPARTMENT},
    "draws.redraw": {Role.SYSTEM_ADMIN: Scope.ANY, Role.DEPARTMENT_HEAD: Scope.DEPARTMENT},
    # field work (docs/field-api.md): the officers of a team fetch their task packets and submit check
    # records; which assignments a caller reaches is decided by team membership (services check it)
    "field.work": {Role.INSPECTOR: Scope.DEPARTMENT, Role.TEAM_LEAD: Scope.DEPARTMENT},
    # review and results (docs/results.md): DEPARTMENT reaches the records and results of tasks the
    # department initiates or joins (services check it); who may decide at which stage, and that nobody
    # decides on their own record, is checked by the services; officers on the record enter and publish
    "review.read": {Role.SYSTEM_ADMIN: Scope.ANY, Role.AUDITOR: Scope.ANY, Role.DEPARTMENT_ADMIN: Scope.DEPARTMENT,
                    Role.DEPARTMENT_HEAD: Scope.DEPARTMENT, Role.TEAM_LEAD: Scope.DEPARTMENT},
    "review.decide": {Role.TEAM_LEAD: Scope.DEPARTMENT, Role.DEPARTMENT_HEAD: Scope.DEPARTMENT},
    "results.read": {Role.SYSTEM_ADMIN: Scope.ANY, Role.AUDITOR: Scope.ANY, Role.DEPARTMENT_ADMIN: Scope.DEPARTMENT,
                     Role.DEPARTMENT_HEAD: Scope.DEPARTMENT, Role.TEAM_LEAD: Scope.DEPARTMENT,
                     Role.INSPECTOR: Scope.DEPARTMENT},
    "results.enter": {Role.INSPECTOR: Scope.DEPARTMENT, Role.TEAM_LEAD: Scope.DEPARTMENT},
    "results.correct": {Role.DEPARTMENT_ADMIN: Scope.DEPARTMENT, Role.DEPARTMENT_HEAD: Scope.DEPARTMENT,
                        Role.TEAM_LEAD: Scope.DEPARTMENT},
    # R5.4: whoever approves supervises; whoever is in charge supervises
    "results.followup": {Role.DEPARTMENT_ADMIN: Scope.DEPARTMENT, Role.DEPARTMENT_HEAD: Scope.DEPARTMENT,
                         Role.TEAM_LEAD: Scope.DEPARTMENT},
    # R5.3: only the head of the responsible department signs a correction
    "results.sign_correction": {Role.DEPARTMENT_HEAD: Scope.DEPARTMENT},
    # the export feed for the national enterprise credit publicity system (published data only)
    "results.feed": {Role.SYSTEM_ADMIN: Scope.ANY, Role.AUDITOR: Scope.ANY},
    "draws.read_record": {Role.SYSTEM_ADMIN: Scope.ANY, Role.AUDITOR: Scope.ANY,
                          Role.DEPARTMENT_ADMIN: Scope.DEPARTMENT, Role.DEPARTMENT_HEAD: Scope.DEPARTMENT,
                          Role.TEAM_LEAD: Scope.DEPARTMENT},
}


@dataclass(frozen=True)
class Principal:
    """The authenticated caller, as loaded from the database for this request."""

    user_id: int
    username: str
    department_id: int
    jurisdiction_code: str | None
    roles: frozenset[str]


@dataclass(frozen=True)
class RoutePolicy:
    permission: str | None  # None: public, no sign-in needed
    # Given the view's URL arguments, the department owning the addressed object (None: not found)
    department_of: Callable[[dict[str, Any]], int | None] | None = None


def scope_for(principal: Principal, permission: str) -> Scope | None:
    """The widest scope any of the caller's roles grants for the permission, or None."""
    grants = GRANTS[permission]
    # Roles are StrEnum keys, so plain strings look them up; a role unknown to the code grants nothing.
    scopes = {grants[r] for r in principal.roles if r in grants}  # type: ignore[index]
    if Scope.ANY in scopes:
        return Scope.ANY
    return Scope.DEPARTMENT if scopes else None


def allows(principal: Principal, permission: str, department_id: int | None = None) -> bool:
    scope = scope_for(principal, permission)
    if scope is Scope.ANY:
        return True
    return scope is Scope.DEPARTMENT and (department_id is None or department_id == principal.department_id)


def ensure(principal: Principal, permission: str, department_id: int | None = None) -> None:
    if scope_for(principal, permission) is None:
        raise Forbidden(f"This needs the permission {permission!r}.", code="auth.forbidden",
                        details={"permission": permission})
    if not allows(principal, permission, department_id):
        raise Forbidden("This belongs to another department.", code="auth.out_of_scope",
                        details={"permission": permission})


def current_principal() -> Principal:
    principal = g.get("principal")
    if principal is None:
        raise Unauthenticated()
    return principal


def requires(permission: str, *, department_of: Callable[[dict[str, Any]], int | None] | None = None
             ) -> Callable[[F], F]:
    """Decorate a view method (outermost, so it runs before argument parsing)."""
    if permission not in GRANTS:
        raise ValueError(f"unknown permission {permission!r}")

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from backend.accounts.current import authenticate

            principal = authenticate()
            if scope_for(principal, permission) is None:
                ensure(principal, permission)
            if department_of is not None:
                owner = department_of(kwargs)
                if owner is not None:
                    ensure(principal, permission, owner)
            return fn(*args, **kwargs)

        wrapper._route_policy = RoutePolicy(permission, department_of)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def public(fn: F) -> F:
    """Mark a view as open to anonymous callers (it still sees a principal if a token is sent)."""
    fn._route_policy = RoutePolicy(None)  # type: ignore[attr-defined]
    return fn


def policy_of(view: Callable[..., Any], method: str) -> RoutePolicy | None:
    """The policy of a registered view function for an HTTP method (MethodView aware)."""
    view_class = getattr(view, "view_class", None)
    target = getattr(view_class, method.lower(), None) if view_class is not None else view
    return getattr(target, "_route_policy", None)
