"""Public, no sign-in: the plan bulletin and the compiled item list show only what is public."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from tests.support.catalog_data import batch, plan_body
from tests.support.catalog_fixtures import create_item, staff  # noqa: F401  (fixtures)

YEAR = datetime.now(timezone(timedelta(hours=8))).year + 1
# Batch ids ("B1") are public keys of the plan's content; database ids are not, checked at the top level.
INTERNAL_KEYS = {"status", "filing", "filed_by", "filed_at", "late", "days_late", "created_by", "published_by",
                 "sampling_rules", "subdirectory_codes", "subjects", "change_summary", "versions", "targeted"}


def keys(value: Any) -> Iterator[str]:
    """Every key anywhere in a JSON document."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from keys(inner)


def plan(client, staff, number: str, *, user: str = "mr-admin", year: int = YEAR, file: bool = True,
         publish: bool = True) -> dict[str, Any]:
    items = ["MR-001"] if user == "mr-admin" else ["ECO-001"]
    resp = client.post("/api/v1/plans", json=plan_body(year, items, number=number), headers=staff[user])
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    for action, wanted in (("file", file), ("publish", publish)):
        if wanted:
            resp = client.post(f"/api/v1/plans/{body['id']}/{action}", headers={**staff[user], "If-Match": '"v1"'})
            assert resp.status_code == 200, resp.get_json()
    return body


@pytest.fixture
def items(create_item) -> None:
    create_item("MR-001")
    create_item("ECO-001", as_user="eco-admin", name_zh="排污许可证执行情况检查")


def test_the_public_plan_list_shows_only_published_plans(client, staff, items) -> None:
    plan(client, staff, "SCJG-PUB-01")
    plan(client, staff, "ST-FILED-01", user="eco-admin", publish=False)
    listed = client.get("/api/v1/public/plans")
    assert listed.status_code == 200
    assert [p["number"] for p in listed.get_json()] == ["SCJG-PUB-01"]
    assert "id" not in listed.get_json()[0]
    assert not set(keys(listed.get_json())) & INTERNAL_KEYS
    assert client.get("/api/v1/public/plans/ST-FILED-01").status_code == 404


def test_a_draft_plan_is_not_public(client, staff, items) -> None:
    plan(client, staff, "SCJG-DRAFT-01", file=False, publish=False)
    assert client.get("/api/v1/public/plans").get_json() == []
    assert client.get("/api/v1/public/plans/SCJG-DRAFT-01").get_json()["code"] == "plan.not_found"


@pytest.mark.parametrize(("query", "numbers"), [
    ({"year": YEAR}, ["SCJG-PUB-01", "ST-PUB-01"]),
    ({"year": YEAR + 1}, []),
    ({"department": "ecology"}, ["ST-PUB-01"]),
    ({"jurisdiction": "370900"}, ["SCJG-PUB-01", "ST-PUB-01"]),
])
def test_public_plans_filter_by_year_department_and_jurisdiction(client, staff, items, query, numbers) -> None:
    plan(client, staff, "SCJG-PUB-01")
    plan(client, staff, "ST-PUB-01", user="eco-admin")
    assert sorted(p["number"] for p in client.get("/api/v1/public/plans", query_string=query).get_json()) == numbers


def test_a_published_plan_shows_its_batches_with_item_names_and_no_internal_fields(client, staff, items) -> None:
    plan(client, staff, "SCJG-PUB-01")
    body = client.get("/api/v1/public/plans/SCJG-PUB-01").get_json()
    assert (body["number"], body["year"], body["department"]["name_zh"], body["version"]) == \
        ("SCJG-PUB-01", YEAR, "市市场监管局", 1)
    assert body["batches"][0]["items"] == [{"code": "MR-001", "name_zh": "食品经营抽查"}]
    assert body["batches"][0]["scope"]["description_zh"] == "全市餐饮服务经营者"
    assert body["adjustments"] == []
    assert set(body) == {"number", "year", "department", "jurisdiction", "name_zh", "name_en", "version",
                         "published_at", "batches", "adjustments"}
    assert not set(keys(body)) & INTERNAL_KEYS


def test_an_adjustment_after_publication_is_public_with_its_reason(client, staff, items) -> None:
    created = plan(client, staff, "SCJG-PUB-01")
    adjusted = [batch(["MR-001"], YEAR, target_count=250)]
    resp = client.post(f"/api/v1/plans/{created['id']}/versions", json={"batches": adjusted, "reason": "扩大抽查范围"},
                       headers={**staff["mr-admin"], "If-Match": '"v1"'})
    assert resp.status_code == 201, resp.get_json()
    body = client.get("/api/v1/public/plans/SCJG-PUB-01").get_json()
    assert (body["version"], body["batches"][0]["target_count"]) == (2, 250)
    assert [(a["version"], a["reason"]) for a in body["adjustments"]] == [(2, "扩大抽查范围")]


def test_the_public_item_list_is_the_compiled_list_without_internal_fields(client, staff, items) -> None:
    resp = client.get("/api/v1/public/items")
    assert resp.status_code == 200
    listed = resp.get_json()
    assert [(i["code"], i["department"]["code"]) for i in listed] == [("ECO-001", "ecology"),
                                                                    ("MR-001", "market_regulation")]
    assert listed[1]["name_zh"] == "食品经营抽查"
    assert listed[1]["check_methods"] == ["on_site", "testing"]
    assert listed[1]["provincial_item"] == {"code": "SD-SCJG-021", "name_zh": "食品经营者的监督检查"}
    assert "id" not in listed[1]
    assert not set(keys(listed)) & INTERNAL_KEYS


def test_the_public_item_list_shows_the_current_version(client, staff, items) -> None:
    mine = client.get("/api/v1/catalog/items", query_string={"q": "MR-001"}, headers=staff["mr-admin"]).get_json()[0]
    client.post(f"/api/v1/catalog/items/{mine['id']}/versions", json={"name_zh": "食品销售抽查", "change_summary": "x"},
                headers={**staff["mr-admin"], "If-Match": '"v1"'})
    listed = client.get("/api/v1/public/items", query_string={"department": "market_regulation"}).get_json()
    assert [(i["name_zh"], i["version"]) for i in listed] == [("食品销售抽查", 2)]
