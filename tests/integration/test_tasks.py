"""Tasks (R4.1): single-department or joint, their items, scope, sampling, staffing; drafts change, others not."""
from __future__ import annotations

import pytest

from tests.support.apps import OTHER_DEPARTMENT, OWN_DEPARTMENT
from tests.support.draws import ECO_ITEM, MR_ITEM, DrawWorld, clock, draw_world, staff_of, task_body  # noqa: F401


def joint_body(**overrides):
    return task_body(items=(MR_ITEM, ECO_ITEM), participating_departments=[OTHER_DEPARTMENT], **overrides)


def test_a_department_admin_drafts_a_joint_task_where_each_department_staffs_every_team(draw_world: DrawWorld):
    task = draw_world.create(joint_body(kind="special", basis="12315 投诉举报线索（2027年2月）"))
    assert task["status"] == "draft" and task["version"] == 1 and task["targeted"] is False
    assert {(d["code"], d["role"], d["min_per_team"]) for d in task["departments"]} == {
        (OWN_DEPARTMENT, "initiating", 1), (OTHER_DEPARTMENT, "participating", 1)}
    assert sorted(i["code"] for i in task["items"]) == [ECO_ITEM, MR_ITEM]
    assert task["staffing"]["team_size"] == 2 and task["names_public"] == "after_checks"


def test_minimums_that_need_more_members_raise_the_default_team_size(draw_world: DrawWorld):
    task = draw_world.create(joint_body(staffing={"minimums": {OWN_DEPARTMENT: 2}}))
    assert task["staffing"]["team_size"] == 3


@pytest.mark.parametrize(("change", "pointer"), [
    ({"items": [ECO_ITEM]}, "/items/0"),
    ({"kind": "special"}, "/basis"),
    ({"participating_departments": ["no_such_department"]}, "/participating_departments/0"),
    ({"scope": {"description_zh": "x", "risk_classes": ["Z"]}}, "/scope/risk_classes/0"),
    ({"scope": {"description_zh": "x", "divisions": ["110101"]}}, "/scope/divisions/0"),
    ({"scope": {"description_zh": "x", "risk_classes": ["D"]}, "sampling": {"strata": {
        "A": {"rule": "count", "count": 3}}}}, "/sampling/strata/A"),
    ({"sampling": {"stratify_by": "none"}}, "/sampling/strata"),
    ({"sampling": {"strata": {"B": {"rule": "share"}}}}, "/sampling/share_total"),
    ({"staffing": {"team_size": 2, "minimums": {OWN_DEPARTMENT: 3}}}, "/staffing/team_size"),
    ({"staffing": {"minimums": {OTHER_DEPARTMENT: 1}}}, f"/staffing/minimums/{OTHER_DEPARTMENT}"),
    ({"plan": {"number": "NO-SUCH-PLAN", "batch": "B1"}}, "/plan/number"),
], ids=["item-of-absent-department", "special-without-basis", "unknown-department", "unknown-class",
        "unknown-division", "stratum-outside-scope", "unstratified-without-rule", "share-without-total",
        "minimums-above-team", "minimum-of-absent-department", "unknown-plan"])
def test_a_task_that_breaks_the_registry_is_refused_with_a_pointer(draw_world: DrawWorld, change, pointer):
    resp = draw_world.client.post("/api/v1/tasks", json=task_body(**change), headers=draw_world.admin)
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["code"] == "task.invalid" and pointer in resp.get_json()["errors"]


def test_a_ratio_above_one_and_a_float_count_are_refused_by_the_schema(draw_world: DrawWorld):
    for rule in ({"rule": "ratio", "numerator": 3, "denominator": 2}, {"rule": "count", "count": 2.0}):
        resp = draw_world.client.post("/api/v1/tasks", json=task_body(sampling={"strata": {"A": rule}}),
                                      headers=draw_world.admin)
        assert resp.status_code == 422, resp.get_json()


def test_a_task_number_is_used_once(draw_world: DrawWorld):
    draw_world.create(task_body("T-DUP-1"))
    resp = draw_world.client.post("/api/v1/tasks", json=task_body("T-DUP-1"), headers=draw_world.admin)
    assert resp.status_code == 409 and resp.get_json()["code"] == "task.duplicate_number"


def test_another_departments_admin_cannot_draft_a_task_in_its_name(draw_world: DrawWorld):
    resp = draw_world.client.post("/api/v1/tasks", json=task_body(department=OWN_DEPARTMENT),
                                  headers=draw_world.staff("department_admin", OTHER_DEPARTMENT))
    assert resp.status_code == 403 and resp.get_json()["code"] == "auth.out_of_scope"


