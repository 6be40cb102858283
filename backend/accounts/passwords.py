"""Password hashing with scrypt (memory-hard, in the standard library; see docs/adr/0003)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_R, _P, _DKLEN = 8, 1, 32


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(password: str, salt: bytes, n: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=_R, p=_P,
                          maxmem=256 * n * _R + 1024 * 1024, dklen=_DKLEN)


def hash_password(password: str, *, n: int) -> str:
    salt = secrets.token_bytes(16)
    return f"scrypt${n}${_R}${_P}${_b64(salt)}${_b64(_derive(password, salt, n))}"


def verify_password(password: str, stored: str) -> bool:
    # A corrupt stored hash is a failed sign-in, never a 500 (binascii.Error is a ValueError).
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt" or int(r) != _R or int(p) != _P:
            return False
        expected = base64.b64decode(digest, validate=True)
        derived = _derive(password, base64.b64decode(salt, validate=True), int(n))
    except ValueError:
        return False
    return hmac.compare_digest(derived, expected)


def burn_time(password: str, *, n: int) -> None:
    """Spend the cost of one verification, so an unknown username answers as slowly as a known one."""
    _derive(password, b"\0" * 16, n)
