"""The review API (docs/results.md §1): parse, call a service, return."""
from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.policy import current_principal, requires
from backend.review import services
from backend.review.schemas import ReviewDecisionSchema, QueueSchema, ReviewRecordSchema

blp = Blueprint("review", __name__, url_prefix="/api/v1/review",
                description="Review of check records by team leads and the authority the rulebook names")


@blp.route("/queue")
class QueueView(MethodView):
    @requires("review.decide")
    @blp.response(200, QueueSchema)
    def get(self) -> dict[str, Any]:
        """Records awaiting a decision you can make, oldest check first"""
        return {"records": services.queue(current_principal())}


@blp.route("/records/<uuid:record_id>")
class ReviewRecordView(MethodView):
    @requires("review.read")
    @blp.response(200, ReviewRecordSchema)
    def get(self, record_id: uuid.UUID) -> dict[str, Any]:
        """A record with its review history, required approvals and due date"""
        return services.record_view(current_principal(), record_id)


@blp.route("/records/<uuid:record_id>/decision")
class DecisionView(MethodView):
    @requires("review.decide")
    @blp.arguments(ReviewDecisionSchema)
    @blp.response(200, ReviewRecordSchema)
    @blp.alt_response(409, "CONFLICT")
    def post(self, body: dict[str, Any], record_id: uuid.UUID) -> dict[str, Any]:
        """Take under review, approve or return a record (not your own; in your capacity)"""
        return services.decide(current_principal(), record_id, body)
