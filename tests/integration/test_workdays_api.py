"""The working-day calendar through the API: seeded years, due dates, replacing a year's schedule."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from backend.audit.model import AuditEntry
from backend.db import db
from backend.errors import Conflict, PreconditionFailed
from backend.policy import Principal
from backend.workdays import services

YEARS = "/api/v1/workdays/years"
DUE = "/api/v1/workdays/due-date"
NOTICE = "国办发明电〔2026〕12号"
# A 2027 table with a National Day week (Fri 1 - Thu 7 Oct) and two make-up weekend days.
NATIONAL_DAY_2027 = [*({"date": f"2027-10-0{d}", "kind": "holiday", "name": "国庆节"} for d in range(1, 8)),
                     {"date": "2027-09-26", "kind": "makeup_workday", "name": "国庆节"},
                     {"date": "2027-10-09", "kind": "makeup_workday", "name": "国庆节"}]


@pytest.fixture
def admin(make_user: Callable[..., int], auth_headers: Callable[[str], dict[str, str]]) -> dict[str, str]:
    make_user("calendar-admin", "system_admin")
    return auth_headers("calendar-admin")


@pytest.fixture
def inspector(make_user: Callable[..., int], auth_headers: Callable[[str], dict[str, str]]) -> dict[str, str]:
    make_user("calendar-reader", "inspector")
    return auth_headers("calendar-reader")


def put_year(client: FlaskClient, headers: dict[str, str], year: int, body: dict[str, Any]) -> Any:
    etag = client.get(f"{YEARS}/{year}", headers=headers).headers["ETag"]
    return client.put(f"{YEARS}/{year}", json=body, headers={**headers, "If-Match": etag})


def due(client: FlaskClient, headers: dict[str, str], end: str, days: int = 20) -> dict[str, Any]:
    resp = client.get(DUE, query_string={"end": end, "days": days}, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def audit_count(app: Flask, action: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == action)) or 0


def test_every_year_the_library_knows_is_stored_right_after_upgrade_and_next_year_is_unconfirmed(
        client, inspector, monkeypatch):
    monkeypatch.setattr(services, "china_today", lambda: date(2026, 11, 25))
    years = {y["year"]: y for y in client.get(YEARS, headers=inspector).get_json()}
    assert set(range(2004, 2027)) <= set(years)
    seeded = {(y["source"], y["confirmed"], y["version"]) for n, y in years.items() if n <= 2026}
    assert seeded == {("library", True, 1)}
    assert years[2026]["seeded_from"].startswith("chinese-calendar ")
    assert years[2027] == {**years[2027], "year": 2027, "confirmed": False, "source": None, "version": None}


def test_a_year_lists_its_holidays_and_make_up_working_days(client, inspector):
    body = client.get(f"{YEARS}/2026", headers=inspector).get_json()
    assert (body["confirmed"], body["source"], body["version"], body["current_version"]) == (True, "library", 1, 1)
    assert {"date": "2026-02-14", "kind": "makeup_workday", "name": "春节"} in body["days"]
    assert {"date": "2026-10-07", "kind": "holiday", "name": "国庆节"} in body["days"]
    assert (body["holidays"], body["makeup_workdays"]) == (33, 6)


def test_a_year_without_a_schedule_answers_unconfirmed_with_no_days(client, inspector):
    body = client.get(f"{YEARS}/2030", headers=inspector).get_json()
    assert (body["confirmed"], body["days"], body["history"], body["version"]) == (False, [], [], None)


@pytest.mark.parametrize("year", [1999, 2101, 99999])
def test_a_year_outside_the_calendar_is_not_found(client, inspector, year):
    resp = client.get(f"{YEARS}/{year}", headers=inspector)
    assert (resp.status_code, resp.get_json()["code"]) == (404, "workdays.year_unsupported")


def test_a_check_ending_before_the_spring_festival_2026_is_due_after_it(client, inspector):
    assert due(client, inspector, "2026-02-13") == {
        "end": "2026-02-13", "days": 20, "due": "2026-03-19", "confirmed": True, "unconfirmed_years": []}


def test_the_number_of_working_days_can_be_asked_for(client, inspector):
    assert due(client, inspector, "2026-09-18", days=20)["due"] == "2026-10-22"
    assert due(client, inspector, "2026-02-13", days=1)["due"] == "2026-02-14"


@pytest.mark.parametrize(("query", "where", "code"), [
    ({"end": "2026-02-30"}, "end", "validation.failed"),
    ({}, "end", "validation.failed"),
    ({"end": "2026-02-13", "days": 0}, "days", "validation.failed"),
    ({"end": "2026-02-13", "days": 251}, "days", "validation.failed"),
    ({"end": "2026-02-13", "days": "1.5"}, "days", "validation.failed"),
    ({"end": "1999-12-31"}, "end", "workdays.date_unsupported"),
])
def test_a_bad_due_date_question_is_refused(client, inspector, query, where, code):
    resp = client.get(DUE, query_string=query, headers=inspector)
    body = resp.get_json()
    assert (resp.status_code, body["code"]) == (422, code)
    assert where in body["errors"]["query"]


def test_the_due_date_needs_a_signed_in_caller(client):
    assert client.get(DUE, query_string={"end": "2026-02-13"}).status_code == 401


def test_a_2027_table_added_through_the_api_changes_a_due_date(app, client, admin, inspector):
    before = due(client, inspector, "2027-09-24")
    assert before == {**before, "due": "2027-10-22", "confirmed": False, "unconfirmed_years": [2027]}

    resp = put_year(client, admin, 2027, {"notice": NOTICE, "days": NATIONAL_DAY_2027})
    assert resp.status_code == 200, resp.get_json()
    assert (resp.get_json()["source"], resp.get_json()["version"], resp.get_json()["notice"]) == ("admin", 1, NOTICE)

    # Sun 26 Sep is day 1, 1-7 Oct are off, Sat 9 Oct is day 7: the due date moves three working days.
    after = due(client, inspector, "2027-09-24")
    assert after == {**after, "due": "2027-10-27", "confirmed": True, "unconfirmed_years": []}
    assert audit_count(app, "workdays.schedule_replace") == 1


def test_replacing_a_year_keeps_the_old_version_readable(client, admin, inspector):
    corrected = {"notice": NOTICE, "days": [{"date": "2026-10-08", "kind": "holiday", "name": "国庆节"}]}
    resp = put_year(client, admin, 2026, corrected)
    assert resp.status_code == 200, resp.get_json()

    now = client.get(f"{YEARS}/2026", headers=inspector).get_json()
    assert (now["version"], now["source"], now["days"]) == (2, "admin", corrected["days"])
    assert [(v["version"], v["source"]) for v in now["history"]] == [(1, "library"), (2, "admin")]
    old = client.get(f"{YEARS}/2026", query_string={"version": 1}, headers=inspector).get_json()
    assert (old["version"], old["current_version"], len(old["days"])) == (1, 2, 39)
    # The calendar follows the current version only: 14-16 Feb are ordinary days again.
    assert due(client, inspector, "2026-02-13", days=1)["due"] == "2026-02-16"


def test_an_unknown_version_of_a_year_is_not_found(client, inspector):
    resp = client.get(f"{YEARS}/2026", query_string={"version": 2}, headers=inspector)
    assert (resp.status_code, resp.get_json()["code"]) == (404, "workdays.version_not_found")


def test_replacing_a_year_needs_the_version_the_caller_read(client, admin):
    body = {"notice": NOTICE, "days": NATIONAL_DAY_2027}
    assert client.put(f"{YEARS}/2027", json=body, headers=admin).status_code == 428
    stale = client.get(f"{YEARS}/2027", headers=admin).headers["ETag"]
    assert put_year(client, admin, 2027, body).status_code == 200
    resp = client.put(f"{YEARS}/2027", json=body, headers={**admin, "If-Match": stale})
    assert resp.status_code == 412


def test_an_inspector_may_read_the_calendar_but_not_change_it(client, inspector):
    resp = put_year(client, inspector, 2027, {"notice": NOTICE, "days": NATIONAL_DAY_2027})
    assert (resp.status_code, resp.get_json()["code"]) == (403, "auth.forbidden")


def test_a_holiday_on_a_weekend_is_accepted(client, admin):
    days = [{"date": "2027-10-02", "kind": "holiday", "name": "国庆节"}]  # a Saturday
    assert put_year(client, admin, 2027, {"notice": NOTICE, "days": days}).status_code == 200


def day(d: str, kind: str = "holiday") -> dict[str, str]:
    return {"date": d, "kind": kind, "name": "国庆节"}


@pytest.mark.parametrize(("body", "path"), [
    pytest.param({"notice": NOTICE, "days": [day("2027-10-01"), day("2026-10-01")]}, ["days", "1", "date"],
                 id="date outside the year"),
    pytest.param({"notice": NOTICE, "days": [day("2027-10-01"), day("2027-10-01")]}, ["days", "1", "date"],
                 id="duplicate date"),
    pytest.param({"notice": NOTICE, "days": [day("2027-10-09", "makeup_workday"), day("2027-10-09")]},
                 ["days", "1", "kind"], id="a date both holiday and make-up"),
    pytest.param({"notice": NOTICE, "days": [day("2027-10-08", "makeup_workday")]}, ["days", "0", "kind"],
                 id="make-up working day on a Friday"),
    pytest.param({"notice": NOTICE, "days": [day("2027-10-01"), day("2027-13-01")]}, ["days", "1", "date"],
                 id="malformed date"),
    pytest.param({"notice": NOTICE, "days": [day("2027-10-01", "vacation")]}, ["days", "0", "kind"],
                 id="unknown kind"),
    pytest.param({"notice": NOTICE, "days": [{**day("2027-10-01"), "name": "x" * 61}]}, ["days", "0", "name"],
                 id="name too long"),
    pytest.param({"notice": NOTICE, "days": []}, ["days"], id="no days"),
    pytest.param({"days": [day("2027-10-01")]}, ["notice"], id="no notice"),
    pytest.param({"notice": "   ", "days": [day("2027-10-01")]}, ["notice"], id="blank notice"),
    pytest.param({"notice": NOTICE, "days": [day("2027-10-01")], "year": 2027}, ["year"], id="unknown field"),
])
def test_a_bad_schedule_is_refused_with_errors_per_row_and_changes_nothing(app, client, admin, body, path):
    assert put_year(client, admin, 2027, {"notice": NOTICE, "days": NATIONAL_DAY_2027}).status_code == 200
    before = client.get(f"{YEARS}/2027", headers=admin).get_json()
    audits = audit_count(app, "workdays.schedule_replace")

    resp = put_year(client, admin, 2027, body)
    assert resp.status_code == 422, resp.get_json()
    errors = resp.get_json()["errors"]["json"]
    for key in path:
        errors = errors[key]
    assert errors
    assert client.get(f"{YEARS}/2027", headers=admin).get_json() == before
    assert audit_count(app, "workdays.schedule_replace") == audits


def test_a_stored_schedule_cannot_be_rewritten_in_the_database(app):
    with app.app_context():
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(sa.text("UPDATE holiday_schedule_day SET kind = 'holiday' WHERE year = 2026"))
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(sa.text("DELETE FROM holiday_schedule WHERE year = 2026"))


def test_a_replacement_based_on_an_older_version_is_refused_by_the_service(app, make_user):
    caller = Principal(make_user("service-admin", "system_admin"), "service-admin", 1, None,
                       frozenset({"system_admin"}))
    body = {"notice": NOTICE, "days": [{"date": date(2026, 10, 8), "kind": "holiday", "name": "国庆节"}]}
    with app.test_request_context(), pytest.raises(PreconditionFailed) as err:
        services.replace_schedule(caller, 2026, body, based_on=None)  # the caller never saw version 1
    assert err.value.code == "workdays.schedule_changed"


def test_two_replacements_racing_for_one_version_number_end_in_a_conflict_not_an_error(app, make_user,
                                                                                         monkeypatch):
    caller = Principal(make_user("service-admin", "system_admin"), "service-admin", 1, None,
                       frozenset({"system_admin"}))
    body = {"notice": NOTICE, "days": [{"date": date(2026, 10, 8), "kind": "holiday", "name": "国庆节"}]}
    # The other writer's version 1 is already stored when this one reads "no version yet".
    monkeypatch.setattr(services, "latest_version", lambda session, year: None)
    with app.test_request_context(), pytest.raises(Conflict) as err:
        services.replace_schedule(caller, 2026, body, based_on=None)
    assert err.value.code == "workdays.concurrent_change"
    with app.app_context():
        assert services.year_view(2026)["current_version"] == 1
