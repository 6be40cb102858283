"""From a submitted record to a published bulletin row (docs/results.md): review by stage,
entry and publication by the officers, and the refusals around them."""
from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tests.support.apps import OTHER_DEPARTMENT, OWN_DEPARTMENT
from tests.support.results import (
    RESULTS,
    REVIEW,
    ResultsWorld,
    item_with_approval,
    results_world,
)


@pytest.fixture
def world(app, client, make_user, auth_headers) -> ResultsWorld:  # type: ignore[no-untyped-def]
    return results_world(app, client, make_user, auth_headers)


def audit_actions(world: ResultsWorld, object_type: str, object_id: str) -> list[str]:
    from backend.audit.model import AuditEntry
    from backend.db import db

    with world.app.app_context():
        return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == object_type,
                                                                          AuditEntry.object_id == object_id)
                                       .order_by(AuditEntry.leaf_index)))


def review_view(world: ResultsWorld, record_id: str, user: str = "lead") -> dict[str, Any]:
    resp = world.client.get(f"{REVIEW}/records/{record_id}", headers=world.headers[user])
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_a_submitted_joint_record_becomes_a_published_bulletin_row_attached_to_the_entity(world: ResultsWorld) -> None:
    assignment_id, task_id = world.assignment()
    draft = world.draft(assignment_id)
    world.submit(draft)
    queue = world.client.get(f"{REVIEW}/queue", headers=world.headers["lead"]).get_json()["records"]
    assert [r["id"] for r in queue] == [draft.id]

    assert world.decide(draft.id, "lead", "review").get_json()["status"] == "under_review"
    approved = world.decide(draft.id, "lead", "approve", "核实无误").get_json()
    assert approved["status"] == "approved"
    assert [d["decision"] for d in approved["decisions"]] == ["review", "approve"]
    assert {o["inspector_id"] for o in approved["officers"]} == {world.key("officer"), world.key("partner")}

    entered = world.enter(draft.id, remarks="企业已现场整改")
    assert entered.status_code == 201, entered.get_json()
    parts = entered.get_json()["parts"]["departments"]
    assert [p["department"] for p in parts] == [OWN_DEPARTMENT, OTHER_DEPARTMENT]
    assert parts[0]["items"][0]["result_categories"] == [{"code": "no_problem", "name": "未发现问题"}]

    published = world.publish(draft.id, user="partner")
    assert published.status_code == 201, published.get_json()
    result = published.get_json()
    row = result["current"]
    assert result["status"] == "published" and row["version"] == 1 and row["corrected"] is False
    assert result["task_id"] == task_id
    assert row["completion_date"] == "2026-09-18" and row["check_type"] == "部门联合双随机抽查"
    assert row["result"] == "市市场监管局：未发现问题；市生态环境局：未发现问题"
    assert row["inspecting_authority"] == "市市场监管局、市生态环境局"
    assert row["remarks"] == "企业已现场整改" and row["plan_number"] is None  # a task outside any plan
    assert result["clock"]["state"] == "published_late"  # ended 18 Sep 2026, due 22 Oct 2026

    record = world.client.get(f"{RESULTS}/entities/{result['entity_id']}", headers=world.headers["officer"]).get_json()
    assert [r["id"] for r in record["results"]] == [row["id"]]
    status = world.client.get(f"/api/v1/field/records/{draft.id}", headers=world.headers["officer"]).get_json()
    assert status["status"] == "published"
    assert audit_actions(world, "check_record", draft.id) == ["field.record_submit", "review.review", "review.approve"]
    assert audit_actions(world, "check_result", str(result["id"])) == ["result.enter", "result.publish"]


