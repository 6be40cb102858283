"""Public, no sign-in: the plan bulletin (抽查计划公告)."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from backend.catalog.public import PublicDepartmentSchema
from backend.pagination import SelectPage
from backend.plans import bulletin
from backend.policy import public

blp = Blueprint("public_plans", __name__, url_prefix="/api/v1/public",
                description="Public: the annual random-check plan bulletin (抽查计划公告)")


class PublicPlanQuerySchema(Schema):
    year = fields.Integer(validate=validate.Range(2019, 2100))
    department = fields.String(validate=validate.Length(1, 32))
    jurisdiction = fields.String(validate=validate.Length(1, 12))


class PublicPlanSummarySchema(Schema):
    number = fields.String(required=True)
    year = fields.Integer(required=True)
    department = fields.Nested(PublicDepartmentSchema, required=True)
    jurisdiction = fields.String(attribute="jurisdiction_code", required=True)
    name_zh = fields.String(attribute="current.name_zh", required=True)
    name_en = fields.String(attribute="current.name_en", allow_none=True)
    version = fields.Integer(attribute="current_version", required=True)
    batch_count = fields.Function(lambda p: len(p.current.batches), required=True)
    published_at = fields.DateTime(required=True)


class PublicItemRefSchema(Schema):
    code = fields.String(required=True)
    name_zh = fields.String(allow_none=True)


class PublicScopeSchema(Schema):
    description_zh = fields.String(required=True)
    entity_types = fields.List(fields.String(), required=True)
    industry_codes = fields.List(fields.String(), required=True)
    jurisdiction_codes = fields.List(fields.String(), required=True)


class PublicWindowSchema(Schema):
    start = fields.String(required=True)
    end = fields.String(required=True)


class PublicBatchSchema(Schema):
    id = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    scope = fields.Nested(PublicScopeSchema, required=True)
    items = fields.List(fields.Nested(PublicItemRefSchema), required=True)
    target_count = fields.Integer(required=True)
    window = fields.Nested(PublicWindowSchema, required=True)
    partner_departments = fields.List(fields.String(), required=True)


class PublicAdjustmentSchema(Schema):
    version = fields.Integer(required=True)
    reason = fields.String(allow_none=True)
    adjusted_at = fields.DateTime(required=True)


class PublicPlanSchema(Schema):
    number = fields.String(required=True)
    year = fields.Integer(required=True)
    department = fields.Nested(PublicDepartmentSchema, required=True)
    jurisdiction = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    version = fields.Integer(required=True)
    published_at = fields.DateTime(required=True)
    batches = fields.List(fields.Nested(PublicBatchSchema), required=True)
    adjustments = fields.List(fields.Nested(PublicAdjustmentSchema), required=True,
                              metadata={"description": "in-year adjustments since publication, with reasons"})


@blp.route("/plans")
class PublicPlansView(MethodView):
    @public
    @blp.arguments(PublicPlanQuerySchema, location="query")
    @blp.response(200, PublicPlanSummarySchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, query: dict[str, Any]) -> Any:
        """Published annual plans (filter by year, department, jurisdiction)"""
        return bulletin.published_plans(**query)


@blp.route("/plans/<string:number>")
class PublicPlanView(MethodView):
    @public
    @blp.response(200, PublicPlanSchema)
    def get(self, number: str) -> Any:
        """One published plan: its batches and its adjustments since publication"""
        return bulletin.published_plan(number)
