"""Optimistic concurrency by version number: the ETag of a versioned resource is `"v<n>"`.

A write that makes a new version names the version it was based on in `If-Match`; the
service compares it with the current version inside its transaction, so two editors who
read the same version cannot both win. No `If-Match` → 428; another version → 412.
"""
from __future__ import annotations

from flask import request

from backend.errors import PreconditionFailed, PreconditionRequired

IF_MATCH_DOC = {"parameters": [{
    "in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
    "description": 'The ETag of the version this change is based on, e.g. "v3" (428 without it, 412 if stale)',
}]}


def etag(version: int) -> str:
    return f'"v{version}"'


def etag_header(version: int | None) -> dict[str, str]:
    return {} if version is None else {"ETag": etag(version)}


def if_match_versions() -> frozenset[int] | None:
    """The versions named in the request's If-Match header; None when there is no header.

    `*` names no version: a client must say which version it edited."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        return None
    found = set()
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith('"v') and tag.endswith('"') and tag[2:-1].isdigit():
            found.add(int(tag[2:-1]))
    if not found and header.strip() == "*":
        return None
    return frozenset(found)


def check_version(current: int, expected: frozenset[int] | None, *, what: str) -> None:
    if expected is None:
        raise PreconditionRequired(f"Send If-Match with the ETag of the {what} version you edited "
                                   f'(e.g. "v{current}").', code="version.required",
                                   details={"current_version": current})
    if current not in expected:
        raise PreconditionFailed(f"The {what} has changed since you read it; it is now at version {current}.",
                                 code="version.stale", details={"current_version": current,
                                                                "etag": etag(current)})
