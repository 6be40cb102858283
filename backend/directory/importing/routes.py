"""Directory imports over HTTP: submit a file (multipart), follow the job, download its error report."""
from __future__ import annotations

import functools
import uuid
from typing import Any, Callable, TypeVar

from flask import Response, current_app, request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import MultiDict

from backend.directory.importing import services
from backend.directory.importing.schemas import ImportFormSchema, ImportJobSchema, ImportQuerySchema
from backend.pagination import SelectPage
from backend.policy import current_principal, requires

F = TypeVar("F", bound=Callable[..., Any])


class _MultipartParser(FlaskParser):  # type: ignore[misc]
    """Adds the location `multipart`: form fields and files together, as one schema."""

    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req: Any, schema: Any) -> MultiDictProxy:
        # A part whose name cannot be parsed comes back under the key None: such a part names no
        # field, so it is dropped rather than reported (an error keyed None cannot be rendered).
        parts = MultiDict((k, v) for d in (req.form, req.files) for k, v in d.items(multi=True) if k is not None)
        return MultiDictProxy(parts, schema)


class _ImportBlueprint(Blueprint):
    ARGUMENTS_PARSER = _MultipartParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": "multipart/form-data"}


blp = _ImportBlueprint("directory_imports", __name__, url_prefix="/api/v1/directory",
                       description="Bulk import of both directories from CSV and XLSX, as tracked jobs")


def _import_body_limit(fn: F) -> F:
    """An import file may be far larger than MAX_CONTENT_LENGTH; the multipart parser spools it to disk."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        request.max_content_length = current_app.config["DIRECTORY_IMPORT_MAX_BYTES"] + 64 * 1024
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@blp.route("/imports")
class ImportsView(MethodView):
    @requires("directory.manage")
    @blp.arguments(ImportQuerySchema, location="query")
    @blp.response(200, ImportJobSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, query: dict[str, Any]) -> Any:
        """Import jobs, newest first (department administrators see their department's)"""
        return services.list_jobs(current_principal(), query)

    @requires("directory.manage")
    @_import_body_limit
    @blp.arguments(ImportFormSchema, location="multipart")
    @blp.response(201, ImportJobSchema)
    def post(self, form: dict[str, Any]) -> Any:
        """Import entities or inspectors from a CSV or XLSX file (dry_run: check only)"""
        job = services.submit(current_principal(), form["kind"], form["file"], form["dry_run"],
                              form.get("department"))
        return job, {"Location": f"/api/v1/directory/imports/{job.id}"}


@blp.route("/imports/<uuid:job_id>")
class ImportView(MethodView):
    @requires("directory.manage", department_of=services.department_of_job)
    @blp.response(200, ImportJobSchema)
    def get(self, job_id: uuid.UUID) -> Any:
        """One import job: status, progress (rows done of total), counts, failure"""
        return services.get_job(current_principal(), job_id)


@blp.route("/imports/<uuid:job_id>/errors.csv")
class ImportErrorsView(MethodView):
    @requires("directory.manage", department_of=services.department_of_job)
    @blp.response(200, content_type="text/csv", description="row, column, field, code, reason, value")
    @blp.doc(responses={"200": {"description": "row, column, field, code, reason, value (UTF-8 with BOM)",
                                "content": {"text/csv": {"schema": {"type": "string"}}}},
                        "409": {"$ref": "#/components/responses/CONFLICT"}})
    def get(self, job_id: uuid.UUID) -> Response:
        """The job's per-row error report (UTF-8 CSV; cells that look like formulas are quoted)"""
        path = services.report_file(current_principal(), job_id)
        resp = send_file(path, mimetype="text/csv", as_attachment=True,
                         download_name=f"import-{job_id}-errors.csv", max_age=0)
        resp.headers["Cache-Control"] = "private, no-store"
        resp.headers["X-Content-Type-Options"] = "nosniff"
        return resp
