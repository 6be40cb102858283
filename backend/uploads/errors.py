"""Errors of the upload protocol. Statuses tus prescribes (409, 410, 412, 413, 415, 460) keep
them; every one is still problem JSON with a stable code."""
from __future__ import annotations

from backend.errors import DomainError


class BadUploadRequest(DomainError):
    status, code, message = 400, "upload.header_invalid", "A tus header is missing or malformed."


class UploadGone(DomainError):
    status, code, message = 410, "upload.gone", "This upload has ended; start a new one."


class UploadTooLarge(DomainError):
    status, code, message = 413, "upload.too_large", "The upload is larger than allowed."


class WrongContentType(DomainError):
    status, code, message = 415, "upload.content_type", "PATCH bodies must be application/offset+octet-stream."


class UploadLocked(DomainError):
    status, code, message = 423, "upload.locked", "Another request is writing to this upload; retry shortly."


class ChecksumMismatch(DomainError):
    status, code, message = 460, "upload.checksum_mismatch", "The chunk does not match its Upload-Checksum; it was discarded."


class UploadBusy(DomainError):
    status, code, message = 503, "upload.busy", "The server is busy with other uploads; retry after a few seconds."
