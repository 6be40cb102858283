"""Reading stored evidence: upright previews of untouched originals, EXIF facts, custody and audit."""
from __future__ import annotations

import io
import uuid
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from backend.audit.canonical import canonical_json
from backend.audit.canonical import sha256_hex as payload_hash
from backend.audit.model import AuditEntry
from backend.db import db
from backend.evidence_store.custody import audit_payload
from backend.evidence_store.model import CustodyEvent
from tests.support.apps import OTHER_DEPARTMENT, OWN_DEPARTMENT
from tests.support.uploads import Tus, jpeg, pdf, sha256_hex

TAIAN = ((36.0, 11.0, 24.0), "N", (117.0, 7.0, 12.0), "E")


@pytest.fixture
def tus(client: FlaskClient, make_user: Callable[..., int], auth_headers: Callable[[str], dict[str, str]]) -> Tus:
    make_user("zhang-wei", "inspector")
    return Tus(client, auth_headers("zhang-wei"))


def uploaded(tus: Tus, data: bytes, filetype: str = "image/jpeg") -> str:
    _, resp = tus.upload(data, filetype=filetype)
    assert resp.status_code == 204, resp.get_json()
    return sha256_hex(data)


def audit_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) or 0


def test_the_preview_is_upright_while_the_original_keeps_its_bytes(tus: Tus) -> None:
    data = jpeg((400, 200), orientation=6)  # stored landscape, to be shown rotated 90 degrees
    sha = uploaded(tus, data)
    original = tus.client.get(f"/api/v1/evidence/{sha}", headers=tus.auth)
    assert original.status_code == 200
    assert sha256_hex(original.data) == sha
    assert original.headers["ETag"] == f'"{sha}"'
    preview = tus.client.get(f"/api/v1/evidence/{sha}/preview", headers=tus.auth)
    thumbnail = tus.client.get(f"/api/v1/evidence/{sha}/thumbnail", headers=tus.auth)
    assert Image.open(io.BytesIO(preview.data)).size == (200, 400)
    assert Image.open(io.BytesIO(thumbnail.data)).size == (160, 320)
    assert Image.open(io.BytesIO(preview.data)).getexif().get(0x0112) is None


def test_previews_and_thumbnails_are_bounded(tus: Tus) -> None:
    sha = uploaded(tus, jpeg((4000, 3000)))
    preview = tus.client.get(f"/api/v1/evidence/{sha}/preview", headers=tus.auth)
    thumbnail = tus.client.get(f"/api/v1/evidence/{sha}/thumbnail", headers=tus.auth)
    assert max(Image.open(io.BytesIO(preview.data)).size) == 1600
    assert max(Image.open(io.BytesIO(thumbnail.data)).size) == 320


def test_exif_capture_time_and_gps_are_extracted(tus: Tus) -> None:
    sha = uploaded(tus, jpeg(captured="2025:03:14 09:26:53", gps=TAIAN))
    blob = tus.client.get(f"/api/v1/evidence/{sha}/custody", headers=tus.auth).get_json()["blob"]
    assert blob["captured_at"] == "2025-03-14T09:26:53"
    assert blob["gps_lat"] == pytest.approx(36.19, abs=1e-6)
    assert blob["gps_lon"] == pytest.approx(117.12, abs=1e-6)
    assert (blob["width"], blob["height"], blob["media_type"]) == (64, 48, "image/jpeg")


def test_southern_and_western_gps_references_give_negative_degrees(tus: Tus) -> None:
    sha = uploaded(tus, jpeg(gps=((33.0, 52.0, 4.0), "S", (151.0, 12.0, 36.0), "W")))
    blob = tus.client.get(f"/api/v1/evidence/{sha}/custody", headers=tus.auth).get_json()["blob"]
    assert blob["gps_lat"] == pytest.approx(-33.867778, abs=1e-6)
    assert blob["gps_lon"] == pytest.approx(-151.21, abs=1e-6)


def test_a_pdf_has_no_preview(tus: Tus) -> None:
    sha = uploaded(tus, pdf(b"x"), "application/pdf")
    resp = tus.client.get(f"/api/v1/evidence/{sha}/preview", headers=tus.auth)
    assert resp.status_code == 404
    assert resp.get_json()["code"] == "evidence.no_preview"


