"""The two directories over HTTP: parse, call a service, return.

ETags are derived from (table, id, version), so they are the same whatever fields a caller is
allowed to see, and a PATCH with a stale If-Match answers 412, without one 428.
"""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.directory import confirmations, entities, inspectors, subdirectories
from backend.directory.inspectors import department_of_inspector
from backend.directory.schemas import (
    ChangeSchema,
    ConfirmationCreateSchema,
    ConfirmationQuerySchema,
    ConfirmationSchema,
    ConfirmationStatusSchema,
    ConflictSchema,
    EntityCreateSchema,
    EntityQuerySchema,
    EntitySchema,
    EntityUpdateSchema,
    InspectorCreateSchema,
    InspectorQuerySchema,
    InspectorSchema,
    InspectorUpdateSchema,
    StatusPeriodSchema,
    SubDirectoryCreateSchema,
    SubDirectoryQuerySchema,
    SubDirectorySchema,
)
from backend.directory.subdirectories import department_of_sub_directory
from backend.pagination import SelectPage
from backend.policy import current_principal, requires

blp = Blueprint("directory", __name__, url_prefix="/api/v1",
                description="The two directories (两库): market entities and inspectors")


def _tag(record: Any) -> dict[str, Any]:
    return {"table": record.__tablename__, "id": record.id, "version": record.version}


# ------------------------------------------------------------------ entities


