"""The flask-smorest Api: OpenAPI document, locally served API docs, blueprints."""
from __future__ import annotations

import functools
from http import HTTPStatus
from typing import Any, Callable

from apispec import BasePlugin
from flask import Blueprint as FlaskBlueprint
from flask import Flask, send_from_directory
from flask_smorest import Api
from marshmallow import Schema, fields
from werkzeug.routing import IntegerConverter, Map

from backend.errors import PROBLEM_MIMETYPE
from backend.policy import policy_of, public


class ProblemSchema(Schema):
    code = fields.String(required=True, metadata={"description": "stable error code, e.g. auth.invalid_credentials"})
    status = fields.Integer(required=True)
    message = fields.String(required=True)
    errors = fields.Dict(required=True, metadata={"description": "field-level messages, by location and field"})
    details = fields.Dict(required=True)


class ProblemApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        # flask-smorest documents its error responses as application/json; ours are problem JSON.
        problem = {PROBLEM_MIMETYPE: {"schema": self.ERROR_SCHEMA}}
        for status in HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["content"] = problem
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME,
                                      {"description": "Default error response", "content": problem}, lazy=True)


class PolicyDocPlugin(BasePlugin):
    """Documents what each route's policy implies, so no route has to repeat it.

    Signed-in routes answer 401 and 403; public ones need no bearer token (security: []);
    a route addressing an object by URL answers 404.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app

    def operation_helper(self, path: str | None = None, operations: dict[str, Any] | None = None,
                         **kwargs: Any) -> None:
        rule = kwargs.get("rule")
        view = self.app.view_functions.get(rule.endpoint) if rule is not None else None
        for method, operation in (operations or {}).items() if view is not None else ():
            policy = policy_of(view, method)
            if policy is None:
                continue
            statuses = [HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN] if policy.permission else []
            if policy.permission is None:
                operation["security"] = []
            if rule.arguments:
                statuses.append(HTTPStatus.NOT_FOUND)
            responses = operation.setdefault("responses", {})
            for status in statuses:
                if status.value not in responses and str(status.value) not in responses:
                    responses[str(status.value)] = status.name


class IdConverter(IntegerConverter):
    """`<int:...>` within an SQL INTEGER (PostgreSQL int4): a bigger id is a 404, not a database error."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = 2**31 - 1, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)


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


def _public_view(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    return public(wrapper)


def init_api(app: Flask) -> Api:
    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    app.url_map.converters["int"] = IdConverter
    api = ProblemApi(app, spec_kwargs={"extra_plugins": [PolicyDocPlugin(app)]})
    # flask-smorest's own views (the OpenAPI document and Swagger UI) are open to everyone.
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith("api-docs."):
            app.view_functions[endpoint] = _public_view(view)
    from backend.accounts.routes import auth_blp, users_blp
    from backend.audit.routes import blp as audit_blp
    from backend.catalog.public import blp as public_items_blp
    from backend.catalog.routes import blp as catalog_blp
    from backend.directory.importing.routes import blp as directory_imports_blp
    from backend.directory.routes import blp as directory_blp
    from backend.draws.public import blp as public_tasks_blp
    from backend.draws.routes import blp as draws_blp
    from backend.evidence_store.routes import blp as evidence_blp
    from backend.field.routes import blp as field_blp
    from backend.health.routes import blp as health_blp
    from backend.orgs.routes import blp as orgs_blp
    from backend.plans.public import blp as public_plans_blp
    from backend.plans.routes import blp as plans_blp
    from backend.publicsite.api import blp as public_results_blp
    from backend.referrals.routes import blp as referrals_blp
    from backend.results.routes import blp as results_blp
    from backend.review.routes import blp as review_blp
    from backend.tasks.routes import blp as tasks_blp
    from backend.uploads.routes import blp as uploads_blp
    from backend.workdays.routes import blp as workdays_blp

    for blp in (health_blp, auth_blp, users_blp, orgs_blp, audit_blp, catalog_blp, plans_blp,
                public_items_blp, public_plans_blp, directory_blp, workdays_blp, uploads_blp, evidence_blp,
                directory_imports_blp, tasks_blp, draws_blp, public_tasks_blp, field_blp,
                review_blp, results_blp, referrals_blp, public_results_blp):
        api.register_blueprint(blp)
    if app.config.get("BENCH_ENDPOINTS"):  # bench/sync.py's baseline, never in a normal app
        from backend.field.bench import blp as bench_blp

        api.register_blueprint(bench_blp)
    app.register_blueprint(_docs_assets_blueprint())
    return api
