"""The draw of a task: commit before the randomness exists, reveal after it, redraw with a reason.

Bad input is refused with a clear problem, and a refused step stores nothing.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from backend.db import db
from backend.directory import subdirectories
from backend.policy import Principal
from tests.support import catalog_routes as cat
from tests.support.apps import OTHER_DEPARTMENT, OWN_DEPARTMENT
from tests.support.directory import seed_sub_directory
from tests.support.draws import (ECO_ITEM, MR_ITEM, DrawWorld, clock, commit_body, confirm_directories,  # noqa: F401
                                 declare_conflict, draw_world, seed_entities, seed_inspectors, staff_of, task_body)

DRAW_TABLES = ("draw_commitment", "draw_reveal", "draw_cancellation", "assignment", "assignment_member")


def counts(world: DrawWorld) -> dict[str, int]:
    with world.app.app_context():
        return {t: db.session.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in DRAW_TABLES}


def status(world: DrawWorld, task_id: int) -> str:
    return world.client.get(f"/api/v1/tasks/{task_id}", headers=world.staff("auditor")).get_json()["status"]


def joint(world: DrawWorld, **overrides) -> dict:
    return world.create(task_body(items=(MR_ITEM, ECO_ITEM), participating_departments=[OTHER_DEPARTMENT],
                                  **overrides))


def assignments(world: DrawWorld, task_id: int) -> list[dict]:
    resp = world.client.get(f"/api/v1/tasks/{task_id}/assignments", headers=world.admin)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_a_joint_draw_follows_the_items_rules_and_staffs_every_team_from_both_departments(draw_world: DrawWorld):
    task = joint(draw_world)
    committed = draw_world.commit(task["id"])
    assert committed["status"] == "committed" and status(draw_world, task["id"]) == "committed"
    # A 1/50, B 1/20, C 1/10 of 20, 20, 10 and unclassified like B: 1 each; key items cover D and E fully
    assert committed["eligible_count"] == 60 and committed["target_count"] == 1 + 1 + 1 + 4 + 2 + 1
    draw_world.clock.advance(hours=2)
    drawn = draw_world.reveal(task["id"], committed["commitment"])
    assert drawn["status"] == "drawn" and drawn["team_count"] == 10 and status(draw_world, task["id"]) == "drawn"
    rows = assignments(draw_world, task["id"])
    assert [a["draw_index"] for a in rows] == list(range(1, 11))
    assert Counter(a["stratum"] for a in rows) == {"A": 1, "B": 1, "C": 1, "D": 4, "E": 2, "U": 1}
    fully_covered = set(draw_world.entities["D"] + draw_world.entities["E"])
    assert {a["entity_id"] for a in rows if a["stratum"] in "DE"} == fully_covered
    for row in rows:
        assert sorted(m["department"] for m in row["team"]) == [OTHER_DEPARTMENT, OWN_DEPARTMENT]
        assert row["window"] == {"start": "2027-03-01", "end": "2027-03-31"}
        assert sorted(i["code"] for i in row["items"]) == [ECO_ITEM, MR_ITEM]
    loads = Counter(m["inspector_id"] for row in rows for m in row["team"])
    assert max(loads.values()) - min(loads.values()) <= 1  # balanced: 10 seats per department over 6 people


def test_inspectors_see_assignments_without_the_stratum(draw_world: DrawWorld):
    task = draw_world.create()
    draw_world.draw(task["id"])
    rows = draw_world.client.get(f"/api/v1/tasks/{task['id']}/assignments",
                                 headers=draw_world.staff("inspector")).get_json()
    assert rows and all("stratum" not in row for row in rows)


def test_a_draw_without_a_fresh_directory_confirmation_is_refused_and_stores_nothing(draw_world: DrawWorld):
    draw_world.app.config["DIRECTORY_CONFIRMATION_MAX_AGE_DAYS"] = 0
    task = draw_world.create()
    before = counts(draw_world)
    refused = draw_world.commit(task["id"], expect=409)
    assert refused["code"] == "directory.confirmation_stale"
    assert counts(draw_world) == before and status(draw_world, task["id"]) == "draft"


def test_a_stratum_with_fewer_eligible_entities_than_its_quota_is_refused(draw_world: DrawWorld):
    task = draw_world.create(task_body(sampling={"strata": {"C": {"rule": "count", "count": 11}}}))
    refused = draw_world.commit(task["id"], expect=422)
    assert refused["code"] == "draw.quota_exceeds_population"
    assert {k: refused["details"][k] for k in ("stratum", "quota", "eligible")} == {
        "stratum": "C", "quota": 11, "eligible": 10}
    assert counts(draw_world)["draw_commitment"] == 0 and status(draw_world, task["id"]) == "draft"


def test_too_few_eligible_inspectors_for_the_teams_is_refused_at_the_commitment(draw_world: DrawWorld):
    task = joint(draw_world, staffing={"minimums": {OTHER_DEPARTMENT: 1}, "workload_cap": 1})
    refused = draw_world.commit(task["id"], expect=422)
    assert refused["code"] == "draw.too_few_inspectors"
    assert "ecology: 6 eligible inspector(s), each team needs 1" in refused["message"]
    assert counts(draw_world)["draw_commitment"] == 0


def test_inspectors_whose_certificate_ends_inside_the_window_are_not_eligible(draw_world: DrawWorld):
    seed_inspectors(draw_world.app, OWN_DEPARTMENT, 3, certificate_valid_until=date(2027, 3, 15))
    task = draw_world.create()
    draw_world.draw(task["id"])
    record = draw_world.record(task["id"])
    eligible = {i["id"]: i["eligible"] for i in record["inspectors"]}
    assert sum(not ok for ok in eligible.values()) == 3
    members = {m for team in record["result"]["teams"].values() for m in team}
    assert members and all(eligible[m] for m in members)


def test_a_team_that_cannot_be_formed_at_the_reveal_leaves_nothing_half_drawn(draw_world: DrawWorld):
    """Two eligible inspectors pass the commitment's checks, but one recuses from every target."""
    app = draw_world.app
    entities = seed_entities(app, {"E": 2}, departments=("culture_tourism",))
    first, second = seed_inspectors(app, "culture_tourism", 2)
    for entity in entities:
        declare_conflict(app, first, entity)
    confirm_directories(app, "culture_tourism")
    assert cat.item_of(app, "culture_tourism", "T-CT-001")
    resp = draw_world.client.post("/api/v1/tasks", json=task_body(items=("T-CT-001",), department="culture_tourism"),
                                  headers=draw_world.staff("system_admin"))
    assert resp.status_code == 201, resp.get_json()
    task = resp.get_json()
    admin = draw_world.staff("system_admin")
    committed = draw_world.client.post(f"/api/v1/tasks/{task['id']}/commitment", headers=admin,
                                       json=commit_body(draw_world.clock.now + timedelta(hours=1))).get_json()
    assert committed["target_count"] == 2 and second
    draw_world.clock.advance(hours=2)
    before = counts(draw_world)
    resp = draw_world.client.post(f"/api/v1/tasks/{task['id']}/reveal", headers=admin, json={
        "commitment": committed["commitment"], "value": "1 2 3", "witnesses": [{"name": "赵某", "capacity": "公证员"}]})
    assert resp.status_code == 422 and resp.get_json()["code"] == "draw.too_few_inspectors"
    assert resp.get_json()["details"]["target"] in resp.get_json()["message"]
    assert counts(draw_world) == before and status(draw_world, task["id"]) == "committed"


