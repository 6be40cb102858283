"""The results API (docs/results.md): parse, call a service, return."""
from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.policy import current_principal, requires
from backend.results import reads, services
from backend.results.schemas import (
    CorrectionCreateSchema,
    CorrectionDecisionSchema,
    CorrectionSchema,
    DueListSchema,
    DueQuerySchema,
    EntityRecordSchema,
    FeedQuerySchema,
    FeedSchema,
    FollowupSchema,
    ResultEntrySchema,
    ResultListQuerySchema,
    ResultListSchema,
    ResultSchema,
)

blp = Blueprint("results", __name__, url_prefix="/api/v1/results",
                description="Result entry, publication, signed corrections, due lists and the credit feed")


@blp.route("/records/<uuid:record_id>/entry")
class EntryView(MethodView):
    @requires("results.enter")
    @blp.arguments(ResultEntrySchema)
    @blp.response(201, ResultSchema)
    @blp.alt_response(409, "CONFLICT")
    def post(self, body: dict[str, Any], record_id: uuid.UUID) -> dict[str, Any]:
        """Enter the result of an approved record (an officer on the record)"""
        return services.enter(current_principal(), record_id, body)


@blp.route("/records/<uuid:record_id>/publication")
class PublicationView(MethodView):
    @requires("results.enter")
    @blp.response(201, ResultSchema)
    @blp.alt_response(409, "CONFLICT")
    def post(self, record_id: uuid.UUID) -> dict[str, Any]:
        """Publish an entered result as version 1 (an officer on the record); it can never change"""
        return services.publish(current_principal(), record_id)


@blp.route("")
class ResultsView(MethodView):
    @requires("results.read")
    @blp.arguments(ResultListQuerySchema, location="query")
    @blp.response(200, ResultListSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Results of the tasks your department initiated or joined, newest first"""
        return reads.listing(current_principal(), query)


@blp.route("/<int:result_id>")
class ResultView(MethodView):
    @requires("results.read")
    @blp.response(200, ResultSchema)
    def get(self, result_id: int) -> dict[str, Any]:
        """A result with every published version, its corrections and its clock"""
        return reads.get(current_principal(), result_id)


@blp.route("/<int:result_id>/corrections")
class CorrectionsView(MethodView):
    @requires("results.correct")
    @blp.arguments(CorrectionCreateSchema)
    @blp.response(201, CorrectionSchema)
    @blp.alt_response(409, "CONFLICT")
    def post(self, body: dict[str, Any], result_id: int) -> dict[str, Any]:
        """Propose a correction of your department's part of a published result, with the reason"""
        return services.propose_correction(current_principal(), result_id, body)


@blp.route("/<int:result_id>/followup")
class FollowupView(MethodView):
    @requires("results.followup")
    @blp.arguments(FollowupSchema)
    @blp.response(200, ResultSchema)
    def put(self, body: dict[str, Any], result_id: int) -> dict[str, Any]:
        """Record the follow-up actions' progress (done flag and date); the bulletin does not change"""
        return services.update_followup(current_principal(), result_id, body)


@blp.route("/corrections/<int:correction_id>/decision")
class CorrectionDecisionView(MethodView):
    @requires("results.sign_correction")
    @blp.arguments(CorrectionDecisionSchema)
    @blp.response(200, CorrectionSchema)
    @blp.alt_response(409, "CONFLICT")
    def post(self, body: dict[str, Any], correction_id: int) -> dict[str, Any]:
        """Sign (publishing the corrected version) or reject a correction: the department head"""
        return services.decide_correction(current_principal(), correction_id, body)


@blp.route("/entities/<int:entity_id>")
class EntityRecordView(MethodView):
    @requires("results.read")
    @blp.response(200, EntityRecordSchema)
    def get(self, entity_id: int) -> dict[str, Any]:
        """An entity's credit record: the current version of each published result"""
        return reads.entity_record(entity_id)


@blp.route("/due")
class DueView(MethodView):
    @requires("results.read")
    @blp.arguments(DueQuerySchema, location="query")
    @blp.response(200, DueListSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """A department's unpublished records that are overdue, due soon, or all open ones"""
        return reads.due(current_principal(), query)


@blp.route("/feed")
class FeedView(MethodView):
    @requires("results.feed")
    @blp.arguments(FeedQuerySchema, location="query")
    @blp.response(200, FeedSchema, description="JSON, or with format=csv text/csv (UTF-8, a header row)")
    @blp.doc(responses={"200": {"description": "JSON, or with format=csv text/csv (UTF-8, a header row)",
                                "content": {"application/json": {"schema": FeedSchema},
                                            "text/csv": {"schema": {"type": "string"}}}}})
    def get(self, query: dict[str, Any]) -> Any:
        """Published results in publication order, for the national credit publicity system"""
        body = reads.feed(query)
        if isinstance(body, str):
            return Response(body, mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=results.csv"})
        return body
