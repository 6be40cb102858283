"""Sub-directories (分库): per department, members are supervised entities, changes are versions."""
from __future__ import annotations

import pytest

from tests.support.directory import create_entity, headers_for  # noqa: F401

URL = "/api/v1/sub-directories"


@pytest.fixture
def food(client, headers_for):
    resp = client.post(URL, json={"department": "market_regulation", "code": "food_business", "name_zh": "食品经营"},
                       headers=headers_for("system_admin"))
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def members(client, headers, sub_id):
    return [e["id"] for e in client.get("/api/v1/entities", query_string={"sub_directory": sub_id},
                                        headers=headers).get_json()]


def test_a_department_admin_creates_sub_directories_for_their_own_department_only(client, headers_for):
    admin = headers_for("department_admin")
    own = client.post(URL, json={"department": "market_regulation", "code": "special_equipment", "name_zh": "特种设备"},
                      headers=admin)
    other = client.post(URL, json={"department": "ecology", "code": "pollutant_discharge", "name_zh": "排污许可"},
                        headers=admin)
    assert own.status_code == 201 and own.get_json()["member_count"] == 0
    assert other.status_code == 403 and other.get_json()["code"] == "auth.out_of_scope"


def test_a_sub_directory_code_is_unique_within_its_department(client, headers_for, food):
    again = client.post(URL, json={"department": "market_regulation", "code": "food_business", "name_zh": "重复"},
                        headers=headers_for("system_admin"))
    elsewhere = client.post(URL, json={"department": "ecology", "code": "food_business", "name_zh": "可以"},
                            headers=headers_for("system_admin"))
    assert again.status_code == 409 and again.get_json()["code"] == "sub_directory.duplicate_code"
    assert elsewhere.status_code == 201


def test_adding_a_member_is_a_new_entity_version_recorded_in_history(client, headers_for, create_entity, food):
    entity = create_entity()
    admin = headers_for("department_admin")
    resp = client.put(f"{URL}/{food['id']}/members/{entity['id']}", headers=admin)
    assert resp.status_code == 204
    again = client.put(f"{URL}/{food['id']}/members/{entity['id']}", headers=admin)
    assert again.status_code == 204
    history = client.get(f"/api/v1/entities/{entity['id']}/history", headers=admin).get_json()
    assert [(h["version"], h["action"]) for h in history] == [(1, "create"), (2, "membership_change")]
    assert history[1]["before"]["sub_directories"] == []
    assert history[1]["after"]["sub_directories"] == ["market_regulation/food_business"]
    assert members(client, admin, food["id"]) == [entity["id"]]
    assert client.get(f"{URL}/{food['id']}", headers=admin).get_json()["member_count"] == 1


def test_removing_a_member_is_recorded_and_removing_again_changes_nothing(client, headers_for, create_entity, food):
    entity = create_entity()
    admin = headers_for("system_admin")
    client.put(f"{URL}/{food['id']}/members/{entity['id']}", headers=admin)
    assert client.delete(f"{URL}/{food['id']}/members/{entity['id']}", headers=admin).status_code == 204
    assert client.delete(f"{URL}/{food['id']}/members/{entity['id']}", headers=admin).status_code == 204
    history = client.get(f"/api/v1/entities/{entity['id']}/history", headers=admin).get_json()
    assert [h["action"] for h in history] == ["create", "membership_change", "membership_change"]
    assert members(client, admin, food["id"]) == []


def test_only_entities_the_department_supervises_join_its_sub_directory(client, headers_for, create_entity, food):
    entity = create_entity(supervising_departments=["ecology"])
    resp = client.put(f"{URL}/{food['id']}/members/{entity['id']}", headers=headers_for("system_admin"))
    assert resp.status_code == 422
    assert resp.get_json()["code"] == "sub_directory.entity_not_supervised"


def test_another_departments_admin_cannot_change_the_members(client, headers_for, create_entity, food):
    entity = create_entity()
    resp = client.put(f"{URL}/{food['id']}/members/{entity['id']}",
                      headers=headers_for("department_admin", department="ecology"))
    assert resp.status_code == 403 and resp.get_json()["code"] == "auth.out_of_scope"


def test_leaving_a_departments_supervision_also_leaves_its_sub_directories(client, headers_for, create_entity, food):
    entity = create_entity(supervising_departments=["market_regulation", "ecology"])
    admin = headers_for("system_admin")
    client.put(f"{URL}/{food['id']}/members/{entity['id']}", headers=admin)
    etag = client.get(f"/api/v1/entities/{entity['id']}", headers=admin).headers["ETag"]
    resp = client.patch(f"/api/v1/entities/{entity['id']}", json={"supervising_departments": ["ecology"]},
                        headers={**admin, "If-Match": etag})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["sub_directories"] == []
    assert members(client, admin, food["id"]) == []


def test_sub_directories_are_listed_per_department(client, headers_for, food):
    client.post(URL, json={"department": "ecology", "code": "pollutant_discharge", "name_zh": "排污许可"},
                headers=headers_for("system_admin"))
    listed = client.get(URL, query_string={"department": "ecology"}, headers=headers_for("inspector")).get_json()
    assert [(s["department"], s["code"]) for s in listed] == [("ecology", "pollutant_discharge")]