def test_both_departments_of_a_joint_check_see_its_result_and_others_do_not(world: ResultsWorld) -> None:
    _, result = world.published()
    for user in ("head", "other-head", "partner"):
        resp = world.client.get(f"{RESULTS}/{result['id']}", headers=world.headers[user])
        assert resp.status_code == 200, (user, resp.get_json())
    listed = world.client.get(RESULTS, headers=world.headers["other-lead"]).get_json()["results"]
    assert [r["id"] for r in listed] == [result["id"]]
    outsider = world.client.get(f"{RESULTS}/{result['id']}", headers=world.headers["outsider-lead"])
    assert outsider.status_code == 403 and outsider.get_json()["code"] == "auth.out_of_scope"
    assert world.client.get(RESULTS, headers=world.headers["outsider-lead"]).get_json()["results"] == []


def test_nobody_reviews_a_record_they_are_an_officer_on(world: ResultsWorld, make_user, auth_headers) -> None:
    from tests.support.field import linked_inspector

    lead_id = make_user("checking-lead", "team_lead", department=OWN_DEPARTMENT)
    world.inspectors["checking-lead"] = linked_inspector(world.app, lead_id, OWN_DEPARTMENT)
    world.headers["checking-lead"] = auth_headers("checking-lead")
    from tests.support.draws import seed_entities
    from tests.support.results import joint_assignment

    entity = seed_entities(world.app, {"B": 1})[0]
    assignment_id, _ = joint_assignment(world.app, entity, [world.inspectors["officer"], world.inspectors["checking-lead"]],
                                        {OWN_DEPARTMENT: [world.own_item]})
    from tests.support.field import RecordDraft

    draft = RecordDraft(assignment_id, [world.own_item], [world.key("officer"), world.key("checking-lead")])
    assert world.client.post("/api/v1/field/records", json=draft.body(), headers=world.headers["officer"]).status_code == 201
    resp = world.decide(draft.id, "checking-lead", "approve")
    assert resp.status_code == 403 and resp.get_json()["code"] == "review.own_record"
    assert review_view(world, draft.id)["status"] == "submitted"
    assert world.client.get(f"{REVIEW}/queue", headers=world.headers["checking-lead"]).get_json()["records"] == []


@pytest.mark.parametrize(("user", "status", "code"), [
    ("outsider-lead", 403, "auth.out_of_scope"),  # a department outside the task
    ("admin", 403, "auth.forbidden"),  # a role that does not review
    ("officer", 403, "auth.forbidden"),
])
def test_a_decision_by_the_wrong_role_or_department_is_refused_and_changes_nothing(
        world: ResultsWorld, user: str, status: int, code: str) -> None:
    assignment_id, _ = world.assignment()
    draft = world.draft(assignment_id)
    world.submit(draft)
    resp = world.decide(draft.id, user, "approve")
    assert (resp.status_code, resp.get_json()["code"]) == (status, code)
    view = review_view(world, draft.id)
    assert view["status"] == "submitted" and view["decisions"] == []


def test_the_authority_the_rulebook_names_approves_after_the_team_lead(world: ResultsWorld) -> None:
    strict = item_with_approval(world.app, OWN_DEPARTMENT, {"authority": "department_head"})
    assignment_id, _ = world.assignment({OWN_DEPARTMENT: [strict], OTHER_DEPARTMENT: [world.other_item]})
    draft = world.draft(assignment_id, items=[strict, world.other_item])
    world.submit(draft)
    assert world.decide(draft.id, "lead", "approve").get_json()["status"] == "lead_approved"

    early = world.enter(draft.id)
    assert (early.status_code, early.get_json()["code"]) == (409, "result.not_approved")
    wrong = world.decide(draft.id, "other-head", "approve")  # a head, but not of the item's department
    assert (wrong.status_code, wrong.get_json()["code"]) == (403, "review.wrong_authority")
    assert wrong.get_json()["details"]["required"][0]["role"] == "department_head"
    again = world.decide(draft.id, "lead", "approve")
    assert (again.status_code, again.get_json()["code"]) == (403, "review.wrong_authority")

    view = world.decide(draft.id, "head", "approve").get_json()
    assert view["status"] == "approved"
    assert [(d["stage"], d["role"]) for d in view["decisions"]] == [("lead", "team_lead"), ("authority", "department_head")]
    assert view["required_approvals"] == [{**view["required_approvals"][0], "role": "department_head", "satisfied": True}]


