"""The public pages (公示) under /public/: no sign-in, Chinese, server-rendered, printable.

| path | page |
| --- | --- |
| `/public/` | home: the search box and the latest bulletins |
| `/public/plans`, `/public/plans/<number>` | the plan bulletin (抽查计划公告) |
| `/public/tasks`, `/public/tasks/<number>` | the task bulletin (抽查任务公告) with the draw's commitment and reveal |
| `/public/tasks/<number>/results` | the task's result bulletin (抽查结果公告) |
| `/public/search?q=` | published results by entity name, credit code or registration number (or a prefix) |
| `/public/entities/<code>` | an entity's 抽查检查结果信息, corrected results marked 已更正 with their history |

Each page reads the same bulletin functions as the public JSON API. Pages answer
`Cache-Control: public, max-age=60` with an ETag (a matching If-None-Match gets 304);
stylesheets carry their content hash in the URL and are cached for a year.
"""
from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, request, send_from_directory

from backend.draws import bulletin as task_bulletin
from backend.errors import NotFound
from backend.plans import bulletin as plan_bulletin
from backend.policy import public
from backend.publicsite import queries, web

bp = Blueprint("public_site", __name__, url_prefix="/public", template_folder="templates")

HOME_LATEST = 5
TASK_RESULTS_PAGE = 100


def not_found(what: str) -> Response:
    return web.page("public/not_found.html", 404, what=what)


@bp.route("/")
@public
def home() -> Response:
    plans = web.paged(plan_bulletin.published_plans(), 1, HOME_LATEST)
    tasks = web.paged(task_bulletin.published_tasks(), 1, HOME_LATEST)
    return web.page("public/home.html", plans=plans, tasks=tasks, results=queries.newest(HOME_LATEST * 2))


@bp.route("/plans")
@public
def plans() -> Response:
    return web.page("public/plans.html", plans=web.paged(plan_bulletin.published_plans(), web.page_number()))


@bp.route("/plans/<string:number>")
@public
def plan(number: str) -> Response:
    try:
        bulletin = plan_bulletin.published_plan(number)
    except NotFound:
        return not_found("抽查计划")
    return web.page("public/plan.html", plan=bulletin)


@bp.route("/tasks")
@public
def tasks() -> Response:
    return web.page("public/tasks.html", tasks=web.paged(task_bulletin.published_tasks(), web.page_number()))


@bp.route("/tasks/<string:number>")
@public
def task(number: str) -> Response:
    try:
        bulletin = task_bulletin.published_task(number)
    except NotFound:
        return not_found("抽查任务")
    return web.page("public/task.html", task=bulletin,
                    verifier_sha256=bulletin["verifier"]["sha256"], verifier_url=bulletin["verifier"]["url"])


@bp.route("/tasks/<string:number>/results")
@public
def task_results(number: str) -> Response:
    try:
        task = task_bulletin.find_published_task(number)
    except NotFound:
        return not_found("抽查任务")
    results = web.paged(queries.of_task(task.id), web.page_number(), TASK_RESULTS_PAGE)
    return web.page("public/task_results.html", task=task, results=results,
                    rows=queries.with_history(results.items))


@bp.route("/search")
@public
def search() -> Response:
    q = queries.normalise(request.args.get("q"))
    if not q:
        return web.page("public/search.html", q="", results=None, rows=[], invalid=False)
    if not queries.is_valid(q):
        return web.page("public/search.html", 400, q="", results=None, rows=[], invalid=True)
    results = web.paged_search(queries.search(q), web.page_number())
    return web.page("public/search.html", q=q, results=results,
                    rows=queries.with_history(queries.rows(results.items)),
                    code=queries.as_code(q), invalid=False)


@bp.route("/entities/<string:code>")
@public
def entity(code: str) -> Response:
    results = queries.of_entity(code)
    if not results:
        return not_found("检查对象的抽查检查结果")
    return web.page("public/entity.html", results=results, code=code.strip().upper(),
                    name=max(results, key=lambda v: v.current.published_at).current.entity_name)


@bp.route("/static/<string:filename>")
@public
def asset(filename: str) -> Response:
    """The stylesheets: a year (immutable) when asked for by the current hash, else revalidated."""
    if not filename.endswith(".css"):
        abort(404)
    response = send_from_directory(web.STATIC, filename, max_age=0)
    if web.asset_is_current(filename, request.args.get("v")):
        response.headers["Cache-Control"] = f"public, max-age={web.YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/<path:unknown>")
@public
def unknown_page(unknown: str) -> Response:
    return not_found("页面")


def register_public_site(app: Flask) -> None:
    web.init_app(app)
    app.register_blueprint(bp)