def test_a_reveal_that_does_not_match_the_commitment_is_refused(draw_world: DrawWorld):
    task = draw_world.create()
    committed = draw_world.commit(task["id"])
    draw_world.clock.advance(hours=2)
    wrong = "0" * 64 if committed["commitment"] != "0" * 64 else "1" * 64
    refused = draw_world.reveal(task["id"], wrong, expect=409)
    assert refused["code"] == "draw.commitment_mismatch"
    assert counts(draw_world)["draw_reveal"] == 0 and status(draw_world, task["id"]) == "committed"


def test_a_second_reveal_is_refused(draw_world: DrawWorld):
    task = draw_world.create()
    committed = draw_world.commit(task["id"])
    draw_world.clock.advance(hours=2)
    draw_world.reveal(task["id"], committed["commitment"])
    before = counts(draw_world)
    again = draw_world.reveal(task["id"], committed["commitment"], value="9 9 9", expect=409)
    assert again["code"] == "draw.already_revealed" and counts(draw_world) == before


def test_a_reveal_before_the_declared_randomness_exists_is_refused(draw_world: DrawWorld):
    task = draw_world.create()
    committed = draw_world.commit(task["id"], hours=1)
    refused = draw_world.reveal(task["id"], committed["commitment"], expect=409)
    assert refused["code"] == "draw.randomness_not_yet" and counts(draw_world)["draw_reveal"] == 0


