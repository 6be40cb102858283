"""Evidence by SHA-256: the original byte for byte, its preview and thumbnail, its custody trail.

Every content response is an audited custody event; Cache-Control makes browsers revalidate
(ETag = SHA-256), so each view reaches the server and is recorded.
"""
from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.wsgi import wrap_file

from backend.evidence_store import access
from backend.evidence_store.access import Variant, department_of_blob
from backend.evidence_store.schemas import CustodySchema
from backend.policy import current_principal, requires

blp = Blueprint("evidence", __name__, url_prefix="/api/v1/evidence",
                description="Stored evidence: originals, previews, custody trails")

_BINARY = {"schema": {"type": "string", "format": "binary"}}


def _send(variant: Variant, sha256: str) -> Response:
    opened = access.open_variant(current_principal(), sha256, variant, byte_range=request.headers.get("Range"))
    resp = Response(wrap_file(request.environ, opened.stream), mimetype=opened.media_type, direct_passthrough=True)
    resp.content_length = opened.size
    resp.set_etag(opened.sha256)
    resp.headers["Cache-Control"] = "private, no-cache"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Disposition"] = f'inline; filename="{opened.sha256}"'
    return resp.make_conditional(request.environ, accept_ranges=True, complete_length=opened.size)


@blp.route("/<string:sha256>")
class OriginalView(MethodView):
    @requires("evidence.read", department_of=department_of_blob)
    @blp.response(200, content_type="application/octet-stream", description="The original, byte for byte")
    @blp.doc(responses={"200": {"content": {"*/*": _BINARY}}})
    def get(self, sha256: str) -> Response:
        """The original file exactly as uploaded (Range requests supported)"""
        return _send(Variant.ORIGINAL, sha256)


@blp.route("/<string:sha256>/preview")
class PreviewView(MethodView):
    @requires("evidence.read", department_of=department_of_blob)
    @blp.response(200, content_type="image/jpeg", description="JPEG, longest side 1600 px, upright")
    @blp.doc(responses={"200": {"content": {"image/jpeg": _BINARY}}})
    def get(self, sha256: str) -> Response:
        """A photo's preview (EXIF orientation applied, no metadata)"""
        return _send(Variant.PREVIEW, sha256)


@blp.route("/<string:sha256>/thumbnail")
class ThumbnailView(MethodView):
    @requires("evidence.read", department_of=department_of_blob)
    @blp.response(200, content_type="image/jpeg", description="JPEG, longest side 320 px, upright")
    @blp.doc(responses={"200": {"content": {"image/jpeg": _BINARY}}})
    def get(self, sha256: str) -> Response:
        """A photo's thumbnail"""
        return _send(Variant.THUMBNAIL, sha256)


@blp.route("/<string:sha256>/custody")
class CustodyView(MethodView):
    @requires("evidence.read", department_of=department_of_blob)
    @blp.response(200, CustodySchema)
    def get(self, sha256: str) -> Any:
        """The chain of custody: upload started, completed (hash verified), every access"""
        blob, events = access.custody_trail(current_principal(), sha256)
        return {"blob": blob, "events": events}
