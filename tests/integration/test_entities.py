"""The target directory over the API: the data standard, versions, history, risk visibility."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from backend.db import db
from tests.support.directory import create_entity, credit_code, entity_body, headers_for, registration_number  # noqa: F401

URL = "/api/v1/entities"


def test_an_administrator_adds_an_entity_and_reads_it_back_with_an_etag(client, headers_for, create_entity):
    created = create_entity(1)
    resp = client.get(f"{URL}/{created['id']}", headers=headers_for("system_admin"))
    body = resp.get_json()
    assert resp.status_code == 200
    assert resp.headers["ETag"] == created["etag"]
    assert body["credit_code"] == credit_code(1)
    assert body["industry_name"] == "正餐服务"
    assert body["risk_class"] == "B" and body["risk_scheme"] == "shandong"
    assert body["supervising_departments"] == ["market_regulation"]
    assert body["version"] == 1


def test_an_invalid_credit_code_is_refused_with_the_identifier_problem_codes(client, headers_for):
    code = credit_code(1)
    wrong_check = code[:17] + ("0" if code[17] != "0" else "1")
    resp = client.post(URL, json=entity_body(credit_code=wrong_check), headers=headers_for("system_admin"))
    body = resp.get_json()
    assert resp.status_code == 422
    assert body["code"] == "entity.invalid_credit_code"
    assert [p["code"] for p in body["errors"]["credit_code"]] == ["credit_code.check_digit"]
    assert body["errors"]["credit_code"][0]["position"] == 18


def test_a_credit_code_in_lower_case_is_reported_not_silently_fixed(client, headers_for):
    resp = client.post(URL, json=entity_body(credit_code="91350100m000100y43"), headers=headers_for("system_admin"))
    assert resp.status_code == 422
    assert "credit_code.lowercase" in [p["code"] for p in resp.get_json()["errors"]["credit_code"]]


def test_an_invalid_registration_number_is_refused(client, headers_for):
    number = registration_number(1)
    wrong = number[:14] + str((int(number[14]) + 1) % 10)
    resp = client.post(URL, json=entity_body(credit_code=None, registration_number=wrong),
                       headers=headers_for("system_admin"))
    assert resp.status_code == 422
    assert resp.get_json()["errors"]["registration_number"][0]["code"] == "registration_number.check_digit"


@pytest.mark.parametrize(("field", "value", "code"), [
    ("division_code", "110101", "entity.unknown_division"),
    ("industry_code", "Z9999", "entity.unknown_industry"),
    ("risk_class", "F", "entity.unknown_risk_class"),
    ("supervising_departments", ["no_such_department"], "entity.unknown_department"),
])
def test_a_reference_value_outside_the_tables_is_refused(client, headers_for, field, value, code):
    resp = client.post(URL, json=entity_body(**{field: value}), headers=headers_for("system_admin"))
    body = resp.get_json()
    assert resp.status_code == 422, body
    assert body["code"] == code
    assert body["errors"][field][0]["code"] == code


def test_several_problems_are_reported_together(client, headers_for):
    resp = client.post(URL, json=entity_body(division_code="110101", industry_code="Z9999"),
                       headers=headers_for("system_admin"))
    body = resp.get_json()
    assert resp.status_code == 422
    assert body["code"] == "entity.invalid"
    assert set(body["errors"]) == {"division_code", "industry_code"}


def test_the_legacy_daiyue_code_370903_is_stored_as_370911(client, headers_for):
    resp = client.post(URL, json=entity_body(division_code="370903"), headers=headers_for("system_admin"))
    assert resp.status_code == 201
    assert resp.get_json()["division_code"] == "370911"


def test_a_risk_class_must_belong_to_the_active_scheme(app, client, headers_for):
    with app.app_context():
        db.session.execute(sa.text("UPDATE risk_scheme SET is_active = false"))
        db.session.execute(sa.text("UPDATE risk_scheme SET is_active = true WHERE code = 'national'"))
        db.session.commit()
    refused = client.post(URL, json=entity_body(1, risk_class="E"), headers=headers_for("system_admin"))
    accepted = client.post(URL, json=entity_body(2, risk_class="D"), headers=headers_for("system_admin"))
    assert refused.status_code == 422 and refused.get_json()["code"] == "entity.unknown_risk_class"
    assert accepted.status_code == 201 and accepted.get_json()["risk_scheme"] == "national"


@pytest.mark.parametrize(("field", "value", "code"), [
    ("credit_code", None, "entity.duplicate_credit_code"),
    ("registration_number", "REG", "entity.duplicate_registration_number"),
    ("local_id", "TA-0001", "entity.duplicate_local_id"),
])
def test_a_duplicate_key_is_a_conflict_naming_the_existing_entity(client, headers_for, create_entity,
                                                                  field, value, code):
    keys = {"credit_code": credit_code(1), "registration_number": registration_number(1), "local_id": "TA-0001"}
    first = create_entity(1, **{field: keys[field]})
    body = entity_body(2, **{field: keys[field]})
    if field != "credit_code":
        body["credit_code"] = credit_code(2)
    resp = client.post(URL, json=body, headers=headers_for("system_admin"))
    assert resp.status_code == 409
    assert resp.get_json()["code"] == code
    assert resp.get_json()["details"]["entity_id"] == first["id"]


def test_only_an_individual_business_may_have_no_code_and_then_gets_a_local_id(client, headers_for):
    enterprise = client.post(URL, json=entity_body(credit_code=None), headers=headers_for("system_admin"))
    shop = client.post(URL, headers=headers_for("system_admin"),
                       json=entity_body(credit_code=None, entity_type="individual_business", name="泰山某某小吃部"))
    assert enterprise.status_code == 422
    assert enterprise.get_json()["code"] == "entity.identifier_required"
    assert shop.status_code == 201
    assert shop.get_json()["local_id"].startswith("L") and len(shop.get_json()["local_id"]) == 16


def test_latitude_without_longitude_is_refused(client, headers_for):
    resp = client.post(URL, json=entity_body(longitude=None), headers=headers_for("system_admin"))
    assert resp.status_code == 422
    assert resp.get_json()["code"] == "entity.coordinates_incomplete"


def test_a_change_without_if_match_is_refused_with_428(client, headers_for, create_entity):
    entity = create_entity()
    resp = client.patch(f"{URL}/{entity['id']}", json={"name": "新名称有限公司"}, headers=headers_for("system_admin"))
    assert resp.status_code == 428
    assert resp.get_json()["code"] == "version.required"


def test_a_change_with_a_stale_if_match_is_refused_with_412(client, headers_for, create_entity):
    entity = create_entity()
    admin = headers_for("system_admin")
    first = client.patch(f"{URL}/{entity['id']}", json={"name": "新名称有限公司"},
                         headers={**admin, "If-Match": entity["etag"]})
    second = client.patch(f"{URL}/{entity['id']}", json={"name": "另一个名称有限公司"},
                          headers={**admin, "If-Match": entity["etag"]})
    assert first.status_code == 200 and first.get_json()["version"] == 2
    assert first.headers["ETag"] != entity["etag"]
    assert second.status_code == 412
    assert second.get_json()["code"] == "version.stale"


def test_a_change_that_changes_nothing_keeps_the_version(client, headers_for, create_entity):
    entity = create_entity()
    resp = client.patch(f"{URL}/{entity['id']}", json={"name": entity["name"], "division_code": "370902"},
                        headers={**headers_for("system_admin"), "If-Match": entity["etag"]})
    assert resp.status_code == 200
    assert resp.get_json()["version"] == 1
    assert len(client.get(f"{URL}/{entity['id']}/history", headers=headers_for("system_admin")).get_json()) == 1


def test_history_shows_every_version_with_the_record_before_and_after(client, headers_for, create_entity):
    entity = create_entity()
    admin = headers_for("system_admin")
    client.patch(f"{URL}/{entity['id']}", json={"name": "改名后有限公司"},
                 headers={**admin, "If-Match": entity["etag"]})
    etag = client.get(f"{URL}/{entity['id']}", headers=admin).headers["ETag"]
    client.patch(f"{URL}/{entity['id']}", json={"registration_status": "deregistered"},
                 headers={**admin, "If-Match": etag})
    history = client.get(f"{URL}/{entity['id']}/history", headers=admin).get_json()
    assert [(h["version"], h["action"]) for h in history] == [(1, "create"), (2, "update"), (3, "status_change")]
    assert history[0]["before"] is None and history[0]["after"]["name"] == entity["name"]
    assert history[1]["before"]["name"] == entity["name"] and history[1]["after"]["name"] == "改名后有限公司"
    assert history[2]["before"]["registration_status"] == "operating"
    assert history[2]["after"]["registration_status"] == "deregistered"
    assert all(h["actor"] for h in history)


def test_a_deregistered_entity_stays_in_the_directory(client, headers_for, create_entity):
    entity = create_entity()
    admin = headers_for("system_admin")
    client.patch(f"{URL}/{entity['id']}", json={"registration_status": "deregistered"},
                 headers={**admin, "If-Match": entity["etag"]})
    listed = client.get(URL, query_string={"status": "deregistered"}, headers=admin).get_json()
    assert [e["id"] for e in listed] == [entity["id"]]
    assert client.delete(f"{URL}/{entity['id']}", headers=admin).status_code == 405


def test_the_risk_class_is_hidden_from_inspectors_in_records_lists_and_history(client, headers_for, create_entity):
    entity = create_entity()
    caller = headers_for("inspector")
    one = client.get(f"{URL}/{entity['id']}", headers=caller).get_json()
    page = client.get(URL, headers=caller).get_json()
    history = client.get(f"{URL}/{entity['id']}/history", headers=caller).get_json()
    assert "risk_class" not in one and "risk_scheme" not in one
    assert all("risk_class" not in e for e in page)
    assert "risk_class" not in history[0]["after"]
    assert one["name"] == entity["name"]  # the rest of the record is there


def test_the_etag_does_not_depend_on_what_the_caller_may_see(client, headers_for, create_entity):
    entity = create_entity()
    inspector = client.get(f"{URL}/{entity['id']}", headers=headers_for("inspector"))
    assert inspector.headers["ETag"] == entity["etag"]


@pytest.mark.parametrize("role", ["system_admin", "department_admin", "department_head", "team_lead", "auditor"])
def test_roles_with_read_risk_see_the_risk_class(client, headers_for, create_entity, role):
    entity = create_entity()
    assert client.get(f"{URL}/{entity['id']}", headers=headers_for(role)).get_json()["risk_class"] == "B"


def test_filtering_by_risk_class_needs_read_risk(client, headers_for, create_entity):
    create_entity(1, risk_class="D")
    create_entity(2, risk_class="A")
    refused = client.get(URL, query_string={"risk_class": "D"}, headers=headers_for("inspector"))
    allowed = client.get(URL, query_string={"risk_class": "D"}, headers=headers_for("team_lead"))
    assert refused.status_code == 403
    assert refused.get_json()["details"]["permission"] == "directory.read_risk"
    assert [e["risk_class"] for e in allowed.get_json()] == ["D"]


def test_the_list_filters_by_division_industry_type_status_department_and_text(client, headers_for, create_entity):
    a = create_entity(1, name="泰安市青禾餐饮管理有限公司", industry_code="H6210", division_code="370902")
    b = create_entity(2, name="肥城市松岚化工有限公司", industry_code="C26", division_code="370983",
                      supervising_departments=["market_regulation", "ecology"])
    c = create_entity(3, credit_code=None, entity_type="individual_business", name="泰山晨丰快餐店",
                      industry_code="H6220", division_code="370903")
    admin = headers_for("system_admin")

    def ids(**query):
        resp = client.get(URL, query_string=query, headers=admin)
        assert resp.status_code == 200, resp.get_json()
        return [e["id"] for e in resp.get_json()]

    assert ids(division="370983") == [b["id"]]
    assert ids(division="370903") == [c["id"]]  # the legacy code finds the mapped division
    assert ids(industry="H62") == [a["id"], c["id"]]
    assert ids(entity_type="individual_business") == [c["id"]]
    assert ids(department="ecology") == [b["id"]]
    assert ids(q="松岚") == [b["id"]]
    assert ids(q=b["credit_code"][:17]) == [b["id"]]
    assert ids(q="%") == []  # wildcards are literal


def test_the_list_is_paginated(client, headers_for, create_entity):
    for n in range(3):
        create_entity(n)
    resp = client.get(URL, query_string={"page": 2, "page_size": 2}, headers=headers_for("inspector"))
    assert len(resp.get_json()) == 1
    assert '"total": 3' in resp.headers["X-Pagination"]


def test_a_department_admin_edits_entities_their_department_supervises_only(client, headers_for, create_entity):
    ours = create_entity(1, supervising_departments=["market_regulation"])
    theirs = create_entity(2, supervising_departments=["ecology"])
    admin = headers_for("department_admin")
    ok = client.patch(f"{URL}/{ours['id']}", json={"name": "可改名有限公司"},
                      headers={**admin, "If-Match": ours["etag"]})
    refused = client.patch(f"{URL}/{theirs['id']}", json={"name": "不可改名有限公司"},
                           headers={**admin, "If-Match": theirs["etag"]})
    assert ok.status_code == 200
    assert refused.status_code == 403 and refused.get_json()["code"] == "auth.out_of_scope"


def test_a_department_admin_may_claim_supervision_but_not_drop_another_department(client, headers_for, create_entity):
    entity = create_entity(1, supervising_departments=["ecology"])
    admin = headers_for("department_admin")
    claimed = client.patch(f"{URL}/{entity['id']}", json={"supervising_departments": ["ecology", "market_regulation"]},
                           headers={**admin, "If-Match": entity["etag"]})
    assert claimed.status_code == 200, claimed.get_json()
    dropped = client.patch(f"{URL}/{entity['id']}", json={"supervising_departments": ["market_regulation"]},
                           headers={**admin, "If-Match": claimed.headers["ETag"]})
    assert dropped.status_code == 403 and dropped.get_json()["code"] == "auth.out_of_scope"


def test_a_department_admin_creates_entities_only_for_their_own_department(client, headers_for):
    admin = headers_for("department_admin")
    own = client.post(URL, json=entity_body(1, supervising_departments=...), headers=admin)
    other = client.post(URL, json=entity_body(2, supervising_departments=["ecology"]), headers=admin)
    assert own.status_code == 201 and own.get_json()["supervising_departments"] == ["market_regulation"]
    assert other.status_code == 403 and other.get_json()["code"] == "auth.out_of_scope"


def test_inspectors_read_entities_but_do_not_change_them(client, headers_for, create_entity):
    entity = create_entity()
    inspector = headers_for("inspector")
    assert client.get(f"{URL}/{entity['id']}", headers=inspector).status_code == 200
    resp = client.patch(f"{URL}/{entity['id']}", json={"name": "x"}, headers={**inspector, "If-Match": entity["etag"]})
    assert resp.status_code == 403


def test_each_write_is_in_the_audit_log(client, headers_for, create_entity):
    entity = create_entity()
    admin = headers_for("system_admin")
    client.patch(f"{URL}/{entity['id']}", json={"registration_status": "closed"},
                 headers={**admin, "If-Match": entity["etag"]})
    entries = client.get("/api/v1/audit/entries", query_string={"object_type": "market_entity",
                                                               "object_id": entity["id"]}, headers=admin).get_json()
    assert sorted(e["action"] for e in entries) == ["entity.create", "entity.status_change"]


@pytest.mark.parametrize("statement", ["UPDATE entity_change SET action = 'update'", "DELETE FROM entity_change"])
def test_the_database_refuses_to_change_or_delete_history(app, create_entity, statement):
    create_entity()
    with app.app_context():
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(sa.text(statement))
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT action FROM entity_change")).scalars().all() == ["create"]
