"""The working-day calendar over HTTP: parse, call a service, return."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.policy import current_principal, requires
from backend.workdays import services
from backend.workdays.cli import seed_command
from backend.workdays.csvfile import MAX_BYTES
from backend.workdays.schemas import (DueDateQuerySchema, DueDateSchema, ImportFileSchema, ImportQuerySchema,
                                      ScheduleBodySchema, YearQuerySchema, YearSchema, YearSummarySchema)

blp = Blueprint("workdays", __name__, url_prefix="/api/v1/workdays",
                description="Working days: public holidays, make-up working days (调休), due dates")
blp.cli.add_command(seed_command)  # flask --app backend workdays seed
blp.cli.help = "The working-day calendar: seed years from the chinese-calendar package."


@blp.route("/years")
class YearsView(MethodView):
    @requires("workdays.read")
    @blp.response(200, YearSummarySchema(many=True))
    def get(self) -> Any:
        """Years with a stored schedule, plus this and next year (unconfirmed when missing)"""
        return services.list_years()


@blp.route("/years/<int:year>")
class YearView(MethodView):
    @requires("workdays.read")
    @blp.etag
    @blp.arguments(YearQuerySchema, location="query")
    @blp.response(200, YearSchema)
    def get(self, query: dict[str, Any], year: int) -> Any:
        """A year's holidays and make-up working days, and its earlier versions"""
        return services.year_view(year, query.get("version"))

    @requires("workdays.manage")
    @blp.etag
    @blp.arguments(ScheduleBodySchema)
    @blp.response(200, YearSchema)
    def put(self, body: dict[str, Any], year: int) -> Any:
        """Replace a year's schedule (needs If-Match; the old version is kept)"""
        current = services.year_view(year)
        blp.check_etag(current, YearSchema)
        return services.replace_schedule(current_principal(), year, body, based_on=current["current_version"])


@blp.route("/years/<int:year>/import")
class ImportView(MethodView):
    @requires("workdays.manage")
    @blp.arguments(ImportQuerySchema, location="query")
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(201, YearSchema)
    def post(self, query: dict[str, Any], files: dict[str, Any], year: int) -> Any:
        """Replace a year's schedule from a CSV file (date,kind,name or 日期,类型,名称)"""
        data = files["file"].read(MAX_BYTES + 1)
        return services.import_schedule(current_principal(), year, query["notice"], data)


@blp.route("/due-date")
class DueDateView(MethodView):
    @requires("workdays.read")
    @blp.arguments(DueDateQuerySchema, location="query")
    @blp.response(200, DueDateSchema)
    def get(self, query: dict[str, Any]) -> Any:
        """The due date: the days-th working day after the check's end date (default 20)"""
        return services.due_date(query["end"], query["days"])
