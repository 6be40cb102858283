"""Referral cases over HTTP: parse, call a service, return."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.pagination import SelectPage
from backend.policy import current_principal, requires
from backend.referrals import exports, services
from backend.referrals.schemas import (
    AcknowledgementSchema,
    CaseQuerySchema,
    CaseSchema,
    ReferralDecisionSchema,
    ExportSchema,
    OpenCaseSchema,
    TransferSchema,
    VerifySchema,
)
from backend.referrals.services import department_of_case
from backend.referrals.views import case_view

blp = Blueprint("referrals", __name__, url_prefix="/api/v1/referrals",
                description="Referral cases (涉嫌犯罪案件移送, State Council Order 310) and their evidence packages")


class _Listed(SelectPage):
    @property
    def items(self) -> list[Any]:
        return [case_view(case) for case in super().items]


@blp.route("")
class CasesView(MethodView):
    @requires("referrals.read")
    @blp.arguments(CaseQuerySchema, location="query")
    @blp.response(200, CaseSchema(many=True))
    @blp.paginate(_Listed)
    def get(self, query: dict[str, Any]) -> Any:
        """Cases of your department (all for city-wide roles), the nearest deadline first; `overdue=true`
        lists those whose awaited step is late"""
        return services.list_cases(current_principal(), **query)

    @requires("referrals.handle")
    @blp.arguments(OpenCaseSchema)
    @blp.response(201, CaseSchema)
    @blp.alt_response(409, "CONFLICT")
    def post(self, body: dict[str, Any]) -> Any:
        """Open a case from a check record whose follow-up is a transfer (case_transfer)"""
        return case_view(services.open_case(current_principal(), body))


@blp.route("/<int:case_id>")
class CaseView(MethodView):
    @requires("referrals.read", department_of=department_of_case)
    @blp.response(200, CaseSchema)
    def get(self, case_id: int) -> Any:
        """One case with every step taken, its deadline and whether it was met"""
        return case_view(services.get_case(current_principal(), case_id))


@blp.route("/<int:case_id>/verification")
class VerificationView(MethodView):
    @requires("referrals.handle", department_of=department_of_case)
    @blp.arguments(VerifySchema)
    @blp.response(200, CaseSchema)
    @blp.alt_response(409, "CONFLICT")
    def post(self, body: dict[str, Any], case_id: int) -> Any:
        """The written report of two or more officers; the head's decision is due 3 working days later"""
        return case_view(services.verify(current_principal(), case_id, body))


@blp.route("/<int:case_id>/decision")
class DecisionView(MethodView):
    @requires("referrals.decide", department_of=department_of_case)
    @blp.arguments(ReferralDecisionSchema)
    @blp.response(200, CaseSchema)
    @blp.alt_response(409, "CONFLICT")
    def post(self, body: dict[str, Any], case_id: int) -> Any:
        """The department head approves the transfer (due within 24 hours) or refuses it with reasons"""
        return case_view(services.decide(current_principal(), case_id, body))


@blp.route("/<int:case_id>/transfer")
class TransferView(MethodView):
    @requires("referrals.handle", department_of=department_of_case)
    @blp.arguments(TransferSchema)
    @blp.response(200, CaseSchema)
    @blp.alt_response(409, "CONFLICT")
    def post(self, body: dict[str, Any], case_id: int) -> Any:
        """Record that the case went to the receiving organ"""
        return case_view(services.transfer(current_principal(), case_id, body))


@blp.route("/<int:case_id>/acknowledgement")
class AcknowledgementView(MethodView):
    @requires("referrals.handle", department_of=department_of_case)
    @blp.arguments(AcknowledgementSchema)
    @blp.response(200, CaseSchema)
    @blp.alt_response(409, "CONFLICT")
    def post(self, body: dict[str, Any], case_id: int) -> Any:
        """Record the receiving organ's receipt (回执): who signed it, when, its number"""
        return case_view(services.acknowledge(current_principal(), case_id, body))


@blp.route("/<int:case_id>/evidence-package")
class EvidencePackageView(MethodView):
    @requires("referrals.export", department_of=department_of_case)
    @blp.arguments(ExportSchema)
    @blp.response(200, content_type="application/zip",
                  description="The evidence package (docs/evidence-package.md), streamed")
    @blp.doc(responses={"200": {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}})
    @blp.alt_response(409, "CONFLICT")
    def post(self, body: dict[str, Any], case_id: int) -> Response:
        """Export the case's evidence package, for its handlers and their head, with a stated reason (audited)"""
        export = exports.start_export(current_principal(), case_id, body["reason"])
        resp = Response(stream_with_context(exports.stream(export)), mimetype="application/zip",
                        direct_passthrough=True)
        resp.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(export.filename)}"
        resp.headers["Cache-Control"] = "no-store"
        return resp
