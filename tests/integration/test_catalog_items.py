"""The item list: versions, filings with the lead bureau, acknowledgement, the compiled list."""
from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from backend.db import db
from tests.support.catalog_data import item_body, sampling_rules
from tests.support.catalog_fixtures import create_item, staff  # noqa: F401  (fixtures)

ITEMS = "/api/v1/catalog/items"


def change(client, staff, item_id: int, body: dict[str, Any], etag: str | None = '"v1"', user: str = "mr-admin"):
    headers = dict(staff[user])
    if etag is not None:
        headers["If-Match"] = etag
    return client.post(f"{ITEMS}/{item_id}/versions", json=body, headers=headers)


def test_a_new_item_is_version_1_and_is_filed_with_the_lead_bureau(client, staff, create_item) -> None:
    item = create_item()
    assert (item["version"], item["department"]["code"], item["kind"]) == (1, "market_regulation", "key")
    assert [v["version"] for v in item["versions"]] == [1]
    filings = client.get(f"{ITEMS}/{item['id']}/filings", headers=staff["inspector"]).get_json()
    assert [(f["version"], f["filed_with"]["code"], f["acknowledged_at"]) for f in filings] == \
        [(1, "market_regulation", None)]


def test_sampling_rules_are_stored_in_risk_class_order(client, staff, create_item) -> None:
    item = create_item(sampling_rules=list(reversed(sampling_rules())))
    assert [r["risk_class"] for r in item["sampling_rules"]] == ["A", "B", "C", "D", "E"]