def test_the_custody_trail_starts_with_the_upload_and_every_event_is_in_the_audit_log(app: Flask, tus: Tus) -> None:
    before = audit_count(app)
    sha = uploaded(tus, jpeg())
    assert audit_count(app) >= before + 2
    trail = tus.client.get(f"/api/v1/evidence/{sha}/custody", headers=tus.auth).get_json()["events"]
    assert [e["event"] for e in trail] == ["upload_started", "upload_completed"]
    assert trail[1]["details"]["sha256_verified"] is True
    assert trail[0]["actor_id"] == trail[1]["actor_id"] is not None
    with app.app_context():
        for event in db.session.scalars(sa.select(CustodyEvent)):
            entry = db.session.scalars(sa.select(AuditEntry).where(
                AuditEntry.action == f"custody.{event.event}", AuditEntry.object_id == sha)).one()
            assert entry.payload_sha256 == payload_hash(canonical_json(audit_payload(event)))


def test_every_access_to_the_content_is_a_custody_event_and_an_audit_entry(app: Flask, tus: Tus) -> None:
    sha = uploaded(tus, jpeg())
    before = audit_count(app)
    for path in ("", "/preview", "/thumbnail", ""):
        assert tus.client.get(f"/api/v1/evidence/{sha}{path}", headers=tus.auth).status_code == 200
    assert audit_count(app) == before + 4
    trail = tus.client.get(f"/api/v1/evidence/{sha}/custody", headers=tus.auth).get_json()["events"]
    assert [e["details"].get("variant") for e in trail if e["event"] == "accessed"] == [
        "original", "preview", "thumbnail", "original"]


def test_a_rejected_upload_leaves_a_rejected_event_under_the_declared_hash(app: Flask, tus: Tus) -> None:
    data = pdf(b"x")
    declared = sha256_hex(b"something else")
    tus.upload(data, filetype="application/pdf", sha256=declared)
    with app.app_context():
        events = db.session.scalars(sa.select(CustodyEvent).order_by(CustodyEvent.id)).all()
        assert [(e.blob_sha256, e.event) for e in events] == [(declared, "upload_started"),
                                                              (declared, "upload_rejected")]
        assert events[1].details["reason"] == "upload.hash_mismatch"
        assert events[1].details["actual_sha256"] == sha256_hex(data)


def test_custody_events_cannot_be_changed_or_deleted(app: Flask, tus: Tus) -> None:
    uploaded(tus, pdf(b"x"), "application/pdf")
    with app.app_context():
        for statement in ("UPDATE custody_event SET event = 'forged'", "DELETE FROM custody_event"):
            with pytest.raises(sa.exc.DatabaseError), db.engine.begin() as conn:
                conn.execute(sa.text(statement))


def test_a_range_request_gets_part_of_the_original(tus: Tus) -> None:
    data = pdf(bytes(range(256)) * 40)
    sha = uploaded(tus, data, "application/pdf")
    resp = tus.client.get(f"/api/v1/evidence/{sha}", headers={**tus.auth, "Range": "bytes=100-199"})
    assert resp.status_code == 206
    assert resp.data == data[100:200]


def test_a_colleague_of_the_same_department_and_the_team_lead_may_read_it(
        tus: Tus, make_user: Callable[..., int], auth_headers: Callable[[str], dict[str, str]]) -> None:
    sha = uploaded(tus, pdf(b"x"), "application/pdf")
    make_user("colleague", "inspector")
    make_user("lead", "team_lead")
    for name in ("colleague", "lead"):
        assert tus.client.get(f"/api/v1/evidence/{sha}", headers=auth_headers(name)).status_code == 200


def test_another_department_may_not_read_it_but_an_auditor_may(
        tus: Tus, make_user: Callable[..., int], auth_headers: Callable[[str], dict[str, str]]) -> None:
    sha = uploaded(tus, pdf(b"x"), "application/pdf")
    make_user("eco-lead", "team_lead", department=OTHER_DEPARTMENT)
    make_user("auditor-wu", "auditor")
    denied = tus.client.get(f"/api/v1/evidence/{sha}/custody", headers=auth_headers("eco-lead"))
    assert denied.status_code == 403
    assert denied.get_json()["code"] == "auth.out_of_scope"
    assert tus.client.get(f"/api/v1/evidence/{sha}/custody", headers=auth_headers("auditor-wu")).status_code == 200