def test_a_returned_record_needs_comments_and_is_reviewed_afresh_after_amendment(world: ResultsWorld) -> None:
    strict = item_with_approval(world.app, OWN_DEPARTMENT, {"authority": "department_head"})
    assignment_id, _ = world.assignment({OWN_DEPARTMENT: [strict]})
    draft = world.draft(assignment_id, items=[strict])
    world.submit(draft)
    bare = world.decide(draft.id, "lead", "return")
    assert (bare.status_code, bare.get_json()["code"]) == (422, "review.comment_required")
    world.decide(draft.id, "lead", "approve")
    returned = world.decide(draft.id, "head", "return", "照片不清晰，请补充")
    assert returned.get_json()["status"] == "returned"

    amended = world.client.post(f"/api/v1/field/records/{draft.id}/revisions",
                                json=world.body(draft, notes="补充照片说明"),
                                headers={**world.headers["officer"], "If-Match": '"r1"'})
    assert amended.status_code == 201, amended.get_json()
    view = review_view(world, draft.id)
    assert view["status"] == "submitted" and view["revision"] == 2
    assert view["required_approvals"][0]["satisfied"] is False  # approvals of revision 1 do not count
    assert world.decide(draft.id, "lead", "approve").get_json()["status"] == "lead_approved"
    assert world.decide(draft.id, "head", "approve").get_json()["status"] == "approved"


def test_the_lead_approver_cannot_also_give_the_authority_approval(world: ResultsWorld) -> None:
    strict = item_with_approval(world.app, OWN_DEPARTMENT, {"authority": "department_head"})
    assignment_id, _ = world.assignment({OWN_DEPARTMENT: [strict]})
    draft = world.draft(assignment_id, items=[strict])
    world.submit(draft)
    assert world.decide(draft.id, "head", "approve").get_json()["status"] == "lead_approved"
    resp = world.decide(draft.id, "head", "approve")
    assert (resp.status_code, resp.get_json()["code"]) == (403, "review.same_approver")


def test_nothing_is_published_before_approval_and_entry(world: ResultsWorld) -> None:
    assignment_id, _ = world.assignment()
    draft = world.draft(assignment_id)
    world.submit(draft)
    for call, code in ((world.enter, "result.not_approved"), (world.publish, "result.not_entered")):
        resp = call(draft.id)
        assert (resp.status_code, resp.get_json()["code"]) == (409, code)
    world.decide(draft.id, "lead", "approve")
    resp = world.publish(draft.id)
    assert (resp.status_code, resp.get_json()["code"]) == (409, "result.not_entered")
    outsider = world.enter(draft.id, user="lead")
    assert (outsider.status_code, outsider.get_json()["code"]) == (403, "result.not_an_officer")
    assert world.client.get(RESULTS, headers=world.headers["head"]).get_json()["results"] == []


def test_a_published_result_cannot_be_entered_published_amended_or_reviewed_again(world: ResultsWorld) -> None:
    draft, result = world.published()
    attempts = [
        (world.enter(draft.id), 409, "result.already_entered"),
        (world.publish(draft.id), 409, "result.already_published"),
        (world.decide(draft.id, "lead", "return", "改一下"), 409, "review.not_pending"),
        (world.client.post(f"/api/v1/field/records/{draft.id}/revisions", json=world.body(draft, notes="改"),
                           headers={**world.headers["officer"], "If-Match": '"r1"'}), 409, "record.not_amendable"),
    ]
    for resp, status, code in attempts:
        assert (resp.status_code, resp.get_json()["code"]) == (status, code)
    after = world.client.get(f"{RESULTS}/{result['id']}", headers=world.headers["head"]).get_json()
    assert after["versions"] == result["versions"]


