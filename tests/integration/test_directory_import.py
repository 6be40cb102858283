"""Importing the target directory through the API: formats, dry runs, idempotent upserts, history."""
from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from backend.db import db
from backend.directory.history import entity_snapshot
from backend.directory.model import EntityChange, MarketEntity
from backend.directory.importing.model import staged_entity, staged_link
from tests.support.directory import credit_code, headers_for  # noqa: F401
from tests.support.directory_imports import csv_bytes, english, entity_row, upload, xlsx_bytes

URL = "/api/v1/directory/imports"


def entities(app) -> dict[str, MarketEntity]:
    with app.app_context():
        return {e.credit_code: e for e in db.session.scalars(sa.select(MarketEntity))}


def history(app) -> list[EntityChange]:
    with app.app_context():
        return list(db.session.scalars(sa.select(EntityChange).order_by(EntityChange.id)))


def report(client, headers, job) -> list[dict[str, str]]:
    resp = client.get(job["errors_url"], headers=headers)
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))


def imported(client, headers, data, filename="entities.csv", **kw):
    resp = upload(client, headers, data, filename, **kw)
    assert resp.status_code == 201, resp.get_json()
    assert resp.headers["Location"] == f"{URL}/{resp.get_json()['id']}"
    return resp.get_json()


@pytest.mark.parametrize(("make", "filename", "encoding"), [
    (lambda rows: csv_bytes(rows), "entities.csv", "utf-8"),
    (lambda rows: csv_bytes(rows, encoding="gb18030"), "entities.csv", "gb18030"),
    (lambda rows: csv_bytes(english(rows)), "entities.csv", "utf-8"),
    (lambda rows: xlsx_bytes(rows), "entities.xlsx", None),
], ids=["utf-8", "gb18030", "english-headers", "xlsx"])
def test_a_valid_file_imports_every_row_with_its_history_and_supervision(app, client, headers_for, make, filename,
                                                                         encoding):
    rows = [entity_row(n) for n in range(1, 6)] + [entity_row(6, division_code="370903", registration_status="注销")]
    job = imported(client, headers_for("system_admin"), make(rows), filename)
    assert (job["status"], job["imported"], job["created"], job["rejected"]) == ("succeeded", 6, 6, 0)
    assert job["encoding"] == encoding and job["file_format"] == filename.rsplit(".", 1)[1]
    stored = entities(app)
    assert sorted(stored) == sorted(credit_code(n) for n in range(1, 7))
    sixth = stored[credit_code(6)]
    assert (sixth.division_code, sixth.registration_status, sixth.risk_scheme) == ("370911", "deregistered", "shandong")
    with app.app_context():
        for entity in db.session.scalars(sa.select(MarketEntity)):
            change = db.session.scalars(sa.select(EntityChange).where(EntityChange.entity_id == entity.id)).one()
            assert (change.version, change.action, change.actor) == (1, "create", f"import:{job['id']}")
            assert change.after == entity_snapshot(entity)  # what the API would have written
            assert entity.supervising_departments == ["market_regulation"]


def test_history_snapshots_keep_coordinates_with_many_digits_exactly(app, client, headers_for):
    rows = [entity_row(1, latitude="36.123456789012345", longitude="117.00000000000001"),
            entity_row(2, latitude="", longitude="", registered_on="")]
    imported(client, headers_for("system_admin"), csv_bytes(rows))
    with app.app_context():
        for entity in db.session.scalars(sa.select(MarketEntity)):
            change = db.session.scalars(sa.select(EntityChange).where(EntityChange.entity_id == entity.id)).one()
            assert change.after == entity_snapshot(entity)
    assert entities(app)[credit_code(1)].latitude == 36.123456789012345


def test_a_new_entity_whose_cell_lists_departments_out_of_order_gets_the_same_history_as_the_api_writes(
        app, client, headers_for):
    resp = client.post("/api/v1/sub-directories", json={"department": "ecology", "code": "pollutant_discharge",
                                                         "name_zh": "排污许可"}, headers=headers_for("system_admin"))
    assert resp.status_code == 201
    rows = [entity_row(1, supervising_departments="market_regulation；ecology",
                       sub_directories="ecology/pollutant_discharge")]
    imported(client, headers_for("system_admin"), csv_bytes(rows))
    with app.app_context():
        entity = db.session.scalars(sa.select(MarketEntity)).one()
        (change,) = db.session.scalars(sa.select(EntityChange).where(EntityChange.entity_id == entity.id))
        assert change.after["supervising_departments"] == ["ecology", "market_regulation"]
        assert change.after == entity_snapshot(entity)


