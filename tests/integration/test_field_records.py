"""Check records (docs/field-api.md §2-3): idempotent submission, validation, evidence, amendments."""
from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from backend.field.canonical import canonical_json
from tests.support.apps import OTHER_DEPARTMENT, OWN_DEPARTMENT
from tests.support.field import Evidence, FieldWorld, RecordDraft, digest_of, field_world, photo
from tests.support.uploads import Tus

RECORDS = "/api/v1/field/records"


@pytest.fixture
def world(app, make_user, auth_headers) -> FieldWorld:  # type: ignore[no-untyped-def]
    return field_world(app, make_user, auth_headers, OWN_DEPARTMENT, OTHER_DEPARTMENT)


def post(client: FlaskClient, world: FieldWorld, body: Any, user: str = "lead") -> Any:
    return client.post(RECORDS, json=body, headers=world.headers[user])


def upload(client: FlaskClient, world: FieldWorld, draft: RecordDraft, evidence: Evidence, user: str = "lead",
           data: bytes | None = None) -> None:
    _, resp = Tus(client, world.headers[user]).upload(data or evidence.data, filetype=evidence.media_type,
                                                      evidence_id=uuid.UUID(evidence.id), record_id=uuid.UUID(draft.id))
    assert resp.status_code == 204, resp.get_json()


def count_records(world: FieldWorld) -> int:
    from backend.db import db
    from backend.field.model import CheckRecord, CheckRecordRevision

    with world.app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(CheckRecord)) + \
            db.session.scalar(sa.select(sa.func.count()).select_from(CheckRecordRevision))


def test_a_record_is_accepted_once_and_the_same_body_again_answers_the_first_result(
        client: FlaskClient, world: FieldWorld) -> None:
    body = world.draft().body()
    first = post(client, world, body)
    assert first.status_code == 201, first.get_json()
    again = post(client, world, body, user="partner")
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert first.get_json()["status"] == "submitted" and first.headers["ETag"] == '"r1"'
    assert count_records(world) == 2


def test_a_different_body_under_the_same_id_is_a_conflict(client: FlaskClient, world: FieldWorld) -> None:
    draft = world.draft()
    assert post(client, world, draft.body()).status_code == 201
    resp = post(client, world, draft.body(notes="改过的内容"))
    assert resp.status_code == 409
    assert resp.get_json()["code"] == "record.id_conflict"


def test_the_status_lists_declared_evidence_still_missing_until_all_arrives(
        client: FlaskClient, world: FieldWorld) -> None:
    draft = world.draft(photos=2)
    status = post(client, world, draft.body()).get_json()
    assert status["complete"] is False and status["declared_evidence"] == 5
    assert {m["id"] for m in status["missing_evidence"]} == {e.id for e in draft.evidence}
    for evidence in draft.evidence[:-1]:
        upload(client, world, draft, evidence)
    status = client.get(f"{RECORDS}/{draft.id}", headers=world.headers["lead"]).get_json()
    assert [m["id"] for m in status["missing_evidence"]] == [draft.evidence[-1].id]
    upload(client, world, draft, draft.evidence[-1], user="partner")
    status = client.get(f"{RECORDS}/{draft.id}", headers=world.headers["lead"]).get_json()
    assert status["complete"] is True and status["received_evidence"] == 5
    assert status["record"]["digest"] == draft.body()["digest"]


def test_evidence_that_arrived_with_another_hash_counts_as_missing(client: FlaskClient, world: FieldWorld) -> None:
    draft = world.draft(photos=1)
    declared = draft.pictures[0]
    other = photo(99)  # the bytes that really arrived under the declared evidence id
    upload(client, world, draft, Evidence(declared.id, "photo", other.data, "image/jpeg"))
    status = post(client, world, draft.body()).get_json()
    [missing] = [m for m in status["missing_evidence"] if m["id"] == declared.id]
    assert missing == {"id": declared.id, "sha256": declared.sha256, "reason": "hash_mismatch"}


def test_evidence_uploaded_by_someone_off_the_team_does_not_count(client: FlaskClient, world: FieldWorld,
                                                                  make_user, auth_headers) -> None:  # type: ignore[no-untyped-def]
    draft = world.draft()
    make_user("stranger", "inspector")
    world.headers["stranger"] = auth_headers("stranger")
    upload(client, world, draft, draft.signatures[0], user="stranger")
    status = post(client, world, draft.body()).get_json()
    assert {m["reason"] for m in status["missing_evidence"] if m["id"] == draft.signatures[0].id} == \
        {"uploader_not_on_team"}


