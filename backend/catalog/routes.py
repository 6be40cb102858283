"""Item list, filings and rulebooks over HTTP: parse, call a service, return."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.catalog import rulebook, services, templates
from backend.catalog.rulebook_schemas import (RulebookCreateSchema, RulebookSchema, TemplateCheckSchema,
                                              TemplateValidateSchema)
from backend.catalog.schemas import (CONTENT_FIELDS, FilingQuerySchema, FilingSchema, ItemCreateSchema,
                                     ItemDetailSchema, ItemQuerySchema, ItemSummarySchema, ItemVersionCreateSchema)
from backend.catalog.versioning import IF_MATCH_DOC, etag_header, if_match_versions
from backend.pagination import SelectPage
from backend.policy import current_principal, public, requires

blp = Blueprint("catalog", __name__, url_prefix="/api/v1/catalog",
                description="The item list (抽查事项清单), filings and rulebooks (抽查实施细则)")


@blp.route("/items")
class ItemsView(MethodView):
    @requires("catalog.read")
    @blp.arguments(ItemQuerySchema, location="query")
    @blp.response(200, ItemSummarySchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, query: dict[str, Any]) -> Any:
        """The compiled city-wide item list (every department's items at their current version)"""
        return services.list_items(**query)

    @requires("catalog.manage")
    @blp.arguments(ItemCreateSchema)
    @blp.response(201, ItemDetailSchema)
    @blp.alt_response(409, "CONFLICT")
    def post(self, body: dict[str, Any]) -> Any:
        """Add an item to a department's list (version 1, filed with the lead bureau)"""
        item = services.create_item(current_principal(), body)
        return item, etag_header(item.current_version)


@blp.route("/items/<int:item_id>")
class ItemView(MethodView):
    @requires("catalog.read")
    @blp.response(200, ItemDetailSchema)
    def get(self, item_id: int) -> Any:
        """One item: its current version and every earlier one (ETag: the current version)"""
        item = services.get_item(item_id)
        return item, etag_header(item.current_version)


@blp.route("/items/<int:item_id>/versions")
class ItemVersionsView(MethodView):
    @requires("catalog.manage", department_of=services.department_of_item)
    @blp.doc(**IF_MATCH_DOC)
    @blp.arguments(ItemVersionCreateSchema(partial=CONTENT_FIELDS))
    @blp.response(201, ItemDetailSchema)
    @blp.alt_response(412, "PRECONDITION_FAILED")
    @blp.alt_response(428, "PRECONDITION_REQUIRED")
    def post(self, body: dict[str, Any], item_id: int) -> Any:
        """Change an item: the fields given make a new version, filed with the lead bureau (needs If-Match)"""
        item = services.add_item_version(current_principal(), item_id, if_match_versions(), body)
        return item, etag_header(item.current_version)


@blp.route("/items/<int:item_id>/filings")
class ItemFilingsView(MethodView):
    @requires("catalog.read")
    @blp.response(200, FilingSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, item_id: int) -> Any:
        """The filings of one item, newest first"""
        return services.list_filings(item_id=item_id)


@blp.route("/filings")
class FilingsView(MethodView):
    @requires("catalog.read")
    @blp.arguments(FilingQuerySchema, location="query")
    @blp.response(200, FilingSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, query: dict[str, Any]) -> Any:
        """Filings of item-list changes (unacknowledged=true: the lead bureau's in-tray)"""
        return services.list_filings(**query)


@blp.route("/filings/<int:filing_id>/acknowledge")
class AcknowledgeView(MethodView):
    @requires("catalog.acknowledge", department_of=services.bureau_of_filing)
    @blp.response(200, FilingSchema)
    @blp.alt_response(409, "CONFLICT")
    def post(self, filing_id: int) -> Any:
        """Acknowledge a filing (the lead bureau's department administrators, or a system administrator)"""
        return services.acknowledge_filing(current_principal(), filing_id)


@blp.route("/items/<int:item_id>/rulebook")
class RulebookView(MethodView):
    @requires("catalog.read")
    @blp.response(200, RulebookSchema)
    def get(self, item_id: int) -> Any:
        """The item's current rulebook: checklist template, procedure, approval, publication, archiving"""
        row = rulebook.get_rulebook(item_id)
        return row, etag_header(row.version)


@blp.route("/items/<int:item_id>/rulebook/versions")
class RulebookVersionsView(MethodView):
    @requires("catalog.read")
    @blp.response(200, RulebookSchema(many=True))
    def get(self, item_id: int) -> Any:
        """Every version of the item's rulebook, oldest first"""
        return rulebook.list_rulebook_versions(item_id)

    @requires("catalog.manage", department_of=services.department_of_item)
    @blp.doc(**IF_MATCH_DOC)
    @blp.arguments(RulebookCreateSchema)
    @blp.response(201, RulebookSchema)
    @blp.alt_response(412, "PRECONDITION_FAILED")
    @blp.alt_response(428, "PRECONDITION_REQUIRED")
    def post(self, body: dict[str, Any], item_id: int) -> Any:
        """Write a new rulebook version (If-Match of the current one; none for the first)"""
        row = rulebook.add_rulebook_version(current_principal(), item_id, if_match_versions(), body)
        return row, etag_header(row.version)


@blp.route("/items/<int:item_id>/rulebook/versions/<int:version>")
class RulebookVersionView(MethodView):
    @requires("catalog.read")
    @blp.response(200, RulebookSchema)
    def get(self, item_id: int, version: int) -> Any:
        """One rulebook version (checks recorded against it keep pointing at it)"""
        return rulebook.get_rulebook(item_id, version)


@blp.route("/templates/validate")
class TemplateValidateView(MethodView):
    @requires("catalog.read")
    @blp.arguments(TemplateValidateSchema)
    @blp.response(200, TemplateCheckSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Check a checklist template without saving it (422 with a pointer to each problem)"""
        return rulebook.check_template(body["template"])


@blp.route("/template-schema")
class TemplateSchemaView(MethodView):
    @public
    @blp.response(200)
    def get(self) -> Any:
        """The JSON Schema (draft 2020-12) of checklist templates, as the offline app uses it"""
        return templates.template_schema()
