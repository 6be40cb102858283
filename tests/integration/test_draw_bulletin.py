"""The public task bulletin (抽查任务公告): the commitment before the reveal, the record after it,
the targets' names when the task allows, and never a risk class, a population list or an inspector."""
from __future__ import annotations

import json

from tests.support.apps import OTHER_DEPARTMENT
from tests.support.draws import (ECO_ITEM, MR_ITEM, DrawWorld, clock, draw_world, staff_of,  # noqa: F401
                                 task_body)


def bulletin(world: DrawWorld, number: str) -> dict:
    resp = world.client.get(f"/api/v1/public/tasks/{number}")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def close(world: DrawWorld, task_id: int) -> None:
    etag = world.client.get(f"/api/v1/tasks/{task_id}", headers=world.admin).headers["ETag"]
    resp = world.client.post(f"/api/v1/tasks/{task_id}/close", headers={**world.admin, "If-Match": etag})
    assert resp.status_code == 200


def test_a_draft_is_not_on_the_bulletin(draw_world: DrawWorld):
    task = draw_world.create()
    assert draw_world.client.get(f"/api/v1/public/tasks/{task['number']}").status_code == 404
    assert draw_world.client.get("/api/v1/public/tasks").get_json() == []


def test_the_commitment_is_public_before_the_reveal_and_the_secret_is_not(draw_world: DrawWorld):
    task = draw_world.create(task_body(items=(MR_ITEM, ECO_ITEM), participating_departments=[OTHER_DEPARTMENT]))
    committed = draw_world.commit(task["id"])
    page = bulletin(draw_world, task["number"])
    draw = page["draws"][0]
    assert draw["commitment"] == committed["commitment"] and draw["status"] == "committed"
    assert draw["announcement_digest"] == committed["announcement_digest"]
    assert draw["randomness"]["source"] == "福彩3D 第2027050期开奖号码"
    assert draw["server_secret"] is None and draw["seed"] is None and draw["public_record_url"] is None
    assert [d["code"] for d in page["participating_departments"]] == [OTHER_DEPARTMENT]
    assert page["counts"] == {"eligible": 60, "targets": 10, "teams": None}
    listed = draw_world.client.get("/api/v1/public/tasks").get_json()
    assert [t["number"] for t in listed] == [task["number"]]
    early = draw_world.client.get(f"/api/v1/public/tasks/{task['number']}/draws/1/record")
    assert early.status_code == 409 and early.get_json()["code"] == "draw.not_revealed"


def test_after_the_reveal_the_bulletin_shows_the_secret_seed_witnesses_and_record_digest(draw_world: DrawWorld):
    task = draw_world.create()
    drawn = draw_world.draw(task["id"])
    draw = bulletin(draw_world, task["number"])["draws"][0]
    record = draw_world.record(task["id"])
    assert draw["server_secret"] == record["server_secret"] and draw["seed"] == record["seed"]
    assert draw["randomness_value"] == "3 8 5" and draw["record_sha256"] == drawn["record_sha256"]
    assert {w["capacity"] for w in draw["witnesses"]} == {"社会监督员", "公证员"}
    assert draw["public_record_url"] == f"/api/v1/public/tasks/{task['number']}/draws/1/record"


def test_targets_are_named_after_the_checks_when_the_task_says_so(draw_world: DrawWorld):
    task = draw_world.create()
    draw_world.draw(task["id"])
    assert bulletin(draw_world, task["number"])["targets"] is None
    public = draw_world.client.get(f"/api/v1/public/tasks/{task['number']}/draws/1/record").get_json()
    assert public["result"]["targets"] is None and public["result"]["target_count"] == 10
    close(draw_world, task["id"])
    targets = bulletin(draw_world, task["number"])["targets"]
    record = draw_world.record(task["id"])
    drawn_ids = sorted(t for ts in record["result"]["selected"].values() for t in ts)
    assert [t["id"] for t in targets] == drawn_ids and all(t["name"] for t in targets)


def test_targets_are_named_at_the_draw_when_the_task_says_so(draw_world: DrawWorld):
    task = draw_world.create(task_body(names_public="at_draw"))
    draw_world.draw(task["id"])
    assert len(bulletin(draw_world, task["number"])["targets"]) == 10
    public = draw_world.client.get(f"/api/v1/public/tasks/{task['number']}/draws/1/record").get_json()
    assert len(public["result"]["targets"]) == 10


def test_nothing_public_reveals_a_risk_class_a_population_or_an_inspector(draw_world: DrawWorld):
    task = draw_world.create(task_body(scope={"description_zh": "中高风险企业", "risk_classes": ["C", "D", "E"]},
                                       names_public="at_draw", kind="special", basis="投诉举报线索"))
    draw_world.draw(task["id"])
    page = bulletin(draw_world, task["number"])
    public = draw_world.client.get(f"/api/v1/public/tasks/{task['number']}/draws/1/record").get_json()
    for document in (page, public):
        text = json.dumps(document, ensure_ascii=False)
        for word in ("risk_class", "stratum", "strata", "inspectors", "recusals", "投诉举报线索", '"C"', '"D"'):
            assert word not in text, word
    record = draw_world.record(task["id"])
    assert set(record["population"]["strata"]) == {"C", "D", "E"}  # the full record has them, for those allowed


def test_a_voided_draw_stays_on_the_bulletin_with_its_reason(draw_world: DrawWorld):
    task = draw_world.create(task_body(names_public="at_draw"))
    draw_world.draw(task["id"])
    draw_world.client.post(f"/api/v1/tasks/{task['id']}/redraw", json={"reason": "开奖号码录入前见证人缺席"},
                           headers=draw_world.staff("department_head"))
    page = bulletin(draw_world, task["number"])
    assert page["status"] == "draft" and page["targets"] is None
    assert page["draws"][0]["status"] == "cancelled" and page["draws"][0]["cancel_reason"] == "开奖号码录入前见证人缺席"
    public = draw_world.client.get(f"/api/v1/public/tasks/{task['number']}/draws/1/record").get_json()
    assert public["result"]["targets"] is None  # no longer the task's targets
