"""Published means fixed (R5.3): the database refuses changes, and a correction is a new
version signed by the head of the responsible department, with both versions visible."""
from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from tests.support.results import RESULTS, ResultsWorld, results_world

CORRECTION = {"reason": "复核发现检查结论录入错误", "result_categories": {}}


@pytest.fixture
def world(app, client, make_user, auth_headers) -> ResultsWorld:  # type: ignore[no-untyped-def]
    return results_world(app, client, make_user, auth_headers)


def propose(world: ResultsWorld, result_id: int, user: str = "admin", **body: Any) -> Any:
    return world.client.post(f"{RESULTS}/{result_id}/corrections", json=body, headers=world.headers[user])


def sign(world: ResultsWorld, correction_id: int, user: str = "head", decision: str = "sign", **body: Any) -> Any:
    return world.client.post(f"{RESULTS}/corrections/{correction_id}/decision", json={"decision": decision, **body},
                             headers=world.headers[user])


def result_of(world: ResultsWorld, result_id: int) -> dict[str, Any]:
    return world.client.get(f"{RESULTS}/{result_id}", headers=world.headers["head"]).get_json()


def test_a_signed_correction_publishes_a_new_version_and_leaves_both_visible(world: ResultsWorld) -> None:
    _, result = world.published()
    first = result["current"]
    proposal = propose(world, result["id"], reason="复核发现该企业未按规定公示年报",
                       result_categories={world.own_item: ["info_not_published"]})
    assert proposal.status_code == 201, proposal.get_json()
    correction = proposal.get_json()
    assert correction["status"] == "pending" and result_of(world, result["id"])["published_version"] == 1

    signed = sign(world, correction["id"], digest=correction["digest"], comment="同意更正")
    assert signed.status_code == 200, signed.get_json()
    assert signed.get_json()["status"] == "signed"

    after = result_of(world, result["id"])
    assert after["published_version"] == 2 and [v["version"] for v in after["versions"]] == [1, 2]
    old, new = after["versions"]
    assert old == first  # the first version is untouched
    assert new["corrected"] is True and new["supersedes_id"] == first["id"]
    assert new["correction_id"] == correction["id"] and new["correction_reason"] == "复核发现该企业未按规定公示年报"
    assert new["result"].startswith("市市场监管局：未按规定公示应当公示的信息；") and new["result"].endswith("：未发现问题")
    record = world.client.get(f"{RESULTS}/entities/{result['entity_id']}", headers=world.headers["officer"]).get_json()
    assert [r["id"] for r in record["results"]] == [new["id"]]  # the credit record shows the corrected version
    feed = world.client.get(f"{RESULTS}/feed", headers=world.headers["auditor"]).get_json()
    assert [(i["id"], i["supersedes_id"]) for i in feed["items"]] == [(first["id"], None), (new["id"], first["id"])]


def test_a_correction_waits_for_the_heads_signature_and_nobody_else_can_give_it(world: ResultsWorld) -> None:
    _, result = world.published()
    correction = propose(world, result["id"], user="lead", reason="结论有误需更正", remarks="更正说明").get_json()
    for user, status, code in (("lead", 403, "auth.forbidden"), ("admin", 403, "auth.forbidden"),
                               ("other-head", 403, "auth.out_of_scope"), ("officer", 403, "auth.forbidden")):
        resp = sign(world, correction["id"], user=user)
        assert (resp.status_code, resp.get_json()["code"]) == (status, code), user
    after = result_of(world, result["id"])
    assert after["published_version"] == 1 and after["corrections"][0]["status"] == "pending"


def test_signing_a_correction_other_than_the_one_read_or_twice_is_refused(world: ResultsWorld) -> None:
    _, result = world.published()
    correction = propose(world, result["id"], reason="结论有误需更正", remarks="更正说明").get_json()
    wrong = sign(world, correction["id"], digest="0" * 64)
    assert (wrong.status_code, wrong.get_json()["code"]) == (409, "correction.digest_mismatch")
    assert sign(world, correction["id"]).status_code == 200
    again = sign(world, correction["id"])
    assert (again.status_code, again.get_json()["code"]) == (409, "correction.decided")


def test_a_correction_proposed_before_another_was_signed_is_stale(world: ResultsWorld) -> None:
    _, result = world.published()
    one = propose(world, result["id"], reason="第一次更正的理由", remarks="一").get_json()
    two = propose(world, result["id"], reason="第二次更正的理由", remarks="二").get_json()
    assert sign(world, one["id"]).status_code == 200
    stale = sign(world, two["id"])
    assert (stale.status_code, stale.get_json()["code"]) == (409, "correction.stale")
    assert result_of(world, result["id"])["published_version"] == 2


def test_a_rejected_correction_publishes_nothing(world: ResultsWorld) -> None:
    _, result = world.published()
    correction = propose(world, result["id"], reason="结论有误需更正", remarks="更正说明").get_json()
    assert sign(world, correction["id"], decision="reject", comment="理由不成立").get_json()["status"] == "rejected"
    assert result_of(world, result["id"])["published_version"] == 1


