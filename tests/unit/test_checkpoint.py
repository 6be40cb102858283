"""Unit tests for backend.audit.checkpoint (Ed25519-signed tree heads)."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.audit.checkpoint import (
    checkpoint_body,
    generate_private_key_b64,
    key_id,
    load_private_key,
    load_public_key,
    parse_checkpoint_body,
    public_key_b64,
    sign_checkpoint,
    verify_checkpoint,
)

# RFC 8032 §7.1 "TEST 1" key pair.
RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_EMPTY_SIG = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
    "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)
SEED_B64 = base64.b64encode(RFC8032_SEED).decode()

ORIGIN = "taian-inspection/audit"
ROOT8 = bytes.fromhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
STAMP = "2026-11-25T12:00:00.123456Z"
BODY = (
    b"taian-inspection/audit\n"
    b"8\n"
    b"XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
    b"2026-11-25T12:00:00.123456Z\n"
)
# Ed25519 is deterministic, so this is a fixed vector (also in docs/audit-log.md).
BODY_SIG_B64 = "96MkvWkcEKlDMtkmlBBNasUfM94IzE7T7hgrM3o4LU/hyuSOKT1iY6l6iCIIG+AtHkuy8+cXzM8jPY2WvHcCBQ=="


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return load_private_key(SEED_B64)


def test_the_body_is_four_newline_terminated_lines_in_the_documented_order():
    assert checkpoint_body(ORIGIN, 8, ROOT8, STAMP) == BODY


def test_an_aware_datetime_is_written_as_utc_with_microseconds_and_z():
    plus8 = timezone(timedelta(hours=8))
    moment = datetime(2026, 11, 25, 20, 0, 0, 123456, tzinfo=plus8)
    assert checkpoint_body(ORIGIN, 8, ROOT8, moment) == BODY
    whole_second = datetime(2026, 11, 25, 12, 0, 0, tzinfo=timezone.utc)
    assert checkpoint_body(ORIGIN, 0, ROOT8, whole_second).endswith(b"\n2026-11-25T12:00:00.000000Z\n")


BAD_BODY_ARGS = {
    "an origin with a newline": ("a\nb", 8, ROOT8, STAMP),
    "an empty origin": ("", 8, ROOT8, STAMP),
    "a negative tree size": (ORIGIN, -1, ROOT8, STAMP),
    "a boolean tree size": (ORIGIN, True, ROOT8, STAMP),
    "a 31-byte root": (ORIGIN, 8, ROOT8[:31], STAMP),
    "a hex string root": (ORIGIN, 8, ROOT8.hex(), STAMP),
    "a +00:00 timestamp": (ORIGIN, 8, ROOT8, "2026-11-25T12:00:00.123456+00:00"),
    "a timestamp without microseconds": (ORIGIN, 8, ROOT8, "2026-11-25T12:00:00Z"),
    "an impossible date": (ORIGIN, 8, ROOT8, "2026-13-25T12:00:00.123456Z"),
    "a naive datetime": (ORIGIN, 8, ROOT8, datetime(2026, 11, 25, 12, 0)),
}


@pytest.mark.parametrize("args", BAD_BODY_ARGS.values(), ids=BAD_BODY_ARGS.keys())
def test_a_body_with_an_invalid_field_is_refused(args):
    with pytest.raises(ValueError):
        checkpoint_body(*args)


def test_a_body_parses_back_into_its_fields():
    parsed = parse_checkpoint_body(BODY)
    assert parsed == (ORIGIN, 8, ROOT8, STAMP)
    assert checkpoint_body(*parsed) == BODY


BAD_BODIES = {
    "no final newline": BODY[:-1],
    "an extra line": BODY + b"x\n",
    "a leading-zero size": BODY.replace(b"\n8\n", b"\n08\n"),
    "a signed size": BODY.replace(b"\n8\n", b"\n+8\n"),
    "unpadded base64": BODY.replace(b"Qyg=", b"Qyg"),
    "url-safe base64": BODY.replace(b"+", b"-"),
    "a short root": BODY.replace(b"XcnaeacG", b""),
    "crlf line ends": BODY.replace(b"\n", b"\r\n"),
    "not utf-8": b"\xff" + BODY,
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_parsing_a_malformed_body_raises_value_error(body):
    with pytest.raises(ValueError):
        parse_checkpoint_body(body)


def test_the_rfc_8032_test_key_loads_and_signs_as_published(key):
    assert base64.b64decode(public_key_b64(key)) == RFC8032_PUBLIC
    assert sign_checkpoint(key, b"") == RFC8032_EMPTY_SIG


def test_a_signed_checkpoint_matches_the_documented_vector_and_verifies(key):
    signature = sign_checkpoint(key, BODY)
    assert base64.b64encode(signature).decode() == BODY_SIG_B64
    public = load_public_key(public_key_b64(key))
    assert verify_checkpoint(public, BODY, signature)


def test_the_key_id_is_the_first_8_bytes_of_sha256_over_the_raw_public_key(key):
    expected = hashlib.sha256(RFC8032_PUBLIC).digest()[:8].hex()
    assert key_id(key.public_key()) == expected == "21fe31dfa154a261"


def _flip_byte(data: bytes, i: int) -> bytes:
    return data[:i] + bytes([data[i] ^ 1]) + data[i + 1:]


SIGNATURE_TAMPERS = {
    "another origin": lambda body, sig: (body.replace(b"taian", b"taiam"), sig),
    "another tree size": lambda body, sig: (body.replace(b"\n8\n", b"\n9\n"), sig),
    "another root": lambda body, sig: (body.replace(b"Xcna", b"Ycna"), sig),
    "another timestamp": lambda body, sig: (body.replace(b".123456Z", b".123457Z"), sig),
    "a trailing byte": lambda body, sig: (body + b"\n", sig),
    "a flipped signature byte": lambda body, sig: (body, _flip_byte(sig, 10)),
    "a flipped last signature byte": lambda body, sig: (body, _flip_byte(sig, 63)),
    "a truncated signature": lambda body, sig: (body, sig[:63]),
    "an empty signature": lambda body, sig: (body, b""),
    "a body passed as text": lambda body, sig: (body.decode(), sig),
}


@pytest.mark.parametrize("tamper", SIGNATURE_TAMPERS.values(), ids=SIGNATURE_TAMPERS.keys())
def test_a_tampered_checkpoint_fails_verification(key, tamper):
    body, signature = tamper(BODY, sign_checkpoint(key, BODY))
    assert not verify_checkpoint(key.public_key(), body, signature)


def test_a_checkpoint_signed_by_another_key_fails_verification(key):
    other = load_private_key(generate_private_key_b64())
    assert not verify_checkpoint(key.public_key(), BODY, sign_checkpoint(other, BODY))


def test_generated_keys_are_base64_of_32_bytes_and_round_trip():
    seed_b64 = generate_private_key_b64()
    assert len(base64.b64decode(seed_b64, validate=True)) == 32
    assert generate_private_key_b64() != seed_b64
    key = load_private_key(seed_b64 + "\n")  # Trailing newline from a file is fine.
    assert len(base64.b64decode(public_key_b64(key))) == 32


@pytest.mark.parametrize(
    "text",
    ["", "not base64!", base64.b64encode(b"\x01" * 31).decode(), base64.b64encode(b"\x01" * 33).decode()],
    ids=["empty", "not base64", "31 bytes", "33 bytes"],
)
def test_loading_a_malformed_key_raises_value_error(text):
    with pytest.raises(ValueError):
        load_private_key(text)
    with pytest.raises(ValueError):
        load_public_key(text)
