"""The public pages under /public/: Chinese, no sign-in, no script, printable, cacheable; the
plan, task and result bulletins, search by name or code, the entity page with corrections and
their history; never a risk class or an inspector."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from tests.support.catalog_data import plan_body
from tests.support.catalog_fixtures import create_item, staff  # noqa: F401  (fixtures)
from tests.support.draws import DrawWorld, clock, draw_world, staff_of  # noqa: F401  (fixtures)
from tests.support.published import PublishedWorld, correct, drawn_targets, publish

YEAR = datetime.now(timezone(timedelta(hours=8))).year + 1
RISK_WORDS = ("低风险", "较低风险", "一般风险", "较高风险", "高风险", "山东省企业信用风险分类", "stratum", "risk_class")


def html(client: FlaskClient, path: str, status: int = 200, **query: str) -> str:
    resp = client.get(path, query_string=query)
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "text/html"
    return resp.get_data(as_text=True)


def text_of(page: str) -> str:
    """The page's visible text, roughly: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.fixture
def published(draw_world: DrawWorld) -> PublishedWorld:
    """A drawn market-regulation task; three targets' results published, the second corrected."""
    world = drawn_targets(draw_world)
    first, second, third = world.assignments[:3]
    start = datetime(2027, 4, 1, 2, 0, tzinfo=timezone.utc)
    publish(draw_world.app, first["id"], published_at=start)
    corrected = publish(draw_world.app, second["id"], result="发现问题待后续处理", remarks="责令限期整改",
                        published_at=start + timedelta(hours=1))
    correct(draw_world.app, corrected, result="发现问题已责令改正", reason="整改已于检查当日完成，原结果录入有误")
    publish(draw_world.app, third["id"], result="未按规定公示应当公示的信息", published_at=start + timedelta(hours=2))
    return world


# --- layout, caching, headers ------------------------------------------------------------------

def test_the_home_page_offers_the_search_and_says_when_nothing_is_published(client: FlaskClient) -> None:
    resp = client.get("/public/")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert 'action="/public/search"' in page and 'name="q"' in page
    for empty in ("暂无已公示的抽查计划", "暂无已公告的抽查任务", "暂无已公示的抽查检查结果"):
        assert empty in page
    assert "<script" not in page
    assert "script-src" not in resp.headers["Content-Security-Policy"]  # default-src 'none': no script at all
    assert resp.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert resp.headers["Cache-Control"] == "public, max-age=60"
    assert resp.headers["Content-Language"] == "zh-CN"


