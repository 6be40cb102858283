"""The tus endpoints under /api/v1/uploads: parse the tus headers, call a service, answer with
tus headers. Bodies are raw bytes streamed to disk, so no webargs parsing here."""
from __future__ import annotations

import uuid
from typing import Any

from flask import Response, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from backend.errors import PreconditionFailed, problem
from backend.policy import Principal, current_principal, public, requires
from backend.uploads import admission, apidoc, append, kinds, override, services, tus, whole
from backend.uploads.cli import clean_expired_command
from backend.uploads.errors import BadUploadRequest, WrongContentType
from backend.uploads.model import State, Upload
from backend.uploads.schemas import DiscoverySchema, UploadSchema

blp = Blueprint("uploads", __name__, url_prefix="/api/v1/uploads",
                description="Resumable evidence uploads (tus 1.0.0; see docs/uploads.md)")
blp.cli.add_command(clean_expired_command)  # flask --app backend uploads clean-expired
blp.cli.help = "Resumable evidence uploads: remove abandoned ones."
blp.record_once(override.install)
_TUS_METHODS = ("POST", "HEAD", "PATCH", "DELETE")


@blp.before_request
def _check_tus_version() -> None:
    if request.method in _TUS_METHODS and request.headers.get("Tus-Resumable") not in tus.SUPPORTED_VERSIONS:
        raise PreconditionFailed("This server speaks tus 1.0.0: send Tus-Resumable: 1.0.0.",
                                 code="upload.version_unsupported", details={"supported": list(tus.SUPPORTED_VERSIONS)})


@blp.after_request
def _tus_headers(resp: Response) -> Response:
    resp.headers["Tus-Resumable"] = tus.VERSION
    resp.headers["Cache-Control"] = "no-store"
    if request.method == "OPTIONS" or resp.status_code == 412:
        resp.headers.update(tus.discovery_headers(max(kinds.limits().values())))
    if resp.status_code == 460:
        resp.status = "460 Checksum Mismatch"
    return resp


@blp.errorhandler(RequestEntityTooLarge)
def _chunk_too_large(_exc: RequestEntityTooLarge) -> Response:
    """The body is over max_content_length, set per request to the chunk limit (the app's own
    MAX_CONTENT_LENGTH does not apply to upload chunks)."""
    limit = kinds.chunk_limit()
    return problem(413, "upload.chunk_too_large", f"One request may carry at most {limit} bytes; send smaller chunks.",
                   details={"max_chunk_bytes": limit})


def _expires(upload: Upload) -> dict[str, str]:
    return {"Upload-Expires": tus.http_date(upload.expires_at)} if upload.state == State.ACTIVE else {}


def _empty(status: int, headers: dict[str, str]) -> Response:
    """A tus answer: status and headers, no body and so no Content-Type."""
    resp = Response(status=status, headers=headers)
    del resp.headers["Content-Type"]
    return resp


def _created(upload: Upload) -> Response:
    location = url_for("uploads.UploadView", upload_id=upload.id)
    return _empty(201, {"Location": location, "Upload-Offset": str(upload.offset), **_expires(upload)})


def _body_present() -> bool:
    return request.mimetype == tus.OFFSET_STREAM and (request.content_length or 0) > 0


