"""Sign-in, token rotation and sign-out. Each function is one transaction."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from backend.accounts import passwords
from backend.accounts.model import LoginAttempt, RefreshToken, User
from backend.accounts.tokens import hash_refresh_token, issue_access_token, new_refresh_token, utcnow_seconds
from backend.audit import services as audit
from backend.db import unit_of_work
from backend.errors import TooManyRequests, Unauthenticated


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int
    token_type: str = "Bearer"


def _issue_pair(session: sa.orm.Session, user: User, family_id: uuid.UUID, now: datetime) -> TokenPair:
    cfg = current_app.config
    token, digest = new_refresh_token()
    session.add(RefreshToken(token_hash=digest, family_id=family_id, user_id=user.id, issued_at=now,
                             expires_at=now + timedelta(seconds=cfg["REFRESH_TOKEN_TTL"])))
    access = issue_access_token(user_id=user.id, roles=user.role_names, department_id=user.department_id, now=now)
    return TokenPair(access, token, cfg["ACCESS_TOKEN_TTL"], cfg["REFRESH_TOKEN_TTL"])


def _throttled(session: sa.orm.Session, username: str, address: str, now: datetime) -> bool:
    cfg = current_app.config
    since = now - timedelta(seconds=cfg["LOGIN_WINDOW_SECONDS"])
    recent = sa.select(sa.func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since)
    by_account = session.scalar(recent.where(LoginAttempt.username == username)) or 0
    by_address = session.scalar(recent.where(LoginAttempt.address == address)) or 0
    return (by_account >= cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
            or by_address >= cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"])


def login(username: str, password: str, address: str) -> TokenPair:
    cfg = current_app.config
    now = utcnow_seconds()
    with unit_of_work() as session:
        if _throttled(session, username, address, now):
            raise TooManyRequests("Too many failed sign-ins; try again later.", code="auth.throttled",
                                  details={"retry_after": cfg["LOGIN_WINDOW_SECONDS"]})
        user = session.scalar(sa.select(User).where(User.username == username))
        if user is None:
            passwords.burn_time(password, n=cfg["PASSWORD_SCRYPT_N"])
        ok = user is not None and user.is_active and passwords.verify_password(password, user.password_hash)
        if ok:
            assert user is not None
            session.execute(sa.delete(LoginAttempt).where(LoginAttempt.username == username))
            pair = _issue_pair(session, user, uuid.uuid4(), now)
            audit.record("auth.login", object_type="user", object_id=user.id, actor=str(user.id),
                         payload={"username": username, "address": address})
            return pair
    # The failure is committed on its own before we answer, so throttling counts it.
    with unit_of_work() as session:
        session.add(LoginAttempt(username=username, address=address, at=now))
        audit.record("auth.login_failed", object_type="user", object_id=username,
                     payload={"username": username, "address": address})
    raise Unauthenticated("Wrong username or password.", code="auth.invalid_credentials")


def refresh(token: str) -> TokenPair:
    now = utcnow_seconds()
    digest = hash_refresh_token(token)
    with unit_of_work() as session:
        # FOR UPDATE: two requests racing with one token must not both see it unused (PostgreSQL;
        # SQLite's BEGIN IMMEDIATE already serialises them).
        row = session.scalar(sa.select(RefreshToken).where(RefreshToken.token_hash == digest).with_for_update())
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            raise Unauthenticated("The refresh token is not valid; sign in again.", code="auth.refresh_invalid")
        if row.used_at is None:
            user = session.get(User, row.user_id)
            if user is None or not user.is_active:
                raise Unauthenticated("This account is disabled.", code="auth.account_disabled")
            row.used_at = now
            pair = _issue_pair(session, user, row.family_id, now)
            audit.record("auth.refresh", object_type="user", object_id=user.id, actor=str(user.id),
                         payload={"family": str(row.family_id)})
            return pair
        # A used token presented again means it was copied: end the whole family.
        _revoke_family(session, row.family_id, now, "reuse_detected")
        audit.record("auth.refresh_reuse", object_type="user", object_id=row.user_id,
                     actor=str(row.user_id), payload={"family": str(row.family_id)})
    raise Unauthenticated("This refresh token was already used; every session of it is now ended.",
                          code="auth.refresh_reused")


def logout(token: str) -> None:
    now = utcnow_seconds()
    with unit_of_work() as session:
        row = session.scalar(sa.select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(token)))
        if row is None:
            return  # nothing to end; logout is idempotent
        _revoke_family(session, row.family_id, now, "logout")
        audit.record("auth.logout", object_type="user", object_id=row.user_id, actor=str(row.user_id),
                     payload={"family": str(row.family_id)})


def _revoke_family(session: sa.orm.Session, family_id: uuid.UUID, now: datetime, reason: str) -> None:
    session.execute(sa.update(RefreshToken)
                    .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
                    .values(revoked_at=now, revoked_reason=reason))
