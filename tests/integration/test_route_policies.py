"""Every route against every role, for an object of the caller's own department and of another.

`ROUTE_CASES` says, per route, how to address an object of the caller's own department
(market_regulation) and one of the other department (ecology). What each role may do is never
written here: it is derived from the route's RoutePolicy and `GRANTS` in backend.policy, so the
table follows the policy module. A route missing a policy, or missing from the table, fails.

Adding a route: map `(rule, method)` to `RouteCase(build)`, where `build(world, department)`
returns the Request for an object of that department and sets `department=` when the object
belongs to one (the policy's `department_of`, or the service, must then refuse a
DEPARTMENT-scoped caller from elsewhere). `same(Request(...))` is for routes addressing nothing
department-owned.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from backend.accounts.roles import Role
from backend.accounts.tokens import issue_access_token, utcnow_seconds
from backend.audit.model import AuditCheckpoint
from backend.db import db
from backend.orgs.model import Department
from backend.policy import Principal, RoutePolicy, allows, policy_of, scope_for
from tests.support.apps import OTHER_DEPARTMENT, OWN_DEPARTMENT, PASSWORD
from tests.support import catalog_routes as cat
from tests.support.catalog_data import item_body, rulebook_body, template
from tests.support import directory as dirs
from tests.support import directory_imports as imps
from tests.support import uploads as ups
from tests.support import draw_routes as drw
from tests.support import field as fld
from tests.support import results as res
from tests.support import referrals as ref
from tests.support.published import published_entity_code

AUTOMATIC_METHODS = {"HEAD", "OPTIONS"}  # added by Flask/werkzeug unless a view implements them
FLASK_ENDPOINTS = {"static"}  # Flask's own static files, not part of the application


@dataclass(frozen=True)
class Request:
    """One request of the table: URL arguments, query, JSON body, extra headers."""

    args: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    json: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # The department owning the addressed object; None when the route addresses no such object.
    department: str | None = None


@dataclass
class World:
    """The fixture data requests are built from: one caller per role, and a user in each department."""

    app: Flask
    client: FlaskClient
    own_user: int
    other_user: int
    departments: dict[str, int]
    callers: dict[Role, Principal]
    headers: dict[Role, dict[str, str]]
    serial: Iterator[int] = field(default_factory=itertools.count)

    def unique(self, prefix: str) -> str:
        """A fresh name: every caller's request may create something."""
        return f"{prefix}-{next(self.serial)}"

    def user_of(self, department: str) -> int:
        return self.own_user if department == OWN_DEPARTMENT else self.other_user

    def refresh_token(self) -> str:
        resp = self.client.post("/api/v1/auth/token", json={"username": "own-target", "password": PASSWORD})
        return resp.get_json()["refresh_token"]

    def etag(self, path: str) -> str:
        """The object's current ETag, as a system administrator reads it."""
        return self.client.get(path, headers=self.headers[Role.SYSTEM_ADMIN]).headers.get("ETag", '"unknown"')

    def checkpoint_sizes(self) -> tuple[int, int]:
        with self.app.app_context():
            sizes = db.session.execute(sa.select(sa.func.min(AuditCheckpoint.tree_size),
                                                 sa.func.max(AuditCheckpoint.tree_size))).one()
        return sizes[0], sizes[1]


Build = Callable[[World, str], Request]  # (world, department) -> request


@dataclass(frozen=True)
class RouteCase:
    build: Build
    # When the policy lets the caller through, the table's request succeeds (2xx/3xx). Set False
    # only for a request that cannot be made valid here; then any answer but 401/403 passes.
    succeeds: bool = True

    def request(self, world: World, side: str) -> Request:
        return self.build(world, OWN_DEPARTMENT if side == "own" else OTHER_DEPARTMENT)


def same(request: Request) -> RouteCase:
    """A route with nothing department-owned to address: both sides send the same request."""
    return RouteCase(lambda world, department: request)


def user_at(world: World, department: str) -> Request:
    return Request(args={"user_id": world.user_of(department)}, department=department)


def patch_user(world: World, department: str) -> Request:
    user_id = world.user_of(department)
    return Request(args={"user_id": user_id}, json={"display_name": "Renamed"}, department=department,
                   headers={"If-Match": world.etag(f"/api/v1/users/{user_id}")})


def new_user(world: World, department: str) -> Request:
    return Request(json={"username": world.unique("new"), "display_name": "New",
                         "password": PASSWORD, "department": department, "roles": ["inspector"]},
                   department=department)