def test_unknown_evidence_is_not_found(tus: Tus) -> None:
    for sha in ("0" * 64, "not-a-hash"):
        resp = tus.client.get(f"/api/v1/evidence/{sha}", headers=tus.auth)
        assert resp.status_code == 404
        assert resp.get_json()["code"] == "evidence.not_found"


def joint_team_evidence(app: Flask, client: FlaskClient, make_user: Callable[..., int],
                        auth_headers: Callable[[str], dict[str, str]]) -> tuple[str, dict[str, dict[str, str]]]:
    """A joint task: one team of a market-regulation and an ecology inspector, another team of two
    ecology inspectors. The market-regulation officer submits the record and uploads its photo."""
    from tests.support.draws import seed_entities
    from tests.support.field import RecordDraft, checklist_item, linked_inspector, make_assignments

    people = {"mr-officer": OWN_DEPARTMENT, "eco-officer": OTHER_DEPARTMENT,
              "eco-other-1": OTHER_DEPARTMENT, "eco-other-2": OTHER_DEPARTMENT}
    inspectors, headers = {}, {}
    for name, department in people.items():
        inspectors[name] = linked_inspector(app, make_user(name, "inspector", department=department), department)
        headers[name] = auth_headers(name)
    item = checklist_item(app, OWN_DEPARTMENT)
    entities = seed_entities(app, {"A": 2}, departments=(OWN_DEPARTMENT, OTHER_DEPARTMENT))
    ours = make_assignments(app, entities[:1], [inspectors["mr-officer"], inspectors["eco-officer"]], [item],
                            OWN_DEPARTMENT)[0]
    make_assignments(app, entities[1:], [inspectors["eco-other-1"], inspectors["eco-other-2"]], [item], OWN_DEPARTMENT)
    draft = RecordDraft(ours, [item], [f"I{inspectors['mr-officer']}", f"I{inspectors['eco-officer']}"], photos=1)
    posted = client.post("/api/v1/field/records", json=draft.body(), headers=headers["mr-officer"])
    assert posted.status_code == 201, posted.get_json()
    picture = draft.pictures[0]
    _, resp = Tus(client, headers["mr-officer"]).upload(picture.data, filetype=picture.media_type,
                                                        evidence_id=uuid.UUID(picture.id),
                                                        record_id=uuid.UUID(draft.id))
    assert resp.status_code == 204, resp.get_json()
    return picture.sha256, headers


def test_an_officer_of_another_department_on_the_same_joint_team_reads_the_records_evidence(
        app: Flask, client: FlaskClient, make_user: Callable[..., int],
        auth_headers: Callable[[str], dict[str, str]]) -> None:
    sha, headers = joint_team_evidence(app, client, make_user, auth_headers)
    for path in ("", "/preview", "/thumbnail", "/custody"):
        resp = client.get(f"/api/v1/evidence/{sha}{path}", headers=headers["eco-officer"])
        assert resp.status_code == 200, (path, resp.get_json())
    with app.app_context():
        readers = db.session.scalars(sa.select(CustodyEvent.actor_id).where(
            CustodyEvent.blob_sha256 == sha, CustodyEvent.event == "accessed")).all()
    assert len(readers) == 3 and len(set(readers)) == 1  # each read is in the custody trail, under the reader


def test_an_inspector_of_another_team_of_the_joint_task_may_not_read_it(
        app: Flask, client: FlaskClient, make_user: Callable[..., int],
        auth_headers: Callable[[str], dict[str, str]]) -> None:
    sha, headers = joint_team_evidence(app, client, make_user, auth_headers)
    for path in ("", "/preview", "/thumbnail", "/custody"):
        resp = client.get(f"/api/v1/evidence/{sha}{path}", headers=headers["eco-other-1"])
        assert resp.status_code == 403, path
        assert resp.get_json()["code"] == "auth.out_of_scope"
