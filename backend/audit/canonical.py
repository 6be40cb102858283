"""Canonical byte encodings for audit entries (see docs/audit-log.md).

Every hash in the audit log is over bytes produced here, so a third party can
recompute them; any change to these rules changes every hash.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone
from typing import Any

# Always six fractional digits and a literal Z, so one instant has one spelling.
TIMESTAMP_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def canonical_json(obj: Any) -> bytes:
    """UTF-8 JSON with sorted keys, no whitespace, raw non-ASCII, no NaN/Infinity."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """Lowercase hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def utc_timestamp(moment: datetime) -> str:
    """Format an aware datetime as e.g. 2026-11-25T12:00:00.123456Z.

    Naive datetimes are refused: guessing their zone would silently change hashes.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("timestamp must be timezone-aware")
    utc = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def check_timestamp(text: str) -> str:
    """Return `text` if it is a valid timestamp in the canonical form, else raise ValueError."""
    if not isinstance(text, str) or TIMESTAMP_RE.fullmatch(text) is None:
        raise ValueError(f"timestamp must look like 2026-11-25T12:00:00.123456Z, got {text!r}")
    datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")  # Rejects month 13 and the like.
    return text


def _optional_str(name: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string or None")


def audit_leaf_bytes(
    *,
    index: int,
    time: str,
    actor: str | None,
    action: str,
    object_type: str | None,
    object_id: str | None,
    request_id: str | None,
    payload_sha256: str,
) -> bytes:
    """Leaf bytes of one audit entry: canonical JSON of its eight fields."""
    if type(index) is not int or index < 0:
        raise ValueError("index must be a non-negative int")
    check_timestamp(time)
    if not isinstance(action, str):
        raise TypeError("action must be a string")
    for name, value in (("actor", actor), ("object_type", object_type),
                        ("object_id", object_id), ("request_id", request_id)):
        _optional_str(name, value)
    if not isinstance(payload_sha256, str) or _HEX64.fullmatch(payload_sha256) is None:
        raise ValueError("payload_sha256 must be 64 lowercase hex digits")
    return canonical_json({
        "index": index,
        "time": time,
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "request_id": request_id,
        "payload_sha256": payload_sha256,
    })