def change_item(world: World, department: str) -> Request:
    item_id = cat.item_of(world.app, department)
    return Request(args={"item_id": item_id}, department=department,
                   json={"name_zh": world.unique("改名"), "change_summary": "route table"},
                   headers={"If-Match": world.etag(f"/api/v1/catalog/items/{item_id}")})


def adjust_plan(world: World, department: str) -> Request:
    plan_id = cat.standing_plan(world.app, department)
    return Request(args={"plan_id": plan_id}, department=department, json={"name_zh": world.unique("调整")},
                   headers={"If-Match": world.etag(f"/api/v1/plans/{plan_id}")})


def consistency(world: World, department: str) -> Request:
    first, second = world.checkpoint_sizes()
    return Request(query={"first": first, "second": second})


def put_workday_year(world: World, department: str) -> Request:
    return Request(args={"year": 2027}, json={"notice": "国办发明电〔2026〕1号", "days": [
        {"date": "2027-10-01", "kind": "holiday", "name": "国庆节"}]},
        headers={"If-Match": world.etag("/api/v1/workdays/years/2027")})



def patch_entity(world: World, department: str) -> Request:
    entity_id = dirs.seed_entity(world.app, department)
    return Request(args={"entity_id": entity_id}, json={"name": world.unique("改名小吃部")}, department=department,
                   headers={"If-Match": world.etag(f"/api/v1/entities/{entity_id}")})


def inspector_at(world: World, department: str) -> Request:
    return Request(args={"inspector_id": dirs.seed_inspector(world.app, department)}, department=department)


def patch_inspector(world: World, department: str) -> Request:
    request = inspector_at(world, department)
    return Request(args=request.args, json={"name": "张某伟"}, department=department,
                   headers={"If-Match": world.etag(f"/api/v1/inspectors/{request.args['inspector_id']}")})


def latest_confirmation(world: World, department: str) -> Request:
    dirs.seed_confirmation(world.app, department, world.own_user)
    return Request(query={"department": department, "kind": "entities"})

def target_of(department: str) -> str:
    return "own-target" if department == OWN_DEPARTMENT else "other-target"


def upload_at(world: World, department: str) -> Request:
    """An upload made by the department's inspector."""
    return Request(args={"upload_id": ups.seed_upload(world.client, target_of(department), PASSWORD)})


def evidence_of(world: World, department: str) -> Request:
    """A photo the department's inspector uploaded: evidence of that department."""
    return Request(args={"sha256": ups.seed_evidence(world.client, target_of(department), PASSWORD)},
                   department=department)


def patch_task(world: World, department: str) -> Request:
    task_id = drw.draft_task(world.app, department)
    return Request(args={"task_id": task_id}, json={"name_zh": world.unique("改名任务")}, department=department,
                   headers={"If-Match": world.etag(f"/api/v1/tasks/{task_id}")})


def close_task(world: World, department: str) -> Request:
    task_id = drw.drawn_task(world.app, department)
    return Request(args={"task_id": task_id}, department=department,
                   headers={"If-Match": world.etag(f"/api/v1/tasks/{task_id}")})


def reveal_task(world: World, department: str) -> Request:
    task_id, commitment = drw.committed_task(world.app, department)
    return Request(args={"task_id": task_id}, json=drw.reveal_body(commitment), department=department)


def commit_task(world: World, department: str) -> Request:
    later = datetime.now(timezone.utc) + timedelta(days=1)
    return Request(args={"task_id": drw.draft_task(world.app, department)}, department=department, json={
        "randomness": {"kind": "lottery", "source": "福彩3D 第2027050期开奖号码", "available_at": later.isoformat()}})