def test_a_dry_run_writes_nothing_but_says_what_would_happen(app, client, headers_for):
    job = imported(client, headers_for("system_admin"), csv_bytes([entity_row(n) for n in range(1, 4)]), dry_run=True)
    assert (job["status"], job["dry_run"], job["imported"], job["valid"], job["created"]) == \
        ("succeeded", True, 0, 3, 3)
    assert entities(app) == {} and history(app) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(staged_entity)) == 0


def test_importing_the_same_file_again_changes_nothing_and_writes_no_history(app, client, headers_for):
    data = csv_bytes([entity_row(n) for n in range(1, 5)])
    imported(client, headers_for("system_admin"), data)
    before = {c: e.version for c, e in entities(app).items()}
    again = imported(client, headers_for("system_admin"), data)
    assert (again["status"], again["imported"], again["created"], again["updated"], again["unchanged"]) == \
        ("succeeded", 4, 0, 0, 4)
    assert {c: e.version for c, e in entities(app).items()} == before
    assert len(history(app)) == 4


def test_changed_rows_make_a_new_version_with_the_record_before_and_after(app, client, headers_for):
    imported(client, headers_for("system_admin"), csv_bytes([entity_row(n) for n in range(1, 4)]))
    rows = [entity_row(1, name="泰安市改名商贸有限公司"), entity_row(2, registration_status="吊销"), entity_row(3)]
    job = imported(client, headers_for("system_admin"), csv_bytes(rows))
    assert (job["created"], job["updated"], job["unchanged"]) == (0, 2, 1)
    stored = entities(app)
    assert (stored[credit_code(1)].name, stored[credit_code(1)].version) == ("泰安市改名商贸有限公司", 2)
    assert (stored[credit_code(3)].version) == 1
    changes = {(c.entity_id, c.version): c for c in history(app)}
    renamed = changes[(stored[credit_code(1)].id, 2)]
    assert renamed.action == "update" and renamed.before["name"] == "泰安市测试1商贸有限公司"
    assert renamed.after["name"] == "泰安市改名商贸有限公司"
    with app.app_context():
        assert renamed.after == entity_snapshot(db.session.get(MarketEntity, stored[credit_code(1)].id))
    revoked = changes[(stored[credit_code(2)].id, 2)]
    assert revoked.action == "status_change" and revoked.after["registration_status"] == "revoked"


def test_columns_the_file_lacks_keep_their_stored_values(app, client, headers_for):
    imported(client, headers_for("system_admin"), csv_bytes([entity_row(1, risk_class="D")]))
    slim = {k: v for k, v in entity_row(1, name="泰安市新名有限公司").items() if k in
            ("统一社会信用代码", "名称", "主体类型", "行政区划代码", "行业代码")}
    imported(client, headers_for("system_admin"), csv_bytes([slim]))
    entity = entities(app)[credit_code(1)]
    assert (entity.name, entity.risk_class, entity.legal_representative, entity.version) == \
        ("泰安市新名有限公司", "D", "王某明", 2)


def test_an_entity_without_a_code_is_matched_by_its_local_id(app, client, headers_for):
    row = entity_row(1, credit_code=..., local_id="TA-XIAOCHI-0001", entity_type="个体工商户", name="泰山某小吃部")
    imported(client, headers_for("system_admin"), csv_bytes([row]))
    job = imported(client, headers_for("system_admin"), csv_bytes([{**row, "名称": "泰山某小吃店"}]))
    assert (job["created"], job["updated"]) == (0, 1)
    with app.app_context():
        stored = db.session.scalars(sa.select(MarketEntity)).one()
        assert (stored.local_id, stored.name, stored.credit_code) == ("TA-XIAOCHI-0001", "泰山某小吃店", None)


def test_supervision_and_sub_directories_are_added_never_removed(app, client, headers_for):
    admin = headers_for("system_admin")
    resp = client.post("/api/v1/sub-directories", json={"department": "ecology", "code": "pollutant_discharge",
                                                         "name_zh": "排污许可"}, headers=admin)
    assert resp.status_code == 201
    imported(client, admin, csv_bytes([entity_row(1, supervising_departments="market_regulation；ecology")]))
    job = imported(client, admin, csv_bytes([entity_row(1, supervising_departments="ecology",
                                                        sub_directories="ecology/pollutant_discharge")]))
    assert job["updated"] == 1
    with app.app_context():
        entity = db.session.scalars(sa.select(MarketEntity)).one()
        assert entity.supervising_departments == ["ecology", "market_regulation"]
        assert [s.label for s in entity.sub_directories] == ["ecology/pollutant_discharge"]
    assert history(app)[-1].after["sub_directories"] == ["ecology/pollutant_discharge"]


