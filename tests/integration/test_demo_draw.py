"""`demo load` includes one finished joint task whose draw record the verifier accepts."""
from __future__ import annotations

import json

from backend.draws import verify as v
from backend.draws.demo import NUMBER


def test_the_demo_has_a_drawn_joint_task_whose_record_verifies_and_loading_again_adds_no_draw(app, runner, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    listed = runner.invoke(args=["draws", "list"])
    assert f"{NUMBER}\tdrawn\t1:drawn" in listed.output
    exported = runner.invoke(args=["draws", "export", NUMBER])
    record = json.loads(exported.stdout_bytes)
    assert v.verify_record(record).ok
    assert record["context"]["task"]["participating_departments"] == ["ecology"]
    departments = {i["id"]: i["department"] for i in record["inspectors"]}
    teams = record["result"]["teams"]
    assert teams and all(sorted(departments[m] for m in team) == ["ecology", "market_regulation"]
                         for team in teams.values())
    bulletin = client.get(f"/api/v1/public/tasks/{NUMBER}").get_json()
    assert len(bulletin["targets"]) == len(teams) and bulletin["draws"][0]["witnesses"]
    again = runner.invoke(args=["demo", "load"])
    assert "tasks drawn: 0" in again.output
    assert runner.invoke(args=["draws", "list"]).output == listed.output
