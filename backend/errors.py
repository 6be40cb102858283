"""One error vocabulary: DomainError subclasses with stable codes, rendered as problem JSON.

Every error response of the API has the shape {code, status, message, errors, details}.
`code` is a stable dotted identifier clients may switch on; `status` is the HTTP status.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, json
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("ssgk.errors")

PROBLEM_MIMETYPE = "application/problem+json"


class DomainError(Exception):
    status = 400
    code = "request.invalid"
    message = "The request is invalid."

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 errors: dict[str, Any] | None = None, details: dict[str, Any] | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        if code:
            self.code = code
        self.errors = errors or {}
        self.details = details or {}


class Unauthenticated(DomainError):
    status, code, message = 401, "auth.required", "Authentication is required."


class Forbidden(DomainError):
    status, code, message = 403, "auth.forbidden", "You are not allowed to do this."


class NotFound(DomainError):
    status, code, message = 404, "resource.not_found", "The resource does not exist."


class Conflict(DomainError):
    status, code, message = 409, "resource.conflict", "The request conflicts with the current state."


class PreconditionFailed(DomainError):
    status, code, message = 412, "version.stale", "The resource has changed since you read it."


class ValidationFailed(DomainError):
    status, code, message = 422, "validation.failed", "The data is not valid."


class PreconditionRequired(DomainError):
    status, code, message = 428, "version.required", "This update needs an If-Match header."


class TooManyRequests(DomainError):
    status, code, message = 429, "request.throttled", "Too many attempts; wait and try again."


# Codes for plain HTTP errors raised by Flask/werkzeug rather than by our services.
_HTTP_CODES = {
    400: "request.malformed",
    401: "auth.required",
    403: "auth.forbidden",
    404: "route.not_found",
    405: "route.method_not_allowed",
    409: "resource.conflict",
    412: "version.stale",
    413: "request.too_large",
    415: "request.unsupported_media_type",
    422: "validation.failed",
    428: "version.required",
    429: "request.throttled",
}


def problem(status: int, code: str, message: str, *, errors: dict[str, Any] | None = None,
            details: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Response:
    body = {"code": code, "status": status, "message": message, "errors": errors or {}, "details": details or {}}
    if "request_id" in g:
        body["details"] = {**body["details"], "request_id": g.request_id}
    resp = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def _handle_domain_error(exc: DomainError) -> Response:
    headers = {}
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="ssgk"'
    if exc.status in (429, 503) and "retry_after" in exc.details:
        headers["Retry-After"] = str(exc.details["retry_after"])
    return problem(exc.status, exc.code, exc.message, errors=exc.errors, details=exc.details, headers=headers)


def _handle_integrity_error(exc: IntegrityError) -> Response:
    # Services check uniqueness first; this catches the race where two requests pass that check
    # together, and writes refused by an append-only trigger. Either way: a conflict, not a crash.
    log.warning("integrity error: %s", exc.orig)
    return problem(409, "resource.conflict", "The change conflicts with data that already exists or may not change.")


def _handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    errors = data.get("messages") or {}
    # webargs nests messages by location ("json", "query"): keep that, it tells the client where.
    if status == 400 and "json" in errors and "Invalid JSON body." in str(errors["json"]):
        return problem(400, "request.malformed_json", "The request body is not valid JSON.")
    code = _HTTP_CODES.get(status, f"http.{status}")
    message = data.get("message") or exc.description or exc.name
    if status == 422:
        message = "The data is not valid; see errors for each field."
    headers = {}
    if status == 405 and getattr(exc, "valid_methods", None):
        # flask-smorest's default handler drops Allow on 405; RFC 9110 requires it.
        headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    if status >= 500:
        log.error("http error %s: %s", status, message)
    return problem(status, code, str(message), errors=errors, headers=headers)


def _handle_unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _handle_http_exception(exc)
    log.exception("unhandled error")
    return problem(500, "server.error", "An internal error occurred; it has been logged.")


def _handle_data_error(exc: DataError) -> Response:
    # A value the database cannot hold or compare (e.g. a NUL character in text on PostgreSQL,
    # a number out of range): the client's input is at fault, not the server.
    log.warning("data error: %s", exc.orig)
    return problem(422, "validation.unrepresentable", "A value in the request cannot be stored or searched "
                   "(for example a NUL character or a number out of range).")


def register_error_handlers(app: Flask) -> None:
    """Called after flask-smorest's Api so that ours win for HTTPException."""
    app.register_error_handler(DomainError, _handle_domain_error)
    app.register_error_handler(IntegrityError, _handle_integrity_error)
    app.register_error_handler(DataError, _handle_data_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)
