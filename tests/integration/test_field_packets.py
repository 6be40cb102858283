"""Task packets (docs/field-api.md §1): own assignments only, ETag and 304, deltas, size."""
from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support.apps import OTHER_DEPARTMENT, OWN_DEPARTMENT
from tests.support.draws import seed_entities
from tests.support.field import FieldWorld, checklist_item, field_world, make_assignments

PACKET = "/api/v1/field/packet"


@pytest.fixture
def world(app, make_user, auth_headers) -> FieldWorld:  # type: ignore[no-untyped-def]
    return field_world(app, make_user, auth_headers, OWN_DEPARTMENT, OTHER_DEPARTMENT)


def packet(client: FlaskClient, world: FieldWorld, user: str = "lead", **query: Any) -> Any:
    resp = client.get(PACKET, headers=world.headers[user], query_string=query)
    assert resp.status_code == 200, resp.get_json()
    return resp


def test_a_packet_holds_the_callers_assignments_with_target_team_items_and_templates(
        client: FlaskClient, world: FieldWorld) -> None:
    body = packet(client, world).get_json()
    assert body["inspector"]["id"] == world.key("lead")
    [assignment] = body["assignments"]
    assert assignment["id"] == world.assignment
    assert [m["inspector_id"] for m in assignment["team"]] == [world.key("lead"), world.key("partner")]
    assert assignment["target"]["prior_results"] == [] and assignment["target"]["industry"]["code"]
    [item] = assignment["items"]
    assert item["template"] == f"{world.item}@1" and item["legal_basis"]
    assert body["templates"][item["template"]]["format"] == "checklist/1"
    assert assignment["status"] == "open"


def test_a_packet_carries_the_reference_lists_from_their_tables(client: FlaskClient, world: FieldWorld) -> None:
    body = packet(client, world).get_json()
    pending = next(c for c in body["result_categories"] if c["code"] == "pending_followup")
    assert len(pending["children"]) == 5
    assert {m["code"] for m in body["check_methods"]} >= {"on_site", "written", "testing"}
    assert "order_to_correct" in {f["code"] for f in body["followup_options"]}


def test_an_inspector_never_receives_another_teams_targets(client: FlaskClient, world: FieldWorld) -> None:
    mine = packet(client, world, "lead").get_json()["assignments"]
    theirs = packet(client, world, "outsider").get_json()["assignments"]
    assert {a["target"]["id"] for a in mine}.isdisjoint({a["target"]["id"] for a in theirs})
    assert world.assignment not in {a["id"] for a in theirs}


def test_reading_someone_elses_assignment_is_forbidden(client: FlaskClient, world: FieldWorld) -> None:
    resp = client.get(f"/api/v1/field/assignments/{world.assignment}", headers=world.headers["outsider"])
    assert resp.status_code == 403
    assert resp.get_json()["code"] == "field.not_your_assignment"


def test_a_team_member_reads_one_assignment_with_its_templates(client: FlaskClient, world: FieldWorld) -> None:
    resp = client.get(f"/api/v1/field/assignments/{world.assignment}", headers=world.headers["partner"])
    assert resp.status_code == 200
    assert list(resp.get_json()["templates"]) == [f"{world.item}@1"]


def test_an_unknown_assignment_is_not_found(client: FlaskClient, world: FieldWorld) -> None:
    resp = client.get("/api/v1/field/assignments/999999", headers=world.headers["lead"])
    assert resp.status_code == 404
    assert resp.get_json()["code"] == "field.assignment_not_found"


def test_the_current_etag_answers_304_and_the_version_stays_while_nothing_changes(
        client: FlaskClient, world: FieldWorld) -> None:
    first = packet(client, world)
    etag = first.headers["ETag"]
    assert etag == f'"p{first.get_json()["version"]}"'
    again = client.get(PACKET, headers={**world.headers["lead"], "If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["ETag"] == etag


def test_a_new_assignment_makes_a_new_version_whose_delta_holds_only_it(
        client: FlaskClient, world: FieldWorld) -> None:
    before = packet(client, world).get_json()["version"]
    entity = seed_entities(world.app, {"B": 1})
    [added] = make_assignments(world.app, entity, [world.inspectors["lead"]], [world.item], OWN_DEPARTMENT)
    stale = client.get(PACKET, headers={**world.headers["lead"], "If-None-Match": f'"p{before}"'})
    assert stale.status_code == 200
    delta = packet(client, world, since=before).get_json()
    assert delta["version"] == before + 1 and delta["since"] == before
    assert [a["id"] for a in delta["assignments"]] == [added]
    assert delta["removed_assignment_ids"] == [] and delta["templates"] == {}


def test_a_delta_from_an_unknown_version_is_the_whole_packet(client: FlaskClient, world: FieldWorld) -> None:
    body = packet(client, world, since=9999).get_json()
    assert body["since"] is None
    assert [a["id"] for a in body["assignments"]] == [world.assignment]


def test_an_account_without_an_inspector_record_gets_an_empty_packet(
        client: FlaskClient, world: FieldWorld, make_user, auth_headers) -> None:  # type: ignore[no-untyped-def]
    make_user("unlinked", "inspector")
    body = client.get(PACKET, headers=auth_headers("unlinked")).get_json()
    assert body["assignments"] == [] and body["inspector"] is None


def test_a_packet_of_fifty_targets_is_at_most_200_kb_gzipped(
        client: FlaskClient, world: FieldWorld) -> None:
    second = checklist_item(world.app, OWN_DEPARTMENT)
    long_address = "山东省泰安市泰山区东岳大街" + "某某路" * 20 + "号"
    entities = seed_entities(world.app, {"C": 50}, registered_address=long_address, business_address=long_address,
                             legal_representative="张某某", latitude=36.19, longitude=117.12)
    team = [world.inspectors["lead"], world.inspectors["partner"]]
    make_assignments(world.app, entities, team, [world.item, second], OWN_DEPARTMENT)
    resp = packet(client, world)
    assert len(resp.get_json()["assignments"]) == 51
    size = len(gzip.compress(resp.data))
    assert size <= 200 * 1024, f"{size} bytes gzipped"
    assert len(json.dumps(resp.get_json(), ensure_ascii=False).encode()) > size  # it was measured compressed
