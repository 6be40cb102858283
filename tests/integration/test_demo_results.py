"""`demo load` includes published results, one corrected, and results overdue and due soon (in the 2027
demo world and on the day of loading)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from backend.db import db
from backend.draws.demo import NUMBER
from backend.field.evidence import completeness
from backend.field.model import CheckRecord, CheckRecordRevision
from backend.results.demo_recent import NUMBER as RECENT
from backend.tasks.model import Assignment, Task


def test_the_demo_has_published_corrected_overdue_and_due_soon_results_and_loads_once(
        app: Flask, runner, client: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "results published: 3" in first.output
    token = client.post("/api/v1/auth/token", json={"username": "auditor", "password": "demo-password"}).get_json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}

    results = client.get("/api/v1/results", query_string={"status": "published"}, headers=headers).get_json()["results"]
    assert len(results) == 3
    assert sorted(r["published_version"] for r in results) == [1, 1, 2]
    corrected = next(r for r in results if r["published_version"] == 2)
    assert corrected["current"]["corrected"] and corrected["versions"][0]["result"] != corrected["current"]["result"]
    assert all(r["current"]["task_number"] == NUMBER for r in results)

    lists = {state: client.get("/api/v1/results/due", query_string={"state": state, "as_of": "2027-04-09"},
                               headers=headers).get_json() for state in ("overdue", "due_soon")}
    # (the referral demo's record, of another task, is in the lists too)
    joint = {state: [(r["status"], r["clock"]["due_on"]) for r in found["records"] if r["task_number"] == NUMBER]
             for state, found in lists.items()}
    assert joint == {"overdue": [("entered", "2027-04-06")], "due_soon": [("submitted", "2027-04-13")]}

    # and today, whatever day the demo is loaded: the recent special check has one of each
    today = {state: client.get("/api/v1/results/due", query_string={"state": state}, headers=headers).get_json()
             for state in ("overdue", "due_soon")}
    recent = {state: [r["status"] for r in found["records"] if r["task_number"] == RECENT] for state, found in today.items()}
    assert recent == {"overdue": ["entered"], "due_soon": ["submitted"]}
    assert all(r["clock"]["due_on"] < today["overdue"]["today"] for r in today["overdue"]["records"])
    with app.app_context():  # the recent records came with real files: the lead sees the photos
        recent_records = db.session.scalars(sa.select(CheckRecord).join(Assignment).join(Task)
                                            .where(Task.number == RECENT)).all()
        for record in recent_records:
            body = db.session.scalars(sa.select(CheckRecordRevision.body)
                                      .where(CheckRecordRevision.record_id == record.id)).one()
            state = completeness(db.session, record, body["evidence"])
            assert state["complete"] and state["declared_evidence"] >= 5, state
        assert len(recent_records) == 2

    task = next(t for t in client.get("/api/v1/tasks", headers=headers).get_json() if t["number"] == NUMBER)
    statuses = sorted(a["check_status"] for a in
                      client.get(f"/api/v1/tasks/{task['id']}/assignments", headers=headers).get_json())
    assert statuses == sorted(["published"] * 3 + ["entered", "submitted"] + ["open"] * (len(statuses) - 5))

    feed = client.get("/api/v1/results/feed", query_string={"format": "csv"}, headers=headers)
    lines = feed.get_data(as_text=True).splitlines()
    assert feed.mimetype == "text/csv" and lines[0].startswith("id,result_id,version,supersedes_id,corrected")
    assert len(lines) == 1 + 4 and sum(",true," in line for line in lines) == 1

    again = runner.invoke(args=["demo", "load"])
    assert "results published: 0" in again.output
    assert "results due: 0" in again.output
    assert len(client.get("/api/v1/results", headers=headers).get_json()["results"]) == 5
