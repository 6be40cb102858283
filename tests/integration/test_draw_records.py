"""Records the server produces, checked by the standalone verifier (backend/draws/verify.py).

The verifier accepts every record the server makes, and rejects one with a selected id
swapped, a team member swapped or a parameter changed. The announcement downloaded before
the reveal hashes to the published digest; the public record verifies without any stratum.
"""
from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from backend.draws import verify as v
from tests.support.apps import OTHER_DEPARTMENT
from tests.support.draws import (ECO_ITEM, MR_ITEM, DrawWorld, clock, draw_world, seed_entities,  # noqa: F401
                                 staff_of, task_body)

ROOT = Path(__file__).resolve().parents[2]

TASKS = {
    "single-department": {},
    "joint": {"items": (MR_ITEM, ECO_ITEM), "participating_departments": [OTHER_DEPARTMENT]},
    "joint-three-per-team-with-cap": {"items": (MR_ITEM, ECO_ITEM), "participating_departments": [OTHER_DEPARTMENT],
                                      "staffing": {"team_size": 3, "workload_cap": 3}},
    "counts-and-shares": {"sampling": {"strata": {"A": {"rule": "share"}, "B": {"rule": "share"},
                                                  "C": {"rule": "count", "count": 2}}, "share_total": 5}},
    "unstratified": {"sampling": {"stratify_by": "none", "strata": {"ALL": {"rule": "ratio", "numerator": 1,
                                                                             "denominator": 6}}}},
}


@pytest.fixture
def drawn(draw_world: DrawWorld) -> tuple[DrawWorld, dict, dict]:
    task = draw_world.create(task_body(items=(MR_ITEM, ECO_ITEM), participating_departments=[OTHER_DEPARTMENT]))
    draw_world.draw(task["id"])
    return draw_world, task, draw_world.record(task["id"])


def write(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def verify_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          timeout=120)


@pytest.mark.parametrize("overrides", TASKS.values(), ids=TASKS.keys())
def test_the_verifier_accepts_every_record_the_server_produces(draw_world: DrawWorld, overrides, tmp_path):
    task = draw_world.create(task_body(**overrides))
    draw_world.draw(task["id"])
    resp = draw_world.client.get(f"/api/v1/tasks/{task['id']}/draws/1/record", headers=draw_world.admin)
    assert resp.headers["X-Content-SHA256"] == hashlib.sha256(resp.data).hexdigest()
    record = resp.get_json()
    report = v.verify_record(record)
    assert report.ok, report.render()
    result = verify_cli("-m", "backend.draws.verify", str(write(tmp_path / "record.json", record)))
    assert result.returncode == 0 and "all checks passed" in result.stdout, result.stdout


def test_a_reveal_whose_ranks_a_helper_process_shares_gives_a_record_the_verifier_accepts(
        draw_world: DrawWorld, monkeypatch: pytest.MonkeyPatch):
    from backend.draws import ranking

    monkeypatch.setattr(ranking, "HELPED", 1)  # (a reveal of a million ids starts one; these 60 would not)
    given = []
    original = ranking.Helper._result
    monkeypatch.setattr(ranking.Helper, "_result", lambda self, *args: given.append(original(self, *args)) or given[-1])
    seed_entities(draw_world.app, {"A": 200})  # 260 in all: 1 in 10 is a quota whose rank bound keeps a few ids
    task = draw_world.create(task_body(sampling={"stratify_by": "none", "strata": {
        "ALL": {"rule": "ratio", "numerator": 1, "denominator": 10}}}))
    draw_world.draw(task["id"])
    assert len(given) == 1 and given[0] is not None  # the helper read the stored population and ranked its half
    report = v.verify_record(draw_world.record(task["id"]))
    assert report.ok, report.render()


def test_the_compressed_population_and_frame_are_stored_as_they_are_on_postgresql(draw_world: DrawWorld,
                                                                                   engine_kind: str):
    import sqlalchemy as sa

    from backend.db import db

    if engine_kind != "postgresql":
        pytest.skip("SQLite has no storage setting; records read back from the blobs are checked above")
    with draw_world.app.app_context():  # (EXTERNAL: out of line, not run through PostgreSQL's own compressor)
        assert dict(db.session.execute(sa.text(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'draw_commitment'::regclass "
            "AND attname IN ('population_gz', 'frame_gz')")).all()) == {"population_gz": "e", "frame_gz": "e"}


def test_the_verifier_rejects_a_server_record_with_one_selected_id_swapped(drawn):
    _, _, record = drawn
    stratum = "A"
    chosen = record["result"]["selected"][stratum]
    outsider = next(i for i in record["population"]["strata"][stratum]["ids"] if i not in chosen)
    chosen[0] = outsider
    m = v.verify_record(record).mismatch
    assert (m.kind, m.stratum, m.position, m.found) == ("selection", stratum, 0, outsider)


def test_the_verifier_rejects_a_server_record_with_one_team_member_swapped(drawn):
    _, _, record = drawn
    target = v.draw_order(record["result"]["selected"])[3]
    team = record["result"]["teams"][target]
    outsider = next(i["id"] for i in record["inspectors"] if i["id"] not in team and i["eligible"])
    team[1] = outsider
    m = v.verify_record(record).mismatch
    assert (m.kind, m.target, m.position, m.found) == ("team", target, 1, outsider)


