"""Annual plans over HTTP: parse, call a service, return."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.catalog.versioning import IF_MATCH_DOC, etag_header, if_match_versions
from backend.pagination import SelectPage
from backend.plans import services
from backend.plans.schemas import (PLAN_CONTENT_FIELDS, PlanCreateSchema, PlanDetailSchema, PlanQuerySchema,
                                   PlanSchema, PlanVersionCreateSchema)
from backend.policy import current_principal, requires

blp = Blueprint("plans", __name__, url_prefix="/api/v1/plans", description="Annual random-check plans (R3)")


@blp.route("")
class PlansView(MethodView):
    @requires("plans.read")
    @blp.arguments(PlanQuerySchema, location="query")
    @blp.response(200, PlanSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, query: dict[str, Any]) -> Any:
        """Plans of every department and county, newest year first"""
        return services.list_plans(**query)

    @requires("plans.manage")
    @blp.arguments(PlanCreateSchema)
    @blp.response(201, PlanDetailSchema)
    @blp.alt_response(409, "CONFLICT")
    def post(self, body: dict[str, Any]) -> Any:
        """Draft a department's (or county's) annual plan"""
        plan = services.create_plan(current_principal(), body)
        return plan, etag_header(plan.current_version)


@blp.route("/<int:plan_id>")
class PlanView(MethodView):
    @requires("plans.read")
    @blp.response(200, PlanDetailSchema)
    def get(self, plan_id: int) -> Any:
        """One plan with every version (ETag: the current version)"""
        plan = services.get_plan(plan_id)
        return plan, etag_header(plan.current_version)


@blp.route("/<int:plan_id>/versions")
class PlanVersionsView(MethodView):
    @requires("plans.manage", department_of=services.department_of_plan)
    @blp.doc(**IF_MATCH_DOC)
    @blp.arguments(PlanVersionCreateSchema(partial=PLAN_CONTENT_FIELDS))
    @blp.response(201, PlanDetailSchema)
    @blp.alt_response(412, "PRECONDITION_FAILED")
    @blp.alt_response(428, "PRECONDITION_REQUIRED")
    @blp.alt_response(422, "UNPROCESSABLE_ENTITY")
    def post(self, body: dict[str, Any], plan_id: int) -> Any:
        """Adjust a plan: a new version (reason required once filed; needs If-Match)"""
        plan = services.add_plan_version(current_principal(), plan_id, if_match_versions(), body)
        return plan, etag_header(plan.current_version)


@blp.route("/<int:plan_id>/file")
class PlanFileView(MethodView):
    @requires("plans.manage", department_of=services.department_of_plan)
    @blp.doc(**IF_MATCH_DOC)
    @blp.response(200, PlanDetailSchema)
    @blp.alt_response(409, "CONFLICT")
    @blp.alt_response(412, "PRECONDITION_FAILED")
    @blp.alt_response(422, "UNPROCESSABLE_ENTITY")
    @blp.alt_response(428, "PRECONDITION_REQUIRED")
    def post(self, plan_id: int) -> Any:
        """File the plan with the market regulation bureau (due 31 January; later filings are marked late)"""
        plan = services.file_plan(current_principal(), plan_id, if_match_versions())
        return plan, etag_header(plan.current_version)


@blp.route("/<int:plan_id>/publish")
class PlanPublishView(MethodView):
    @requires("plans.manage", department_of=services.department_of_plan)
    @blp.doc(**IF_MATCH_DOC)
    @blp.response(200, PlanDetailSchema)
    @blp.alt_response(409, "CONFLICT")
    @blp.alt_response(412, "PRECONDITION_FAILED")
    @blp.alt_response(422, "UNPROCESSABLE_ENTITY")
    @blp.alt_response(428, "PRECONDITION_REQUIRED")
    def post(self, plan_id: int) -> Any:
        """Publish a filed plan to the public plan bulletin (抽查计划公告)"""
        plan = services.publish_plan(current_principal(), plan_id, if_match_versions())
        return plan, etag_header(plan.current_version)
