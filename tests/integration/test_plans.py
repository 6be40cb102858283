"""Annual plans: drafting, filing by 31 January (late flag), publication, adjustments with reasons."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from tests.support.catalog_data import batch, plan_body
from tests.support.catalog_fixtures import create_item, staff  # noqa: F401  (fixtures)

PLANS = "/api/v1/plans"
BEIJING = timezone(timedelta(hours=8))
THIS_YEAR = datetime.now(BEIJING).year


@pytest.fixture
def item(create_item) -> dict[str, Any]:
    return create_item("MR-001")


def draft(client, staff, year: int = THIS_YEAR + 1, user: str = "mr-admin", **overrides: Any) -> dict[str, Any]:
    resp = client.post(PLANS, json=plan_body(year, ["MR-001"], **overrides), headers=staff[user])
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def act(client, staff, plan: dict[str, Any], action: str, etag: str | None = None, user: str = "mr-admin"):
    headers = {**staff[user], "If-Match": etag or f'"v{plan["version"]}"'}
    return client.post(f"{PLANS}/{plan['id']}/{action}", headers=headers)


def adjust(client, staff, plan: dict[str, Any], body: dict[str, Any], etag: str | None = None):
    headers = {**staff["mr-admin"], "If-Match": etag or f'"v{plan["version"]}"'}
    return client.post(f"{PLANS}/{plan['id']}/versions", json=body, headers=headers)


def test_a_new_plan_is_a_draft_at_version_1(client, staff, item) -> None:
    plan = draft(client, staff)
    assert (plan["status"], plan["version"], plan["department"]["code"], plan["jurisdiction"]) == \
        ("draft", 1, "market_regulation", "370900")
    assert plan["filing"] == {"due_on": f"{THIS_YEAR + 1}-01-31", "filed_at": None, "filed_by": None,
                              "filed_version": None, "late": None, "days_late": None}


def test_a_plan_filed_before_the_end_of_january_is_on_time(client, staff, item) -> None:
    plan = draft(client, staff, THIS_YEAR + 1)
    resp = act(client, staff, plan, "file")
    assert resp.status_code == 200, resp.get_json()
    filed = resp.get_json()
    assert (filed["status"], filed["filing"]["late"], filed["filing"]["days_late"]) == ("filed", False, 0)
    assert filed["filing"]["filed_version"] == 1


def test_a_plan_filed_after_the_end_of_january_is_flagged_late_with_the_days_late(client, staff, item) -> None:
    year = THIS_YEAR - 1
    plan = draft(client, staff, year)
    filed = act(client, staff, plan, "file").get_json()
    expected = (datetime.now(BEIJING).date() - date(year, 1, 31)).days
    assert filed["filing"]["late"] is True
    assert filed["filing"]["days_late"] in (expected, expected + 1)  # the test may straddle midnight


def test_lateness_is_counted_in_beijing_days_from_the_service(app, staff, item) -> None:
    from backend.plans import services
    from backend.plans.schemas import PlanCreateSchema
    from backend.policy import Principal

    system = Principal(0, "system", 0, None, frozenset({"system_admin"}))
    body = PlanCreateSchema().load({**plan_body(2027, ["MR-001"]), "department": "market_regulation"})
    with app.test_request_context():
        plan_id = services.create_plan(system, body).id
        february_1st = datetime(2027, 2, 1, 7, 59, tzinfo=timezone.utc)  # 15:59 in Beijing: 1 day late
        filed = services.file_plan(system, plan_id, frozenset({1}), now=february_1st + timedelta(days=2))
        assert (filed.filed_days_late, filed.filed_version) == (3, 1)


def test_a_plan_without_batches_cannot_be_filed(client, staff, item) -> None:
    plan = draft(client, staff, batches=[])
    resp = act(client, staff, plan, "file")
    assert (resp.status_code, resp.get_json()["code"]) == (422, "plan.no_batches")


def test_a_draft_cannot_be_published_before_it_is_filed(client, staff, item) -> None:
    plan = draft(client, staff)
    resp = act(client, staff, plan, "publish")
    assert (resp.status_code, resp.get_json()["code"]) == (409, "plan.not_filed")


def test_a_filed_plan_is_published_once(client, staff, item) -> None:
    plan = draft(client, staff)
    act(client, staff, plan, "file")
    resp = act(client, staff, plan, "publish")
    assert resp.status_code == 200
    published = resp.get_json()
    assert (published["status"], published["published_version"]) == ("published", 1)
    again = act(client, staff, plan, "publish")
    assert (again.status_code, again.get_json()["code"]) == (409, "plan.already_published")
    refile = act(client, staff, plan, "file")
    assert (refile.status_code, refile.get_json()["code"]) == (409, "plan.already_filed")


def test_filing_needs_the_current_version_in_if_match(client, staff, item) -> None:
    plan = draft(client, staff)
    missing = client.post(f"{PLANS}/{plan['id']}/file", headers=staff["mr-admin"])
    assert (missing.status_code, missing.get_json()["code"]) == (428, "version.required")
    stale = act(client, staff, plan, "file", etag='"v9"')
    assert (stale.status_code, stale.get_json()["code"]) == (412, "version.stale")


def test_a_draft_may_change_without_a_reason(client, staff, item) -> None:
    plan = draft(client, staff)
    resp = adjust(client, staff, plan, {"name_zh": "修订后的计划"})
    assert resp.status_code == 201
    assert (resp.get_json()["version"], resp.get_json()["versions"][1]["reason"]) == (2, None)


def test_an_adjustment_of_a_filed_plan_needs_a_reason(client, staff, item) -> None:
    plan = draft(client, staff)
    act(client, staff, plan, "file")
    resp = adjust(client, staff, plan, {"name_zh": "调整后的计划"})
    assert (resp.status_code, resp.get_json()["code"]) == (422, "plan.reason_required")


def test_an_in_year_adjustment_is_a_new_version_with_its_reason_and_every_version_stays(client, staff, item) -> None:
    plan = draft(client, staff)
    act(client, staff, plan, "file")
    act(client, staff, plan, "publish")
    year = THIS_YEAR + 1
    new_batches = [batch(["MR-001"], year), batch(["MR-001"], year, "B2", name_zh="专项检查", target_count=30)]
    resp = adjust(client, staff, plan, {"batches": new_batches, "reason": "根据投诉举报增加专项检查批次"})
    assert resp.status_code == 201, resp.get_json()
    body = client.get(f"{PLANS}/{plan['id']}", headers=staff["inspector"]).get_json()
    assert (body["status"], body["version"], body["published_version"]) == ("published", 2, 1)
    assert [(v["version"], v["reason"], len(v["batches"])) for v in body["versions"]] == \
        [(1, None, 1), (2, "根据投诉举报增加专项检查批次", 2)]


def test_an_adjustment_based_on_an_old_version_is_refused(client, staff, item) -> None:
    plan = draft(client, staff)
    assert adjust(client, staff, plan, {"name_zh": "第二版"}).status_code == 201
    resp = adjust(client, staff, plan, {"name_zh": "第三版"}, etag='"v1"')
    assert (resp.status_code, resp.get_json()["code"]) == (412, "version.stale")


def test_batches_must_name_known_items_and_lie_within_the_plan_year(client, staff, item) -> None:
    year = THIS_YEAR + 1
    bad = batch(["NO-SUCH-ITEM"], year, window={"start": f"{year}-11-01", "end": f"{year + 1}-01-15"},
                partner_departments=["nobody"])
    resp = client.post(PLANS, json=plan_body(year, [], batches=[bad]), headers=staff["mr-admin"])
    body = resp.get_json()
    assert (resp.status_code, body["code"]) == (422, "plan.batches_invalid")
    assert sorted(body["errors"]) == ["/batches/0/items/0", "/batches/0/partner_departments/0", "/batches/0/window"]


def test_batch_ids_are_unique_within_a_plan(client, staff, item) -> None:
    year = THIS_YEAR + 1
    resp = client.post(PLANS, json=plan_body(year, [], batches=[batch(["MR-001"], year), batch(["MR-001"], year)]),
                       headers=staff["mr-admin"])
    assert list(resp.get_json()["errors"]) == ["/batches/1/id"]


def test_a_department_has_one_annual_plan_a_year(client, staff, item) -> None:
    draft(client, staff)
    resp = client.post(PLANS, json=plan_body(THIS_YEAR + 1, ["MR-001"], number="SCJG-OTHER-01"),
                       headers=staff["mr-admin"])
    assert (resp.status_code, resp.get_json()["code"]) == (409, "plan.duplicate_year")


def test_the_ecology_admin_cannot_file_market_regulations_plan(client, staff, item) -> None:
    plan = draft(client, staff)
    resp = act(client, staff, plan, "file", user="eco-admin")
    assert (resp.status_code, resp.get_json()["code"]) == (403, "auth.out_of_scope")


def test_an_inspector_cannot_draft_a_plan(client, staff, item) -> None:
    resp = client.post(PLANS, json=plan_body(THIS_YEAR + 1, ["MR-001"]), headers=staff["inspector"])
    assert (resp.status_code, resp.get_json()["code"]) == (403, "auth.forbidden")


def test_a_joint_batch_may_use_a_partner_departments_item(client, staff, create_item) -> None:
    create_item("MR-001")
    create_item("ECO-001", as_user="eco-admin")
    year = THIS_YEAR + 1
    joint = batch(["MR-001", "ECO-001"], year, partner_departments=["ecology"])
    resp = client.post(PLANS, json=plan_body(year, [], batches=[joint]), headers=staff["mr-admin"])
    assert resp.status_code == 201, resp.get_json()


def test_plans_are_listed_with_filters(client, staff, create_item) -> None:
    create_item("MR-001")
    draft(client, staff, THIS_YEAR + 1)
    draft(client, staff, THIS_YEAR + 1, user="eco-admin", number="ST-2099-01")
    listed = client.get(PLANS, query_string={"department": "ecology"}, headers=staff["inspector"]).get_json()
    assert [p["number"] for p in listed] == ["ST-2099-01"]
    assert len(client.get(PLANS, query_string={"status": "draft"}, headers=staff["inspector"]).get_json()) == 2