def test_a_department_administrator_imports_for_their_own_department(app, client, headers_for):
    row = entity_row(1, supervising_departments="")
    job = imported(client, headers_for("department_admin"), csv_bytes([row]))
    assert job["department"] == "market_regulation" and job["created"] == 1
    assert entities(app)[credit_code(1)].supervising_departments == ["market_regulation"]


def test_a_department_administrator_may_not_name_another_department(client, headers_for):
    resp = upload(client, headers_for("department_admin"), csv_bytes([entity_row(1)]), department="ecology")
    assert resp.status_code == 403 and resp.get_json()["code"] == "auth.out_of_scope"


def test_rows_beyond_a_department_administrators_reach_are_rejected_row_by_row(app, client, headers_for):
    imported(client, headers_for("system_admin"), csv_bytes([entity_row(1, supervising_departments="ecology")]))
    rows = [entity_row(1, name="改名", supervising_departments=""), entity_row(2, supervising_departments="ecology")]
    job = imported(client, headers_for("department_admin"), csv_bytes(rows))
    assert (job["status"], job["rejected"]) == ("rejected", 2)
    lines = report(client, headers_for("department_admin"), job)
    assert [(r["row"], r["code"], r["column"]) for r in lines] == [
        ("2", "auth.out_of_scope", "监管部门"), ("3", "auth.out_of_scope", "监管部门")]
    assert entities(app)[credit_code(1)].name == "泰安市测试1商贸有限公司"


def test_a_system_administrator_may_import_for_any_department(app, client, headers_for):
    job = imported(client, headers_for("system_admin"), csv_bytes([entity_row(1, supervising_departments="")]),
                   department="ecology")
    assert job["department"] == "ecology"
    assert entities(app)[credit_code(1)].supervising_departments == ["ecology"]


def test_each_import_is_audited_when_it_starts_and_when_it_ends(client, headers_for):
    job = imported(client, headers_for("system_admin"), csv_bytes([entity_row(1)]))
    entries = client.get("/api/v1/audit/entries", query_string={"object_type": "import_job", "object_id": job["id"]},
                         headers=headers_for("auditor")).get_json()
    ordered = sorted(entries, key=lambda e: e["index"])
    assert [(e["action"], e["actor"]) for e in ordered] == [("directory_import.create", str(job["created_by"])),
                                                            ("directory_import.finish", str(job["created_by"]))]


def test_the_job_list_shows_a_department_its_own_imports_only(client, headers_for):
    imported(client, headers_for("system_admin"), csv_bytes([entity_row(1)]), department="ecology")
    mine = imported(client, headers_for("department_admin"), csv_bytes([entity_row(2)]))
    listed = client.get(URL, headers=headers_for("department_admin")).get_json()
    assert [j["id"] for j in listed] == [mine["id"]]
    assert len(client.get(URL, headers=headers_for("system_admin")).get_json()) == 2
    other = client.get(URL, query_string={"department": "ecology"}, headers=headers_for("system_admin")).get_json()
    assert [j["department"] for j in other] == ["ecology"]


@pytest.mark.parametrize(("form", "field"), [
    ({"kind": "entities", "dry_run": "false"}, "file"),
    ({"kind": "everything", "file": (io.BytesIO(b"x"), "a.csv")}, "kind"),
    ({"kind": "entities", "file": (io.BytesIO(b"x"), "a.csv"), "mode": "fast"}, "mode"),
])
def test_a_malformed_import_request_is_a_422(client, headers_for, form, field):
    resp = client.post(URL, data=form, headers=headers_for("system_admin"), content_type="multipart/form-data")
    assert resp.status_code == 422
    assert field in resp.get_json()["errors"]["multipart"]


def test_an_unknown_job_is_a_404(client, headers_for):
    resp = client.get(f"{URL}/00000000-0000-4000-8000-000000000000", headers=headers_for("system_admin"))
    assert resp.status_code == 404 and resp.get_json()["code"] == "import.not_found"


def test_no_staging_rows_are_left_behind(app, client, headers_for):
    imported(client, headers_for("system_admin"), csv_bytes([entity_row(n) for n in range(1, 4)]))
    with app.app_context():
        for table in (staged_entity, staged_link):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(table)) == 0