@pytest.mark.parametrize("whole", [False, True], ids=["creation-then-patch", "whole-file-creation"])
def test_evidence_for_a_record_of_another_team_is_refused_before_anything_is_kept(
        client: FlaskClient, world: FieldWorld, make_user, auth_headers, whole: bool) -> None:  # type: ignore[no-untyped-def]
    from backend.db import db
    from backend.uploads.model import Upload

    draft = world.draft()
    assert post(client, world, draft.body()).status_code == 201
    make_user("stranger", "inspector")
    signature = draft.signatures[0]
    resp = Tus(client, auth_headers("stranger")).create(
        signature.data, filetype=signature.media_type, evidence_id=uuid.UUID(signature.id),
        record_id=uuid.UUID(draft.id), body=signature.data if whole else None)
    assert resp.status_code == 403
    assert resp.get_json()["code"] == "upload.not_your_record"
    with world.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 0
    upload(client, world, draft, signature)  # the team's own upload of it goes through
    status = post(client, world, draft.body()).get_json()
    assert signature.id not in {m["id"] for m in status["missing_evidence"]}


def test_a_record_for_someone_elses_assignment_is_forbidden(client: FlaskClient, world: FieldWorld) -> None:
    resp = post(client, world, world.draft().body(), user="outsider")
    assert resp.status_code == 403
    assert resp.get_json()["code"] == "field.not_your_assignment"
    assert count_records(world) == 0


def _one_officer(d: RecordDraft) -> dict[str, Any]:
    return {"officers": d.body()["officers"][:1]}


def _outsider(world: FieldWorld) -> Any:
    return lambda d: {"officers": [*d.body()["officers"][:1], {"inspector_id": world.key("outsider"),
                                                               "signature_evidence_id": d.signatures[1].id}]}


BAD = {
    "fewer than two officers": (lambda w: _one_officer, "officers"),
    "an officer not on the team": (lambda w: _outsider(w), "officers"),
    "an undeclared signature": (lambda w: lambda d: {"party": {**d.body()["party"],
                                                                 "signature_evidence_id": str(uuid.uuid4())}},
                                "party.signature_evidence_id"),
    "a refusal without a witness": (lambda w: lambda d: {"party": {"present": True, "name": "王某", "signed": False,
                                                                   "signature_evidence_id": None, "refused": True,
                                                                   "witness": None}}, "party.witness"),
    "an undeclared photo in the answers": (
        lambda w: lambda d: {"answers": {w.item: {"licence_valid": "no", "licence_photos": [str(uuid.uuid4())],
                                                  "inspector_signature": d.signatures[0].id}}},
        "answers.{item}.licence_photos"),
    "a missing required answer": (lambda w: lambda d: {"answers": {w.item: {"licence_valid": "yes"}}},
                                  "answers.{item}.inspector_signature"),
    "an answer to a hidden question": (
        lambda w: lambda d: {"answers": {w.item: {"licence_valid": "yes", "business_format": "retail",
                                                  "fridge_temp": 4, "inspector_signature": d.signatures[0].id}}},
        "answers.{item}.fridge_temp"),
    "a number with too many decimals": (
        lambda w: lambda d: {"answers": {w.item: {"licence_valid": "yes", "business_format": "catering",
                                                  "fridge_temp": 4.25, "inspector_signature": d.signatures[0].id}}},
        "answers.{item}.fridge_temp"),
    "an unknown result category": (lambda w: lambda d: {"result_categories": {w.item: ["fine"]}},
                                   "result_categories.{item}"),
    "another template version": (lambda w: lambda d: {"templates": {w.item: f"{w.item}@7"}}, "templates"),
    "an unknown evidence kind": (lambda w: lambda d: {"evidence": [{**d.body()["evidence"][0], "kind": "smell"},
                                                                   *d.body()["evidence"][1:]]}, "evidence.0.kind"),
    "a malformed record id": (lambda w: lambda d: {"id": "not-a-uuid"}, "id"),
    "an upper-case record id": (lambda w: lambda d: {"id": d.id.upper()}, "id"),
}