ROUTE_CASES: dict[tuple[str, str], RouteCase] = {
    ("/", "GET"): same(Request()),
    # The built field app (pwa/): present only after `npm run build`, so any answer but 401/403 passes.
    ("/sw.js", "GET"): RouteCase(lambda w, d: Request(), succeeds=False),
    ("/manifest.webmanifest", "GET"): RouteCase(lambda w, d: Request(), succeeds=False),
    ("/assets/<path:filename>", "GET"): RouteCase(lambda w, d: Request(args={"filename": "index.js"}), succeeds=False),
    ("/icons/<path:filename>", "GET"): RouteCase(lambda w, d: Request(args={"filename": "icon-192.png"}), succeeds=False),
    ("/healthz", "GET"): same(Request()),
    ("/api/openapi.json", "GET"): same(Request()),
    ("/api/docs", "GET"): same(Request()),
    ("/api/docs/assets/<path:filename>", "GET"): same(Request(args={"filename": "swagger-ui-bundle.js"})),
    ("/api/v1/auth/token", "POST"): same(Request(json={"username": "own-target", "password": PASSWORD})),
    ("/api/v1/auth/refresh", "POST"): RouteCase(lambda w, d: Request(json={"refresh_token": w.refresh_token()})),
    ("/api/v1/auth/logout", "POST"): RouteCase(lambda w, d: Request(json={"refresh_token": w.refresh_token()})),
    ("/api/v1/auth/me", "GET"): same(Request()),
    # Lists filter by the caller's scope instead of refusing: asking for the other department is allowed.
    ("/api/v1/users", "GET"): RouteCase(lambda w, d: Request(query={"department": d})),
    ("/api/v1/users", "POST"): RouteCase(new_user),
    ("/api/v1/users/<int:user_id>", "GET"): RouteCase(user_at),
    ("/api/v1/users/<int:user_id>", "PATCH"): RouteCase(patch_user),
    ("/api/v1/departments", "GET"): same(Request()),
    ("/api/v1/jurisdictions", "GET"): same(Request()),
    ("/api/v1/audit/checkpoint", "GET"): same(Request()),
    ("/api/v1/audit/public-key", "GET"): same(Request()),
    ("/api/v1/audit/entries", "GET"): RouteCase(
        lambda w, d: Request(query={"object_type": "user", "object_id": w.user_of(d)})),
    ("/api/v1/audit/entries/<int:index>/proof", "GET"): same(Request(args={"index": 0})),
    ("/api/v1/audit/consistency", "GET"): RouteCase(consistency),
    # item list, rulebooks, plans (docs/catalog-and-plans.md); filings are always made with the lead bureau
    ("/api/v1/catalog/items", "GET"): RouteCase(lambda w, d: Request(query={"department": d})),
    ("/api/v1/catalog/items", "POST"): RouteCase(
        lambda w, d: Request(json=item_body(w.unique("RP-NEW"), department=d), department=d)),
    ("/api/v1/catalog/items/<int:item_id>", "GET"): RouteCase(
        lambda w, d: Request(args={"item_id": cat.item_of(w.app, d)})),
    ("/api/v1/catalog/items/<int:item_id>/versions", "POST"): RouteCase(change_item),
    ("/api/v1/catalog/items/<int:item_id>/filings", "GET"): RouteCase(
        lambda w, d: Request(args={"item_id": cat.item_of(w.app, d)})),
    ("/api/v1/catalog/filings", "GET"): RouteCase(lambda w, d: Request(query={"department": d})),
    ("/api/v1/catalog/filings/<int:filing_id>/acknowledge", "POST"): RouteCase(
        lambda w, d: Request(args={"filing_id": cat.fresh_filing(w.app, d, w.unique("RP-ACK"))},
                             department=OWN_DEPARTMENT)),
    ("/api/v1/catalog/items/<int:item_id>/rulebook", "GET"): RouteCase(
        lambda w, d: Request(args={"item_id": cat.item_with_rulebook(w.app, d)})),
    ("/api/v1/catalog/items/<int:item_id>/rulebook/versions", "GET"): RouteCase(
        lambda w, d: Request(args={"item_id": cat.item_with_rulebook(w.app, d)})),
    ("/api/v1/catalog/items/<int:item_id>/rulebook/versions", "POST"): RouteCase(
        lambda w, d: Request(args={"item_id": cat.item_of(w.app, d, w.unique("RP-RB"))}, department=d,
                             json=rulebook_body())),
    ("/api/v1/catalog/items/<int:item_id>/rulebook/versions/<int:version>", "GET"): RouteCase(
        lambda w, d: Request(args={"item_id": cat.item_with_rulebook(w.app, d), "version": 1})),
    ("/api/v1/catalog/templates/validate", "POST"): same(Request(json={"template": template()})),
    ("/api/v1/catalog/template-schema", "GET"): same(Request()),
    ("/api/v1/plans", "GET"): RouteCase(lambda w, d: Request(query={"department": d})),
    ("/api/v1/plans", "POST"): RouteCase(lambda w, d: Request(json=cat.new_plan_body(w.app, d), department=d)),
    ("/api/v1/plans/<int:plan_id>", "GET"): RouteCase(
        lambda w, d: Request(args={"plan_id": cat.standing_plan(w.app, d)})),
    ("/api/v1/plans/<int:plan_id>/versions", "POST"): RouteCase(adjust_plan),
    ("/api/v1/plans/<int:plan_id>/file", "POST"): RouteCase(
        lambda w, d: Request(args={"plan_id": cat.fresh_plan(w.app, d)}, department=d, headers={"If-Match": '"v1"'})),
    ("/api/v1/plans/<int:plan_id>/publish", "POST"): RouteCase(
        lambda w, d: Request(args={"plan_id": cat.fresh_plan(w.app, d, "filed")}, department=d,
                             headers={"If-Match": '"v1"'})),
    ("/api/v1/public/items", "GET"): same(Request()),
    ("/api/v1/public/plans", "GET"): same(Request()),
    ("/api/v1/public/plans/<string:number>", "GET"): RouteCase(
        lambda w, d: Request(args={"number": cat.published_plan_number(w.app, d)})),
    ("/api/v1/workdays/years", "GET"): same(Request()),
    ("/api/v1/workdays/years/<int:year>", "GET"): same(Request(args={"year": 2026})),
    ("/api/v1/workdays/years/<int:year>", "PUT"): RouteCase(put_workday_year),
    # A multipart file upload cannot be written in this table; a permitted caller gets 422 (no file).
    ("/api/v1/workdays/years/<int:year>/import", "POST"): RouteCase(
        lambda w, d: Request(args={"year": 2027}, query={"notice": "国办发明电〔2026〕1号"}), succeeds=False),
    ("/api/v1/workdays/due-date", "GET"): same(Request(query={"end": "2026-02-13"})),
    # The two directories. Entities are city-wide (read by all); a department-scoped admin changes an
    # entity only through its department's supervision, which the service checks like a policy.
    ("/api/v1/entities", "GET"): same(Request(query={"department": OWN_DEPARTMENT})),
    ("/api/v1/entities", "POST"): RouteCase(lambda w, d: Request(json={
        "name": w.unique("测试小吃部"), "entity_type": "individual_business", "division_code": "370902",
        "industry_code": "H6291", "supervising_departments": [d]}, department=d)),
    ("/api/v1/entities/<int:entity_id>", "GET"): RouteCase(
        lambda w, d: Request(args={"entity_id": dirs.seed_entity(w.app, d)})),
    ("/api/v1/entities/<int:entity_id>", "PATCH"): RouteCase(patch_entity),
    ("/api/v1/entities/<int:entity_id>/history", "GET"): RouteCase(
        lambda w, d: Request(args={"entity_id": dirs.seed_entity(w.app, d)})),
    ("/api/v1/sub-directories", "GET"): same(Request()),
    ("/api/v1/sub-directories", "POST"): RouteCase(lambda w, d: Request(json={
        "department": d, "code": w.unique("sd").replace("-", "_"), "name_zh": "测试分库"}, department=d)),
    ("/api/v1/sub-directories/<int:sub_directory_id>", "GET"): RouteCase(
        lambda w, d: Request(args={"sub_directory_id": dirs.seed_sub_directory(w.app, d)})),
    ("/api/v1/sub-directories/<int:sub_directory_id>/members/<int:entity_id>", "PUT"): RouteCase(
        lambda w, d: Request(args={"sub_directory_id": dirs.seed_sub_directory(w.app, d),
                                   "entity_id": dirs.seed_entity(w.app, d)}, department=d)),
    ("/api/v1/sub-directories/<int:sub_directory_id>/members/<int:entity_id>", "DELETE"): RouteCase(
        lambda w, d: Request(args=dirs.seed_member(w.app, d), department=d)),
    ("/api/v1/inspectors", "GET"): same(Request()),
    ("/api/v1/inspectors", "POST"): RouteCase(lambda w, d: Request(json={
        "name": "张某华", "department": d, "certificate_number": w.unique("CERT"),
        "certificate_valid_from": "2024-01-01", "certificate_valid_until": "2028-12-31",
        "staff_category": "certified_staff"}, department=d)),
    ("/api/v1/inspectors/<int:inspector_id>", "GET"): RouteCase(inspector_at),
    ("/api/v1/inspectors/<int:inspector_id>", "PATCH"): RouteCase(patch_inspector),
    ("/api/v1/inspectors/<int:inspector_id>/status-periods", "POST"): RouteCase(lambda w, d: Request(
        **vars(inspector_at(w, d)) | {"json": {"status": "on_leave", "starts_on": "2026-03-01"}})),
    ("/api/v1/inspectors/<int:inspector_id>/conflicts", "POST"): RouteCase(lambda w, d: Request(
        **vars(inspector_at(w, d)) | {"json": {"relationship": "近亲属经营", "reason": "回避"}})),
    ("/api/v1/inspectors/<int:inspector_id>/history", "GET"): RouteCase(inspector_at),
    ("/api/v1/directory/confirmations", "POST"): RouteCase(
        lambda w, d: Request(json={"department": d, "kind": "entities"}, department=d)),
    ("/api/v1/directory/confirmations/latest", "GET"): RouteCase(latest_confirmation),
    # Directory imports (docs/directory.md, "Importing"). The list filters by scope; a multipart upload
    # cannot be written in this table, so a permitted caller gets 422 (no file).
    ("/api/v1/directory/imports", "GET"): RouteCase(lambda w, d: Request(query={"department": d})),
    ("/api/v1/directory/imports", "POST"): RouteCase(lambda w, d: Request(), succeeds=False),
    ("/api/v1/directory/imports/<uuid:job_id>", "GET"): RouteCase(
        lambda w, d: Request(args={"job_id": imps.seed_import_job(w.app, d)}, department=d)),
    ("/api/v1/directory/imports/<uuid:job_id>/errors.csv", "GET"): RouteCase(
        lambda w, d: Request(args={"job_id": imps.seed_import_job(w.app, d)}, department=d)),
    ("/api/v1/uploads", "POST"): RouteCase(lambda w, d: Request(headers=ups.creation_headers())),
    ("/api/v1/uploads", "OPTIONS"): same(Request()),
    ("/api/v1/uploads/<uuid:upload_id>", "HEAD"): RouteCase(lambda w, d: Request(
        **vars(upload_at(w, d)) | {"headers": ups.TUS}), succeeds=False),
    # An upload belongs to the user who made it, and the table cannot know which caller asks:
    # for anyone else it is a 404, which is all these cases can show.
    ("/api/v1/uploads/<uuid:upload_id>", "GET"): RouteCase(upload_at, succeeds=False),
    ("/api/v1/uploads/<uuid:upload_id>", "PATCH"): RouteCase(lambda w, d: Request(
        **vars(upload_at(w, d)) | {"headers": {**ups.TUS, "Upload-Offset": "0", "Content-Type": ups.OFFSET_STREAM}}),
        succeeds=False),
    ("/api/v1/uploads/<uuid:upload_id>", "DELETE"): RouteCase(lambda w, d: Request(
        **vars(upload_at(w, d)) | {"headers": ups.TUS}), succeeds=False),
    ("/api/v1/evidence/<string:sha256>", "GET"): RouteCase(evidence_of),
    ("/api/v1/evidence/<string:sha256>/preview", "GET"): RouteCase(evidence_of),
    ("/api/v1/evidence/<string:sha256>/thumbnail", "GET"): RouteCase(evidence_of),
    ("/api/v1/evidence/<string:sha256>/custody", "GET"): RouteCase(evidence_of),
    # tasks and draws (docs/tasks-and-draws.md): department-scoped readers reach the tasks their department
    # takes part in, which the services check like a policy; the public bulletin shows committed tasks only
    ("/api/v1/tasks", "GET"): RouteCase(lambda w, d: Request(query={"department": d})),
    ("/api/v1/tasks", "POST"): RouteCase(lambda w, d: Request(json=drw.task_body(w.app, d), department=d)),
    ("/api/v1/tasks/<int:task_id>", "GET"): RouteCase(
        lambda w, d: Request(args={"task_id": drw.draft_task(w.app, d)}, department=d)),
    ("/api/v1/tasks/<int:task_id>", "PATCH"): RouteCase(patch_task),
    ("/api/v1/tasks/<int:task_id>/close", "POST"): RouteCase(close_task),
    ("/api/v1/tasks/<int:task_id>/assignments", "GET"): RouteCase(
        lambda w, d: Request(args={"task_id": drw.drawn_task(w.app, d)}, department=d)),
    ("/api/v1/tasks/<int:task_id>/commitment", "POST"): RouteCase(commit_task),
    ("/api/v1/tasks/<int:task_id>/reveal", "POST"): RouteCase(reveal_task),
    ("/api/v1/tasks/<int:task_id>/redraw", "POST"): RouteCase(lambda w, d: Request(
        args={"task_id": drw.committed_task(w.app, d)[0]}, json={"reason": "见证人未到场，重新抽取"}, department=d)),
    ("/api/v1/tasks/<int:task_id>/draws", "GET"): RouteCase(
        lambda w, d: Request(args={"task_id": drw.committed_task(w.app, d)[0]}, department=d)),
    ("/api/v1/tasks/<int:task_id>/draws/<int:sequence>/announcement", "GET"): RouteCase(
        lambda w, d: Request(args={"task_id": drw.committed_task(w.app, d)[0], "sequence": 1}, department=d)),
    ("/api/v1/tasks/<int:task_id>/draws/<int:sequence>/record", "GET"): RouteCase(
        lambda w, d: Request(args={"task_id": drw.drawn_task(w.app, d), "sequence": 1}, department=d)),
    ("/api/v1/public/tasks", "GET"): same(Request()),
    ("/api/v1/public/tasks/<string:number>", "GET"): RouteCase(
        lambda w, d: Request(args={"number": drw.number_of(w.app, drw.committed_task(w.app, d)[0])})),
    ("/api/v1/public/tasks/<string:number>/draws/<int:sequence>/record", "GET"): RouteCase(
        lambda w, d: Request(args={"number": drw.number_of(w.app, drw.drawn_task(w.app, d)), "sequence": 1})),
    ("/api/v1/public/draws/verifier.py", "GET"): same(Request()),
    ("/api/v1/public/results", "GET"): same(Request(query={"q": "泰安"})),
    ("/api/v1/public/entities/<string:code>/results", "GET"): RouteCase(
        lambda w, d: Request(args={"code": published_entity_code(w.app, drw.drawn_task(w.app, d))})),
    ("/api/v1/public/tasks/<string:number>/results", "GET"): RouteCase(
        lambda w, d: Request(args={"number": drw.number_of(w.app, drw.drawn_task(w.app, d))})),
    # the public site (公示, backend/publicsite/): HTML pages under /public/, open to everyone
    ("/public/", "GET"): same(Request()),
    ("/public/plans", "GET"): same(Request()),
    ("/public/plans/<string:number>", "GET"): RouteCase(
        lambda w, d: Request(args={"number": cat.published_plan_number(w.app, d)})),
    ("/public/tasks", "GET"): same(Request()),
    ("/public/tasks/<string:number>", "GET"): RouteCase(
        lambda w, d: Request(args={"number": drw.number_of(w.app, drw.committed_task(w.app, d)[0])})),
    ("/public/tasks/<string:number>/results", "GET"): RouteCase(
        lambda w, d: Request(args={"number": drw.number_of(w.app, drw.drawn_task(w.app, d))})),
    ("/public/search", "GET"): same(Request(query={"q": "泰安"})),
    ("/public/entities/<string:code>", "GET"): RouteCase(
        lambda w, d: Request(args={"code": published_entity_code(w.app, drw.drawn_task(w.app, d))})),
    ("/public/static/<string:filename>", "GET"): same(Request(args={"filename": "public.css"})),
    # any other path under /public/ is the Chinese "not found" page
    ("/public/<path:unknown>", "GET"): RouteCase(lambda w, d: Request(args={"unknown": "nothing-here"}), succeeds=False),
    # field work (docs/field-api.md): reach is team membership, not department; the table's inspector and
    # team lead share one assignment, and every record request gets a fresh record
    ("/api/v1/field/packet", "GET"): same(Request()),
    ("/api/v1/field/assignments/<int:assignment_id>", "GET"): RouteCase(
        lambda w, d: Request(args={"assignment_id": fld.table_assignment(w.app)[0]})),
    ("/api/v1/field/records", "POST"): RouteCase(lambda w, d: Request(json=fld.table_draft(w.app).body())),
    ("/api/v1/field/records/<uuid:record_id>", "GET"): RouteCase(
        lambda w, d: Request(args={"record_id": fld.table_record(w.app).id})),
    ("/api/v1/field/records/<uuid:record_id>/revisions", "POST"): RouteCase(lambda w, d: (lambda r: Request(
        args={"record_id": r.id}, json=r.body(notes="补充"), headers={"If-Match": '"r1"'}))(fld.table_record(w.app))),
    # review and results (docs/results.md): the department is the task's; officers on the record (the
    # table's inspector and team lead) enter and publish, reviewers and heads are never on the record
    ("/api/v1/review/queue", "GET"): same(Request()),
    ("/api/v1/review/records/<uuid:record_id>", "GET"): RouteCase(
        lambda w, d: Request(args={"record_id": res.table_record(w.app, d)}, department=d)),
    ("/api/v1/review/records/<uuid:record_id>/decision", "POST"): RouteCase(
        lambda w, d: Request(args={"record_id": res.table_record(w.app, d)}, json={"decision": "approve"},
                             department=d)),
    ("/api/v1/results/records/<uuid:record_id>/entry", "POST"): RouteCase(
        lambda w, d: Request(args={"record_id": res.table_record(w.app, OWN_DEPARTMENT, callers=True,
                                                                 stage="approved")}, json={})),
    ("/api/v1/results/records/<uuid:record_id>/publication", "POST"): RouteCase(
        lambda w, d: Request(args={"record_id": res.table_record(w.app, OWN_DEPARTMENT, callers=True,
                                                                 stage="entered")})),
    ("/api/v1/results", "GET"): same(Request()),
    ("/api/v1/results/<int:result_id>", "GET"): RouteCase(
        lambda w, d: Request(args={"result_id": res.table_result(w.app, d)}, department=d)),
    ("/api/v1/results/<int:result_id>/corrections", "POST"): RouteCase(
        lambda w, d: Request(args={"result_id": res.table_result(w.app, d)}, department=d,
                             json=res.table_correction_body(w.app, d))),
    ("/api/v1/results/<int:result_id>/followup", "PUT"): RouteCase(
        lambda w, d: Request(args={"result_id": res.table_result(w.app, d)}, department=d,
                             json={"actions": [{"code": "order_to_correct", "done": True, "date": "2027-03-20"}]})),
    ("/api/v1/results/corrections/<int:correction_id>/decision", "POST"): RouteCase(
        lambda w, d: Request(args={"correction_id": res.table_correction(w.app, d)}, json={"decision": "sign"},
                             department=d)),
    ("/api/v1/results/entities/<int:entity_id>", "GET"): RouteCase(
        lambda w, d: Request(args={"entity_id": drw.seed_entities(w.app, {"A": 1})[0]})),
    ("/api/v1/results/due", "GET"): same(Request()),
    ("/api/v1/results/feed", "GET"): same(Request()),
    # referral cases (docs/evidence-package.md, "Referral cases"): the list filters by scope; the table's inspector
    # and team lead are the officers of a record whose follow-up is a transfer, so they may open a case from it,
    # and they are the handlers of every seeded case (each request gets a fresh case in the state it needs).
    # The table's record has no uploaded evidence, so an export ends in 409 referral.evidence_incomplete.
    ("/api/v1/referrals", "GET"): same(Request(query={"state": "verifying"})),
    ("/api/v1/referrals", "POST"): RouteCase(lambda w, d: Request(json={
        "record_id": ref.table_transfer_record(w.app), "receiving_authority": "泰安市公安局", "reason": "route table"})),
    ("/api/v1/referrals/<int:case_id>", "GET"): RouteCase(
        lambda w, d: Request(args={"case_id": ref.seed_case(w.app, d)}, department=d)),
    ("/api/v1/referrals/<int:case_id>/verification", "POST"): RouteCase(lambda w, d: Request(
        args={"case_id": ref.seed_case(w.app, d)}, json={"handlers": ref.table_handlers(w.app), "report": ref.REPORT}, department=d)),
    ("/api/v1/referrals/<int:case_id>/decision", "POST"): RouteCase(lambda w, d: Request(
        args={"case_id": ref.seed_case(w.app, d, "awaiting_decision")}, json={"decision": "approve"}, department=d)),
    ("/api/v1/referrals/<int:case_id>/transfer", "POST"): RouteCase(lambda w, d: Request(
        args={"case_id": ref.seed_case(w.app, d, "approved")}, json={}, department=d)),
    ("/api/v1/referrals/<int:case_id>/acknowledgement", "POST"): RouteCase(lambda w, d: Request(
        args={"case_id": ref.seed_case(w.app, d, "transferred")}, department=d,
        json={"received_by": "王警官", "received_at": datetime.now(timezone.utc).isoformat()})),
    ("/api/v1/referrals/<int:case_id>/evidence-package", "POST"): RouteCase(lambda w, d: Request(
        args={"case_id": ref.seed_case(w.app, d, "approved")}, json={"reason": "route table"}, department=d),
        succeeds=False),
}