@pytest.mark.parametrize("change", [
    lambda r: r["params"]["strata"]["A"].update(num=2),
    lambda r: r["params"].update(team_size=3),
    lambda r: r["params"].update(workload_cap=1),
    lambda r: r["context"]["scope"].update(risk_classes=["A"]),
], ids=["ratio", "team_size", "workload_cap", "scope"])
def test_the_verifier_rejects_a_server_record_with_a_changed_parameter(drawn, change):
    _, _, record = drawn
    change(record)
    assert v.verify_record(record).mismatch.kind == "commitment"


def test_the_announcement_hashes_to_the_published_digest_and_pins_the_record(drawn, tmp_path):
    world, task, record = drawn
    resp = world.client.get(f"/api/v1/tasks/{task['id']}/draws/1/announcement", headers=world.admin)
    assert resp.status_code == 200
    digest = hashlib.sha256(resp.data).hexdigest()
    bulletin = world.client.get(f"/api/v1/public/tasks/{task['number']}").get_json()
    assert bulletin["draws"][0]["announcement_digest"] == digest == resp.headers["X-Content-SHA256"]
    commitment = bulletin["draws"][0]["commitment"]
    assert v.commitment_hex(record["server_secret"], bytes.fromhex(digest)) == commitment
    announcement = write(tmp_path / "announcement.json", resp.get_json())
    good = verify_cli("-m", "backend.draws.verify", str(write(tmp_path / "record.json", record)),
                      "--announcement", str(announcement), "--commitment", commitment)
    assert good.returncode == 0, good.stdout
    changed = copy.deepcopy(record)
    changed["recusals"] = {"X": ["I1"]}
    bad = verify_cli("-m", "backend.draws.verify", str(write(tmp_path / "changed.json", changed)),
                     "--announcement", str(announcement))
    assert bad.returncode == 1 and "MISMATCH (announcement)" in bad.stdout and "recusals" in bad.stdout


def test_the_record_download_is_for_the_tasks_departments_with_risk_access_only(drawn):
    world, task, _ = drawn
    url = f"/api/v1/tasks/{task['id']}/draws/1/record"
    assert world.client.get(url, headers=world.staff("inspector")).status_code == 403
    assert world.client.get(url, headers=world.staff("team_lead", "health")).status_code == 403
    assert world.client.get(url, headers=world.staff("team_lead", OTHER_DEPARTMENT)).status_code == 200
    assert world.client.get(url, headers=world.staff("auditor", "health")).status_code == 200


def test_an_unrevealed_draw_has_no_record_yet(draw_world: DrawWorld):
    task = draw_world.create()
    draw_world.commit(task["id"])
    resp = draw_world.client.get(f"/api/v1/tasks/{task['id']}/draws/1/record", headers=draw_world.admin)
    assert resp.status_code == 409 and resp.get_json()["code"] == "draw.not_revealed"
    missing = draw_world.client.get(f"/api/v1/tasks/{task['id']}/draws/2/record", headers=draw_world.admin)
    assert missing.status_code == 404


def test_the_verifier_downloaded_from_the_public_page_checks_both_records_on_its_own(drawn, tmp_path):
    world, task, record = drawn
    script = world.client.get("/api/v1/public/draws/verifier.py")
    assert script.status_code == 200 and "attachment" in script.headers["Content-Disposition"]
    assert script.headers["X-Content-SHA256"] == hashlib.sha256(script.data).hexdigest()
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "verify.py").write_bytes(script.data)
    public = world.client.get(f"/api/v1/public/tasks/{task['number']}/draws/1/record").get_json()
    for name, data in (("full.json", record), ("public.json", public)):
        result = verify_cli("-I", "verify.py", str(write(alone / name, data)), cwd=alone)
        assert result.returncode == 0, result.stdout
    public["seed"] = "0" * 64
    assert verify_cli("-I", "verify.py", str(write(alone / "bad.json", public)), cwd=alone).returncode == 1


def test_draws_list_names_the_tasks_and_export_writes_a_record_the_verifier_accepts(drawn, runner, tmp_path):
    world, task, record = drawn
    listed = runner.invoke(args=["draws", "list"])
    assert listed.exit_code == 0 and f"{task['number']}\tdrawn\t1:drawn" in listed.output
    exported = runner.invoke(args=["draws", "export", task["number"]])
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout_bytes) == record
    assert hashlib.sha256(exported.stdout_bytes).hexdigest() == record_sha256(world, task)
    public = runner.invoke(args=["draws", "export", task["number"], "--public"])
    assert v.verify_record(json.loads(public.stdout_bytes)).ok
    missing = runner.invoke(args=["draws", "export", "NO-SUCH-TASK"])
    assert missing.exit_code != 0 and "NO-SUCH-TASK" in missing.output


def record_sha256(world: DrawWorld, task: dict) -> str:
    draws = world.client.get(f"/api/v1/tasks/{task['id']}/draws", headers=world.admin).get_json()
    return draws[-1]["record_sha256"]
