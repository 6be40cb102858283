"""The package's detached signature: Ed25519 over the bytes of tagmanifest-sha256.txt.

The key is the platform's audit signing key (docs/adr/0011-evidence-package-signatures.md):
the checkpoint in the package is signed by it too, so a court pins one published key id.
"""
from __future__ import annotations

import base64
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SIGNED_FILE = "tagmanifest-sha256.txt"
SIGNATURE_FILE = "signature/tagmanifest-sha256.txt.sig"
PUBLIC_KEY_FILE = "signature/public-key.txt"


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """As for audit checkpoints: hex of the first 8 bytes of SHA-256 over the raw 32-byte key."""
    return hashlib.sha256(raw_public_key(key)).digest()[:8].hex()


def public_key_text(key: Ed25519PublicKey) -> bytes:
    """signature/public-key.txt: labelled lines, then the same key as PEM so openssl reads the file."""
    raw = base64.b64encode(raw_public_key(key)).decode("ascii")
    pem = key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    return (f"Algorithm: Ed25519\nKey-Id: {key_id(key)}\nPublic-Key: {raw}\nSigned-File: {SIGNED_FILE}\n"
            f"Signature-File: {SIGNATURE_FILE}\n{pem}").encode("ascii")


def sign(key: Ed25519PrivateKey, tagmanifest: bytes) -> bytes:
    """64 raw bytes: pure Ed25519 (RFC 8032), no prehash, over the tag manifest's exact bytes."""
    return key.sign(tagmanifest)
