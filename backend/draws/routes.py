"""The draw of a task over HTTP: commit, reveal, redraw, and the restricted downloads."""
from __future__ import annotations

from typing import Any

from flask import Response, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.draws import queries, services
from backend.draws.queries import Download
from backend.draws.schemas import CommitSchema, RedrawSchema, RevealSchema
from backend.policy import current_principal, requires
from backend.tasks.schemas import DrawSummarySchema
from backend.tasks.services import department_of_task

blp = Blueprint("draws", __name__, url_prefix="/api/v1/tasks",
                description="The double-random draw of a task: commitment, reveal, redraw, records")

_JSON_FILE = {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}


def send_download(download: Download) -> Response:
    resp = Response(stream_with_context(download.chunks), mimetype="application/json")
    resp.headers["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    resp.headers["Content-Length"] = str(download.size)
    resp.headers["X-Content-SHA256"] = download.sha256
    resp.set_etag(download.sha256)
    return resp


@blp.route("/<int:task_id>/commitment")
class CommitView(MethodView):
    @requires("draws.operate", department_of=department_of_task)
    @blp.arguments(CommitSchema)
    @blp.response(201, DrawSummarySchema)
    @blp.alt_response(409, "CONFLICT")
    @blp.alt_response(422, "UNPROCESSABLE_ENTITY")
    def post(self, body: dict[str, Any], task_id: int) -> Any:
        """Freeze the population, parameters and inspectors and publish the commitment (before any randomness)"""
        row = services.commit(current_principal(), task_id, body)
        return queries.draw_summary(task_id, commitment_id=row.id)


@blp.route("/<int:task_id>/reveal")
class RevealView(MethodView):
    @requires("draws.operate", department_of=department_of_task)
    @blp.arguments(RevealSchema)
    @blp.response(201, DrawSummarySchema)
    @blp.alt_response(409, "CONFLICT")
    @blp.alt_response(422, "UNPROCESSABLE_ENTITY")
    def post(self, body: dict[str, Any], task_id: int) -> Any:
        """Enter the public randomness before the witnesses: the server reveals its secret and draws"""
        row = services.reveal(current_principal(), task_id, body)
        return queries.draw_summary(task_id, commitment_id=row.commitment_id)


@blp.route("/<int:task_id>/redraw")
class RedrawView(MethodView):
    @requires("draws.redraw", department_of=department_of_task)
    @blp.arguments(RedrawSchema)
    @blp.response(200, DrawSummarySchema)
    @blp.alt_response(409, "CONFLICT")
    def post(self, body: dict[str, Any], task_id: int) -> Any:
        """Void the current draw with a reason (its record is kept); the task returns to draft"""
        row = services.redraw(current_principal(), task_id, body)
        return queries.draw_summary(task_id, commitment_id=row.commitment_id)


@blp.route("/<int:task_id>/draws")
class DrawsView(MethodView):
    @requires("tasks.read")
    @blp.response(200, DrawSummarySchema(many=True))
    def get(self, task_id: int) -> Any:
        """Every draw of the task, voided ones included, oldest first"""
        return queries.task_draws(current_principal(), task_id)


@blp.route("/<int:task_id>/draws/<int:sequence>/announcement")
class AnnouncementView(MethodView):
    @requires("draws.read_record")
    @blp.response(200, content_type="application/json", description="The announcement: its SHA-256 is committed")
    @blp.doc(responses=_JSON_FILE)
    def get(self, task_id: int, sequence: int) -> Response:
        """The announcement with every stratum's ids (restricted: the strata are risk classes)"""
        return send_download(queries.announcement_download(current_principal(), task_id, sequence))


@blp.route("/<int:task_id>/draws/<int:sequence>/record")
class RecordView(MethodView):
    @requires("draws.read_record")
    @blp.response(200, content_type="application/json", description="The full draw record, for verify.py")
    @blp.doc(responses=_JSON_FILE)
    @blp.alt_response(409, "CONFLICT")
    def get(self, task_id: int, sequence: int) -> Response:
        """The full record (restricted: the strata are risk classes); the public gets the redacted one"""
        return send_download(queries.record_download(current_principal(), task_id, sequence))
