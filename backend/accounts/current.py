"""Who is calling: the bearer token checked and the user reloaded from the database."""
from __future__ import annotations

import sqlalchemy as sa
from flask import g, request

from backend.accounts.model import User
from backend.accounts.tokens import decode_access_token
from backend.db import read_only
from backend.errors import Unauthenticated
from backend.policy import Principal


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Use 'Authorization: Bearer <token>'.", code="auth.token_invalid")
    return token.strip()


def authenticate() -> Principal:
    """The caller's principal; 401 without a valid token or when the account is disabled."""
    if g.get("principal") is not None:
        return g.principal
    token = _bearer()
    if token is None:
        raise Unauthenticated()
    claims = decode_access_token(token)
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError) as exc:
        raise Unauthenticated("The access token is not valid.", code="auth.token_invalid") from exc
    # A read-only unit: on SQLite it takes no write lock, which must not be held while the
    # request's body streams in or is validated (backend/db.py).
    with read_only() as session:
        user = session.scalar(sa.select(User).where(User.id == user_id))
        if user is None or not user.is_active:
            raise Unauthenticated("This account is disabled.", code="auth.account_disabled")
        g.principal = Principal(user.id, user.username, user.department_id, user.jurisdiction_code,
                                frozenset(user.role_names))
    return g.principal
