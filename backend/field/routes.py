"""The field API over HTTP (docs/field-api.md): parse, call a service, return."""
from __future__ import annotations

import json
import uuid
from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.field import packets, records
from backend.field.schemas import FieldPacketQuerySchema, FieldPacketSchema, RecordSchema, RecordStatusSchema, RecordViewSchema
from backend.policy import current_principal, requires

blp = Blueprint("field", __name__, url_prefix="/api/v1/field",
                description="Field work: task packets for the offline app, check records and amendments")

RECORD_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": RecordSchema}}}}
IF_MATCH_REVISION = {"parameters": [{
    "in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
    "description": 'The ETag of the revision amended, e.g. "r1" (428 without it, 412 if stale)'}]}
IF_NONE_MATCH = {"parameters": [{
    "in": "header", "name": "If-None-Match", "required": False, "schema": {"type": "string"},
    "description": 'The packet ETag the app holds, e.g. "p42": 304 when it is still current'}]}


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)
    return Response(text, status=status, mimetype="application/json", headers=headers or {})


def _tags(header: str | None, prefix: str) -> frozenset[int] | None:
    """Numbers of the ETags `"<prefix><n>"` in a header (None: no header; an empty set: none valid)."""
    if header is None or not header.strip():
        return None
    found = set()
    for tag in header.split(","):
        tag = tag.strip().removeprefix("W/")
        if tag.startswith(f'"{prefix}') and tag.endswith('"') and tag[1 + len(prefix):-1].isdigit():
            found.add(int(tag[1 + len(prefix):-1]))
    return frozenset(found)


def _record_answer(result: tuple[dict[str, Any], int]) -> Response:
    body, status = result
    return _json(body, status, {"ETag": f'"r{body["revision"]}"', "Cache-Control": "no-store"})


@blp.route("/packet")
class PacketView(MethodView):
    @requires("field.work")
    @blp.arguments(FieldPacketQuerySchema, location="query")
    @blp.doc(**IF_NONE_MATCH)
    @blp.response(200, FieldPacketSchema)
    @blp.alt_response(304, description="The packet the app holds is current")
    def get(self, query: dict[str, Any]) -> Response:
        """Your task packet: your assignments with targets, teams, items, templates and reference lists"""
        version, body = packets.packet(current_principal(), query.get("since"))
        headers = {"ETag": f'"p{version}"', "Cache-Control": "private, no-cache", "Vary": "Authorization"}
        held = _tags(request.headers.get("If-None-Match"), "p")
        if held and version in held:
            return Response(status=304, headers=headers)
        return _json(body, 200, headers)


@blp.route("/assignments/<int:assignment_id>")
class AssignmentView(MethodView):
    @requires("field.work")
    @blp.response(200, FieldPacketSchema)
    def get(self, assignment_id: int) -> Response:
        """One of your assignments as in the packet, with the templates it names (403 if not yours)"""
        return _json(packets.assignment(current_principal(), assignment_id), 200, {"Cache-Control": "no-store"})


@blp.route("/records")
class RecordsView(MethodView):
    @requires("field.work")
    @blp.doc(**RECORD_BODY)
    @blp.response(201, RecordStatusSchema)
    @blp.alt_response(200, schema=RecordStatusSchema, description="The same record again: the first result")
    @blp.alt_response(409, "CONFLICT")
    def post(self) -> Response:
        """Submit a check record made on the device; idempotent on its id"""
        return _record_answer(records.submit(current_principal(), request.get_json(silent=True)))


@blp.route("/records/<uuid:record_id>")
class RecordView(MethodView):
    @requires("field.work")
    @blp.response(200, RecordViewSchema)
    def get(self, record_id: uuid.UUID) -> Response:
        """A record's status and current revision (ETag: "r<revision>")"""
        body = records.get_record(current_principal(), record_id)
        return _json(body, 200, {"ETag": f'"r{body["revision"]}"', "Cache-Control": "no-store"})


@blp.route("/records/<uuid:record_id>/revisions")
class RevisionsView(MethodView):
    @requires("field.work")
    @blp.doc(**IF_MATCH_REVISION, **RECORD_BODY)
    @blp.response(201, RecordStatusSchema)
    @blp.alt_response(200, schema=RecordStatusSchema, description="The same amendment again")
    @blp.alt_response(409, "CONFLICT")
    @blp.alt_response(412, "PRECONDITION_FAILED")
    @blp.alt_response(428, "PRECONDITION_REQUIRED")
    def post(self, record_id: uuid.UUID) -> Response:
        """Amend a record before approval: a new revision based on the one in If-Match"""
        bases = _tags(request.headers.get("If-Match"), "r")
        return _record_answer(records.amend(current_principal(), record_id, bases, request.get_json(silent=True)))