def test_a_commitment_to_randomness_that_already_exists_is_refused(draw_world: DrawWorld):
    task = draw_world.create()
    refused = draw_world.commit(task["id"], hours=-1, expect=422)
    assert refused["code"] == "draw.randomness_not_in_future" and counts(draw_world)["draw_commitment"] == 0


def test_blank_randomness_is_refused_at_the_reveal(draw_world: DrawWorld):
    task = draw_world.create()
    committed = draw_world.commit(task["id"])
    draw_world.clock.advance(hours=2)
    refused = draw_world.reveal(task["id"], committed["commitment"], value=" \u3000 ", expect=422)
    assert refused["code"] == "draw.randomness_invalid"


def test_a_pending_commitment_for_the_same_item_holds_back_another_task(draw_world: DrawWorld):
    first, second = draw_world.create(), draw_world.create()
    draw_world.commit(first["id"])
    refused = draw_world.commit(second["id"], expect=409)
    assert refused["code"] == "draw.overlapping_commitment" and refused["details"]["task"] == first["number"]


def test_entities_out_of_the_register_recently_checked_or_in_an_open_task_are_not_drawn(draw_world: DrawWorld):
    app = draw_world.app
    gone = seed_entities(app, {"D": 2}, departments=(OWN_DEPARTMENT,), status="deregistered")
    first = draw_world.create(task_body(scope={"description_zh": "D 类", "risk_classes": ["D"]}))
    draw_world.draw(first["id"])
    d_class = set(draw_world.entities["D"])
    assert {a["entity_id"] for a in assignments(draw_world, first["id"])} == d_class
    second = draw_world.create(task_body(scope={"description_zh": "D/E 类", "risk_classes": ["D", "E"]},
                                         window={"start": "2028-06-01", "end": "2028-06-30"}))
    committed = draw_world.commit(second["id"])
    assert len(gone) == 2 and committed["eligible_count"] == 2  # the 2 E: D in an open task, deregistered never
    assert committed["target_count"] == 2
    with app.app_context():  # the announcement counts the D as excluded; the deregistered were never in scope
        counted = db.session.scalar(sa.text("SELECT excluded_count FROM draw_commitment WHERE task_id = :t"),
                                    {"t": second["id"]})
    assert counted == len(d_class) > 0


