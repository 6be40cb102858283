from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backend.health.services import health_report
from backend.policy import public

blp = Blueprint("health", __name__, description="Service health")


class HealthSchema(Schema):
    status = fields.String(required=True)
    database = fields.String(required=True)
    migrations = fields.Dict(required=True)


@blp.route("/healthz")
class HealthView(MethodView):
    @public
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="database unreachable or not migrated")
    def get(self) -> Any:
        """Database reachability and whether the schema is at the latest migration"""
        report = health_report()
        return report, (200 if report["status"] == "ok" else 503)
