"""Public, no sign-in: published results (抽查结果公告) as JSON, searchable by name or code.

Rows carry the result bulletin's columns exactly as published (a column the rulebook does not
publish is null), the version and, for a corrected result, the reason and the earlier
versions. Never a risk class, an inspector, or an internal id.
"""
from __future__ import annotations

from functools import cached_property
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, Page
from marshmallow import Schema, fields, validate

from backend.draws import bulletin as task_bulletin
from backend.errors import NotFound
from backend.policy import public
from backend.publicsite import queries, web

blp = Blueprint("public_results", __name__, url_prefix="/api/v1/public",
                description="Public: published check results (抽查结果公告), searchable by entity name or credit code")


class PublicResultQuerySchema(Schema):
    q = fields.String(validate=[validate.Length(1, queries.QUERY_MAX),
                                validate.Regexp(r"^[^\x00-\x1f\x7f]*$", error="No control characters.")],
                      metadata={"description": "a fragment of the entity's name, or a unified social credit code / "
                                               "registration number, whole or its first characters"})


class PublicResultVersionSchema(Schema):
    version = fields.Integer(required=True)
    result = fields.String(required=True)
    remarks = fields.String(allow_none=True)
    published_at = fields.DateTime(required=True)
    correction_reason = fields.String(allow_none=True)


class PublicResultSchema(PublicResultVersionSchema):
    plan_number = fields.String(allow_none=True)
    plan_name = fields.String(allow_none=True)
    task_number = fields.String(allow_none=True)
    task_name = fields.String(allow_none=True)
    check_type = fields.String(allow_none=True)
    inspecting_authority = fields.String(allow_none=True)
    entity_name = fields.String(required=True)
    credit_code = fields.String(allow_none=True)
    registration_number = fields.String(allow_none=True)
    completion_date = fields.Date(allow_none=True)
    corrected = fields.Function(lambda r: r.version > 1, required=True,
                                metadata={"type": "boolean", "description": "a later version corrects the first"})


class PublicVersionedResultSchema(Schema):
    """A result's current version and, when corrected, its earlier versions (newest first)."""

    current = fields.Nested(PublicResultSchema, required=True)
    corrected = fields.Boolean(required=True)
    history = fields.List(fields.Nested(PublicResultVersionSchema), required=True)


class SearchPage(Page):
    """A search's ids, the first SEARCH_LIMIT of them read in one pass (which gives the count
    too), and the rows of the page asked for."""

    @cached_property
    def _matches(self) -> list[int]:
        return queries.matching_ids(self.collection)[0]

    @property
    def items(self) -> list[Any]:
        first = self.page_params.first_item
        return queries.rows(self._matches[first:first + self.page_params.page_size])

    @property
    def item_count(self) -> int:
        return len(self._matches)


@blp.route("/results")
class PublicResultsView(MethodView):
    @public
    @blp.arguments(PublicResultQuerySchema, location="query")
    @blp.response(200, PublicResultSchema(many=True))
    @blp.paginate(SearchPage)
    def get(self, query: dict[str, Any]) -> Any:
        """Current published results matching a name fragment (newest first) or a code or its prefix (by code)

        At most the first 1,000 matches are counted and paged through: X-Pagination's total stops
        at 1,000, and a query matching more should be narrowed.
        """
        text = queries.normalise(query.get("q"))
        return queries.search(text) if text else queries.latest()


@blp.route("/entities/<string:code>/results")
class PublicEntityResultsView(MethodView):
    @public
    @blp.response(200, PublicVersionedResultSchema(many=True))
    def get(self, code: str) -> Any:
        """An entity's 抽查检查结果信息 by credit code or registration number, corrections with their history"""
        results = queries.of_entity(code)
        if not results:
            raise NotFound("No published result under that credit code or registration number.",
                           code="result.entity_not_found")
        return results


@blp.route("/tasks/<string:number>/results")
class PublicTaskResultsView(MethodView):
    @public
    @blp.response(200, PublicVersionedResultSchema(many=True))
    @blp.paginate()
    def get(self, number: str, pagination_parameters: Any) -> Any:
        """A task's result bulletin: its current published results by entity name, corrections with their history"""
        task = task_bulletin.find_published_task(number)
        page = web.paged(queries.of_task(task.id), pagination_parameters.page, pagination_parameters.page_size)
        pagination_parameters.item_count = page.total
        return queries.with_history(page.items)
