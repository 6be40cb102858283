"""OpenAPI descriptions of the tus headers, so the contract shows the protocol as implemented."""
from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from flask_smorest import Blueprint

from backend.api import ProblemSchema
from backend.errors import PROBLEM_MIMETYPE
from backend.uploads.tus import OFFSET_STREAM, VERSION

F = TypeVar("F", bound=Callable[..., Any])


def header(name: str, description: str, schema: dict[str, Any] | None = None, *,
           required: bool = True) -> dict[str, Any]:
    return {"in": "header", "name": name, "required": required, "description": description,
            "schema": schema or {"type": "string"}}


INTEGER = {"type": "integer", "minimum": 0, "format": "int64"}
TUS_RESUMABLE = header("Tus-Resumable", "protocol version; anything else is answered 412",
                       {"type": "string", "enum": [VERSION]})
UPLOAD_LENGTH = header("Upload-Length", "size of the whole file in bytes", INTEGER)
UPLOAD_METADATA = header("Upload-Metadata", "comma-separated `key base64(value)`: filename, filetype, "
                         "sha256 (hex, of the whole file), record_id and evidence_id (client UUIDs)")
UPLOAD_OFFSET = header("Upload-Offset", "must equal the upload's current offset (409 otherwise)", INTEGER)
UPLOAD_CHECKSUM = header("Upload-Checksum", "`sha256 <base64 digest>` (or sha1) of this request's body; "
                         "460 and the chunk is discarded when it does not match", required=False)

OFFSET_BODY = {"content": {OFFSET_STREAM: {"schema": {"type": "string", "format": "binary"}}}}

_H_OFFSET = {"description": "the upload's offset after this request", "schema": INTEGER}
_H_EXPIRES = {"description": "when the unfinished upload expires (RFC 7231 date)", "schema": {"type": "string"}}
CREATED_HEADERS = {"Location": {"description": "the upload's URL", "schema": {"type": "string"}},
                   "Upload-Offset": _H_OFFSET, "Upload-Expires": _H_EXPIRES}
PATCHED_HEADERS = {"Upload-Offset": _H_OFFSET, "Upload-Expires": _H_EXPIRES}
HEAD_HEADERS = {"Upload-Offset": _H_OFFSET, "Upload-Length": {"schema": INTEGER},
                "Upload-Metadata": {"schema": {"type": "string"}}, "Upload-Expires": _H_EXPIRES,
                "Cache-Control": {"schema": {"type": "string", "enum": ["no-store"]}}}


def errors(blp: Blueprint, *statuses: int) -> Callable[[F], F]:
    """Document problem-JSON error responses by status (460 included)."""

    def decorate(fn: F) -> F:
        for status in statuses:
            if status == 460:
                fn = blp.alt_response(460, schema=ProblemSchema, content_type=PROBLEM_MIMETYPE,
                                      description="Checksum Mismatch (tus): the chunk was discarded")(fn)
            else:
                fn = blp.alt_response(status, response=HTTPStatus(status).name)(fn)
        return fn

    return decorate
