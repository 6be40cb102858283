"""Tasks over HTTP: parse, call a service, return."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backend.catalog.schemas import DepartmentRefSchema
from backend.catalog.versioning import IF_MATCH_DOC, etag_header, if_match_versions
from backend.draws import queries
from backend.pagination import SelectPage
from backend.policy import current_principal, requires
from backend.tasks import services
from backend.tasks.schemas import (TASK_CONTENT_FIELDS, AssignmentSchema, TaskContentSchema, TaskCreateSchema,
                                   TaskQuerySchema, TaskSchema)
from backend.tasks.views import task_view

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks",
                description="Random-check tasks (抽查任务): scope, items, staffing, assignments (R4)")


class TaskSummarySchema(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    name_zh = fields.String(required=True)
    kind = fields.String(required=True)
    status = fields.String(required=True)
    targeted = fields.Boolean(required=True)
    department = fields.Nested(DepartmentRefSchema, required=True)
    window_start = fields.Date(required=True)
    window_end = fields.Date(required=True)
    created_at = fields.DateTime(required=True)


def _one(task: Any) -> Any:
    return task_view(task), etag_header(task.version)


@blp.route("")
class TasksView(MethodView):
    @requires("tasks.read")
    @blp.arguments(TaskQuerySchema, location="query")
    @blp.response(200, TaskSummarySchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, query: dict[str, Any]) -> Any:
        """Tasks your department initiates or joins (all of them for city-wide roles), newest first"""
        return services.list_tasks(current_principal(), **query)

    @requires("tasks.manage")
    @blp.arguments(TaskCreateSchema)
    @blp.response(201, TaskSchema)
    @blp.alt_response(409, "CONFLICT")
    def post(self, body: dict[str, Any]) -> Any:
        """Draft a task: single-department or joint, its items, scope, sampling, staffing and window"""
        return _one(services.create_task(current_principal(), body))


@blp.route("/<int:task_id>")
class TaskView(MethodView):
    @requires("tasks.read")
    @blp.response(200, TaskSchema)
    def get(self, task_id: int) -> Any:
        """One task with its current draw (ETag: the task's version)"""
        return _one(services.get_task(current_principal(), task_id))

    @requires("tasks.manage", department_of=services.department_of_task)
    @blp.doc(**IF_MATCH_DOC)
    @blp.arguments(TaskContentSchema(partial=TASK_CONTENT_FIELDS))
    @blp.response(200, TaskSchema)
    @blp.alt_response(409, "CONFLICT")
    @blp.alt_response(412, "PRECONDITION_FAILED")
    @blp.alt_response(428, "PRECONDITION_REQUIRED")
    def patch(self, body: dict[str, Any], task_id: int) -> Any:
        """Change a draft task: each field given replaces the current one (needs If-Match)"""
        return _one(services.update_task(current_principal(), task_id, if_match_versions(), body))


@blp.route("/<int:task_id>/close")
class TaskCloseView(MethodView):
    @requires("tasks.manage", department_of=services.department_of_task)
    @blp.doc(**IF_MATCH_DOC)
    @blp.response(200, TaskSchema)
    @blp.alt_response(409, "CONFLICT")
    @blp.alt_response(412, "PRECONDITION_FAILED")
    @blp.alt_response(428, "PRECONDITION_REQUIRED")
    def post(self, task_id: int) -> Any:
        """The checks are done: close a drawn task (needs If-Match)"""
        return _one(services.close_task(current_principal(), task_id, if_match_versions()))


@blp.route("/<int:task_id>/assignments")
class AssignmentsView(MethodView):
    @requires("tasks.read")
    @blp.response(200, AssignmentSchema(many=True))
    def get(self, task_id: int) -> Any:
        """The current draw's assignments in draw order: target, team, items, planned window"""
        return queries.assignments(current_principal(), task_id)