def test_a_change_makes_a_new_version_and_keeps_every_earlier_one(client, staff, create_item) -> None:
    item = create_item()
    resp = change(client, staff, item["id"], {"name_zh": "食品销售抽查", "change_summary": "名称调整"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.headers["ETag"] == '"v2"'
    body = client.get(f"{ITEMS}/{item['id']}", headers=staff["inspector"]).get_json()
    assert (body["version"], body["name_zh"], body["current"]["change_summary"]) == (2, "食品销售抽查", "名称调整")
    assert [(v["version"], v["name_zh"]) for v in body["versions"]] == [(1, "食品经营抽查"), (2, "食品销售抽查")]
    assert body["legal_basis"] == item["legal_basis"]  # fields not sent carry over


def test_every_change_is_filed_with_its_summary(client, staff, create_item) -> None:
    item = create_item()
    change(client, staff, item["id"], {"kind": "general", "sampling_rules": sampling_rules(D=(1, 2)),
                                       "change_summary": "调整为一般事项"})
    filings = client.get(f"{ITEMS}/{item['id']}/filings", headers=staff["mr-admin"]).get_json()
    assert [(f["version"], f["change_summary"]) for f in filings] == [(2, "调整为一般事项"), (1, "新增抽查事项 (item added to the list)")]


def test_a_change_without_if_match_is_refused_with_428(client, staff, create_item) -> None:
    item = create_item()
    resp = change(client, staff, item["id"], {"name_zh": "新名称", "change_summary": "x"}, etag=None)
    assert (resp.status_code, resp.get_json()["code"]) == (428, "version.required")


def test_a_change_based_on_an_old_version_is_refused_with_412(client, staff, create_item) -> None:
    item = create_item()
    assert change(client, staff, item["id"], {"name_zh": "第二版", "change_summary": "x"}).status_code == 201
    resp = change(client, staff, item["id"], {"name_zh": "第三版", "change_summary": "y"}, etag='"v1"')
    assert (resp.status_code, resp.get_json()["code"]) == (412, "version.stale")
    assert resp.get_json()["details"]["current_version"] == 2


def test_a_change_that_changes_nothing_is_refused(client, staff, create_item) -> None:
    item = create_item()
    resp = change(client, staff, item["id"], {"name_zh": item["name_zh"], "change_summary": "无变化"})
    assert (resp.status_code, resp.get_json()["code"]) == (422, "item.no_change")


def test_a_key_item_that_does_not_cover_class_d_fully_is_refused_with_a_pointer(client, staff) -> None:
    resp = client.post(ITEMS, json=item_body(sampling_rules=sampling_rules(D=(1, 2))), headers=staff["mr-admin"])
    assert (resp.status_code, resp.get_json()["code"]) == (422, "item.sampling_rules_invalid")
    assert list(resp.get_json()["errors"]) == ["/sampling_rules/3/full_coverage"]


def test_a_ratio_given_as_a_float_is_refused(client, staff) -> None:
    rules = sampling_rules()
    rules[0]["ratio"] = {"numerator": 0.02, "denominator": 1}
    resp = client.post(ITEMS, json=item_body(sampling_rules=rules), headers=staff["mr-admin"])
    assert resp.status_code == 422
    assert "numerator" in str(resp.get_json()["errors"])


def test_an_unknown_check_method_is_refused(client, staff) -> None:
    resp = client.post(ITEMS, json=item_body(check_methods=["telepathy"]), headers=staff["mr-admin"])
    assert resp.status_code == 422


def test_item_codes_are_unique_city_wide(client, staff, create_item) -> None:
    create_item("SHARED-001")
    resp = client.post(ITEMS, json=item_body("SHARED-001"), headers=staff["eco-admin"])
    assert (resp.status_code, resp.get_json()["code"]) == (409, "item.duplicate_code")


def test_the_ecology_admin_cannot_change_a_market_regulation_item(client, staff, create_item) -> None:
    item = create_item()
    resp = change(client, staff, item["id"], {"name_zh": "越权修改", "change_summary": "x"}, user="eco-admin")
    assert (resp.status_code, resp.get_json()["code"]) == (403, "auth.out_of_scope")
    assert client.get(f"{ITEMS}/{item['id']}", headers=staff["eco-admin"]).get_json()["version"] == 1


def test_the_ecology_admin_cannot_add_an_item_to_market_regulations_list(client, staff) -> None:
    resp = client.post(ITEMS, json=item_body(department="market_regulation"), headers=staff["eco-admin"])
    assert (resp.status_code, resp.get_json()["code"]) == (403, "auth.out_of_scope")


def test_a_system_admin_adds_items_for_any_department(client, staff) -> None:
    resp = client.post(ITEMS, json=item_body(department="ecology"), headers=staff["sysadmin"])
    assert resp.status_code == 201
    assert resp.get_json()["department"]["code"] == "ecology"


def test_an_inspector_reads_the_list_but_cannot_add_to_it(client, staff) -> None:
    assert client.get(ITEMS, headers=staff["inspector"]).status_code == 200
    resp = client.post(ITEMS, json=item_body(), headers=staff["inspector"])
    assert (resp.status_code, resp.get_json()["code"]) == (403, "auth.forbidden")


def test_the_compiled_list_holds_every_departments_items_at_their_current_version(client, staff, create_item) -> None:
    mine = create_item("MR-001")
    create_item("ECO-001", as_user="eco-admin", kind="general", name_zh="排污许可证执行情况检查")
    change(client, staff, mine["id"], {"name_zh": "食品经营抽查（修订）", "change_summary": "修订"})
    listed = client.get(ITEMS, headers=staff["eco-admin"]).get_json()
    assert [(i["code"], i["version"], i["name_zh"], i["department"]["code"]) for i in listed] == [
        ("ECO-001", 1, "排污许可证执行情况检查", "ecology"),
        ("MR-001", 2, "食品经营抽查（修订）", "market_regulation"),
    ]  # by department (in the joint meeting's order), then code


@pytest.mark.parametrize(("query", "codes"), [
    ({"department": "ecology"}, ["ECO-001"]),
    ({"kind": "key"}, ["MR-001"]),
    ({"q": "排污"}, ["ECO-001"]),
    ({"q": "mr-0"}, ["MR-001"]),
])
def test_the_compiled_list_filters_by_department_kind_and_text(client, staff, create_item, query, codes) -> None:
    create_item("MR-001")
    create_item("ECO-001", as_user="eco-admin", kind="general", name_zh="排污许可证执行情况检查",
                sampling_rules=sampling_rules(D=(1, 2)))
    listed = client.get(ITEMS, query_string=query, headers=staff["inspector"]).get_json()
    assert [i["code"] for i in listed] == codes


def test_the_lead_bureau_admin_acknowledges_a_filing(client, staff, create_item) -> None:
    create_item("ECO-001", as_user="eco-admin")
    filing = client.get("/api/v1/catalog/filings", headers=staff["mr-admin"]).get_json()[0]
    resp = client.post(f"/api/v1/catalog/filings/{filing['id']}/acknowledge", headers=staff["mr-admin"])
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["acknowledged_at"] is not None
    assert resp.get_json()["acknowledged_by"] is not None


def test_an_admin_of_another_department_cannot_acknowledge_even_their_own_filing(client, staff, create_item) -> None:
    create_item("ECO-001", as_user="eco-admin")
    filing = client.get("/api/v1/catalog/filings", headers=staff["eco-admin"]).get_json()[0]
    resp = client.post(f"/api/v1/catalog/filings/{filing['id']}/acknowledge", headers=staff["eco-admin"])
    assert (resp.status_code, resp.get_json()["code"]) == (403, "auth.out_of_scope")


def test_an_inspector_of_the_lead_bureau_cannot_acknowledge(client, staff, create_item) -> None:
    create_item()
    filing = client.get("/api/v1/catalog/filings", headers=staff["inspector"]).get_json()[0]
    resp = client.post(f"/api/v1/catalog/filings/{filing['id']}/acknowledge", headers=staff["inspector"])
    assert (resp.status_code, resp.get_json()["code"]) == (403, "auth.forbidden")


def test_a_filing_is_acknowledged_only_once(client, staff, create_item) -> None:
    create_item()
    filing = client.get("/api/v1/catalog/filings", headers=staff["mr-admin"]).get_json()[0]
    url = f"/api/v1/catalog/filings/{filing['id']}/acknowledge"
    assert client.post(url, headers=staff["sysadmin"]).status_code == 200
    resp = client.post(url, headers=staff["mr-admin"])
    assert (resp.status_code, resp.get_json()["code"]) == (409, "filing.already_acknowledged")


def test_the_in_tray_lists_only_unacknowledged_filings(client, staff, create_item) -> None:
    create_item("MR-001")
    create_item("ECO-001", as_user="eco-admin")
    first = client.get("/api/v1/catalog/filings", query_string={"department": "market_regulation"},
                       headers=staff["mr-admin"]).get_json()[0]
    client.post(f"/api/v1/catalog/filings/{first['id']}/acknowledge", headers=staff["mr-admin"])
    pending = client.get("/api/v1/catalog/filings", query_string={"unacknowledged": "true"},
                         headers=staff["mr-admin"]).get_json()
    done = client.get("/api/v1/catalog/filings", query_string={"unacknowledged": "false"},
                      headers=staff["mr-admin"]).get_json()
    assert [f["item_code"] for f in pending] == ["ECO-001"]
    assert [f["item_code"] for f in done] == ["MR-001"]


def test_an_unknown_department_is_refused(client, staff) -> None:
    resp = client.post(ITEMS, json=item_body(department="ministry_of_magic"), headers=staff["sysadmin"])
    assert (resp.status_code, resp.get_json()["code"]) == (422, "department.unknown")


def test_the_get_of_an_item_carries_its_version_as_etag(client, staff, create_item) -> None:
    item = create_item()
    assert client.get(f"{ITEMS}/{item['id']}", headers=staff["inspector"]).headers["ETag"] == '"v1"'
    assert client.get(f"{ITEMS}/999999", headers=staff["inspector"]).status_code == 404


def test_changes_are_audited(client, staff, create_item, app) -> None:
    item = create_item()
    change(client, staff, item["id"], {"name_zh": "第二版", "change_summary": "x"})
    from backend.audit.model import AuditEntry
    from backend.db import db

    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("catalog.%"))
                                     .order_by(AuditEntry.leaf_index)).all()
    assert actions == ["catalog.item.create", "catalog.item.file", "catalog.item.version", "catalog.item.file"]


@pytest.fixture
def national_scheme(app) -> None:  # type: ignore[no-untyped-def]
    """Make the national A–D scheme the active one (as a city outside Shandong would)."""
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE risk_scheme SET is_active = false"))
            conn.execute(sa.text("UPDATE risk_scheme SET is_active = true WHERE code = 'national'"))


def test_under_the_national_scheme_rules_for_a_to_d_are_accepted(client, staff, national_scheme) -> None:
    rules = [r for r in sampling_rules() if r["risk_class"] != "E"]
    resp = client.post(ITEMS, json=item_body(sampling_rules=rules), headers=staff["mr-admin"])
    assert resp.status_code == 201, resp.get_json()
    assert [r["risk_class"] for r in resp.get_json()["sampling_rules"]] == ["A", "B", "C", "D"]


def test_under_the_national_scheme_a_rule_for_class_e_is_refused_with_a_pointer(client, staff,
                                                                                national_scheme) -> None:
    resp = client.post(ITEMS, json=item_body(), headers=staff["mr-admin"])
    assert (resp.status_code, resp.get_json()["code"]) == (422, "item.sampling_rules_invalid")
    assert list(resp.get_json()["errors"]) == ["/sampling_rules/4/risk_class"]
