"""tus 1.0.0 headers: the constants this server announces and the parsing of what clients send."""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from backend.uploads.errors import BadUploadRequest

VERSION = "1.0.0"
SUPPORTED_VERSIONS = (VERSION,)
EXTENSIONS = ("creation", "creation-with-upload", "expiration", "checksum", "termination")
# tus requires sha1; sha256 is what we ask clients to use.
CHECKSUM_ALGORITHMS = ("sha256", "sha1")
OFFSET_STREAM = "application/offset+octet-stream"
METADATA_MAX_CHARS = 4096

_DIGITS = re.compile(r"[0-9]{1,19}")
_KEY = re.compile(r"[!-+\--~]+")  # printable ASCII without space and comma


@dataclass(frozen=True)
class Checksum:
    algorithm: str
    digest: bytes

    def new_hash(self) -> hashlib._Hash:
        return hashlib.new(self.algorithm)


def discovery_headers(max_size: int) -> dict[str, str]:
    return {"Tus-Version": ",".join(SUPPORTED_VERSIONS), "Tus-Extension": ",".join(EXTENSIONS),
            "Tus-Max-Size": str(max_size), "Tus-Checksum-Algorithm": ",".join(CHECKSUM_ALGORITHMS)}


def non_negative(value: str | None, header: str) -> int:
    if value is None or _DIGITS.fullmatch(value.strip()) is None or int(value) > 2**63 - 1:
        raise BadUploadRequest(f"{header} must be a non-negative integer.", details={"header": header})
    return int(value)


def parse_metadata(value: str | None) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64value` pairs (value optional), keys unique."""
    if value is None or not value.strip():
        return {}
    if len(value) > METADATA_MAX_CHARS:
        raise BadUploadRequest("Upload-Metadata is too long.", code="upload.metadata_malformed",
                               details={"max_chars": METADATA_MAX_CHARS})
    pairs: dict[str, str] = {}
    for item in value.split(","):
        key, _, encoded = item.strip().partition(" ")
        if not _KEY.fullmatch(key) or key in pairs or " " in encoded.strip():
            raise BadUploadRequest(f"Upload-Metadata has a bad or repeated key near {key[:40]!r}.",
                                   code="upload.metadata_malformed")
        try:
            pairs[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise BadUploadRequest(f"Upload-Metadata value of {key!r} is not base64 of UTF-8 text.",
                                   code="upload.metadata_malformed", details={"key": key}) from exc
    return pairs


def parse_checksum(value: str | None) -> Checksum | None:
    """Upload-Checksum: `<algorithm> <base64 digest>`; 400 for an algorithm we do not support."""
    if value is None:
        return None
    algorithm, _, encoded = value.strip().partition(" ")
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise BadUploadRequest(f"Checksum algorithm {algorithm[:20]!r} is not supported.",
                               code="upload.checksum_algorithm", details={"supported": list(CHECKSUM_ALGORITHMS)})
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error as exc:
        raise BadUploadRequest("Upload-Checksum is not valid base64.", code="upload.checksum_malformed") from exc
    if len(digest) != hashlib.new(algorithm).digest_size:
        raise BadUploadRequest(f"A {algorithm} digest has {hashlib.new(algorithm).digest_size} bytes.",
                               code="upload.checksum_malformed")
    return Checksum(algorithm, digest)


def http_date(moment: datetime) -> str:
    """RFC 7231 IMF-fixdate, as Upload-Expires requires."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)
