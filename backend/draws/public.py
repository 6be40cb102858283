"""Public, no sign-in: the task bulletin (抽查任务公告), redacted draw records and the verifier."""
from __future__ import annotations

import json
from typing import Any

from flask import Response, send_file
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from backend.catalog.public import PublicDepartmentSchema
from backend.draws import bulletin
from backend.pagination import SelectPage
from backend.policy import public
from backend.tasks.model import TASK_STATUSES

blp = Blueprint("public_tasks", __name__, url_prefix="/api/v1/public",
                description="Public: the random-check task bulletin (抽查任务公告) and the draw verifier")


class PublicTaskQuerySchema(Schema):
    department = fields.String(validate=validate.Length(1, 32))
    status = fields.String(validate=validate.OneOf(TASK_STATUSES))


class PublicTaskSummarySchema(Schema):
    number = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    kind = fields.String(required=True)
    targeted = fields.Boolean(required=True)
    status = fields.String(required=True)
    department = fields.Nested(PublicDepartmentSchema, required=True)
    window_start = fields.Date(required=True)
    window_end = fields.Date(required=True)


class PublicDrawSchema(Schema):
    sequence = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["committed", "drawn", "cancelled"]})
    committed_at = fields.DateTime(required=True)
    announcement_digest = fields.String(required=True, metadata={"description": "SHA-256 of the announcement"})
    commitment = fields.String(required=True)
    randomness = fields.Dict(required=True, metadata={"description": "declared source: kind, source, available_at"})
    eligible_count = fields.Integer(required=True)
    target_count = fields.Integer(required=True)
    revealed_at = fields.DateTime(allow_none=True)
    randomness_value = fields.String(allow_none=True)
    server_secret = fields.String(allow_none=True)
    seed = fields.String(allow_none=True)
    witnesses = fields.List(fields.Dict(), allow_none=True)
    record_sha256 = fields.String(allow_none=True)
    public_record_url = fields.String(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    cancel_reason = fields.String(allow_none=True)


class PublicTargetSchema(Schema):
    id = fields.String(required=True, metadata={"description": "credit code (or registration number, L:local id)"})
    name = fields.String(required=True)


class PublicTaskWindowSchema(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)


class PublicTaskSchema(Schema):
    number = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    kind = fields.String(required=True)
    targeted = fields.Boolean(required=True)
    status = fields.String(required=True)
    department = fields.Nested(PublicDepartmentSchema, required=True)
    participating_departments = fields.List(fields.Nested(PublicDepartmentSchema), required=True)
    items = fields.List(fields.Dict(), required=True)
    scope = fields.Dict(required=True, metadata={"description": "never the risk classes"})
    window = fields.Nested(PublicTaskWindowSchema, required=True)
    names_public = fields.String(required=True)
    counts = fields.Dict(required=True)
    draws = fields.List(fields.Nested(PublicDrawSchema), required=True)
    targets = fields.List(fields.Nested(PublicTargetSchema), allow_none=True,
                          metadata={"description": "null until the names may be public"})
    verifier = fields.Dict(required=True)

_FILE = {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}


@blp.route("/tasks")
class PublicTasksView(MethodView):
    @public
    @blp.arguments(PublicTaskQuerySchema, location="query")
    @blp.response(200, PublicTaskSummarySchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, query: dict[str, Any]) -> Any:
        """Tasks whose draw has been committed, newest first"""
        return bulletin.published_tasks(**query)


@blp.route("/tasks/<string:number>")
class PublicTaskView(MethodView):
    @public
    @blp.response(200, PublicTaskSchema)
    def get(self, number: str) -> Any:
        """One task's bulletin: commitment first, then the draw and (when allowed) its targets"""
        return bulletin.published_task(number)


@blp.route("/tasks/<string:number>/draws/<int:sequence>/record")
class PublicRecordView(MethodView):
    @public
    @blp.response(200, content_type="application/json", description="The redacted record, for verify.py")
    @blp.doc(responses=_FILE)
    @blp.alt_response(409, "CONFLICT")
    def get(self, number: str, sequence: int) -> Response:
        """The public draw record: commitment, randomness, secret and seed, checkable with verify.py"""
        record = bulletin.published_record(number, sequence)
        resp = Response(json.dumps(record, ensure_ascii=False, indent=1), mimetype="application/json")
        resp.headers["Content-Disposition"] = f'attachment; filename="{number}-draw-{sequence}-public.json"'
        return resp


@blp.route("/draws/verifier.py")
class VerifierView(MethodView):
    @public
    @blp.response(200, content_type="text/x-python", description="verify.py: Python 3.11+, standard library only")
    @blp.doc(responses={"200": {"content": {"text/x-python": {"schema": {"type": "string"}}}}})
    def get(self) -> Response:
        """The standalone verifier: `python verify.py RECORD.json`"""
        resp = send_file(bulletin.VERIFIER, mimetype="text/x-python", as_attachment=True,
                         download_name="verify.py", max_age=0)
        resp.headers["X-Content-SHA256"] = bulletin.verifier_sha256()
        return resp
