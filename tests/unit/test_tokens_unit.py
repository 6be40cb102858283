"""Unit tests for backend.accounts.tokens: HS256-pinned access JWTs with key ids, opaque refresh tokens.

A bare Flask app carries just the configuration keys the module reads; no database.
"""
from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
import pytest
from flask import Flask

from backend.accounts.tokens import (decode_access_token, hash_refresh_token, issue_access_token,
                                     new_refresh_token, utcnow_seconds)
from backend.errors import Unauthenticated

OLD_KEY = "old-secret-0123456789abcdef0123456789abcdef"
NEW_KEY = "new-secret-0123456789abcdef0123456789abcdef"


def _config(**over: Any) -> dict[str, Any]:
    return {"JWT_KEYS": {"k1": OLD_KEY}, "JWT_ACTIVE_KEY_ID": "k1", "JWT_ISSUER": "issuer-x",
            "JWT_AUDIENCE": "audience-y", "ACCESS_TOKEN_TTL": 600, **over}


@pytest.fixture
def app() -> Iterator[Flask]:
    app = Flask(__name__)
    app.config.update(_config())
    with app.app_context():
        yield app


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _issue(now: datetime | None = None) -> str:
    return issue_access_token(user_id=42, roles=["inspector", "team_lead"], department_id=7, now=now or _now())


def _claims(**over: Any) -> dict[str, Any]:
    now = _now()
    claims = {"iss": "issuer-x", "aud": "audience-y", "sub": "42", "iat": now, "nbf": now,
              "exp": now + timedelta(minutes=5), "typ": "access", "roles": [], "dept": 7}
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims: dict[str, Any], *, key: str = OLD_KEY, alg: str = "HS256", kid: Any = "k1") -> str:
    headers = {} if kid is None else {"kid": kid}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)  # HS512 with a 43-byte key
        return jwt.encode(claims, None if alg == "none" else key, algorithm=alg, headers=headers)


def test_an_issued_token_carries_the_active_key_id_and_pins_hs256(app):
    header = jwt.get_unverified_header(_issue())
    assert header["kid"] == "k1"
    assert header["alg"] == "HS256"


def test_an_issued_token_has_the_configured_claims(app):
    now = _now()
    claims = jwt.decode(_issue(now), OLD_KEY, algorithms=["HS256"], audience="audience-y", issuer="issuer-x")
    assert claims["sub"] == "42"
    assert claims["typ"] == "access"
    assert claims["roles"] == ["inspector", "team_lead"]
    assert claims["dept"] == 7
    assert claims["iat"] == claims["nbf"] == int(now.timestamp())
    assert claims["exp"] - claims["iat"] == 600
    assert re.fullmatch(r"[0-9a-f]{32}", claims["jti"])


def test_every_token_gets_its_own_id(app):
    now = _now()
    ids = {jwt.decode(_issue(now), options={"verify_signature": False})["jti"] for _ in range(5)}
    assert len(ids) == 5


def test_an_issued_token_decodes_back_to_its_claims(app):
    claims = decode_access_token(_issue())
    assert (claims["sub"], claims["typ"], claims["dept"]) == ("42", "access", 7)


def test_the_active_key_signs_and_an_older_key_still_verifies(app):
    old_token = _issue()
    app.config.update(JWT_KEYS={"k1": OLD_KEY, "k2": NEW_KEY}, JWT_ACTIVE_KEY_ID="k2")
    new_token = _issue()
    assert jwt.get_unverified_header(new_token)["kid"] == "k2"
    jwt.decode(new_token, NEW_KEY, algorithms=["HS256"], audience="audience-y")
    assert decode_access_token(old_token)["sub"] == "42"
    assert decode_access_token(new_token)["sub"] == "42"


def test_a_token_signed_by_a_dropped_key_is_refused(app):
    old_token = _issue()
    app.config.update(JWT_KEYS={"k2": NEW_KEY}, JWT_ACTIVE_KEY_ID="k2")
    with pytest.raises(Unauthenticated) as err:
        decode_access_token(old_token)
    assert err.value.code == "auth.token_invalid"