def test_a_closed_task_long_past_no_longer_excludes_its_targets(draw_world: DrawWorld):
    first = draw_world.create(task_body(scope={"description_zh": "D 类", "risk_classes": ["D"]}))
    draw_world.draw(first["id"])
    version = draw_world.client.get(f"/api/v1/tasks/{first['id']}", headers=draw_world.admin).headers["ETag"]
    draw_world.client.post(f"/api/v1/tasks/{first['id']}/close", headers={**draw_world.admin, "If-Match": version})
    # checked within 365 days before 1 December 2027: still left out
    within = draw_world.create(task_body(scope={"description_zh": "D 类", "risk_classes": ["D"]},
                                         window={"start": "2027-12-01", "end": "2027-12-31"}))
    assert draw_world.commit(within["id"])["eligible_count"] == 0
    voided = draw_world.client.post(f"/api/v1/tasks/{within['id']}/redraw", json={"reason": "测试：撤回未揭晓的承诺"},
                                    headers=draw_world.staff("department_head"))
    assert voided.status_code == 200
    # the first window ended more than 365 days before 1 June 2028: drawable again
    later = draw_world.create(task_body(scope={"description_zh": "D 类", "risk_classes": ["D"]},
                                        window={"start": "2028-06-01", "end": "2028-06-30"}))
    assert draw_world.commit(later["id"])["eligible_count"] == 4


def test_a_recused_inspector_is_never_on_that_targets_team(draw_world: DrawWorld):
    app = draw_world.app
    target = draw_world.entities["D"][0]
    conflicted = draw_world.inspectors[OWN_DEPARTMENT][:5]  # five of six market regulation inspectors
    for inspector in conflicted:
        declare_conflict(app, inspector, target)
    confirm_directories(app, OWN_DEPARTMENT)
    task = joint(draw_world)  # the team needs one of each department: the sixth must go
    draw_world.draw(task["id"])
    row = next(a for a in assignments(draw_world, task["id"]) if a["entity_id"] == target)
    assert not {m["inspector_id"] for m in row["team"]} & set(conflicted)
    record = draw_world.record(task["id"])
    assert record["recusals"][row["target"]] == sorted(f"I{i}" for i in conflicted)


def test_the_population_comes_out_the_same_when_the_database_returns_it_unordered(
        draw_world: DrawWorld, monkeypatch: pytest.MonkeyPatch):
    import random

    from backend.directory.reference import load_references
    from backend.draws import population
    from backend.tasks.model import Task
    from backend.tasks.validation import stratum_keys

    task_id = draw_world.create(task_body())["id"]
    with draw_world.app.app_context():
        task = db.session.get(Task, task_id)
        keys = stratum_keys(task.sampling, task.scope, load_references(db.session).risk_classes)
        ordered = population.collect(db.session, task, keys, 365)
        rows = [row for batch in population.stream_rows(db.session, sa.select(
            population.entity_key(), population.E.id, population.stratum_of(task))) for row in batch]
        random.Random(7).shuffle(rows)
        monkeypatch.setattr(population, "stream_rows", lambda session, stmt: iter([rows[:25], rows[25:]]))
        handed: dict[str, list[str]] = {}  # what on_stratum was last given for each stratum
        shuffled = population.collect(db.session, task, keys, 365, lambda key, ids: handed.update({key: list(ids)}))
    assert ordered.count == len(rows) > 50
    assert all(ids == sorted(ids) for ids in ordered.ids.values())
    assert shuffled.ids == ordered.ids
    assert handed == ordered.ids  # strata seen again after they seemed complete were handed over again, final
    assert {k: list(v) for k, v in shuffled.entity_ids.items()} == {k: list(v) for k, v in ordered.entity_ids.items()}


