"""Adding a year's schedule from a CSV file, and seeding years a newer library knows."""
from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient

from backend.workdays import services
from backend.workdays.calendar import DayKind, ScheduleDay

YEARS = "/api/v1/workdays/years"
NOTICE = "国办发明电〔2026〕12号"
EXCEL_2027 = ("日期,类型(放假/调休上班),名称\r\n"
              + "".join(f"2027/10/{d},放假,国庆节\r\n" for d in range(1, 8))
              + "2027/9/26,调休上班,国庆节\r\n2027/10/9,调休上班,国庆节\r\n")


@pytest.fixture
def admin(make_user: Callable[..., int], auth_headers: Callable[[str], dict[str, str]]) -> dict[str, str]:
    make_user("calendar-admin", "system_admin")
    return auth_headers("calendar-admin")


def upload(client: FlaskClient, headers: dict[str, str], content: bytes, *, year: int = 2027,
           notice: str | None = NOTICE) -> Any:
    query = {"notice": notice} if notice is not None else {}
    return client.post(f"{YEARS}/{year}/import", query_string=query, headers=headers,
                       data={"file": (io.BytesIO(content), "2027.csv")}, content_type="multipart/form-data")


def due_2027(client: FlaskClient, headers: dict[str, str]) -> str:
    resp = client.get("/api/v1/workdays/due-date", query_string={"end": "2027-09-24"}, headers=headers)
    return resp.get_json()["due"]


def test_a_csv_saved_by_excel_with_chinese_columns_becomes_the_years_schedule(client, admin):
    assert due_2027(client, admin) == "2027-10-22"
    resp = upload(client, admin, EXCEL_2027.encode("gb18030"))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["source"], body["version"], body["notice"], body["confirmed"]) == ("import", 1, NOTICE, True)
    assert {"date": "2027-09-26", "kind": "makeup_workday", "name": "国庆节"} in body["days"]
    assert due_2027(client, admin) == "2027-10-27"


def test_an_import_adds_a_version_and_keeps_the_one_before(client, admin):
    assert upload(client, admin, EXCEL_2027.encode("gb18030")).status_code == 201
    resp = upload(client, admin, "\ufeffdate,kind,name\n2027-10-01,holiday,国庆节\n".encode())
    assert resp.status_code == 201, resp.get_json()
    assert [(v["version"], v["holidays"]) for v in resp.get_json()["history"]] == [(1, 7), (2, 1)]


def test_bad_lines_are_reported_by_line_number_and_nothing_is_stored(client, admin):
    content = ("date,kind,name\n2027-10-01,holiday,国庆节\n2027-10-32,holiday,x\n2027-10-08,makeup_workday,x\n"
               "2027-10-01,makeup_workday,x\n2028-01-01,holiday,元旦\n2027-10-02,放假,国庆节\n2027-10-02,放假,国庆节\n")
    resp = upload(client, admin, content.encode())
    body = resp.get_json()
    assert (resp.status_code, body["code"]) == (422, "workdays.invalid_days")
    lines = body["errors"]["files"]["file"]
    assert {k: list(v) for k, v in lines.items()} == {
        "3": ["date"], "4": ["kind"], "5": ["kind"], "6": ["date"], "8": ["date"]}
    assert client.get(f"{YEARS}/2027", headers=admin).get_json()["confirmed"] is False


@pytest.mark.parametrize("content", [
    pytest.param(b"date,kind,remark\n2027-10-01,holiday,x\n", id="unknown column"),
    pytest.param(b"", id="empty file"),
    pytest.param(b"\xff\xfe\xff", id="not text"),
])
def test_a_file_that_is_not_a_schedule_table_is_refused(client, admin, content):
    resp = upload(client, admin, content)
    body = resp.get_json()
    assert (resp.status_code, body["code"]) == (422, "workdays.invalid_file")
    assert body["errors"]["files"]["file"]


def test_an_import_needs_a_file_and_a_notice(client, admin):
    resp = client.post(f"{YEARS}/2027/import", query_string={"notice": NOTICE}, headers=admin, data={},
                       content_type="multipart/form-data")
    assert resp.status_code == 422 and "file" in resp.get_json()["errors"]["files"]
    resp = upload(client, admin, EXCEL_2027.encode(), notice=None)
    assert resp.status_code == 422 and "notice" in resp.get_json()["errors"]["query"]


def test_only_a_system_administrator_may_import(client, make_user, auth_headers):
    make_user("dept-admin", "department_admin")
    resp = upload(client, auth_headers("dept-admin"), EXCEL_2027.encode())
    assert (resp.status_code, resp.get_json()["code"]) == (403, "auth.forbidden")


def test_seeding_again_right_after_upgrade_adds_nothing(runner):
    result = runner.invoke(args=["workdays", "seed"])
    assert result.exit_code == 0, result.output
    assert "added: none" in result.output


def test_seeding_adds_years_a_newer_library_knows_but_never_replaces_a_stored_year(app, client, admin, runner,
                                                                                monkeypatch):
    assert upload(client, admin, EXCEL_2027.encode()).status_code == 201
    newer = {2027: [ScheduleDay(date(2027, 1, 1), DayKind.HOLIDAY, "元旦")],
             2028: [ScheduleDay(date(2028, 1, 1), DayKind.HOLIDAY, "元旦")]}
    monkeypatch.setattr(services, "library_schedules", lambda: newer)

    result = runner.invoke(args=["workdays", "seed"])
    assert result.exit_code == 0, result.output
    assert "added: 2028" in result.output
    y2027 = client.get(f"{YEARS}/2027", headers=admin).get_json()
    y2028 = client.get(f"{YEARS}/2028", headers=admin).get_json()
    assert (y2027["source"], y2027["version"]) == ("import", 1)
    assert (y2028["source"], y2028["days"]) == ("library", [{"date": "2028-01-01", "kind": "holiday", "name": "元旦"}])