def routes_of(app: Flask) -> dict[tuple[str, str], Rule]:
    """Every (rule, method) the app serves, without Flask's static files and without the HEAD and
    OPTIONS answers Flask makes up itself (a MethodView's own `head` or `options` counts)."""
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in FLASK_ENDPOINTS:
            continue
        view_class = getattr(app.view_functions[rule.endpoint], "view_class", None)
        for method in sorted(rule.methods or ()):
            if method not in AUTOMATIC_METHODS or hasattr(view_class, method.lower()):
                routes[(rule.rule, method)] = rule
    return routes


def route_policy(app: Flask, rule: Rule, method: str) -> RoutePolicy | None:
    return policy_of(app.view_functions[rule.endpoint], method)


def test_every_route_declares_a_policy(app: Flask) -> None:
    unpoliced = [f"{method} {rule}" for (rule, method), r in routes_of(app).items()
                 if route_policy(app, r, method) is None]
    assert not unpoliced, f"routes without @requires(...) or @public: {unpoliced}"


def test_every_route_is_in_the_policy_table_and_the_table_has_no_stale_routes(app: Flask) -> None:
    served = set(routes_of(app))
    missing = sorted(f"{method} {rule}" for rule, method in served - set(ROUTE_CASES))
    stale = sorted(f"{method} {rule}" for rule, method in set(ROUTE_CASES) - served)
    assert not missing, f"add these routes to ROUTE_CASES in {__name__}: {missing}"
    assert not stale, f"these ROUTE_CASES are no longer served: {stale}"


