"""The public JSON API of published results: search by name or code with pagination, an
entity's results and a task's result bulletin, corrections with both versions, nothing private."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support.draws import DrawWorld, clock, draw_world, staff_of  # noqa: F401  (fixtures)
from tests.support.published import PublishedWorld, correct, drawn_targets, publish

API = "/api/v1/public"
PRIVATE = ("risk", "stratum", "inspector", "member", "team", "entity_id", "result_id", "published_by", "digest",
           "detail", "department_id", "signed_by", "id")


def keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def get(client: FlaskClient, path: str, status: int = 200, **query: Any) -> Any:
    resp = client.get(f"{API}{path}", query_string=query)
    assert resp.status_code == status, resp.get_json()
    return resp.get_json()


@pytest.fixture
def published(draw_world: DrawWorld) -> PublishedWorld:
    world = drawn_targets(draw_world)
    start = datetime(2027, 4, 1, 2, 0, tzinfo=timezone.utc)
    heads = [publish(draw_world.app, assignment["id"], published_at=start + timedelta(hours=n),
                     result="发现问题待后续处理" if n == 1 else "未发现问题")
             for n, assignment in enumerate(world.assignments[:3])]
    correct(draw_world.app, heads[1], result="发现问题已责令改正", reason="整改已完成，原结果有误")  # 3 days later
    return world


def test_with_nothing_published_the_search_is_empty(client: FlaskClient) -> None:
    resp = client.get(f"{API}/results", query_string={"q": "泰山"})
    assert resp.status_code == 200 and resp.get_json() == []
    assert json.loads(resp.headers["X-Pagination"])["total"] == 0


def test_the_search_finds_by_name_fragment_newest_first(published: PublishedWorld) -> None:
    first, second, third = published.assignments[:3]
    rows = get(published.draw.client, "/results", q="泰山抽查测试")
    assert [r["entity_name"] for r in rows] == [second["name"], third["name"], first["name"]]  # the correction last
    assert rows[0]["inspecting_authority"] == "泰安市市场监督管理局" and rows[0]["completion_date"] == "2027-03-10"
    assert rows[2]["task_number"] == published.task_number and rows[2]["corrected"] is False


def test_the_search_finds_by_whole_code_and_by_code_prefix(published: PublishedWorld) -> None:
    first = published.assignments[0]
    assert [r["credit_code"] for r in get(published.draw.client, "/results", q=first["credit_code"].lower())] == [
        first["credit_code"]]
    prefix = first["credit_code"][:10]
    expected = sorted(a["credit_code"] for a in published.assignments[:3] if a["credit_code"].startswith(prefix))
    assert sorted(r["credit_code"] for r in get(published.draw.client, "/results", q=prefix)) == expected
    assert get(published.draw.client, "/results", q="91370902ZZ") == []


def test_the_search_pages_with_the_pagination_header(published: PublishedWorld) -> None:
    resp = published.draw.client.get(f"{API}/results", query_string={"q": "泰山抽查测试", "page_size": 2, "page": 2})
    assert resp.status_code == 200 and len(resp.get_json()) == 1
    assert json.loads(resp.headers["X-Pagination"])["total"] == 3


def test_a_code_prefix_lists_by_code(published: PublishedWorld) -> None:
    for assignment in published.assignments[3:]:
        publish(published.draw.app, assignment["id"])
    codes = [r["credit_code"] for r in get(published.draw.client, "/results", q="9137", page_size=100)]
    assert codes == sorted(a["credit_code"] for a in published.assignments)


def test_only_the_first_matches_up_to_the_limit_are_counted(published: PublishedWorld,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from backend.publicsite import queries

    monkeypatch.setattr(queries, "SEARCH_LIMIT", 2)
    for q in ("泰山抽查测试", "9137"):
        resp = published.draw.client.get(f"{API}/results", query_string={"q": q, "page_size": 1, "page": 2})
        assert json.loads(resp.headers["X-Pagination"])["total"] == 2 and len(resp.get_json()) == 1
        beyond = published.draw.client.get(f"{API}/results", query_string={"q": q, "page_size": 1, "page": 3})
        assert beyond.get_json() == []


def test_a_corrected_result_is_found_once_in_its_current_version(published: PublishedWorld) -> None:
    second = published.assignments[1]
    rows = get(published.draw.client, "/results", q=second["credit_code"])
    assert len(rows) == 1
    assert rows[0]["result"] == "发现问题已责令改正" and rows[0]["version"] == 2 and rows[0]["corrected"] is True
    assert rows[0]["correction_reason"] == "整改已完成，原结果有误"


def test_an_entity_shows_a_corrected_result_with_both_versions(published: PublishedWorld) -> None:
    second = published.assignments[1]
    [result] = get(published.draw.client, f"/entities/{second['credit_code']}/results")
    assert result["corrected"] is True
    assert result["current"]["result"] == "发现问题已责令改正" and result["current"]["version"] == 2
    assert [(h["version"], h["result"]) for h in result["history"]] == [(1, "发现问题待后续处理")]


def test_an_entity_without_published_results_is_not_found(published: PublishedWorld) -> None:
    unpublished = published.assignments[5]
    body = get(published.draw.client, f"/entities/{unpublished['credit_code']}/results", 404)
    assert body["code"] == "result.entity_not_found"
    assert get(published.draw.client, "/entities/not-a-code/results", 404)["code"] == "result.entity_not_found"


def test_a_task_lists_its_current_results_by_entity_name(published: PublishedWorld) -> None:
    resp = published.draw.client.get(f"{API}/tasks/{published.task_number}/results")
    assert resp.status_code == 200
    rows = resp.get_json()
    assert [r["current"]["entity_name"] for r in rows] == sorted(a["name"] for a in published.assignments[:3])
    assert sum(r["corrected"] for r in rows) == 1
    assert json.loads(resp.headers["X-Pagination"])["total"] == 3


def test_an_unknown_task_has_no_result_bulletin(client: FlaskClient) -> None:
    assert get(client, "/tasks/NO-SUCH-TASK/results", 404)["code"] == "task.not_found"


def test_a_task_without_published_results_has_an_empty_result_bulletin(draw_world: DrawWorld) -> None:
    task = draw_world.create()
    draw_world.draw(task["id"])
    assert get(draw_world.client, f"/tasks/{task['number']}/results") == []


@pytest.mark.parametrize("q", ["泰山\x00", "a" * 101, ""])
def test_a_bad_query_is_refused_with_a_validation_problem(client: FlaskClient, q: str) -> None:
    body = get(client, "/results", 422, q=q)
    assert body["code"] == "validation.failed" and "q" in body["errors"]["query"]


def test_no_public_result_carries_a_risk_class_an_inspector_or_an_internal_id(published: PublishedWorld) -> None:
    client = published.draw.client
    documents = [get(client, "/results", q="泰山抽查测试"), get(client, f"/tasks/{published.task_number}/results"),
                 *(get(client, f"/entities/{a['credit_code']}/results") for a in published.assignments[:3])]
    for document in documents:
        assert not {k for k in keys(document) for word in PRIVATE if word == k or (word != "id" and word in k)}
