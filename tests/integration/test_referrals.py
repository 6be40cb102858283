"""Referral cases: the workflow from a check record to the receiving organ's receipt, and each refusal."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask import Flask

from backend.audit.model import AuditEntry
from backend.db import db
from backend.referrals.model import ReferralStep
from tests.support.referrals import ReferralWorld, referral_world


@pytest.fixture
def world(app, client, make_user, auth_headers) -> ReferralWorld:  # type: ignore[no-untyped-def]
    return referral_world(app, client, make_user, auth_headers)


def audit_actions(app: Flask, case_number: str) -> list[tuple[str, str | None]]:
    with app.app_context():
        return [(e.action, e.actor) for e in db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.object_type == "referral_case", AuditEntry.object_id == case_number)
            .order_by(AuditEntry.leaf_index))]


def test_a_case_goes_from_the_record_to_the_receipt_with_every_step_dated_and_audited(world: ReferralWorld) -> None:
    opened = world.open()
    assert opened.status_code == 201, opened.get_json()
    case = opened.get_json()
    assert case["state"] == "verifying" and case["case_number"].startswith("泰市监移〔")
    assert case["party"] and case["due_at"] is None
    case_id = case["id"]
    verified = world.verify(case_id).get_json()
    assert verified["state"] == "awaiting_decision" and verified["due_step"] == "decided"
    assert verified["due_at"] > verified["steps"][-1]["at"]
    approved = world.decide(case_id).get_json()
    assert approved["state"] == "approved" and approved["due_step"] == "transferred"
    decided_at = datetime.fromisoformat(approved["steps"][-1]["at"])
    assert datetime.fromisoformat(approved["due_at"]) == decided_at + timedelta(hours=24)
    assert approved["steps"][-1]["on_time"] is True
    transferred = world.transfer(case_id).get_json()
    assert transferred["state"] == "transferred" and transferred["steps"][-1]["on_time"] is True
    done = world.acknowledge(case_id)
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["state"] == "acknowledged" and body["acknowledgement"]["received_by"].startswith("公安局")
    assert [s["step"] for s in body["steps"]] == ["opened", "verified", "decided", "transferred", "acknowledged"]
    users = world.users
    assert [s["actor"] for s in body["steps"]] == [users["officer1"], users["officer1"], users["head"],
                                                   users["officer1"], users["officer2"]]
    assert audit_actions(world.app, case["case_number"]) == [
        ("referral.opened", str(users["officer1"])), ("referral.verified", str(users["officer1"])),
        ("referral.decided", str(users["head"])), ("referral.transferred", str(users["officer1"])),
        ("referral.acknowledged", str(users["officer2"]))]


def test_case_numbers_count_up_per_department_and_year(app, client, make_user, auth_headers) -> None:  # type: ignore[no-untyped-def]
    world = referral_world(app, client, make_user, auth_headers)
    first = world.open().get_json()["case_number"]
    year = datetime.now(timezone(timedelta(hours=8))).year
    assert first == f"泰市监移〔{year}〕1号"


@pytest.mark.parametrize("followup", [[], [{"code": "order_to_correct", "done": True, "date": "2026-11-20", "note": ""}]],
                         ids=["no follow-up", "order to correct"])
def test_a_record_whose_follow_up_is_not_a_transfer_opens_no_case(app, client, make_user, auth_headers, followup) -> None:  # type: ignore[no-untyped-def]
    world = referral_world(app, client, make_user, auth_headers, followup=followup, photos=0)
    resp = world.open()
    assert resp.status_code == 409 and resp.get_json()["code"] == "referral.not_a_transfer"


def test_a_record_opens_one_case_only(world: ReferralWorld) -> None:
    world.opened()
    again = world.open(who="officer2")
    assert again.status_code == 409 and again.get_json()["code"] == "referral.already_open"


def test_an_unknown_record_is_a_404(world: ReferralWorld) -> None:
    resp = world.call("officer1", "POST", "", {"record_id": "00000000-0000-4000-8000-000000000000",
                                               "receiving_authority": "泰安市公安局", "reason": "x"})
    assert resp.status_code == 404 and resp.get_json()["code"] == "record.not_found"


@pytest.mark.parametrize(("who", "status", "code"), [
    ("third", 403, "referral.not_on_record"),  # an inspector of the department not on the check
    ("outsider", 403, "auth.out_of_scope"),  # another department, not taking part in the task
    ("head", 403, "auth.forbidden"),  # heads decide; they do not open cases
    ("auditor", 403, "auth.forbidden"),
])
def test_opening_is_refused_to_those_not_on_the_check(world: ReferralWorld, who: str, status: int, code: str) -> None:
    resp = world.open(who=who)
    assert (resp.status_code, resp.get_json()["code"]) == (status, code)


@pytest.mark.parametrize(("handlers", "who", "status", "code"), [
    (("officer1",), "officer1", 422, "referral.too_few_handlers"),
    (("officer1", "officer1"), "officer1", 422, "referral.too_few_handlers"),
    (("officer1", "clerk"), "officer1", 422, "referral.handler_invalid"),  # no inspector in the directory
    (("officer1", "outsider"), "officer1", 422, "referral.handler_invalid"),  # another department
    (("officer1", "head"), "officer1", 422, "referral.handler_invalid"),  # not an officer
    (("officer2", "third"), "officer1", 403, "referral.not_a_handler"),  # the caller must be one of them
])
def test_verification_needs_two_officers_of_the_department_the_caller_among_them(
        world: ReferralWorld, handlers: tuple[str, ...], who: str, status: int, code: str) -> None:
    case_id = world.opened()
    resp = world.verify(case_id, who=who, handlers=handlers)
    assert (resp.status_code, resp.get_json()["code"]) == (status, code), resp.get_json()
    assert world.call("officer1", "GET", f"/{case_id}").get_json()["state"] == "verifying"


def test_a_report_missing_its_facts_is_a_422(world: ReferralWorld) -> None:
    case_id = world.opened()
    resp = world.verify(case_id, facts="")
    assert resp.status_code == 422 and "facts" in str(resp.get_json()["errors"])


@pytest.mark.parametrize(("who", "code"), [("officer1", "auth.forbidden"), ("officer2", "auth.forbidden"),
                                           ("other_head", "auth.out_of_scope")])
def test_only_the_head_of_the_cases_department_decides(world: ReferralWorld, who: str, code: str) -> None:
    case_id = world.opened()
    world.verify(case_id)
    resp = world.decide(case_id, who=who)
    assert resp.status_code == 403 and resp.get_json()["code"] == code


def test_a_refusal_to_transfer_needs_reasons_and_ends_the_case(world: ReferralWorld) -> None:
    case_id = world.opened()
    world.verify(case_id)
    without = world.decide(case_id, decision="reject", reason="  ")
    assert without.status_code == 422 and without.get_json()["code"] == "referral.reason_required"
    refused = world.decide(case_id, decision="reject", reason="证据不足，退回补充调查")
    assert refused.status_code == 200 and refused.get_json()["state"] == "not_approved"
    assert refused.get_json()["due_at"] is None
    late = world.transfer(case_id)
    assert late.status_code == 409 and late.get_json()["code"] == "referral.out_of_order"


@pytest.mark.parametrize("step", ["decide", "transfer", "acknowledge"])
def test_steps_out_of_order_are_conflicts(world: ReferralWorld, step: str) -> None:
    case_id = world.opened()
    world.call("officer1", "GET", f"/{case_id}")
    if step != "decide":
        world.verify(case_id)  # handlers are known from here on
    resp = getattr(world, step)(case_id)
    assert resp.status_code == 409 and resp.get_json()["code"] == "referral.out_of_order", resp.get_json()


def test_a_step_taken_twice_is_a_conflict(world: ReferralWorld) -> None:
    case_id = world.approved()
    assert world.decide(case_id).get_json()["code"] == "referral.out_of_order"
    assert world.verify(case_id).status_code == 409


def test_only_the_handlers_transfer_and_record_the_receipt(world: ReferralWorld) -> None:
    case_id = world.approved()
    resp = world.transfer(case_id, who="third")
    assert resp.status_code == 403 and resp.get_json()["code"] == "referral.not_a_handler"
    world.transfer(case_id)
    resp = world.acknowledge(case_id, who="third")
    assert resp.status_code == 403 and resp.get_json()["code"] == "referral.not_a_handler"


def test_a_receipt_dated_before_the_transfer_or_in_the_future_is_refused(world: ReferralWorld) -> None:
    case_id = world.approved()
    world.transfer(case_id)
    for at in (datetime.now(timezone.utc) - timedelta(days=2), datetime.now(timezone.utc) + timedelta(days=1)):
        resp = world.acknowledge(case_id, received_at=at)
        assert resp.status_code == 422 and resp.get_json()["code"] == "referral.receipt_time_invalid"


def test_a_head_who_verified_cannot_decide(app, world: ReferralWorld) -> None:  # type: ignore[no-untyped-def]
    from backend.errors import Forbidden
    from backend.policy import Principal
    from backend.referrals import services

    case_id = world.opened()
    world.verify(case_id)
    with app.test_request_context():
        head_and_handler = Principal(world.users["officer1"], "officer1", 0, None, frozenset({"department_head"}))
        with pytest.raises(Forbidden) as refused:
            services.decide(head_and_handler, case_id, {"decision": "approve", "reason": ""})
    assert refused.value.code == "referral.decider_is_handler"


def test_late_steps_are_listed_as_overdue_and_recorded_as_late(app, world: ReferralWorld) -> None:  # type: ignore[no-untyped-def]
    from backend.policy import Principal
    from backend.referrals import services

    case_id = world.opened()
    with app.test_request_context():
        officer = Principal(world.users["officer1"], "officer1", 0, None, frozenset({"inspector"}))
        long_ago = datetime.now(timezone.utc) - timedelta(days=30)
        services.verify(officer, case_id, {"handlers": [world.users["officer1"], world.users["officer2"]],
                                           "report": {"investigation": "x"}}, now=long_ago)
    overdue = world.call("head", "GET", "?overdue=true").get_json()
    assert [c["id"] for c in overdue] == [case_id] and overdue[0]["overdue"] is True
    assert world.call("head", "GET", "?overdue=false").get_json() == []
    assert world.call("other_head", "GET", "").get_json() == []  # another department's list
    decided = world.decide(case_id).get_json()
    assert decided["steps"][-1]["step"] == "decided" and decided["steps"][-1]["on_time"] is False
    assert decided["overdue"] is False
    with app.app_context():
        step = db.session.scalars(sa.select(ReferralStep).where(ReferralStep.step == "decided")).one()
        assert step.due_at is not None and step.on_time is False


def test_the_steps_are_append_only_in_the_database(app, world: ReferralWorld) -> None:  # type: ignore[no-untyped-def]
    world.opened()
    with app.app_context():
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(sa.text("UPDATE referral_step SET step = 'decided'"))
        db.session.rollback()
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(sa.text("DELETE FROM referral_step"))
        db.session.rollback()
