"""Public reference lists: departments and jurisdictions."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.orgs import services
from backend.orgs.schemas import DepartmentSchema, JurisdictionSchema
from backend.policy import public

blp = Blueprint("orgs", __name__, url_prefix="/api/v1", description="Departments and jurisdictions")


@blp.route("/departments")
class DepartmentsView(MethodView):
    @public
    @blp.response(200, DepartmentSchema(many=True))
    def get(self) -> Any:
        """Member departments of the joint meeting (and the county governments)"""
        return services.list_departments()


@blp.route("/jurisdictions")
class JurisdictionsView(MethodView):
    @public
    @blp.response(200, JurisdictionSchema(many=True))
    def get(self) -> Any:
        """The city, its counties and districts, and the two zones with local codes"""
        return services.list_jurisdictions()