@pytest.mark.parametrize(("user", "body", "status", "code"), [
    ("admin", {"reason": "理由充分的更正", "result_categories": {"NO-SUCH": ["no_problem"]}}, 422, "correction.invalid"),
    ("admin", {"reason": "理由充分的更正", "result_categories": {"OWN": ["no_problem", "info_not_published"]}},
     422, "correction.invalid"),
    ("admin", {"reason": "理由充分的更正", "result_categories": {"OWN": ["made_up"]}}, 422, "correction.invalid"),
    ("admin", {"reason": "理由充分的更正", "result_categories": {"OTHER": ["no_problem"]}}, 422, "correction.invalid"),
    ("admin", {"reason": "理由充分的更正"}, 422, "correction.invalid"),
    ("admin", {"result_categories": {"OWN": ["no_problem"]}}, 422, "validation.failed"),
    ("outsider-lead", {"reason": "理由充分的更正", "remarks": "x"}, 403, "auth.out_of_scope"),
    ("officer", {"reason": "理由充分的更正", "remarks": "x"}, 403, "auth.forbidden"),
])
def test_a_bad_correction_is_refused_and_nothing_is_stored(world: ResultsWorld, user: str, body: dict[str, Any],
                                                          status: int, code: str) -> None:
    _, result = world.published()
    names = {"OWN": world.own_item, "OTHER": world.other_item}
    if "result_categories" in body:
        body = {**body, "result_categories": {names.get(k, k): v for k, v in body["result_categories"].items()}}
    resp = propose(world, result["id"], user=user, **body)
    assert (resp.status_code, resp.get_json()["code"]) == (status, code), resp.get_json()
    assert result_of(world, result["id"])["corrections"] == []


def test_an_unpublished_result_is_not_corrected_but_amended(world: ResultsWorld) -> None:
    assignment_id, _ = world.assignment()
    draft = world.draft(assignment_id)
    world.submit(draft)
    world.decide(draft.id, "lead", "approve")
    result = world.enter(draft.id).get_json()
    resp = propose(world, result["id"], reason="尚未公示的结果", remarks="x")
    assert (resp.status_code, resp.get_json()["code"]) == (409, "correction.not_published")


@pytest.mark.parametrize("statement", [
    "UPDATE published_result SET result = '未发现问题（已改）' WHERE id = :id",
    "UPDATE published_result SET entity_name = 'x', version = 9 WHERE id = :id",
    "DELETE FROM published_result WHERE id = :id",
])
def test_the_database_refuses_to_change_or_delete_a_published_result(world: ResultsWorld, statement: str) -> None:
    from backend.db import db

    _, result = world.published()
    with world.app.app_context():
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(sa.text(statement), {"id": result["current"]["id"]})
        db.session.rollback()
    assert result_of(world, result["id"])["current"] == result["current"]


def test_the_database_refuses_to_rewrite_a_review_decision(world: ResultsWorld) -> None:
    from backend.db import db

    world.published()
    with world.app.app_context():
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(sa.text("UPDATE review_decision SET action = 'return'"))
        db.session.rollback()


def test_follow_up_progress_is_recorded_without_touching_the_published_versions(world: ResultsWorld) -> None:
    _, result = world.published()
    path = f"{RESULTS}/{result['id']}/followup"
    actions = [{"code": "order_to_correct", "done": True, "date": "2026-10-09", "note": "已整改"}]
    resp = world.client.put(path, json={"actions": actions}, headers=world.headers["lead"])
    assert resp.status_code == 200, resp.get_json()
    after = resp.get_json()
    assert after["parts"]["followup"] == [{**actions[0], "name": "责令改正"}]
    assert after["versions"] == result["versions"]
    for body, user, status, code in (
            ({"actions": [{"code": "no_such", "done": False}]}, "lead", 422, "result.invalid"),
            ({"actions": [{"code": "none", "done": True}]}, "lead", 422, "result.invalid"),
            ({"actions": actions}, "outsider-lead", 403, "auth.out_of_scope"),
            ({"actions": actions}, "officer", 403, "auth.forbidden")):
        bad = world.client.put(path, json=body, headers=world.headers[user])
        assert (bad.status_code, bad.get_json()["code"]) == (status, code), body
    assert result_of(world, result["id"])["parts"]["followup"] == after["parts"]["followup"]


def test_remarks_are_corrected_only_where_the_rulebook_publishes_them(world: ResultsWorld) -> None:
    from tests.support.apps import OWN_DEPARTMENT
    from tests.support.results import item_with_approval

    narrow = item_with_approval(world.app, OWN_DEPARTMENT)  # publishes no remarks
    assignment_id, _ = world.assignment({OWN_DEPARTMENT: [narrow]})
    draft = world.draft(assignment_id, items=[narrow])
    world.submit(draft)
    world.decide(draft.id, "lead", "approve")
    world.enter(draft.id)
    result = world.publish(draft.id).get_json()
    resp = propose(world, result["id"], reason="补充备注说明", remarks="内部说明")
    assert (resp.status_code, resp.get_json()["code"]) == (422, "correction.invalid")
    assert "remarks" in resp.get_json()["errors"]["json"]
