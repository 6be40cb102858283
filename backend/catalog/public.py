"""The public item list: the compiled city-wide list at current versions, no sign-in.

Only what a published 抽查事项清单 shows: code, name (Chinese first), key or general, the
department, legal basis, who is checked, how, and the provincial item. Never authors,
sampling ratios per risk class (risk classes are not published, REFERENCE §3),
sub-directory codes, or internal ids.
"""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backend.catalog import services
from backend.catalog.schemas import ItemQuerySchema
from backend.pagination import SelectPage
from backend.policy import public

blp = Blueprint("public_items", __name__, url_prefix="/api/v1/public",
                description="Public: the city-wide random-check item list (抽查事项清单)")


class PublicDepartmentSchema(Schema):
    code = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)


class PublicItemSchema(Schema):
    code = fields.String(required=True)
    name_zh = fields.String(attribute="current.name_zh", required=True)
    name_en = fields.String(attribute="current.name_en", allow_none=True)
    kind = fields.String(attribute="current.kind", required=True, metadata={"description": "key 重点 / general 一般"})
    department = fields.Nested(PublicDepartmentSchema, required=True)
    legal_basis = fields.String(attribute="current.legal_basis", required=True)
    entity_types = fields.List(fields.String(), attribute="current.subjects.entity_types", required=True)
    industry_codes = fields.List(fields.String(), attribute="current.subjects.industry_codes", required=True)
    check_methods = fields.List(fields.String(), attribute="current.check_methods", required=True)
    provincial_item = fields.Function(lambda i: {"code": i.current.provincial_item_code,
                                                 "name_zh": i.current.provincial_item_name})
    version = fields.Integer(attribute="current_version", required=True)
    effective_since = fields.DateTime(attribute="current.created_at", required=True)


@blp.route("/items")
class PublicItemsView(MethodView):
    @public
    @blp.arguments(ItemQuerySchema, location="query")
    @blp.response(200, PublicItemSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, query: dict[str, Any]) -> Any:
        """The compiled city-wide item list (current versions), by department and code"""
        return services.list_items(**query)
