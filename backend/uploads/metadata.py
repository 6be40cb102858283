"""The upload's declared facts, from Upload-Metadata: what the client says it is sending."""
from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass

from backend.errors import ValidationFailed
from backend.uploads.kinds import kind_of

_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Declared:
    filename: str
    filetype: str
    kind: str
    sha256: str
    record_id: uuid.UUID
    evidence_id: uuid.UUID


def sanitize_filename(raw: str | None) -> str:
    """A display name only: the last path segment, no control characters, never '.' or '..'."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _CONTROL.sub("", name).strip()
    if name in ("", ".", ".."):
        return "unnamed"
    return name[:255]


def _uuid(meta: dict[str, str], key: str, errors: dict[str, list[str]]) -> uuid.UUID:
    try:
        return uuid.UUID(meta.get(key, ""))
    except ValueError:
        errors[key] = ["required: a UUID made by the client"]
        return uuid.UUID(int=0)


def declared(meta: dict[str, str]) -> Declared:
    """Validate the metadata keys we need; unknown keys are allowed (tus clients add their own)."""
    errors: dict[str, list[str]] = {}
    sha256 = meta.get("sha256", "")
    if not _SHA256.fullmatch(sha256):
        errors["sha256"] = ["required: the SHA-256 of the whole file, 64 hex digits"]
    filetype = meta.get("filetype", "").strip()
    if not filetype:
        errors["filetype"] = ["required: the file's media type, e.g. image/jpeg"]
    record_id = _uuid(meta, "record_id", errors)
    evidence_id = _uuid(meta, "evidence_id", errors)
    if errors:
        raise ValidationFailed("Upload-Metadata lacks what an evidence upload needs.",
                               code="upload.metadata_invalid", errors={"Upload-Metadata": errors})
    return Declared(filename=sanitize_filename(meta.get("filename")), filetype=filetype[:100],
                    kind=kind_of(filetype), sha256=sha256.lower(), record_id=record_id, evidence_id=evidence_id)