@blp.route("/entities")
class EntitiesView(MethodView):
    @requires("directory.read")
    @blp.arguments(EntityQuerySchema, location="query")
    @blp.response(200, EntitySchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, query: dict[str, Any]) -> Any:
        """List market entities (the risk class filter needs directory.read_risk)"""
        return entities.list_entities(current_principal(), query)

    @requires("directory.manage")
    @blp.etag
    @blp.arguments(EntityCreateSchema)
    @blp.response(201, EntitySchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Add a market entity to the target directory"""
        entity = entities.create_entity(current_principal(), body)
        blp.set_etag(_tag(entity))
        return entity


@blp.route("/entities/<int:entity_id>")
class EntityView(MethodView):
    @requires("directory.read")
    @blp.etag
    @blp.response(200, EntitySchema)
    def get(self, entity_id: int) -> Any:
        """One market entity"""
        entity = entities.get_entity(entity_id)
        blp.set_etag(_tag(entity))
        return entity

    @requires("directory.manage")
    @blp.etag
    @blp.arguments(EntityUpdateSchema)
    @blp.response(200, EntitySchema)
    def patch(self, body: dict[str, Any], entity_id: int) -> Any:
        """Change a market entity (needs If-Match; deregistration is a status, nothing is deleted)"""
        entity = entities.get_entity(entity_id)
        blp.check_etag(_tag(entity))
        entity = entities.update_entity(current_principal(), entity_id, entity.version, body)
        blp.set_etag(_tag(entity))
        return entity


@blp.route("/entities/<int:entity_id>/history")
class EntityHistoryView(MethodView):
    @requires("directory.read")
    @blp.response(200, ChangeSchema(many=True))
    def get(self, entity_id: int) -> Any:
        """Every version of a market entity, with the record before and after"""
        return entities.entity_history(entity_id)


# ------------------------------------------------------------------ sub-directories


@blp.route("/sub-directories")
class SubDirectoriesView(MethodView):
    @requires("directory.read")
    @blp.arguments(SubDirectoryQuerySchema, location="query")
    @blp.response(200, SubDirectorySchema(many=True))
    def get(self, query: dict[str, Any]) -> Any:
        """Sub-directories (分库), optionally of one department"""
        return subdirectories.list_sub_directories(query.get("department"))

    @requires("directory.manage")
    @blp.arguments(SubDirectoryCreateSchema)
    @blp.response(201, SubDirectorySchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Create a sub-directory of a department"""
        return subdirectories.create_sub_directory(current_principal(), body)


@blp.route("/sub-directories/<int:sub_directory_id>")
class SubDirectoryView(MethodView):
    @requires("directory.read")
    @blp.response(200, SubDirectorySchema)
    def get(self, sub_directory_id: int) -> Any:
        """One sub-directory (its members: GET /entities?sub_directory=ID)"""
        return subdirectories.get_sub_directory(sub_directory_id)


@blp.route("/sub-directories/<int:sub_directory_id>/members/<int:entity_id>")
class SubDirectoryMemberView(MethodView):
    @requires("directory.manage", department_of=department_of_sub_directory)
    @blp.response(204)
    def put(self, sub_directory_id: int, entity_id: int) -> None:
        """Add an entity the department supervises (again: no change)"""
        subdirectories.change_membership(current_principal(), sub_directory_id, entity_id, True)

    @requires("directory.manage", department_of=department_of_sub_directory)
    @blp.response(204)
    def delete(self, sub_directory_id: int, entity_id: int) -> None:
        """Remove an entity (when it is not a member: no change)"""
        subdirectories.change_membership(current_principal(), sub_directory_id, entity_id, False)


# ------------------------------------------------------------------ inspectors


@blp.route("/inspectors")
class InspectorsView(MethodView):
    @requires("directory.read_inspectors")
    @blp.arguments(InspectorQuerySchema, location="query")
    @blp.response(200, InspectorSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, query: dict[str, Any]) -> Any:
        """List inspectors (department-scoped readers see their own department)"""
        return inspectors.list_inspectors(current_principal(), query)

    @requires("directory.manage")
    @blp.etag
    @blp.arguments(InspectorCreateSchema)
    @blp.response(201, InspectorSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Add an inspector to the inspector directory"""
        inspector = inspectors.create_inspector(current_principal(), body)
        blp.set_etag(_tag(inspector))
        return inspector


@blp.route("/inspectors/<int:inspector_id>")
class InspectorView(MethodView):
    @requires("directory.read_inspectors", department_of=department_of_inspector)
    @blp.etag
    @blp.response(200, InspectorSchema)
    def get(self, inspector_id: int) -> Any:
        """One inspector, with status periods and declared conflicts"""
        inspector = inspectors.get_inspector(inspector_id)
        blp.set_etag(_tag(inspector))
        return inspector

    @requires("directory.manage", department_of=department_of_inspector)
    @blp.etag
    @blp.arguments(InspectorUpdateSchema)
    @blp.response(200, InspectorSchema)
    def patch(self, body: dict[str, Any], inspector_id: int) -> Any:
        """Change an inspector record (needs If-Match)"""
        inspector = inspectors.get_inspector(inspector_id)
        blp.check_etag(_tag(inspector))
        inspector = inspectors.update_inspector(current_principal(), inspector_id, inspector.version, body)
        blp.set_etag(_tag(inspector))
        return inspector


@blp.route("/inspectors/<int:inspector_id>/status-periods")
class StatusPeriodsView(MethodView):
    @requires("directory.manage", department_of=department_of_inspector)
    @blp.arguments(StatusPeriodSchema)
    @blp.response(201, InspectorSchema)
    def post(self, body: dict[str, Any], inspector_id: int) -> Any:
        """Record a status period (active, on leave, seconded, transferred, retired)"""
        return inspectors.add_status_period(current_principal(), inspector_id, body)


@blp.route("/inspectors/<int:inspector_id>/conflicts")
class ConflictsView(MethodView):
    @requires("directory.manage", department_of=department_of_inspector)
    @blp.arguments(ConflictSchema)
    @blp.response(201, InspectorSchema)
    def post(self, body: dict[str, Any], inspector_id: int) -> Any:
        """Declare a conflict of interest (an entity, or a described relationship) for recusal"""
        return inspectors.declare_conflict(current_principal(), inspector_id, body)


@blp.route("/inspectors/<int:inspector_id>/history")
class InspectorHistoryView(MethodView):
    @requires("directory.read_inspectors", department_of=department_of_inspector)
    @blp.response(200, ChangeSchema(many=True))
    def get(self, inspector_id: int) -> Any:
        """Every version of an inspector record"""
        return inspectors.inspector_history(inspector_id)


# ------------------------------------------------------------------ confirmation (R2.2)


@blp.route("/directory/confirmations")
class ConfirmationsView(MethodView):
    @requires("directory.confirm")
    @blp.arguments(ConfirmationCreateSchema)
    @blp.response(201, ConfirmationSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Confirm that a department's share of a directory is up to date (count and digest recorded)"""
        return confirmations.confirm(current_principal(), body)


@blp.route("/directory/confirmations/latest")
class LatestConfirmationView(MethodView):
    @requires("directory.read")
    @blp.arguments(ConfirmationQuerySchema, location="query")
    @blp.response(200, ConfirmationStatusSchema)
    def get(self, query: dict[str, Any]) -> Any:
        """The latest confirmation, and whether the directory still matches it"""
        return confirmations.latest(query["department"], query["kind"])