def test_an_exclusion_query_that_fails_is_raised_and_the_population_read_beside_it_stops(
        draw_world: DrawWorld, monkeypatch: pytest.MonkeyPatch, engine_kind: str):
    import threading

    from backend.directory.reference import load_references
    from backend.draws import population
    from backend.tasks.model import Task
    from backend.tasks.validation import stratum_keys

    if engine_kind != "postgresql":
        pytest.skip("only PostgreSQL reads the population beside the caller's queries")
    task_id = draw_world.create(task_body())["id"]
    monkeypatch.setattr(population, "excluded_query", lambda task, days: sa.select(sa.literal_column("1 / 0")))
    with draw_world.app.app_context():
        task = db.session.get(Task, task_id)
        keys = stratum_keys(task.sampling, task.scope, load_references(db.session).risk_classes)
        with pytest.raises(sa.exc.DataError):  # division by zero, in the caller's query
            population.collect_meanwhile(db.session, task, keys, 365)
        db.session.rollback()
    for thread in threading.enumerate():
        if thread.name.startswith("draw-population"):
            thread.join(timeout=60)  # (its first rows make it stop: it does not wait for ever)
            assert not thread.is_alive()


def test_recuse_previous_keeps_last_times_team_away(draw_world: DrawWorld):
    scope = {"description_zh": "E 类", "risk_classes": ["E"]}
    first = draw_world.create(task_body(scope=scope, window={"start": "2026-03-01", "end": "2026-03-31"}))
    draw_world.draw(first["id"])
    before = {a["entity_id"]: {m["inspector_id"] for m in a["team"]} for a in assignments(draw_world, first["id"])}
    version = draw_world.client.get(f"/api/v1/tasks/{first['id']}", headers=draw_world.admin).headers["ETag"]
    draw_world.client.post(f"/api/v1/tasks/{first['id']}/close", headers={**draw_world.admin, "If-Match": version})
    second = draw_world.create(task_body(scope=scope, staffing={"recuse_previous": True},
                                         window={"start": "2028-03-01", "end": "2028-03-31"}))
    draw_world.draw(second["id"])
    for row in assignments(draw_world, second["id"]):
        assert not {m["inspector_id"] for m in row["team"]} & before[row["entity_id"]]


def test_recuse_previous_keeps_away_only_the_team_that_checked_the_entity_last(draw_world: DrawWorld):
    scope = {"description_zh": "E 类", "risk_classes": ["E"]}  # two entities, both drawn every time
    teams = []
    for start, end in (("2026-03-01", "2026-03-31"), ("2027-06-01", "2027-06-30")):  # a year apart: no recheck exclusion
        task = draw_world.create(task_body(scope=scope, window={"start": start, "end": end}))
        draw_world.draw(task["id"])
        teams.append({a["target"]: sorted(f"I{m['inspector_id']}" for m in a["team"])
                      for a in assignments(draw_world, task["id"])})
        version = draw_world.client.get(f"/api/v1/tasks/{task['id']}", headers=draw_world.admin).headers["ETag"]
        draw_world.client.post(f"/api/v1/tasks/{task['id']}/close", headers={**draw_world.admin, "If-Match": version})
    third = draw_world.create(task_body(scope=scope, staffing={"recuse_previous": True},
                                        window={"start": "2028-09-01", "end": "2028-09-30"}))
    draw_world.draw(third["id"])
    assert len(teams[1]) == 2
    assert draw_world.record(third["id"])["recusals"] == teams[1]


def test_a_redraw_needs_the_heads_reason_keeps_both_records_and_the_second_draw_counts(draw_world: DrawWorld):
    task = draw_world.create(task_body(scope={"description_zh": "A 类", "risk_classes": ["A"]},
                                       sampling={"strata": {"A": {"rule": "count", "count": 5}}}))
    draw_world.draw(task["id"])
    first_targets = {a["target"] for a in assignments(draw_world, task["id"])}
    url = f"/api/v1/tasks/{task['id']}/redraw"
    assert draw_world.client.post(url, json={"reason": "见证人未到场"}, headers=draw_world.admin).status_code == 403
    assert draw_world.client.post(url, json={}, headers=draw_world.staff("department_head")).status_code == 422
    voided = draw_world.client.post(url, json={"reason": "见证人未按公告时间到场，重新抽取"},
                                    headers=draw_world.staff("department_head"))
    assert voided.status_code == 200 and voided.get_json()["status"] == "cancelled"
    assert status(draw_world, task["id"]) == "draft" and assignments(draw_world, task["id"]) == []
    draw_world.clock.advance(hours=3)
    draw_world.draw(task["id"], value="4 4 1")
    draws = draw_world.client.get(f"/api/v1/tasks/{task['id']}/draws", headers=draw_world.admin).get_json()
    assert [(d["sequence"], d["status"]) for d in draws] == [(1, "cancelled"), (2, "drawn")]
    assert draws[0]["cancel_reason"] == "见证人未按公告时间到场，重新抽取"
    first, second = draw_world.record(task["id"], 1), draw_world.record(task["id"], 2)
    assert second["context"]["redraw_reason"] == draws[0]["cancel_reason"] and second["context"]["sequence"] == 2
    assert {t for ts in first["result"]["selected"].values() for t in ts} == first_targets
    assert {a["target"] for a in assignments(draw_world, task["id"])} == set(second["result"]["selected"]["A"])


