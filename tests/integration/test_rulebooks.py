"""Rulebooks through the API: templates validated against the schema and the semantic rules."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.catalog_data import rulebook_body, template
from tests.support.catalog_fixtures import create_item, staff  # noqa: F401  (fixtures)


def url(item_id: int) -> str:
    return f"/api/v1/catalog/items/{item_id}/rulebook"


def write(client, headers: dict[str, str], item_id: int, body: dict[str, Any], etag: str | None = None):
    return client.post(url(item_id) + "/versions", json=body,
                       headers={**headers, **({"If-Match": etag} if etag else {})})


def test_a_valid_rulebook_becomes_version_1_of_the_items_rulebook(client, staff, create_item) -> None:
    item = create_item()
    resp = write(client, staff["mr-admin"], item["id"], rulebook_body())
    assert resp.status_code == 201, resp.get_json()
    got = client.get(url(item["id"]), headers=staff["inspector"])
    assert got.headers["ETag"] == '"v1"'
    body = got.get_json()
    assert (body["version"], body["item_code"], body["approval"]) == (1, "T-ITEM-001", {"authority": "team_lead"})
    assert body["template"] == template()
    assert body["publication"]["within_working_days"] == 20
    assert client.get(f"/api/v1/catalog/items/{item['id']}", headers=staff["inspector"]).get_json()["rulebook_version"] == 1


def test_an_item_without_a_rulebook_answers_404(client, staff, create_item) -> None:
    item = create_item()
    resp = client.get(url(item["id"]), headers=staff["inspector"])
    assert (resp.status_code, resp.get_json()["code"]) == (404, "rulebook.not_found")


def _question(doc: dict[str, Any], index: int) -> dict[str, Any]:
    return doc["sections"][0]["questions"][index]


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("unknown question type", lambda d: _question(d, 0).update(type="slider"),
     "/template/sections/0/questions/0/type", "licence_valid"),
    ("duplicate id", lambda d: _question(d, 3).update(id="licence_valid"),
     "/template/sections/0/questions/3/id", "licence_valid"),
    ("show_if to a later question", lambda d: _question(d, 1).update(show_if={"question": "fridge_temp", "equals": "x"}),
     "/template/sections/0/questions/1/show_if/question", "licence_photos"),
    ("show_if to an unknown question", lambda d: _question(d, 1).update(show_if={"question": "ghost", "equals": "no"}),
     "/template/sections/0/questions/1/show_if/question", "licence_photos"),
    ("empty choices", lambda d: _question(d, 2).update(options=[]),
     "/template/sections/0/questions/2/options", "business_format"),
]


@pytest.mark.parametrize(("edit", "pointer", "qid"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_an_invalid_template_is_refused_with_422_and_a_pointer_to_the_question(client, staff, create_item, edit,
                                                                               pointer, qid) -> None:
    item = create_item()
    doc = template()
    edit(doc)
    resp = write(client, staff["mr-admin"], item["id"], rulebook_body(doc))
    body = resp.get_json()
    assert (resp.status_code, body["code"]) == (422, "template.invalid")
    assert list(body["errors"]) == [pointer]
    assert [(p["pointer"], p["question"]) for p in body["details"]["problems"]] == [(pointer, qid)]
    assert client.get(url(item["id"]), headers=staff["mr-admin"]).status_code == 404  # nothing was stored


def test_the_first_rulebook_needs_no_if_match_and_every_later_one_names_the_current(client, staff, create_item) -> None:
    item = create_item()
    headers = staff["mr-admin"]
    assert write(client, headers, item["id"], rulebook_body(), etag='"v1"').status_code == 412  # nothing to match yet
    assert write(client, headers, item["id"], rulebook_body()).status_code == 201
    second = rulebook_body(archiving={"permanent": True}, change_summary="档案改为永久保存")
    assert write(client, headers, item["id"], second).status_code == 428
    assert write(client, headers, item["id"], second, etag='"v7"').status_code == 412
    resp = write(client, headers, item["id"], second, etag='"v1"')
    assert (resp.status_code, resp.headers["ETag"]) == (201, '"v2"')
    versions = client.get(url(item["id"]) + "/versions", headers=staff["inspector"]).get_json()
    assert [(v["version"], v["archiving"]["permanent"]) for v in versions] == [(1, False), (2, True)]
    old = client.get(url(item["id"]) + "/versions/1", headers=staff["inspector"]).get_json()
    assert old["archiving"] == {"permanent": False, "years": 10}


def test_the_ecology_admin_cannot_write_a_market_regulation_rulebook(client, staff, create_item) -> None:
    item = create_item()
    resp = write(client, staff["eco-admin"], item["id"], rulebook_body())
    assert (resp.status_code, resp.get_json()["code"]) == (403, "auth.out_of_scope")


@pytest.mark.parametrize(("override", "field"), [
    ({"approval": {"authority": "role"}}, "approval"),
    ({"approval": {"authority": "team_lead", "role": "auditor"}}, "approval"),
    # roles that may not decide reviews would leave the records waiting for ever
    ({"approval": {"authority": "role", "role": "auditor"}}, "approval"),
    ({"approval": {"authority": "role", "role": "department_admin"}}, "approval"),
    ({"approval": {"authority": "role", "role": "inspector"}}, "approval"),
    ({"publication": {"fields": ["credit_code", "result"]}}, "publication"),
    ({"publication": {"fields": ["entity_name", "result", "salary"]}}, "publication"),
    ({"publication": {"fields": ["entity_name", "result"], "within_working_days": 30}}, "publication"),
    ({"archiving": {"permanent": True, "years": 10}}, "archiving"),
    ({"archiving": {}}, "archiving"),
    ({"procedure_steps": []}, "procedure_steps"),
])
def test_approval_publication_archiving_and_procedure_follow_their_rules(client, staff, create_item, override,
                                                                          field) -> None:
    item = create_item()
    resp = write(client, staff["mr-admin"], item["id"], rulebook_body(**override))
    assert resp.status_code == 422
    assert field in resp.get_json()["errors"]["json"]


def test_a_named_role_may_approve(client, staff, create_item) -> None:
    item = create_item()
    resp = write(client, staff["mr-admin"], item["id"], rulebook_body(approval={"authority": "role",
                                                                                "role": "department_head"}))
    assert resp.status_code == 201
    assert resp.get_json()["approval"] == {"authority": "role", "role": "department_head"}


def test_a_template_can_be_checked_without_saving(client, staff) -> None:
    ok = client.post("/api/v1/catalog/templates/validate", json={"template": template()}, headers=staff["inspector"])
    assert ok.get_json() == {"valid": True, "questions": 5}
    bad = template()
    bad["sections"][0]["questions"][2]["options"] = []
    resp = client.post("/api/v1/catalog/templates/validate", json={"template": bad}, headers=staff["inspector"])
    assert resp.status_code == 422
    assert list(resp.get_json()["errors"]) == ["/template/sections/0/questions/2/options"]


def test_the_template_schema_is_served_to_anyone(client) -> None:
    resp = client.get("/api/v1/catalog/template-schema")
    assert resp.status_code == 200
    assert resp.get_json()["$id"] == "urn:ssgk:schema:checklist-template:1"