# --- the role x department table -------------------------------------------------------------

CALLERS: list[Role | None] = [None, *Role]  # None: anonymous
SIDES = ("own", "other")


@dataclass(frozen=True)
class Expected:
    status: int | None  # None: let through (not 401, not 403)
    code: str | None = None


def expected_outcome(policy: RoutePolicy, caller: Principal | None, department_id: int | None) -> Expected:
    if policy.permission is None:
        return Expected(None)
    if caller is None:
        return Expected(401, "auth.required")
    if scope_for(caller, policy.permission) is None:
        return Expected(403, "auth.forbidden")
    if not allows(caller, policy.permission, department_id):
        return Expected(403, "auth.out_of_scope")
    return Expected(None)


@pytest.fixture
def world(app: Flask, client: FlaskClient, make_user: Callable[..., int]) -> World:
    """A user holding exactly one role in the own department per role, with an access token each."""
    own_user = make_user("own-target", Role.INSPECTOR, department=OWN_DEPARTMENT)
    other_user = make_user("other-target", Role.INSPECTOR, department=OTHER_DEPARTMENT)
    with app.app_context():
        departments = {code: id_ for code, id_ in db.session.execute(sa.select(Department.code, Department.id))}
    callers: dict[Role, Principal] = {}
    headers: dict[Role, dict[str, str]] = {}
    for role in Role:
        username = f"caller-{role}".replace("_", "-")
        user_id = make_user(username, role, department=OWN_DEPARTMENT)
        callers[role] = Principal(user_id, username, departments[OWN_DEPARTMENT], None, frozenset({role}))
        with app.test_request_context():
            token = issue_access_token(user_id=user_id, roles=[role.value],
                                       department_id=departments[OWN_DEPARTMENT], now=utcnow_seconds())
        headers[role] = {"Authorization": f"Bearer {token}"}
    return World(app, client, own_user, other_user, departments, callers, headers)


