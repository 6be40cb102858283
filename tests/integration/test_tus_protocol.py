"""The tus 1.0.0 protocol as the app speaks it: discovery, creation, HEAD, PATCH, termination, expiry."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from backend.db import unit_of_work, utcnow
from backend.uploads.model import Upload
from tests.support.uploads import (
    OFFSET_STREAM,
    TUS,
    Tus,
    checksum_header,
    metadata_header,
    pdf,
)

DOC = pdf(b"inspection record scan " * 200)


@pytest.fixture
def tus(client: FlaskClient, make_user: Callable[..., int], auth_headers: Callable[[str], dict[str, str]]) -> Tus:
    make_user("zhang-wei", "inspector")
    return Tus(client, auth_headers("zhang-wei"))


def created_url(tus: Tus, data: bytes = DOC, **meta: object) -> str:
    resp = tus.create(data, filetype="application/pdf", **meta)  # type: ignore[arg-type]
    assert resp.status_code == 201, resp.get_json()
    return resp.headers["Location"]


def test_options_announces_version_extensions_checksums_and_the_largest_size(client: FlaskClient) -> None:
    resp = client.options("/api/v1/uploads")
    assert resp.status_code == 200
    assert resp.headers["Tus-Version"] == "1.0.0"
    assert set(resp.headers["Tus-Extension"].split(",")) == {
        "creation", "creation-with-upload", "expiration", "checksum", "termination"}
    assert "sha256" in resp.headers["Tus-Checksum-Algorithm"].split(",")
    assert "sha1" in resp.headers["Tus-Checksum-Algorithm"].split(",")  # tus requires it
    body = resp.get_json()
    assert int(resp.headers["Tus-Max-Size"]) == max(body["max_size"].values()) == 500 * 1024 * 1024
    assert body["max_size"] == {"image": 25 * 2**20, "audio": 100 * 2**20, "video": 500 * 2**20, "pdf": 50 * 2**20}


def test_creation_answers_201_with_a_location_an_expiry_and_offset_zero(tus: Tus) -> None:
    resp = tus.create(DOC, filetype="application/pdf")
    assert resp.status_code == 201
    assert resp.headers["Location"].startswith("/api/v1/uploads/")
    assert resp.headers["Tus-Resumable"] == "1.0.0"
    assert resp.headers["Upload-Offset"] == "0"
    assert parsedate_to_datetime(resp.headers["Upload-Expires"]) > utcnow() + timedelta(days=6)


def test_head_reports_offset_length_and_metadata_and_forbids_caching(tus: Tus) -> None:
    url = created_url(tus)
    assert tus.patch(url, 0, DOC[:1000]).status_code == 204
    resp = tus.head(url)
    assert resp.status_code == 200
    assert resp.headers["Upload-Offset"] == "1000"
    assert resp.headers["Upload-Length"] == str(len(DOC))
    assert resp.headers["Cache-Control"] == "no-store"
    assert "filetype " in resp.headers["Upload-Metadata"]
    assert resp.data == b""


def test_chunks_patched_in_order_complete_the_upload(tus: Tus) -> None:
    url = created_url(tus)
    for start in range(0, len(DOC), 1000):
        resp = tus.patch(url, start, DOC[start:start + 1000])
        assert resp.status_code == 204, resp.get_json()
        assert resp.headers["Upload-Offset"] == str(min(start + 1000, len(DOC)))
        assert resp.headers["Tus-Resumable"] == "1.0.0"
    status = tus.status(url)
    assert status["state"] == "completed"
    assert status["chunks"] == -(-len(DOC) // 1000)


def test_a_patch_at_the_wrong_offset_is_a_409_and_changes_nothing(tus: Tus) -> None:
    url = created_url(tus)
    tus.patch(url, 0, DOC[:500])
    resp = tus.patch(url, 400, DOC[400:900])
    assert resp.status_code == 409
    assert resp.get_json()["code"] == "upload.offset_mismatch"
    assert resp.get_json()["details"]["offset"] == 500
    assert tus.offset(url) == 500


def test_a_chunk_failing_its_checksum_is_a_460_and_nothing_is_appended(tus: Tus) -> None:
    url = created_url(tus)
    tus.patch(url, 0, DOC[:500], checksum=checksum_header(DOC[:500]))
    resp = tus.patch(url, 500, DOC[500:1500], checksum=checksum_header(DOC[500:1499] + b"X"))
    assert resp.status_code == 460
    assert resp.status == "460 Checksum Mismatch"
    assert resp.get_json()["code"] == "upload.checksum_mismatch"
    assert tus.offset(url) == 500
    assert tus.patch(url, 500, DOC[500:1500], checksum=checksum_header(DOC[500:1500], "sha1")).status_code == 204


def test_an_unsupported_checksum_algorithm_is_a_400(tus: Tus) -> None:
    url = created_url(tus)
    resp = tus.patch(url, 0, DOC[:10], checksum="md5 AAAAAAAAAAAAAAAAAAAAAA==")
    assert resp.status_code == 400
    assert resp.get_json()["code"] == "upload.checksum_algorithm"
    assert tus.offset(url) == 0


@pytest.mark.parametrize("version", ["0.2.2", "2.0.0", None])
def test_a_request_without_tus_1_0_0_is_a_412_naming_the_supported_version(tus: Tus, version: str | None) -> None:
    url = created_url(tus)
    headers = {**tus.auth, "Upload-Offset": "0", "Content-Type": OFFSET_STREAM}
    if version:
        headers["Tus-Resumable"] = version
    resp = tus.client.patch(url, headers=headers, data=DOC[:100])
    assert resp.status_code == 412
    assert resp.headers["Tus-Version"] == "1.0.0"
    assert resp.get_json()["code"] == "upload.version_unsupported"
    assert tus.offset(url) == 0


def test_a_file_larger_than_its_kind_allows_is_refused_at_creation_with_the_limit(tus: Tus) -> None:
    resp = tus.create(b"", filetype="image/jpeg", length=25 * 2**20 + 1)
    assert resp.status_code == 413
    assert resp.mimetype == "application/problem+json"
    body = resp.get_json()
    assert body["code"] == "upload.too_large"
    assert body["details"]["limit"] == 25 * 2**20
    assert body["details"]["kind"] == "image"
    # the same size is fine as a video
    assert tus.create(b"", filetype="video/mp4", length=25 * 2**20 + 1).status_code == 201


def test_a_chunk_past_upload_length_is_refused_and_nothing_is_appended(tus: Tus) -> None:
    url = created_url(tus)
    resp = tus.patch(url, 0, DOC + b"more")
    assert resp.status_code == 413
    assert resp.get_json()["code"] == "upload.exceeds_length"
    assert tus.offset(url) == 0


def test_a_chunk_larger_than_one_patch_may_carry_is_refused_before_it_is_read(app: Flask, tus: Tus) -> None:
    app.config["UPLOAD_MAX_CHUNK_BYTES"] = 1000
    url = created_url(tus)
    resp = tus.patch(url, 0, DOC[:1001])
    assert resp.status_code == 413
    assert resp.get_json()["code"] == "upload.chunk_too_large"
    assert resp.get_json()["details"]["max_chunk_bytes"] == 1000
    assert tus.offset(url) == 0


def test_chunks_above_the_apps_max_content_length_are_accepted(app: Flask, tus: Tus) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1000  # the app-wide limit applies to JSON, not to upload chunks
    url = created_url(tus)
    assert tus.patch(url, 0, DOC[:3000]).status_code == 204


def test_a_patch_that_is_not_an_offset_stream_is_a_415(tus: Tus) -> None:
    url = created_url(tus)
    resp = tus.client.patch(url, headers={**tus.headers(), "Upload-Offset": "0"}, json={"a": 1})
    assert resp.status_code == 415
    assert resp.get_json()["code"] == "upload.content_type"


def test_the_post_body_may_carry_the_first_chunk(tus: Tus) -> None:
    resp = tus.create(DOC, filetype="application/pdf", body=DOC[:700],
                      headers={"Upload-Checksum": checksum_header(DOC[:700])})
    assert resp.status_code == 201
    assert resp.headers["Upload-Offset"] == "700"
    assert tus.offset(resp.headers["Location"]) == 700


def test_a_whole_file_in_the_post_body_completes_at_creation(tus: Tus) -> None:
    resp = tus.create(DOC, filetype="application/pdf", body=DOC)
    assert resp.status_code == 201
    assert tus.status(resp.headers["Location"])["state"] == "completed"


def test_a_retried_creation_returns_the_same_upload_and_its_offset(tus: Tus) -> None:
    evidence_id, record_id = uuid.uuid4(), uuid.uuid4()
    url = created_url(tus, evidence_id=evidence_id, record_id=record_id)
    tus.patch(url, 0, DOC[:300])
    again = tus.create(DOC, filetype="application/pdf", evidence_id=evidence_id, record_id=record_id)
    assert again.status_code == 201
    assert again.headers["Location"] == url
    assert again.headers["Upload-Offset"] == "300"


def test_an_evidence_id_reused_for_other_content_is_a_409(tus: Tus) -> None:
    evidence_id = uuid.uuid4()
    created_url(tus, evidence_id=evidence_id)
    resp = tus.create(pdf(b"other"), filetype="application/pdf", evidence_id=evidence_id)
    assert resp.status_code == 409
    assert resp.get_json()["code"] == "upload.evidence_conflict"


@pytest.mark.parametrize(("meta", "field"), [
    ({"sha256": "abc"}, "sha256"), ({"record_id": "not-a-uuid"}, "record_id"),
    ({"evidence_id": ""}, "evidence_id"), ({"filetype": ""}, "filetype")])
def test_creation_without_the_evidence_metadata_is_a_422_naming_the_key(tus: Tus, meta: dict[str, str],
                                                                      field: str) -> None:
    values = {"filename": "a.pdf", "filetype": "application/pdf", "sha256": "0" * 64,
              "record_id": str(uuid.uuid4()), "evidence_id": str(uuid.uuid4()), **meta}
    resp = tus.client.post("/api/v1/uploads", headers={**tus.headers(), "Upload-Length": "10",
                                                       "Upload-Metadata": metadata_header(**values)})
    assert resp.status_code == 422
    assert resp.get_json()["code"] == "upload.metadata_invalid"
    assert field in resp.get_json()["errors"]["Upload-Metadata"]


@pytest.mark.parametrize("header", ["filename", "filename !!!", "a 1,a 2", "bad key aGk="])
def test_malformed_upload_metadata_is_a_400(tus: Tus, header: str) -> None:
    resp = tus.client.post("/api/v1/uploads", headers={**tus.headers(), "Upload-Length": "10",
                                                       "Upload-Metadata": header})
    assert resp.status_code in (400, 422)
    assert resp.get_json()["code"] in ("upload.metadata_malformed", "upload.metadata_invalid")
    if header != "filename":
        assert resp.status_code == 400


def test_a_heic_photo_is_refused_at_creation_with_advice(tus: Tus) -> None:
    resp = tus.create(b"x" * 10, filetype="image/heic")
    assert resp.status_code == 422
    assert resp.get_json()["code"] == "upload.type_not_allowed"
    assert "JPEG" in resp.get_json()["message"]


def test_termination_removes_the_partial_file_and_later_requests_get_410(app: Flask, tus: Tus) -> None:
    url = created_url(tus)
    tus.patch(url, 0, DOC[:100])
    upload_id = uuid.UUID(url.rsplit("/", 1)[1])
    partial = app.config["MEDIA_ROOT"] + f"/uploads/{upload_id.hex}.part"
    import os
    assert os.path.exists(partial)
    assert tus.delete(url).status_code == 204
    assert not os.path.exists(partial)
    assert tus.head(url).status_code == 410
    resp = tus.patch(url, 100, DOC[100:200])
    assert resp.status_code == 410
    assert resp.get_json()["code"] == "upload.terminated"
    assert tus.status(url)["state"] == "terminated"


def test_a_completed_upload_cannot_be_deleted(tus: Tus) -> None:
    url, last = tus.upload(DOC, filetype="application/pdf")
    assert last.status_code == 204
    resp = tus.delete(url)
    assert resp.status_code == 409
    assert resp.get_json()["code"] == "upload.already_completed"


def test_patch_and_delete_may_be_sent_as_post_with_x_http_method_override(tus: Tus) -> None:
    url = created_url(tus)
    resp = tus.client.post(url, headers={**tus.headers(), "X-HTTP-Method-Override": "PATCH",
                                         "Upload-Offset": "0", "Content-Type": OFFSET_STREAM}, data=DOC[:50])
    assert resp.status_code == 204
    assert resp.headers["Upload-Offset"] == "50"
    assert tus.client.post(url, headers={**tus.headers(), "X-HTTP-Method-Override": "DELETE"}).status_code == 204
    assert tus.head(url).status_code == 410


def test_an_expired_upload_is_cleaned_by_the_cli_and_then_gone(app: Flask, tus: Tus, runner) -> None:  # type: ignore[no-untyped-def]
    url = created_url(tus)
    tus.patch(url, 0, DOC[:100])
    upload_id = uuid.UUID(url.rsplit("/", 1)[1])
    with app.app_context(), unit_of_work() as session:
        session.get(Upload, upload_id).expires_at = utcnow() - timedelta(seconds=1)  # type: ignore[union-attr]
    result = runner.invoke(args=["uploads", "clean-expired"])
    assert result.exit_code == 0, result.output
    assert "expired: 1" in result.output
    import os
    assert not os.path.exists(app.config["MEDIA_ROOT"] + f"/uploads/{upload_id.hex}.part")
    resp = tus.patch(url, 100, DOC[100:200])
    assert resp.status_code == 410
    assert resp.get_json()["code"] == "upload.expired"


def test_an_upload_past_its_expiry_is_gone_even_before_the_cleaner_runs(app: Flask, tus: Tus) -> None:
    url = created_url(tus)
    upload_id = uuid.UUID(url.rsplit("/", 1)[1])
    with app.app_context(), unit_of_work() as session:
        session.get(Upload, upload_id).expires_at = utcnow() - timedelta(seconds=1)  # type: ignore[union-attr]
    assert tus.head(url).status_code == 410
    assert tus.status(url)["state"] == "expired"


def test_each_patch_pushes_the_expiry_back(app: Flask, tus: Tus) -> None:
    url = created_url(tus)
    upload_id = uuid.UUID(url.rsplit("/", 1)[1])
    soon = utcnow() + timedelta(minutes=5)
    with app.app_context(), unit_of_work() as session:
        session.get(Upload, upload_id).expires_at = soon  # type: ignore[union-attr]
    resp = tus.patch(url, 0, DOC[:10])
    assert parsedate_to_datetime(resp.headers["Upload-Expires"]) > soon + timedelta(days=6)


def test_someone_elses_upload_is_not_found(tus: Tus, make_user: Callable[..., int],
                                           auth_headers: Callable[[str], dict[str, str]]) -> None:
    url = created_url(tus)
    make_user("li-na", "inspector")
    other = Tus(tus.client, auth_headers("li-na"))
    for resp in (other.head(url), other.patch(url, 0, DOC[:10]), other.delete(url),
                 other.client.get(url, headers=other.auth)):
        assert resp.status_code == 404
    assert tus.offset(url) == 0


def test_an_unknown_upload_is_not_found(tus: Tus) -> None:
    resp = tus.patch(f"/api/v1/uploads/{uuid.uuid4()}", 0, b"x")
    assert resp.status_code == 404
    assert resp.get_json()["code"] == "upload.not_found"


def test_uploading_needs_a_bearer_token_and_an_officer_role(tus: Tus, make_user: Callable[..., int],
                                                            auth_headers: Callable[[str], dict[str, str]]) -> None:
    anonymous = tus.client.post("/api/v1/uploads", headers={**TUS, "Upload-Length": "1"})
    assert anonymous.status_code == 401
    make_user("auditor-wu", "auditor")
    resp = Tus(tus.client, auth_headers("auditor-wu")).create(DOC, filetype="application/pdf")
    assert resp.status_code == 403
