"""Managing user accounts (system and department administrators)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app

from backend.accounts import passwords
from backend.accounts.model import RefreshToken, User, UserRole
from backend.accounts.roles import Role
from backend.audit import services as audit
from backend.db import db, unit_of_work, utcnow
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.orgs.model import Department, Jurisdiction
from backend.policy import Principal, Scope, ensure, scope_for


def department_of_user(view_args: dict[str, Any]) -> int | None:
    """Policy resolver: the department that owns the user addressed by the URL."""
    return db.session.scalar(sa.select(User.department_id).where(User.id == view_args["user_id"]))


def list_users(principal: Principal, *, department: str | None = None) -> sa.Select[tuple[User]]:
    query = sa.select(User).order_by(User.id)
    if scope_for(principal, "users.read") is Scope.DEPARTMENT:
        query = query.where(User.department_id == principal.department_id)
    if department:
        query = query.join(Department).where(Department.code == department)
    return query


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", code="user.not_found")
    return user


def _department(session: sa.orm.Session, code: str) -> Department:
    dept = session.scalar(sa.select(Department).where(Department.code == code))
    if dept is None:
        raise ValidationFailed("Unknown department.", code="user.unknown_department",
                               errors={"department": [f"no department {code!r}"]})
    return dept


def _check_jurisdiction(session: sa.orm.Session, code: str | None) -> None:
    if code is not None and session.get(Jurisdiction, code) is None:
        raise ValidationFailed("Unknown jurisdiction.", code="user.unknown_jurisdiction",
                               errors={"jurisdiction": [f"no jurisdiction {code!r}"]})


def _check_roles(principal: Principal, roles: list[str]) -> None:
    # Only a system administrator may hand out the system administrator role.
    if Role.SYSTEM_ADMIN in roles and Role.SYSTEM_ADMIN not in principal.roles:
        raise ValidationFailed("Only a system administrator may grant that role.", code="user.role_not_grantable",
                               errors={"roles": ["system_admin cannot be granted by you"]})


def create_user(principal: Principal, data: dict[str, Any]) -> User:
    with unit_of_work() as session:
        dept = _department(session, data["department"])
        ensure(principal, "users.manage", dept.id)
        _check_jurisdiction(session, data.get("jurisdiction"))
        _check_roles(principal, data["roles"])
        if session.scalar(sa.select(User.id).where(User.username == data["username"])) is not None:
            raise Conflict("That username is taken.", code="user.username_taken")
        user = User(username=data["username"], display_name=data["display_name"],
                    password_hash=passwords.hash_password(data["password"], n=current_app.config["PASSWORD_SCRYPT_N"]),
                    department_id=dept.id, jurisdiction_code=data.get("jurisdiction"),
                    roles=[UserRole(role=r) for r in sorted(set(data["roles"]))])
        session.add(user)
        session.flush()
        audit.record("user.create", object_type="user", object_id=user.id,
                     payload={k: v for k, v in data.items() if k != "password"})
    return user


def update_user(principal: Principal, user: User, data: dict[str, Any]) -> User:
    with unit_of_work() as session:
        user = session.merge(user)
        # Otherwise a department administrator could reset a system administrator's password and sign in as them.
        if Role.SYSTEM_ADMIN in user.role_names and Role.SYSTEM_ADMIN not in principal.roles:
            raise Forbidden("Only a system administrator may change a system administrator's account.",
                            code="user.system_admin_protected")
        if "roles" in data:
            _check_roles(principal, data["roles"])
            user.roles = [UserRole(role=r) for r in sorted(set(data["roles"]))]
        if "display_name" in data:
            user.display_name = data["display_name"]
        if "is_active" in data:
            user.is_active = data["is_active"]
        if "password" in data:
            user.password_hash = passwords.hash_password(data["password"], n=current_app.config["PASSWORD_SCRYPT_N"])
        if "password" in data or data.get("is_active") is False:
            # A new password or a disabled account ends every signed-in device.
            session.execute(sa.update(RefreshToken)
                            .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
                            .values(revoked_at=utcnow(), revoked_reason="credentials_changed"))
        audit.record("user.update", object_type="user", object_id=user.id,
                     payload={k: v for k, v in data.items() if k != "password"})
    return user