@pytest.mark.parametrize(("route", "method"), [pytest.param(r, m, id=f"{m} {r}") for r, m in ROUTE_CASES])
def test_a_route_answers_every_role_as_its_policy_says(world: World, subtests: pytest.Subtests,
                                                       route: str, method: str) -> None:
    """Every role (and anonymous), for an object of its own department and of the other one."""
    rule = routes_of(world.app)[(route, method)]
    policy = route_policy(world.app, rule, method)
    assert policy is not None
    case = ROUTE_CASES[(route, method)]
    for role in CALLERS:
        for side in SIDES if role is not None else SIDES[:1]:
            with subtests.test(role=str(role or "anonymous"), side=side):
                check_one(world, rule, method, policy, case, role, side)


def check_one(world: World, rule: Rule, method: str, policy: RoutePolicy, case: RouteCase,
              role: Role | None, side: str) -> None:
    request = case.request(world, side)
    department_id = world.departments[request.department] if request.department else None
    if policy.department_of is not None:
        # The table must address a department-owned object, and the policy must see it as such.
        assert request.department is not None, "a route whose policy resolves a department needs a department object"
        with world.app.app_context():
            assert policy.department_of(request.args) == department_id

    path = world.app.url_map.bind("localhost").build(rule.endpoint, request.args, method=method)
    caller_headers = world.headers[role] if role is not None else {}
    resp = world.client.open(path, method=method, query_string=request.query, json=request.json,
                             headers={**caller_headers, **request.headers})

    expected = expected_outcome(policy, world.callers[role] if role is not None else None, department_id)
    body = resp.get_json(silent=True)
    if expected.status is None:
        assert resp.status_code not in (401, 403), body
        assert resp.status_code < 400 or not case.succeeds, body
    else:
        assert resp.status_code == expected.status, body
        assert method == "HEAD" or body["code"] == expected.code, body  # a HEAD answer has no body
