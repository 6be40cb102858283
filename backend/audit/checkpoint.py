"""Signed checkpoints (tree heads) for the audit log, with Ed25519.

A checkpoint body is four newline-terminated lines of UTF-8 text:

    {origin}\\n{tree_size}\\n{base64(root_hash)}\\n{timestamp}\\n

and the signature is plain Ed25519 over exactly those bytes. Keys travel as
base64 of their raw 32 bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from datetime import datetime
from typing import NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from backend.audit.canonical import check_timestamp, utc_timestamp

_TREE_SIZE = re.compile(r"0|[1-9][0-9]*")


class Checkpoint(NamedTuple):
    origin: str
    tree_size: int
    root: bytes
    timestamp: str


def _b64decode_strict(text: str, length: int, what: str) -> bytes:
    """Standard padded base64 of exactly `length` bytes, in its one canonical spelling."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise ValueError(f"{what} is not valid base64") from exc
    if len(raw) != length or base64.b64encode(raw).decode("ascii") != text:
        raise ValueError(f"{what} must be base64 of exactly {length} bytes")
    return raw


def _check_origin(origin: str) -> None:
    # A newline would let one origin forge the line structure of the body.
    if not isinstance(origin, str) or not origin or any(c in origin for c in "\r\n"):
        raise ValueError("origin must be a non-empty single-line string")


def checkpoint_body(origin: str, tree_size: int, root: bytes, timestamp: str | datetime) -> bytes:
    """The exact bytes that get signed. `timestamp` may be an aware datetime."""
    _check_origin(origin)
    if type(tree_size) is not int or tree_size < 0:
        raise ValueError("tree_size must be a non-negative int")
    if not isinstance(root, bytes) or len(root) != 32:
        raise ValueError("root must be 32 bytes")
    if isinstance(timestamp, datetime):
        timestamp = utc_timestamp(timestamp)
    check_timestamp(timestamp)
    root_b64 = base64.b64encode(root).decode("ascii")
    return f"{origin}\n{tree_size}\n{root_b64}\n{timestamp}\n".encode("utf-8")


def parse_checkpoint_body(body: bytes) -> Checkpoint:
    """Inverse of checkpoint_body(); raise ValueError unless `body` is canonical."""
    try:
        text = body.decode("utf-8")
    except (UnicodeDecodeError, AttributeError) as exc:
        raise ValueError("checkpoint body must be UTF-8 bytes") from exc
    lines = text.split("\n")
    if len(lines) != 5 or lines[4] != "":
        raise ValueError("checkpoint body must be exactly four newline-terminated lines")
    origin, size_text, root_text, timestamp = lines[:4]
    _check_origin(origin)
    if _TREE_SIZE.fullmatch(size_text) is None:
        raise ValueError("tree size must be a decimal integer without leading zeros")
    root = _b64decode_strict(root_text, 32, "root hash")
    check_timestamp(timestamp)
    return Checkpoint(origin, int(size_text), root, timestamp)


def sign_checkpoint(private_key: Ed25519PrivateKey, body: bytes) -> bytes:
    """64-byte Ed25519 signature over the body bytes."""
    return private_key.sign(body)


def verify_checkpoint(public_key: Ed25519PublicKey, body: bytes, signature: bytes) -> bool:
    """True iff `signature` is a valid Ed25519 signature of `body` by `public_key`."""
    if not isinstance(body, bytes) or not isinstance(signature, bytes) or len(signature) != 64:
        return False
    try:
        public_key.verify(signature, body)
    except InvalidSignature:
        return False
    return True


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    """First 8 bytes of SHA-256 over the raw 32-byte public key, as 16 hex chars."""
    return hashlib.sha256(_raw_public(public_key)).digest()[:8].hex()


def load_private_key(b64_seed: str) -> Ed25519PrivateKey:
    """Private key from base64 of its raw 32-byte seed (surrounding whitespace ignored)."""
    # Seeds usually come from environment variables or files with a trailing newline.
    seed = _b64decode_strict(b64_seed.strip(), 32, "private key")
    return Ed25519PrivateKey.from_private_bytes(seed)


def load_public_key(b64_key: str) -> Ed25519PublicKey:
    """Public key from base64 of its raw 32 bytes (as served by /audit/public-key)."""
    return Ed25519PublicKey.from_public_bytes(_b64decode_strict(b64_key, 32, "public key"))


def generate_private_key_b64() -> str:
    """A fresh private key, as base64 of its raw 32-byte seed."""
    raw = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode("ascii")


def public_key_b64(private_key: Ed25519PrivateKey) -> str:
    """Base64 of the raw 32-byte public key belonging to `private_key`."""
    return base64.b64encode(_raw_public(private_key.public_key())).decode("ascii")