def test_a_page_answers_304_when_the_browser_has_it_already(client: FlaskClient) -> None:
    first = client.get("/public/tasks")
    again = client.get("/public/tasks", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_pages_link_a_print_stylesheet_that_is_cached_by_its_content_hash(client: FlaskClient) -> None:
    page = html(client, "/public/")
    link = re.search(r'<link rel="stylesheet" href="(/public/static/print\.css\?v=([0-9a-f]{12}))" media="print">',
                     page)
    assert link is not None
    current = client.get(link.group(1))
    assert current.status_code == 200 and current.mimetype == "text/css"
    assert current.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b".site-nav" in current.data and b"display: none" in current.data
    stale = client.get("/public/static/print.css?v=000000000000")
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "no-cache"
    assert client.get("/public/static/nothing.css").status_code == 404


@pytest.mark.parametrize("path", ["/public/no-such-page", "/public/tasks/NO-SUCH-TASK",
                                  "/public/tasks/NO-SUCH-TASK/results", "/public/plans/NO-SUCH-PLAN",
                                  "/public/entities/91370902MA00000000", "/public/entities/not-a-code"])
def test_unknown_pages_tasks_plans_and_entities_get_a_chinese_not_found_page(client: FlaskClient, path: str) -> None:
    resp = client.get(path)
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    assert "未找到" in resp.get_data(as_text=True)
    assert resp.headers["Cache-Control"] == "no-cache"


# --- plan and task bulletins -----------------------------------------------------------------

def test_the_plan_pages_show_a_published_plan_and_not_a_draft(client: FlaskClient, staff, create_item) -> None:
    create_item("MR-001")
    published = client.post("/api/v1/plans", json=plan_body(YEAR, ["MR-001"], number="SCJG-PUB-01"),
                             headers=staff["mr-admin"]).get_json()
    for action in ("file", "publish"):
        resp = client.post(f"/api/v1/plans/{published['id']}/{action}", headers={**staff["mr-admin"], "If-Match": '"v1"'})
        assert resp.status_code == 200, resp.get_json()
    client.post("/api/v1/plans", json=plan_body(YEAR, ["MR-001"], number="SCJG-DRAFT-01"), headers=staff["mr-admin"])
    listing = html(client, "/public/plans")
    assert 'href="/public/plans/SCJG-PUB-01"' in listing and "SCJG-DRAFT-01" not in listing
    assert "共 1 份" in listing
    page = text_of(html(client, "/public/plans/SCJG-PUB-01"))
    assert f"{YEAR}年度抽查工作计划" in page and "MR-001" in page and "市市场监管局" in page
    html(client, "/public/plans/SCJG-DRAFT-01", 404)


def test_a_committed_task_shows_its_commitment_and_randomness_source_but_no_secret(draw_world: DrawWorld) -> None:
    task = draw_world.create()
    committed = draw_world.commit(task["id"])
    page = html(draw_world.client, f"/public/tasks/{task['number']}")
    assert committed["commitment"] in page
    assert "福彩3D 第2027050期开奖号码" in page and "已承诺，待揭示" in page
    assert "<dt>服务器密钥</dt>" not in page and "<dt>抽取种子</dt>" not in page and "/draws/1/record" not in page
    assert "检查结束后公布检查对象名单" in page
    listing = html(draw_world.client, "/public/tasks")
    assert f'href="/public/tasks/{task["number"]}"' in listing


def test_a_drawn_task_shows_the_reveal_the_public_record_and_the_verifier(draw_world: DrawWorld) -> None:
    task = draw_world.create(names_public="at_draw")
    drawn = draw_world.draw(task["id"])
    record = draw_world.record(task["id"])
    page = html(draw_world.client, f"/public/tasks/{task['number']}")
    assert record["seed"] in page and record["server_secret"] in page and drawn["record_sha256"] in page
    assert f'href="/api/v1/public/tasks/{task["number"]}/draws/1/record"' in page
    assert 'href="/api/v1/public/draws/verifier.py"' in page
    assert "社会监督员 张某某" in page
    targets = draw_world.client.get(f"/api/v1/public/tasks/{task['number']}").get_json()["targets"]
    assert targets and all(f"<td>{t['id']}</td><td>{t['name']}</td>" in page for t in targets)  # named at the draw
    assert f'href="/public/tasks/{task["number"]}/results"' in page


def test_a_draft_task_is_not_on_the_public_pages(draw_world: DrawWorld) -> None:
    task = draw_world.create()
    html(draw_world.client, f"/public/tasks/{task['number']}", 404)
    assert "暂无已公告的抽查任务" in html(draw_world.client, "/public/tasks")


# --- search ----------------------------------------------------------------------------------

def test_search_without_a_query_explains_what_to_type(client: FlaskClient) -> None:
    page = html(client, "/public/search")
    assert "请在上方输入检查对象名称" in page and "<table" not in page


def test_search_with_nothing_published_says_nothing_was_found(client: FlaskClient) -> None:
    page = html(client, "/public/search", q="泰山")
    assert "共 0 条" in page and "未查询到相关的抽查检查结果" in page


def test_search_finds_results_by_a_fragment_of_the_name(published: PublishedWorld) -> None:
    client = published.draw.client
    first = published.assignments[0]
    fragment = first["name"][2:8]
    page = html(client, "/public/search", q=f"  {fragment} ")
    assert f'href="/public/entities/{first["credit_code"]}"' in page
    assert "未发现问题" in page and "泰安市市场监督管理局" in page


def test_search_finds_a_result_by_its_whole_credit_code_in_lower_case(published: PublishedWorld) -> None:
    third = published.assignments[2]
    page = html(published.draw.client, "/public/search", q=third["credit_code"].lower())
    assert "共 1 条" in page and third["name"] in page and "未按规定公示应当公示的信息" in page


def test_search_finds_results_by_the_first_characters_of_the_credit_code(published: PublishedWorld) -> None:
    codes = [a["credit_code"] for a in published.assignments[:3]]
    prefix = codes[0][:8]
    expected = sum(code.startswith(prefix) for code in codes)
    page = html(published.draw.client, "/public/search", q=prefix)
    assert f"“{prefix}”开头" in page and f"共 {expected} 条" in page


def test_search_shows_a_corrected_result_once_marked_as_corrected(published: PublishedWorld) -> None:
    second = published.assignments[1]
    page = html(published.draw.client, "/public/search", q=second["credit_code"])
    assert "共 1 条" in page
    assert "发现问题已责令改正" in page and "已更正" in page
    assert "<del>发现问题待后续处理</del>" in page  # the first version, shown struck out as history


def test_search_escapes_the_query_it_echoes(client: FlaskClient) -> None:
    page = html(client, "/public/search", q='<script>alert("x")</script>')
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_search_refuses_control_characters_with_a_chinese_message(client: FlaskClient) -> None:
    page = html(client, "/public/search", 400, q="泰山\x00")
    assert "无法识别的字符" in page


def test_search_pages_through_many_results(published: PublishedWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    from backend.publicsite import web

    monkeypatch.setattr(web, "PAGE_SIZE", 6)
    for assignment in published.assignments[3:]:
        publish(published.draw.app, assignment["id"])
    total = len(published.assignments)
    assert 6 < total <= 12
    first = html(published.draw.client, "/public/search", q="泰山抽查测试")
    assert f"共 {total} 条" in first and "第 1 / 2 页" in first and 'rel="next"' in first
    second = html(published.draw.client, "/public/search", q="泰山抽查测试", page="2")
    assert second.count("<tr>") - 1 == total - 6  # minus the header row
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_a_search_matching_more_than_the_limit_asks_to_be_narrowed(published: PublishedWorld,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from backend.publicsite import queries

    monkeypatch.setattr(queries, "SEARCH_LIMIT", 2)
    page = html(published.draw.client, "/public/search", q="泰山抽查测试")
    assert "超过 2 条，仅列出其中 2 条，请输入更完整的名称或代码缩小范围" in page
    assert page.count("<tr>") - 1 == 2 and 'rel="next"' not in page


# --- entity page and task result bulletin -----------------------------------------------------

def test_the_entity_page_lists_its_results_with_authority_type_date_and_result(published: PublishedWorld) -> None:
    first = published.assignments[0]
    page = html(published.draw.client, f"/public/entities/{first['credit_code']}")
    assert "抽查检查结果信息" in page and first["name"] in page
    for heading in ("检查实施机关", "检查类型", "检查完成日期", "检查结果"):
        assert f"<th>{heading}</th>" in page
    row = text_of(page)
    assert "泰安市市场监督管理局 定向抽查 2027-03-10 未发现问题" in row
    assert "已更正" not in row.replace("已更正。", "")  # nothing corrected here


def test_the_entity_page_shows_a_corrected_result_with_both_versions_and_the_reason(
        published: PublishedWorld) -> None:
    second = published.assignments[1]
    page = html(published.draw.client, f"/public/entities/{second['credit_code'].lower()}")
    assert "发现问题已责令改正" in page and '<span class="corrected" title="本结果已经更正">已更正</span>' in page
    assert "更正理由：整改已于检查当日完成，原结果录入有误" in page
    assert "第 1 版" in page and "<del>发现问题待后续处理</del>" in page and "责令限期整改" in page


def test_the_task_result_bulletin_lists_the_published_results_of_the_task(published: PublishedWorld) -> None:
    page = html(published.draw.client, f"/public/tasks/{published.task_number}/results")
    assert "抽查结果公告" in page and "已公示结果</dt><dd>3 条" in page
    for assignment in published.assignments[:3]:
        assert assignment["name"] in page
    assert published.assignments[3]["name"] not in page  # not published
    assert "已更正" in page


def test_a_task_without_published_results_has_an_empty_result_bulletin(draw_world: DrawWorld) -> None:
    task = draw_world.create()
    draw_world.draw(task["id"])
    page = html(draw_world.client, f"/public/tasks/{task['number']}/results")
    assert "本任务暂无已公示的抽查结果" in page


def test_the_home_page_lists_the_latest_results(published: PublishedWorld) -> None:
    page = html(published.draw.client, "/public/")
    assert published.assignments[2]["name"] in page and "已更正" in page


def test_no_public_page_shows_a_risk_class_or_an_inspector(published: PublishedWorld) -> None:
    from backend.db import db
    from backend.directory.model import Inspector

    client = published.draw.client
    with published.draw.app.app_context():
        inspectors = list(db.session.scalars(sa.select(Inspector.name)))
    codes = [a["credit_code"] for a in published.assignments[:3]]
    pages = [html(client, "/public/"), html(client, "/public/tasks"),
             html(client, f"/public/tasks/{published.task_number}"),
             html(client, f"/public/tasks/{published.task_number}/results"),
             html(client, "/public/search", q="泰山抽查测试"),
             *(html(client, f"/public/entities/{code}") for code in codes)]
    for page in pages:
        shown = text_of(page)
        assert not [w for w in RISK_WORDS if w in shown]
        assert not [name for name in inspectors if name in shown]


# --- through the real workflow -----------------------------------------------------------------

def test_a_result_published_and_corrected_through_the_workflow_shows_both_versions_on_the_public_pages(
        app, client, make_user, auth_headers) -> None:  # type: ignore[no-untyped-def]
    from tests.support.results import RESULTS, results_world

    world = results_world(app, client, make_user, auth_headers)
    _, result = world.published()
    first = result["current"]
    code = first["credit_code"] or first["registration_number"]
    before = html(client, f"/public/entities/{code}")
    assert first["result"] in before and "已更正" not in before
    proposal = client.post(f"{RESULTS}/{result['id']}/corrections", headers=world.headers["admin"],
                           json={"reason": "复核发现该企业未按规定公示年报",
                                 "result_categories": {world.own_item: ["info_not_published"]}})
    assert proposal.status_code == 201, proposal.get_json()
    signed = client.post(f"{RESULTS}/corrections/{proposal.get_json()['id']}/decision", headers=world.headers["head"],
                         json={"decision": "sign", "digest": proposal.get_json()["digest"], "comment": "同意更正"})
    assert signed.status_code == 200, signed.get_json()
    page = html(client, f"/public/entities/{code}")
    assert "未按规定公示应当公示的信息" in page and "已更正" in page
    assert "更正理由：复核发现该企业未按规定公示年报" in page
    assert f"<del>{first['result']}</del>" in page  # the first version stays visible, struck out
    assert first["entity_name"] in html(client, "/public/search", q=code)
    text = text_of(page)
    assert not [w for w in RISK_WORDS if w in text]
