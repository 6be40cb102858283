"""Due dates on every result and the per-department overdue and due-soon lists (R5.1)."""
from __future__ import annotations

from datetime import date

import pytest

from tests.support.results import RESULTS, REVIEW, ResultsWorld, results_world

TODAY = date(2026, 10, 19)  # a Monday after the National Day week


@pytest.fixture
def world(app, client, make_user, auth_headers, monkeypatch) -> ResultsWorld:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("backend.results.queries.china_today", lambda: TODAY)
    return results_world(app, client, make_user, auth_headers)


def submitted(world: ResultsWorld, ended: str) -> str:
    assignment_id, _ = world.assignment()
    draft = world.draft(assignment_id, ended=ended)
    world.submit(draft)
    return draft.id


def due(world: ResultsWorld, user: str, **query: object) -> dict:  # type: ignore[type-arg]
    resp = world.client.get(f"{RESULTS}/due", query_string=query, headers=world.headers[user])
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_the_lists_split_open_records_into_overdue_and_due_soon_by_working_days(world: ResultsWorld) -> None:
    late = submitted(world, "2026-09-10")  # due Wed 14 Oct (Sun 20 Sep and Sat 10 Oct worked)
    soon = submitted(world, "2026-09-18")  # due Thu 22 Oct: 3 working days left on Mon 19 Oct
    fresh = submitted(world, "2026-10-16")  # due in November
    world.published(ended="2026-09-01")  # published: on no list

    overdue = due(world, "head", state="overdue")
    assert [r["record_id"] for r in overdue["records"]] == [late]
    assert overdue["records"][0]["clock"] == {"ended_on": "2026-09-10", "due_on": "2026-10-14", "state": "overdue",
                                              "confirmed": True, "unconfirmed_years": []}
    due_soon = due(world, "lead", state="due_soon")
    assert [(r["record_id"], r["clock"]["due_on"]) for r in due_soon["records"]] == [(soon, "2026-10-22")]
    assert [r["record_id"] for r in due(world, "head", state="open")["records"]] == [late, soon, fresh]
    first = due(world, "head", state="open", limit=1)
    assert (first["count"], [r["record_id"] for r in first["records"]]) == (3, [late])
    # the participating department sees the same joint records on its own lists
    assert [r["record_id"] for r in due(world, "other-head", state="overdue")["records"]] == [late]


def test_a_department_outside_the_task_sees_nothing_and_cannot_ask_for_another_departments_list(
        world: ResultsWorld) -> None:
    submitted(world, "2026-09-10")
    assert due(world, "outsider-lead", state="open")["records"] == []
    own = due(world, "head", state="open")
    resp = world.client.get(f"{RESULTS}/due", query_string={"department_id": _department(world, "head")},
                            headers=world.headers["outsider-lead"])
    assert resp.status_code == 403 and resp.get_json()["code"] == "auth.out_of_scope"
    assert own["count"] == 1


def _department(world: ResultsWorld, user: str) -> int:
    import sqlalchemy as sa

    from backend.accounts.model import User
    from backend.db import db

    with world.app.app_context():
        return db.session.scalar(sa.select(User.department_id).where(User.username == user))  # type: ignore[return-value]


def test_a_2027_schedule_added_through_the_api_moves_an_open_records_due_date(world: ResultsWorld, make_user,
                                                                             auth_headers) -> None:
    record_id = submitted(world, "2027-09-24")
    clock = world.client.get(f"{REVIEW}/records/{record_id}", headers=world.headers["lead"]).get_json()["clock"]
    assert (clock["due_on"], clock["confirmed"], clock["unconfirmed_years"]) == ("2027-10-22", False, [2027])

    make_user("calendar-admin", "system_admin")
    admin = auth_headers("calendar-admin")
    etag = world.client.get("/api/v1/workdays/years/2027", headers=admin).headers["ETag"]
    days = [*({"date": f"2027-10-0{d}", "kind": "holiday", "name": "国庆节"} for d in range(1, 8)),
            {"date": "2027-09-26", "kind": "makeup_workday", "name": "国庆节"},
            {"date": "2027-10-09", "kind": "makeup_workday", "name": "国庆节"}]
    resp = world.client.put("/api/v1/workdays/years/2027", json={"notice": "国办发明电〔2026〕12号", "days": days},
                            headers={**admin, "If-Match": etag})
    assert resp.status_code == 200, resp.get_json()

    clock = world.client.get(f"{REVIEW}/records/{record_id}", headers=world.headers["lead"]).get_json()["clock"]
    assert (clock["due_on"], clock["confirmed"]) == ("2027-10-27", True)
