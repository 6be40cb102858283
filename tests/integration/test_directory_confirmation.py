"""Directory confirmation (R2.2): who confirmed which population, its digest, and freshness."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from backend.db import db
from backend.directory.confirmations import require_fresh_confirmation
from backend.errors import Conflict
from backend.orgs.model import Department
from tests.support.directory import create_entity, create_inspector, headers_for  # noqa: F401

URL = "/api/v1/directory/confirmations"


def expected_digest(records):
    """docs/directory.md: SHA-256 over "id TAB version LF", ids ordered as decimal strings, bytewise."""
    lines = sorted((str(r["id"]), r["version"]) for r in records)
    return hashlib.sha256("".join(f"{i}\t{v}\n" for i, v in lines).encode()).hexdigest()


def department_id(app, code):
    with app.app_context():
        return db.session.scalar(sa.select(Department.id).where(Department.code == code))


def test_a_confirmation_records_who_when_how_many_and_the_digest(client, auth_headers, make_user, create_entity):
    supervised = [create_entity(n) for n in range(1, 12)]  # ids 1..11: "10" sorts before "2"
    create_entity(20, supervising_departments=["ecology"])
    head_id = make_user("head-mr", "department_head")
    resp = client.post(URL, json={"department": "market_regulation", "kind": "entities", "note": "已核对"},
                       headers=auth_headers("head-mr"))
    body = resp.get_json()
    assert resp.status_code == 201, body
    assert body["confirmed_by"] == head_id
    assert body["count"] == 11
    assert body["digest"] == expected_digest(supervised)
    assert body["algorithm"] == "ssgk-directory-confirmation/1"
    assert body["confirmed_at"]


def test_the_latest_confirmation_says_whether_the_directory_changed_since(client, headers_for, create_entity):
    entity = create_entity(1)
    admin = headers_for("system_admin")
    confirmed = client.post(URL, json={"department": "market_regulation", "kind": "entities"}, headers=admin).get_json()
    query = {"department": "market_regulation", "kind": "entities"}
    before = client.get(f"{URL}/latest", query_string=query, headers=headers_for("inspector")).get_json()
    client.patch(f"/api/v1/entities/{entity['id']}", json={"registration_status": "closed"},
                 headers={**admin, "If-Match": entity["etag"]})
    after = client.get(f"{URL}/latest", query_string=query, headers=admin).get_json()
    assert before["confirmation"]["id"] == confirmed["id"] and before["unchanged_since"] is True
    assert before["fresh"] is True
    assert after["unchanged_since"] is False
    assert after["current_digest"] == expected_digest([{"id": entity["id"], "version": 2}])


def test_the_inspector_population_is_the_departments_inspectors(client, headers_for, create_inspector):
    ours = [create_inspector(1), create_inspector(2)]
    create_inspector(3, department="ecology")
    resp = client.post(URL, json={"department": "market_regulation", "kind": "inspectors"},
                       headers=headers_for("system_admin"))
    assert resp.get_json()["count"] == 2
    assert resp.get_json()["digest"] == expected_digest(ours)


def test_confirming_a_digest_that_no_longer_matches_is_a_conflict(client, headers_for, create_entity):
    create_entity(1)
    admin = headers_for("system_admin")
    stale = expected_digest([])
    resp = client.post(URL, json={"department": "market_regulation", "kind": "entities", "digest": stale},
                       headers=admin)
    assert resp.status_code == 409 and resp.get_json()["code"] == "directory.population_changed"
    current = resp.get_json()["details"]["digest"]
    ok = client.post(URL, json={"department": "market_regulation", "kind": "entities", "digest": current},
                     headers=admin)
    assert ok.status_code == 201


def test_a_department_confirms_only_its_own_directory(client, headers_for):
    head = headers_for("department_head")
    own = client.post(URL, json={"department": "market_regulation", "kind": "entities"}, headers=head)
    assert own.status_code == 201
    other = client.post(URL, json={"department": "ecology", "kind": "entities"}, headers=head)
    assert other.status_code == 403 and other.get_json()["code"] == "auth.out_of_scope"
    assert client.post(URL, json={"department": "market_regulation", "kind": "entities"},
                       headers=headers_for("inspector")).status_code == 403


def test_latest_without_any_confirmation_is_not_found(client, headers_for):
    resp = client.get(f"{URL}/latest", query_string={"department": "ecology", "kind": "inspectors"},
                      headers=headers_for("inspector"))
    assert resp.status_code == 404 and resp.get_json()["code"] == "directory.not_confirmed"


def test_a_draw_requires_a_recent_confirmation(app, client, headers_for):
    mr = department_id(app, "market_regulation")
    client.post(URL, json={"department": "market_regulation", "kind": "entities"}, headers=headers_for("system_admin"))
    with app.app_context():
        row = require_fresh_confirmation(db.session, mr, "entities")
        assert row.count == 0
        with pytest.raises(Conflict) as stale:
            require_fresh_confirmation(db.session, mr, "entities", max_age=timedelta(0))
        assert stale.value.code == "directory.confirmation_stale"
        app.config["DIRECTORY_CONFIRMATION_MAX_AGE_DAYS"] = 0
        with pytest.raises(Conflict):
            require_fresh_confirmation(db.session, mr, "entities")


@pytest.mark.parametrize("kind", ["entities", "inspectors"])
def test_a_department_that_never_confirmed_cannot_draw(app, kind):
    with app.app_context():
        with pytest.raises(Conflict) as raised:
            require_fresh_confirmation(db.session, department_id(app, "ecology"), kind)
        assert raised.value.code == "directory.confirmation_stale"
        assert raised.value.details["confirmed_at"] is None
        assert raised.value.status == 409


def test_confirmations_cannot_be_altered_in_the_database(app, client, headers_for):
    client.post(URL, json={"department": "market_regulation", "kind": "entities"}, headers=headers_for("system_admin"))
    with app.app_context():
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(sa.text("UPDATE directory_confirmation SET count = 0"))