def test_a_draft_changes_with_if_match_and_a_committed_task_does_not(draw_world: DrawWorld):
    task = draw_world.create()
    url = f"/api/v1/tasks/{task['id']}"
    assert draw_world.client.patch(url, json={"name_zh": "新名称"}, headers=draw_world.admin).status_code == 428
    stale = draw_world.client.patch(url, json={"name_zh": "新名称"}, headers={**draw_world.admin, "If-Match": '"v9"'})
    assert stale.status_code == 412
    changed = draw_world.client.patch(url, json={"name_zh": "新名称", "names_public": "at_draw"},
                                      headers={**draw_world.admin, "If-Match": '"v1"'})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["name_zh"] == "新名称" and changed.headers["ETag"] == '"v2"'
    same = draw_world.client.patch(url, json={"name_zh": "新名称"}, headers={**draw_world.admin, "If-Match": '"v2"'})
    assert same.status_code == 422 and same.get_json()["code"] == "task.no_change"
    draw_world.commit(task["id"])
    frozen = draw_world.client.patch(url, json={"name_zh": "再改"}, headers={**draw_world.admin, "If-Match": '"v3"'})
    assert frozen.status_code == 409 and frozen.get_json()["code"] == "task.not_draft"


def test_adding_a_participating_department_changes_departments_items_and_staffing(draw_world: DrawWorld):
    task = draw_world.create()
    resp = draw_world.client.patch(f"/api/v1/tasks/{task['id']}", json={
        "participating_departments": [OTHER_DEPARTMENT], "items": [MR_ITEM, ECO_ITEM]},
        headers={**draw_world.admin, "If-Match": '"v1"'})
    assert resp.status_code == 200, resp.get_json()
    assert {d["code"] for d in resp.get_json()["departments"]} == {OWN_DEPARTMENT, OTHER_DEPARTMENT}
    back = draw_world.client.patch(f"/api/v1/tasks/{task['id']}", json={
        "participating_departments": [], "items": [MR_ITEM]}, headers={**draw_world.admin, "If-Match": '"v2"'})
    assert [d["code"] for d in back.get_json()["departments"]] == [OWN_DEPARTMENT]


def test_department_scoped_readers_reach_only_tasks_their_department_takes_part_in(draw_world: DrawWorld):
    own = draw_world.create(task_body())
    joint = draw_world.create(joint_body())
    ecology_reader = draw_world.staff("team_lead", OTHER_DEPARTMENT)
    listed = draw_world.client.get("/api/v1/tasks", headers=ecology_reader).get_json()
    assert [t["number"] for t in listed] == [joint["number"]]
    assert draw_world.client.get(f"/api/v1/tasks/{own['id']}", headers=ecology_reader).status_code == 403
    assert draw_world.client.get(f"/api/v1/tasks/{joint['id']}", headers=ecology_reader).status_code == 200
    everyone = draw_world.client.get("/api/v1/tasks", headers=draw_world.staff("auditor")).get_json()
    assert {t["number"] for t in everyone} == {own["number"], joint["number"]}


def test_the_risk_class_filter_of_a_task_is_hidden_from_inspectors(draw_world: DrawWorld):
    task = draw_world.create(task_body(scope={"description_zh": "高风险企业", "risk_classes": ["D", "E"]}))
    seen = draw_world.client.get(f"/api/v1/tasks/{task['id']}", headers=draw_world.staff("inspector")).get_json()
    assert "risk_classes" not in seen["scope"] and seen["targeted"] is True
    lead = draw_world.client.get(f"/api/v1/tasks/{task['id']}", headers=draw_world.staff("team_lead")).get_json()
    assert lead["scope"]["risk_classes"] == ["D", "E"]


def test_only_a_drawn_task_can_be_closed(draw_world: DrawWorld):
    task = draw_world.create()
    close = f"/api/v1/tasks/{task['id']}/close"
    early = draw_world.client.post(close, headers={**draw_world.admin, "If-Match": '"v1"'})
    assert early.status_code == 409 and early.get_json()["code"] == "task.not_drawn"
    draw_world.draw(task["id"])
    version = draw_world.client.get(f"/api/v1/tasks/{task['id']}", headers=draw_world.admin).headers["ETag"]
    closed = draw_world.client.post(close, headers={**draw_world.admin, "If-Match": version})
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
