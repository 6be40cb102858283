"""Access tokens (short-lived JWT, HS256 pinned, key id for rotation) and opaque refresh tokens."""
from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
from flask import current_app

from backend.errors import Unauthenticated

ALGORITHM = "HS256"


def issue_access_token(*, user_id: int, roles: list[str], department_id: int, now: datetime) -> str:
    cfg = current_app.config
    kid = cfg["JWT_ACTIVE_KEY_ID"]
    claims = {
        "iss": cfg["JWT_ISSUER"], "aud": cfg["JWT_AUDIENCE"], "sub": str(user_id),
        "iat": now, "nbf": now, "exp": now + timedelta(seconds=cfg["ACCESS_TOKEN_TTL"]),
        "jti": uuid.uuid4().hex, "typ": "access", "roles": roles, "dept": department_id,
    }
    return jwt.encode(claims, cfg["JWT_KEYS"][kid], algorithm=ALGORITHM, headers={"kid": kid})


def decode_access_token(token: str) -> dict[str, Any]:
    cfg = current_app.config
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise Unauthenticated("The access token is malformed.", code="auth.token_invalid") from exc
    key = cfg["JWT_KEYS"].get(header.get("kid"))
    if key is None or header.get("alg") != ALGORITHM:
        raise Unauthenticated("The access token was not signed by a known key.", code="auth.token_invalid")
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], audience=cfg["JWT_AUDIENCE"],
                            issuer=cfg["JWT_ISSUER"],
                            options={"require": ["exp", "iat", "sub", "iss", "aud"]})
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("The access token has expired.", code="auth.token_expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated("The access token is not valid.", code="auth.token_invalid") from exc
    if claims.get("typ") != "access":
        raise Unauthenticated("This is not an access token.", code="auth.token_invalid")
    return claims


def new_refresh_token() -> tuple[str, str]:
    """A fresh opaque refresh token and the SHA-256 hex kept server-side."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def utcnow_seconds() -> datetime:
    # JWT times are whole seconds; keep stored times consistent with them.
    return datetime.now(timezone.utc).replace(microsecond=0)
