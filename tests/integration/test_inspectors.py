"""The inspector directory over the API: records, status periods, availability, conflicts, scope."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from backend.db import db
from tests.support.directory import create_entity, create_inspector, headers_for, inspector_body  # noqa: F401

URL = "/api/v1/inspectors"


def ids(client, headers, **query):
    resp = client.get(URL, query_string=query, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return [i["id"] for i in resp.get_json()]


def test_an_administrator_adds_an_inspector_with_an_initial_active_period(client, headers_for, create_inspector):
    inspector = create_inspector(1)
    assert inspector["department"] == "market_regulation"
    assert inspector["jurisdiction"] == "370900"  # the department's, when none is given
    assert inspector["specialties"] == ["food"]
    assert [(p["status"], p["starts_on"], p["ends_on"]) for p in inspector["status_periods"]] == [
        ("active", "2024-01-01", None)]
    assert inspector["version"] == 1


def test_a_duplicate_certificate_number_is_a_conflict(client, headers_for, create_inspector):
    first = create_inspector(1)
    resp = client.post(URL, json=inspector_body(2, certificate_number=first["certificate_number"]),
                       headers=headers_for("system_admin"))
    assert resp.status_code == 409
    assert resp.get_json()["code"] == "inspector.duplicate_certificate"
    assert resp.get_json()["details"]["inspector_id"] == first["id"]


@pytest.mark.parametrize(("overrides", "code"), [
    ({"specialties": ["astrology"]}, "inspector.unknown_specialty"),
    ({"certificate_valid_until": "2023-12-31"}, "inspector.certificate_dates"),
    ({"jurisdiction": "110101"}, "inspector.unknown_jurisdiction"),
    ({"department": "no_such_department"}, "inspector.unknown_department"),
])
def test_values_outside_the_standard_are_refused(client, headers_for, overrides, code):
    resp = client.post(URL, json=inspector_body(1, **overrides), headers=headers_for("system_admin"))
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["code"] == code


def test_a_leave_period_makes_the_inspector_unavailable_on_those_days_only(client, headers_for, create_inspector):
    inspector = create_inspector(1)
    admin = headers_for("system_admin")
    resp = client.post(f"{URL}/{inspector['id']}/status-periods", headers=admin,
                       json={"status": "on_leave", "starts_on": "2026-03-01", "ends_on": "2026-03-14", "note": "年假"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["version"] == 2
    assert ids(client, admin, available_on="2026-02-28") == [inspector["id"]]
    assert ids(client, admin, available_on="2026-03-01") == []
    assert ids(client, admin, available_on="2026-03-14") == []
    assert ids(client, admin, available_on="2026-03-15") == [inspector["id"]]
    assert ids(client, admin, status="on_leave", on="2026-03-10") == [inspector["id"]]


def test_retirement_ends_availability_for_good(client, headers_for, create_inspector):
    inspector = create_inspector(1)
    admin = headers_for("system_admin")
    client.post(f"{URL}/{inspector['id']}/status-periods", headers=admin,
                json={"status": "retired", "starts_on": "2026-07-01"})
    assert ids(client, admin, available_on="2026-06-30") == [inspector["id"]]
    assert ids(client, admin, available_on="2027-07-01") == []


def test_an_inspector_without_a_valid_certificate_is_not_available(client, headers_for, create_inspector):
    inspector = create_inspector(1, certificate_valid_until="2026-06-30")
    admin = headers_for("system_admin")
    assert ids(client, admin, available_on="2026-06-30") == [inspector["id"]]
    assert ids(client, admin, available_on="2026-07-01") == []
    assert ids(client, admin, available_on="2023-12-31") == []  # before the certificate and the first period


def test_a_period_may_not_end_before_it_starts(client, headers_for, create_inspector):
    inspector = create_inspector(1)
    resp = client.post(f"{URL}/{inspector['id']}/status-periods", headers=headers_for("system_admin"),
                       json={"status": "seconded", "starts_on": "2026-03-01", "ends_on": "2026-02-01"})
    assert resp.status_code == 422 and resp.get_json()["code"] == "inspector.period_dates"


def test_the_list_filters_by_department_specialty_and_text(client, headers_for, create_inspector):
    food = create_inspector(1, specialties=["food", "special_equipment"])
    env = create_inspector(2, department="ecology", specialties=["environment"], name="刘某涛")
    admin = headers_for("system_admin")
    assert ids(client, admin, department="ecology") == [env["id"]]
    assert ids(client, admin, specialty="special_equipment") == [food["id"]]
    assert ids(client, admin, q="刘某") == [env["id"]]
    assert ids(client, admin, q=food["certificate_number"]) == [food["id"]]


def test_department_scoped_readers_see_their_own_departments_inspectors(client, headers_for, create_inspector):
    ours = create_inspector(1)
    theirs = create_inspector(2, department="ecology")
    lead = headers_for("team_lead")
    assert ids(client, lead) == [ours["id"]]
    assert ids(client, lead, department="ecology") == []
    assert client.get(f"{URL}/{theirs['id']}", headers=lead).status_code == 403
    assert ids(client, headers_for("auditor")) == [ours["id"], theirs["id"]]


def test_inspectors_do_not_read_the_inspector_directory(client, headers_for, create_inspector):
    create_inspector(1)
    resp = client.get(URL, headers=headers_for("inspector"))
    assert resp.status_code == 403 and resp.get_json()["code"] == "auth.forbidden"


def test_a_department_admin_manages_only_their_own_departments_inspectors(client, headers_for, create_inspector):
    theirs = create_inspector(2, department="ecology")
    admin = headers_for("department_admin")
    created = client.post(URL, json=inspector_body(3, department="ecology"), headers=admin)
    period = client.post(f"{URL}/{theirs['id']}/status-periods", headers=admin,
                         json={"status": "on_leave", "starts_on": "2026-03-01"})
    assert created.status_code == 403 and created.get_json()["code"] == "auth.out_of_scope"
    assert period.status_code == 403 and period.get_json()["code"] == "auth.out_of_scope"


def test_a_change_needs_the_current_etag(client, headers_for, create_inspector):
    inspector = create_inspector(1)
    admin = headers_for("system_admin")
    missing = client.patch(f"{URL}/{inspector['id']}", json={"name": "张某华"}, headers=admin)
    ok = client.patch(f"{URL}/{inspector['id']}", json={"name": "张某华", "specialties": ["safety", "food"]},
                      headers={**admin, "If-Match": inspector["etag"]})
    stale = client.patch(f"{URL}/{inspector['id']}", json={"name": "张某伟"},
                         headers={**admin, "If-Match": inspector["etag"]})
    assert missing.status_code == 428
    assert ok.status_code == 200 and ok.get_json()["specialties"] == ["food", "safety"]
    assert stale.status_code == 412


def test_a_status_period_also_makes_an_earlier_etag_stale(client, headers_for, create_inspector):
    inspector = create_inspector(1)
    admin = headers_for("system_admin")
    client.post(f"{URL}/{inspector['id']}/status-periods", headers=admin,
                json={"status": "seconded", "starts_on": "2026-05-01"})
    resp = client.patch(f"{URL}/{inspector['id']}", json={"name": "张某华"},
                        headers={**admin, "If-Match": inspector["etag"]})
    assert resp.status_code == 412


def test_a_declared_conflict_is_kept_on_the_record_and_in_history(client, headers_for, create_entity, create_inspector):
    entity = create_entity()
    inspector = create_inspector(1)
    admin = headers_for("department_admin")
    resp = client.post(f"{URL}/{inspector['id']}/conflicts", headers=admin,
                       json={"entity_id": entity["id"], "reason": "配偶在该企业任职"})
    free_text = client.post(f"{URL}/{inspector['id']}/conflicts", headers=admin,
                            json={"relationship": "兄长经营的个体户（尚未登记）", "reason": "近亲属"})
    assert resp.status_code == 201 and free_text.status_code == 201
    conflicts = free_text.get_json()["conflicts"]
    assert [(c["entity_id"], c["relationship"]) for c in conflicts] == [
        (entity["id"], None), (None, "兄长经营的个体户（尚未登记）")]
    history = client.get(f"{URL}/{inspector['id']}/history", headers=admin).get_json()
    assert [h["action"] for h in history] == ["create", "conflict_declared", "conflict_declared"]
    assert history[1]["before"]["conflicts"] == [] and len(history[1]["after"]["conflicts"]) == 1


@pytest.mark.parametrize(("body", "code"), [
    ({"reason": "说不清"}, "inspector.conflict_subject_required"),
    ({"entity_id": 999999, "reason": "没有这个企业"}, "inspector.unknown_entity"),
])
def test_a_conflict_names_an_existing_entity_or_a_relationship(client, headers_for, create_inspector, body, code):
    inspector = create_inspector(1)
    resp = client.post(f"{URL}/{inspector['id']}/conflicts", json=body, headers=headers_for("system_admin"))
    assert resp.status_code == 422 and resp.get_json()["code"] == code


def test_an_account_links_to_one_inspector_of_its_own_department(client, headers_for, make_user, create_inspector):
    own = make_user("field-officer", "inspector")
    other = make_user("eco-officer", "inspector", department="ecology")
    linked = create_inspector(1, user_id=own)
    admin = headers_for("system_admin")
    twice = client.post(URL, json=inspector_body(2, user_id=own), headers=admin)
    mismatch = client.post(URL, json=inspector_body(3, user_id=other), headers=admin)
    assert linked["user_id"] == own
    assert twice.status_code == 409 and twice.get_json()["code"] == "inspector.user_already_linked"
    assert mismatch.status_code == 422 and mismatch.get_json()["code"] == "inspector.user_department_mismatch"


def test_every_change_is_in_history_and_the_audit_log(client, headers_for, create_inspector):
    inspector = create_inspector(1)
    admin = headers_for("system_admin")
    client.patch(f"{URL}/{inspector['id']}", json={"staff_category": "certified_staff"},
                 headers={**admin, "If-Match": inspector["etag"]})
    history = client.get(f"{URL}/{inspector['id']}/history", headers=admin).get_json()
    entries = client.get("/api/v1/audit/entries", query_string={"object_type": "inspector",
                                                               "object_id": inspector["id"]}, headers=admin).get_json()
    assert [(h["version"], h["action"]) for h in history] == [(1, "create"), (2, "update")]
    assert history[1]["before"]["staff_category"] == "enforcement_civil_servant"
    assert history[1]["after"]["staff_category"] == "certified_staff"
    assert sorted(e["action"] for e in entries) == ["inspector.create", "inspector.update"]


@pytest.mark.parametrize("statement", ["UPDATE inspector_change SET actor = 'someone'",
                                       "DELETE FROM inspector_change"])
def test_the_database_refuses_to_change_inspector_history(app, create_inspector, statement):
    create_inspector(1)
    with app.app_context():
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(sa.text(statement))
