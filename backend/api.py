"""The flask-smorest Api: OpenAPI document, locally served API docs, blueprints."""
from __future__ import annotations

from flask import Blueprint as FlaskBlueprint
from flask import Flask, send_from_directory
from flask_smorest import Api
from marshmallow import Schema, fields

from backend.policy import public


class ProblemSchema(Schema):
    code = fields.String(required=True, metadata={"description": "stable error code, e.g. auth.invalid_credentials"})
    status = fields.Integer(required=True)
    message = fields.String(required=True)
    errors = fields.Dict(required=True, metadata={"description": "field-level messages, by location and field"})
    details = fields.Dict(required=True)


class ProblemApi(Api):
    ERROR_SCHEMA = ProblemSchema


API_CONFIG = {
    "API_TITLE": "双随机、一公开 field inspection API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "/docs",
    # Served from the installed swagger-ui-bundle package, never a CDN: intranets have no internet.
    "OPENAPI_SWAGGER_UI_URL": "/api/docs/assets/",
    "API_SPEC_OPTIONS": {
        "info": {"description": "Tai'an joint 'double random, one public' supervision platform. "
                                "Errors are problem JSON {code, status, message, errors, details}."},
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        "security": [{"bearerAuth": []}],
    },
}


def _docs_assets_blueprint() -> FlaskBlueprint:
    import swagger_ui_bundle

    bp = FlaskBlueprint("api_docs_assets", __name__)

    @bp.route("/api/docs/assets/<path:filename>")
    @public
    def asset(filename: str):  # type: ignore[no-untyped-def]
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)

    return bp


def init_api(app: Flask) -> Api:
    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    api = ProblemApi(app)
    from backend.accounts.routes import auth_blp, users_blp
    from backend.audit.routes import blp as audit_blp
    from backend.health.routes import blp as health_blp
    from backend.orgs.routes import blp as orgs_blp

    for blp in (health_blp, auth_blp, users_blp, orgs_blp, audit_blp):
        api.register_blueprint(blp)
    app.register_blueprint(_docs_assets_blueprint())
    return api
