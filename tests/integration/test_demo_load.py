"""`flask demo load`: the directories' demo data is complete, valid, idempotent and audited."""
from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from backend.db import db
from backend.directory.identifiers import is_valid_credit_code
from backend.directory.inspectors import today

TABLES = ("market_entity", "entity_department", "entity_change", "sub_directory", "sub_directory_member", "inspector",
          "inspector_status_period", "inspector_conflict", "inspector_change", "directory_confirmation",
          "audit_entry", "user_account")


def counts(app):
    with app.app_context():
        return {t: db.session.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in TABLES}


@pytest.fixture
def loaded(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def test_loading_the_demo_twice_adds_nothing(app, runner, loaded):
    first = counts(app)
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert counts(app) == first
    assert "entities created: 0" in again.output and "inspectors created: 0" in again.output
    assert first["market_entity"] == 2000 and first["entity_change"] == 2000


def test_the_demo_loads_two_thousand_entities_with_valid_credit_codes(app, loaded):
    assert "entities created: 2000" in loaded
    with app.app_context():
        codes = db.session.scalars(sa.text("SELECT credit_code FROM market_entity")).all()
    assert len(codes) == len(set(codes)) == 2000
    assert [c for c in codes if not is_valid_credit_code(c)] == []


def test_the_audit_log_still_verifies_after_the_demo_load(runner, loaded):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "audit log OK" in result.output


def test_market_regulation_supervises_every_entity_and_ecology_the_manufacturers(app, loaded):
    with app.app_context():
        rows = db.session.execute(sa.text(
            "SELECT d.code, e.industry_code FROM entity_department ed JOIN department d ON d.id = ed.department_id "
            "JOIN market_entity e ON e.id = ed.entity_id")).all()
    by_department = Counter(code for code, _ in rows)
    assert by_department["market_regulation"] == 2000
    ecology = {industry for code, industry in rows if code == "ecology"}
    assert ecology and all(i.startswith(("C", "D45")) for i in ecology)
    assert {industry for code, industry in rows if code == "health"} <= {"H6110", "H6130", "H6210", "H6220",
                                                                         "H6291", "O8040"}


def test_the_demo_sub_directories_hold_supervised_entities(client, loaded):
    headers = auth_headers_for_admin(client)
    subs = {s["code"]: s for s in client.get("/api/v1/sub-directories", headers=headers).get_json()}
    assert set(subs) == {"food_business", "special_equipment", "pollutant_discharge"}
    assert all(s["member_count"] > 0 for s in subs.values())
    members = client.get("/api/v1/entities", query_string={"sub_directory": subs["pollutant_discharge"]["id"],
                                                          "page_size": 100}, headers=headers).get_json()
    assert all("ecology" in e["supervising_departments"] for e in members)


def auth_headers_for_admin(client):
    token = client.post("/api/v1/auth/token", json={"username": "admin", "password": "demo-password"}).get_json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def test_the_demo_accounts_are_linked_to_available_inspectors(app, loaded):
    from backend.directory.model import Inspector

    with app.app_context():
        linked = {i.user_id: i for i in db.session.scalars(sa.select(Inspector).where(Inspector.user_id.is_not(None)))}
        users = dict(db.session.execute(sa.text("SELECT id, username FROM user_account")).all())
        # the demo accounts, and the officers of the demo results (backend/results/demo.py)
        named = sorted(users[u] for u in linked if not users[u].startswith("officer"))
        assert named == ["inspector1", "inspector2", "inspector3", "lead"]
        assert all(users[u] == f"officer{i.id}" for u, i in linked.items() if users[u].startswith("officer"))
        assert all(i.is_available(today()) for i in linked.values())
        assert {users[u]: i.department.code for u, i in linked.items()}["inspector3"] == "ecology"
        conflicts = [c for i in linked.values() for c in i.conflicts]
        assert len(conflicts) == 1 and conflicts[0].entity_id is not None


def test_the_demo_has_about_120_inspectors_across_departments_and_counties(app, loaded):
    with app.app_context():
        rows = db.session.execute(sa.text("SELECT d.code FROM inspector i JOIN department d ON d.id = i.department_id"))
        per_department = Counter(code for (code,) in rows)
    assert sum(per_department.values()) == 124
    assert per_department.most_common(1)[0][0] == "market_regulation"
    assert {"ecology", "health", "transport", "xintai_gov"} <= set(per_department)


def test_the_demo_confirmations_match_the_loaded_directories(client, loaded):
    headers = auth_headers_for_admin(client)
    for department in ("market_regulation", "ecology"):
        for kind in ("entities", "inspectors"):
            resp = client.get("/api/v1/directory/confirmations/latest",
                              query_string={"department": department, "kind": kind}, headers=headers)
            assert resp.status_code == 200, resp.get_json()
            assert resp.get_json()["unchanged_since"] is True
            assert resp.get_json()["confirmation"]["count"] > 0
