"""Unit tests for backend.accounts.passwords (scrypt hashes in a self-describing string)."""
from __future__ import annotations

import base64
import hashlib

import pytest

from backend.accounts.passwords import burn_time, hash_password, verify_password

N = 256  # cheap cost for tests; real deployments use 2**14


def _fields(stored: str) -> list[str]:
    return stored.split("$")


def test_a_hash_names_its_scheme_cost_and_parameters():
    scheme, n, r, p, salt, digest = _fields(hash_password("correct horse", n=N))
    assert (scheme, n, r, p) == ("scrypt", str(N), "8", "1")
    assert len(base64.b64decode(salt)) == 16
    assert len(base64.b64decode(digest)) == 32


def test_the_digest_is_scrypt_of_the_password_with_the_stored_salt():
    _, n, r, p, salt, digest = _fields(hash_password("correct horse", n=N))
    expected = hashlib.scrypt(b"correct horse", salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    assert base64.b64decode(digest) == expected


def test_the_right_password_verifies():
    assert verify_password("correct horse", hash_password("correct horse", n=N)) is True


@pytest.mark.parametrize("attempt", ["correct hors", "Correct horse", "correct horse ", "", "正确的马"])
def test_any_other_password_does_not_verify(attempt):
    assert verify_password(attempt, hash_password("correct horse", n=N)) is False


def test_non_ascii_passwords_round_trip():
    stored = hash_password("泰安市场监管局-2026", n=N)
    assert verify_password("泰安市场监管局-2026", stored) is True
    assert verify_password("泰安市场监管局-2025", stored) is False


def test_the_same_password_gets_a_fresh_salt_every_time():
    first, second = hash_password("same", n=N), hash_password("same", n=N)
    assert first != second
    assert _fields(first)[4] != _fields(second)[4]


def test_verification_uses_the_cost_stored_with_the_hash():
    # A hash made under an older, cheaper setting still verifies after the setting is raised.
    stored = hash_password("kept", n=128)
    assert _fields(stored)[1] == "128"
    assert verify_password("kept", stored) is True


def test_changing_the_stored_cost_breaks_verification():
    scheme, _, r, p, salt, digest = _fields(hash_password("kept", n=N))
    assert verify_password("kept", "$".join([scheme, str(N * 2), r, p, salt, digest])) is False


def _tamper(field: int, value: str) -> str:
    parts = _fields(hash_password("pw", n=N))
    parts[field] = value
    return "$".join(parts)


@pytest.mark.parametrize("stored", [
    pytest.param("", id="empty"),
    pytest.param("not a hash", id="no-fields"),
    pytest.param("scrypt$256$8$1$c2FsdA==", id="too-few-fields"),
    pytest.param(_tamper(0, "bcrypt"), id="other-scheme"),
    pytest.param(_tamper(2, "16"), id="other-block-size"),
    pytest.param(_tamper(3, "2"), id="other-parallelism"),
    pytest.param(_tamper(1, "abc"), id="non-numeric-cost"),
    pytest.param(_tamper(1, "300"), id="cost-not-a-power-of-two"),
    pytest.param(_tamper(2, "x"), id="non-numeric-block-size"),
    pytest.param(_tamper(4, "!!!not-base64!!!"), id="salt-not-base64"),
    pytest.param(_tamper(5, "@@@"), id="digest-not-base64"),
])
def test_a_malformed_stored_hash_never_verifies_and_never_raises(stored):
    assert verify_password("pw", stored) is False


def test_burning_time_costs_a_derivation_and_returns_nothing(monkeypatch):
    calls = []
    real = hashlib.scrypt

    def spy(*args, **kwargs):
        calls.append(kwargs["n"])
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", spy)
    assert burn_time("whatever", n=N) is None
    assert calls == [N]