def test_only_the_initiating_departments_staff_operate_the_draw(draw_world: DrawWorld):
    task = joint(draw_world)
    resp = draw_world.client.post(f"/api/v1/tasks/{task['id']}/commitment", json=commit_body(
        draw_world.clock.now + timedelta(hours=1)), headers=draw_world.staff("department_admin", OTHER_DEPARTMENT))
    assert resp.status_code == 403 and resp.get_json()["code"] == "auth.out_of_scope"


@pytest.mark.parametrize("table", DRAW_TABLES)
def test_draw_tables_refuse_updates_and_deletes(draw_world: DrawWorld, table: str):
    task = draw_world.create()
    draw_world.draw(task["id"])
    draw_world.client.post(f"/api/v1/tasks/{task['id']}/redraw", json={"reason": "测试追加撤销记录"},
                           headers=draw_world.staff("department_head"))
    engine = draw_world.app.extensions["ssgk.engine"]
    for statement in (f"UPDATE {table} SET {'position' if table == 'assignment_member' else 'id'} = "
                      f"{'position' if table == 'assignment_member' else 'id'}", f"DELETE FROM {table}"):
        with pytest.raises(sa.exc.DatabaseError), engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert counts(draw_world)[table] > 0


@pytest.mark.parametrize(("scope", "eligible"), [
    ({"industries": ["H62"]}, 60 + 3),  # a GB/T 4754 prefix selects the subtree
    ({"industries": ["F52"]}, 2),
    ({"divisions": ["370903"]}, 5),  # the legacy code of 岱岳区, mapped to 370911
    ({"entity_types": ["cooperative"]}, 2),
    ({"registration_statuses": ["in_liquidation"]}, 3),
    ({"sub_directories": ["SUB"]}, 1),
], ids=["industry-prefix", "other-industry", "legacy-division", "entity-type", "status", "sub-directory"])
def test_scope_filters_narrow_the_population(draw_world: DrawWorld, scope: dict, eligible: int):
    app = draw_world.app
    seed_entities(app, {"D": 2}, industry_code="F5212", entity_type="cooperative")
    seed_entities(app, {"D": 5}, division_code="370911", industry_code="C33")
    seed_entities(app, {"D": 3}, status="in_liquidation", industry_code="H6220")
    if scope.get("sub_directories"):
        sub = seed_sub_directory(app, OWN_DEPARTMENT)
        system = Principal(0, "draw-test", 0, None, frozenset({"system_admin"}))
        with app.test_request_context():
            subdirectories.change_membership(system, sub, draw_world.entities["A"][0], True)
        scope = {"sub_directories": [sub]}
    task = draw_world.create(task_body(scope={"description_zh": "定向", **scope},
                                       sampling={"stratify_by": "none", "strata": {"ALL": {"rule": "ratio",
                                                                                         "numerator": 1,
                                                                                         "denominator": 2}}}))
    assert draw_world.commit(task["id"])["eligible_count"] == eligible