def test_an_expired_token_is_reported_as_expired(app):
    token = _sign(_claims(iat=_now() - timedelta(hours=1), nbf=_now() - timedelta(hours=1),
                          exp=_now() - timedelta(seconds=1)))
    with pytest.raises(Unauthenticated) as err:
        decode_access_token(token)
    assert err.value.code == "auth.token_expired"
    assert err.value.status == 401


@pytest.mark.parametrize("token", [
    pytest.param(lambda: _sign(_claims(), alg="none"), id="alg-none"),
    pytest.param(lambda: _sign(_claims(), alg="HS512"), id="alg-HS512-same-key"),
    pytest.param(lambda: _sign(_claims(), alg="HS384"), id="alg-HS384-same-key"),
    pytest.param(lambda: _sign(_claims(), kid="nope"), id="unknown-kid"),
    pytest.param(lambda: _sign(_claims(), kid=None), id="no-kid"),
    pytest.param(lambda: _sign(_claims(), key=NEW_KEY), id="wrong-key-for-kid"),
    pytest.param(lambda: _sign(_claims(aud="someone-else")), id="wrong-audience"),
    pytest.param(lambda: _sign(_claims(iss="someone-else")), id="wrong-issuer"),
    pytest.param(lambda: _sign(_claims(aud=None)), id="no-audience"),
    pytest.param(lambda: _sign(_claims(iss=None)), id="no-issuer"),
    pytest.param(lambda: _sign(_claims(exp=None)), id="no-expiry"),
    pytest.param(lambda: _sign(_claims(iat=None)), id="no-issued-at"),
    pytest.param(lambda: _sign(_claims(sub=None)), id="no-subject"),
    pytest.param(lambda: _sign(_claims(sub=42)), id="numeric-subject"),
    pytest.param(lambda: _sign(_claims(typ="refresh")), id="not-an-access-token"),
    pytest.param(lambda: _sign(_claims(typ=None)), id="no-type"),
    pytest.param(lambda: _sign(_claims(nbf=_now() + timedelta(hours=1))), id="not-yet-valid"),
    pytest.param(lambda: "garbage", id="garbage"),
    pytest.param(lambda: "a.b.c", id="three-garbage-segments"),
    pytest.param(lambda: new_refresh_token()[0], id="a-refresh-token"),
])
def test_a_bad_token_is_refused_as_invalid(app, token):
    with pytest.raises(Unauthenticated) as err:
        decode_access_token(token())
    assert err.value.code == "auth.token_invalid"


def test_a_token_with_a_changed_payload_is_refused(app):
    header, _, signature = _issue().split(".")
    forged_payload = _sign(_claims(roles=["system_admin"])).split(".")[1]
    with pytest.raises(Unauthenticated) as err:
        decode_access_token(f"{header}.{forged_payload}.{signature}")
    assert err.value.code == "auth.token_invalid"


def test_the_issuer_and_audience_come_from_the_config(app):
    token = _issue()
    app.config.update(JWT_AUDIENCE="another-api")
    with pytest.raises(Unauthenticated):
        decode_access_token(token)


def test_a_refresh_token_is_opaque_random_and_stored_only_as_its_sha256():
    token, digest = new_refresh_token()
    assert len(token) >= 43  # 32 random bytes, base64url
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in digest
    assert new_refresh_token()[0] != token


def test_hashing_a_refresh_token_is_deterministic_and_distinguishes_tokens():
    assert hash_refresh_token("abc") == hash_refresh_token("abc")
    assert hash_refresh_token("abc") != hash_refresh_token("abd")
    assert re.fullmatch(r"[0-9a-f]{64}", hash_refresh_token("abc"))


def test_token_times_are_whole_utc_seconds():
    now = utcnow_seconds()
    assert now.microsecond == 0
    assert now.utcoffset() == timedelta(0)
    assert abs((datetime.now(timezone.utc) - now).total_seconds()) < 2