def test_adopted_conclusions_are_attached_as_record_evidence_with_their_source(world: ResultsWorld) -> None:
    assignment_id, _ = world.assignment()
    draft = world.draft(assignment_id)
    world.submit(draft)
    world.decide(draft.id, "lead", "approve")
    conclusion = {"evidence_id": draft.signatures[0].id, "source_kind": "professional_appraisal",
                  "issuer": "泰安市产品质量检验所", "reference": "泰质检〔2026〕88号", "issued_on": "2026-09-10"}
    bad = world.enter(draft.id, adopted_conclusions=[{**conclusion, "evidence_id": "not-on-the-record"}])
    assert (bad.status_code, bad.get_json()["code"]) == (422, "result.invalid")
    resp = world.enter(draft.id, adopted_conclusions=[conclusion])
    assert resp.status_code == 201 and resp.get_json()["adopted"] == [conclusion]


def test_a_bulletin_row_holds_only_the_columns_the_rulebook_publishes(world: ResultsWorld) -> None:
    narrow = item_with_approval(world.app, OWN_DEPARTMENT)  # entity name, credit code, result, completion date
    assignment_id, _ = world.assignment({OWN_DEPARTMENT: [narrow]})
    draft = world.draft(assignment_id, items=[narrow])
    world.submit(draft)
    world.decide(draft.id, "lead", "approve")
    world.enter(draft.id, remarks="内部备注")
    row = world.publish(draft.id).get_json()["current"]
    assert row["published_fields"] == ["entity_name", "credit_code", "completion_date", "result"]
    assert [k for k in ("task_number", "task_name", "check_type", "inspecting_authority", "remarks") if row[k]] == []
    assert row["entity_name"] and row["credit_code"] and row["result"] == "未发现问题"


def test_evidence_of_a_joint_check_is_shared_with_every_department_that_took_part(world: ResultsWorld) -> None:
    import uuid

    from tests.support.uploads import Tus

    assignment_id, _ = world.assignment()
    draft = world.draft(assignment_id)
    world.submit(draft)
    signature = draft.signatures[0]
    _, resp = Tus(world.client, world.headers["officer"]).upload(
        signature.data, filetype=signature.media_type, evidence_id=uuid.UUID(signature.id), record_id=uuid.UUID(draft.id))
    assert resp.status_code == 204
    path = f"/api/v1/evidence/{signature.sha256}"
    for user in ("head", "other-head", "other-lead"):
        assert world.client.get(path, headers=world.headers[user]).status_code == 200, user
    outsider = world.client.get(path, headers=world.headers["outsider-lead"])
    assert (outsider.status_code, outsider.get_json()["code"]) == (403, "auth.out_of_scope")


def test_a_later_packet_for_the_same_entity_carries_its_published_results(world: ResultsWorld) -> None:
    _, result = world.published()
    assignment_id, _ = world.assignment(entity_id=result["entity_id"])
    view = world.client.get(f"/api/v1/field/assignments/{assignment_id}", headers=world.headers["officer"]).get_json()
    row = result["current"]
    assert view["target"]["prior_results"] == [
        {"date": row["completion_date"], "authority": row["inspecting_authority"], "type": row["check_type"],
         "result": row["result"]}]


@pytest.mark.parametrize("ended", ["9999-12-31T23:00:00-10:00", "1999-12-31T10:00:00+08:00"])
def test_a_record_ending_outside_the_calendars_years_is_refused(world: ResultsWorld, ended: str) -> None:
    assignment_id, _ = world.assignment()
    draft = world.draft(assignment_id)
    body = draft.body(started_at="1999-12-31T09:00:00+08:00", ended_at=ended)
    resp = world.client.post("/api/v1/field/records", json=body, headers=world.headers["officer"])
    assert (resp.status_code, resp.get_json()["code"]) == (422, "record.invalid")
    assert "ended_at" in resp.get_json()["errors"]["json"]
