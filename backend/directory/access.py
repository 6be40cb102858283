"""Who may see and change what in the directories, beyond the route's permission check.

Entities are city-wide records shared by departments, so a department-scoped administrator's
reach is defined by supervision: they may add or remove their own department as a supervisor
of any entity (claiming or releasing it), and change the other fields of entities their
department supervises. Only a system administrator touches other departments' supervision.
"""
from __future__ import annotations

from flask import g, has_request_context

from backend.errors import Forbidden
from backend.policy import Principal, Scope, ensure, scope_for


def can_see_risk() -> bool:
    """The credit risk class is shown only to holders of directory.read_risk (never to the public)."""
    principal = g.get("principal") if has_request_context() else None
    return principal is not None and scope_for(principal, "directory.read_risk") is not None


def ensure_risk_visible(principal: Principal) -> None:
    ensure(principal, "directory.read_risk")


def ensure_may_change_entity(principal: Principal, supervised_before: set[int], supervised_after: set[int],
                             other_fields_changed: bool) -> None:
    scope = scope_for(principal, "directory.manage")
    if scope is Scope.ANY:
        return
    ensure(principal, "directory.manage")
    own = principal.department_id
    if (supervised_before ^ supervised_after) - {own}:
        raise Forbidden("You may add or remove only your own department as a supervisor.",
                        code="auth.out_of_scope", details={"permission": "directory.manage"})
    if other_fields_changed and own not in supervised_before:
        raise Forbidden("Your department does not supervise this entity.", code="auth.out_of_scope",
                        details={"permission": "directory.manage"})