@pytest.mark.parametrize("case", BAD)
def test_an_invalid_record_is_refused_with_the_field_named_and_nothing_stored(
        client: FlaskClient, world: FieldWorld, case: str) -> None:
    make, field = BAD[case]
    draft = world.draft()
    resp = post(client, world, draft.body(**make(world)(draft)))
    assert resp.status_code == 422, resp.get_json()
    body = resp.get_json()
    assert body["code"] == "record.invalid"
    assert field.format(item=world.item) in body["errors"]["json"], body["errors"]
    assert count_records(world) == 0


def test_a_record_whose_digest_does_not_match_is_refused(client: FlaskClient, world: FieldWorld) -> None:
    body = world.draft().body()
    body["notes"] = "digest computed before this change"
    resp = post(client, world, body)
    assert resp.status_code == 422
    assert resp.get_json()["code"] == "record.digest_mismatch"
    assert resp.get_json()["details"]["computed"] == digest_of(body)


def test_the_digest_covers_the_numbers_as_javascript_writes_them_whatever_their_spelling(
        client: FlaskClient, world: FieldWorld) -> None:
    """The app hashes 36 and 1e-7 (JSON.stringify); Python would print the parsed 36.0 and 1e-07."""
    body = world.draft().body(gps=[{"lat": 36.0, "lon": 117.0, "accuracy_m": 1e-7, "at": "2027-03-02T09:15:00+08:00",
                                    "purpose": "start", "evidence_id": None}])
    assert '"accuracy_m":1e-7,"at"' in canonical_json(body).decode() and '"lat":36,' in canonical_json(body).decode()
    text = json.dumps(body).replace('"accuracy_m": 1e-07', '"accuracy_m": 0.0000001')  # and 36.0, 117.0 as such
    assert '"lat": 36.0' in text
    resp = client.post(RECORDS, data=text, headers={**world.headers["lead"], "Content-Type": "application/json"})
    assert resp.status_code == 201, resp.get_json()
    assert client.post(RECORDS, json=body, headers=world.headers["lead"]).status_code == 200  # the same record


def test_a_body_that_is_not_a_json_object_is_refused(client: FlaskClient, world: FieldWorld) -> None:
    resp = post(client, world, [1, 2, 3])
    assert resp.status_code == 422 and resp.get_json()["code"] == "record.invalid"


def test_a_stored_revision_cannot_be_changed_in_the_database(client: FlaskClient, world: FieldWorld) -> None:
    from backend.db import db

    assert post(client, world, world.draft().body()).status_code == 201
    with world.app.app_context(), pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.text("UPDATE check_record_revision SET digest = 'x'"))
        db.session.commit()


def amend(client: FlaskClient, world: FieldWorld, draft: RecordDraft, body: Any, if_match: str | None) -> Any:
    headers = {**world.headers["lead"], **({"If-Match": if_match} if if_match else {})}
    return client.post(f"{RECORDS}/{draft.id}/revisions", json=body, headers=headers)


def test_an_amendment_is_a_new_revision_naming_its_base_and_is_idempotent(
        client: FlaskClient, world: FieldWorld) -> None:
    draft = world.draft()
    post(client, world, draft.body())
    changed = draft.body(notes="补充说明")
    first = amend(client, world, draft, changed, '"r1"')
    assert first.status_code == 201 and first.get_json()["revision"] == 2
    again = amend(client, world, draft, changed, '"r1"')
    assert again.status_code == 200 and again.get_json()["revision"] == 2
    current = client.get(f"{RECORDS}/{draft.id}", headers=world.headers["partner"])
    assert current.headers["ETag"] == '"r2"' and current.get_json()["record"]["notes"] == "补充说明"
    assert post(client, world, draft.body()).status_code == 200  # the first submission, replayed


@pytest.mark.parametrize(("if_match", "status", "code"), [(None, 428, "version.required"),
                                                           ('"r0"', 412, "version.stale")])
def test_an_amendment_needs_the_current_revision_in_if_match(client: FlaskClient, world: FieldWorld,
                                                            if_match: str | None, status: int, code: str) -> None:
    draft = world.draft()
    post(client, world, draft.body())
    resp = amend(client, world, draft, draft.body(notes="再次修改"), if_match)
    assert resp.status_code == status and resp.get_json()["code"] == code