@blp.route("")
class UploadsView(MethodView):
    @public
    @blp.response(200, DiscoverySchema)
    def options(self) -> Any:
        """What this server accepts: tus version, extensions, checksums, size limits per kind"""
        return services.discovery()

    @requires("evidence.upload")
    @blp.doc(parameters=[apidoc.TUS_RESUMABLE, apidoc.UPLOAD_LENGTH, apidoc.UPLOAD_METADATA, apidoc.UPLOAD_CHECKSUM],
             requestBody={**apidoc.OFFSET_BODY, "required": False})
    @blp.response(201, headers=apidoc.CREATED_HEADERS, description="Created (or the same upload again, for a retried POST)")
    @apidoc.errors(blp, 400, 403, 409, 412, 413, 422, 423, 460, 503)
    def post(self) -> Response:
        """Create an upload (tus creation; the body may carry the first chunk)"""
        if request.headers.get("Upload-Defer-Length") is not None:
            raise BadUploadRequest("Deferred lengths are not supported: send Upload-Length.",
                                       code="upload.length_required")
        length = tus.non_negative(request.headers.get("Upload-Length"), "Upload-Length")
        header = request.headers.get("Upload-Metadata", "")
        principal = current_principal()
        request.max_content_length = kinds.chunk_limit()
        with admission.slot():
            return self._create(principal, length, header)

    @staticmethod
    def _create(principal: Principal, length: int, header: str) -> Response:
        if _body_present() and request.content_length == length:  # the whole file: one unit of work
            upload = whole.post(principal, length=length, metadata=tus.parse_metadata(header), metadata_header=header,
                                stream=request.stream,
                                checksum=tus.parse_checksum(request.headers.get("Upload-Checksum")))
            return _created(upload)
        upload, created = services.create(principal, length=length, metadata=tus.parse_metadata(header),
                                          metadata_header=header,
                                          first_chunk=request.content_length if _body_present() else None)
        if created and _body_present():
            upload = append.first_chunk(principal, upload, stream=request.stream,
                                        content_length=request.content_length,
                                        checksum=tus.parse_checksum(request.headers.get("Upload-Checksum")))
        elif not created:  # a retried POST: the first may still be completing the upload
            upload = services.settled(upload)
        return _created(upload)


@blp.route("/<uuid:upload_id>")
class UploadView(MethodView):
    @requires("evidence.upload")
    @blp.doc(parameters=[apidoc.TUS_RESUMABLE])
    @blp.response(200, headers=apidoc.HEAD_HEADERS, description="Where the upload stands")
    @apidoc.errors(blp, 410, 412, 423)
    def head(self, upload_id: uuid.UUID) -> Response:
        """The upload's offset, to resume from (tus core)"""
        upload = services.live(current_principal(), upload_id)
        headers = {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.length), **_expires(upload)}
        if upload.metadata_header:
            headers["Upload-Metadata"] = upload.metadata_header
        return _empty(200, headers)

    @requires("evidence.upload")
    @blp.response(200, UploadSchema)
    def get(self, upload_id: uuid.UUID) -> Any:
        """The upload's state as JSON, including why it failed (not part of tus)"""
        return services.owned(current_principal(), upload_id)

    @requires("evidence.upload")
    @blp.doc(parameters=[apidoc.TUS_RESUMABLE, apidoc.UPLOAD_OFFSET, apidoc.UPLOAD_CHECKSUM],
             requestBody={**apidoc.OFFSET_BODY, "required": True})
    @blp.response(204, headers=apidoc.PATCHED_HEADERS, description="The chunk was stored")
    @apidoc.errors(blp, 400, 409, 410, 412, 413, 415, 422, 423, 460, 503)
    def patch(self, upload_id: uuid.UUID) -> Response:
        """Append a chunk at Upload-Offset (tus core); the last chunk completes the upload"""
        request.max_content_length = kinds.chunk_limit()
        if request.mimetype != tus.OFFSET_STREAM:
            raise WrongContentType()
        offset = tus.non_negative(request.headers.get("Upload-Offset"), "Upload-Offset")
        with admission.slot():
            upload = append.patch(current_principal(), upload_id, offset=offset, stream=request.stream,
                                  content_length=request.content_length,
                                  checksum=tus.parse_checksum(request.headers.get("Upload-Checksum")))
        return _empty(204, {"Upload-Offset": str(upload.offset), **_expires(upload)})

    @requires("evidence.upload")
    @blp.doc(parameters=[apidoc.TUS_RESUMABLE])
    @blp.response(204, description="Terminated; the partial file is gone")
    @apidoc.errors(blp, 409, 410, 412, 423)
    def delete(self, upload_id: uuid.UUID) -> Response:
        """Abandon an unfinished upload (tus termination)"""
        services.terminate(current_principal(), upload_id)
        return _empty(204, {})
