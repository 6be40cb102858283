"""The evidence package of a referral case: streamed over the API to the handlers and their head with
a stated reason, audited, and exported by `flask evidence`; every package passes the verifier."""
from __future__ import annotations

import base64
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from pypdf import PdfReader

from backend.audit.checkpoint import public_key_b64
from backend.audit.model import AuditEntry
from backend.audit.services import signing_key
from backend.db import db
from backend.evidence import verify
from tests.support.referrals import ReferralWorld, referral_world


@pytest.fixture
def world(app, client, make_user, auth_headers) -> ReferralWorld:  # type: ignore[no-untyped-def]
    return referral_world(app, client, make_user, auth_headers)


def pinned_key(app: Flask) -> bytes:
    with app.app_context():
        return base64.b64decode(public_key_b64(signing_key()))


def entries(app: Flask, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


@pytest.mark.parametrize("who", ["officer1", "officer2", "head"])
def test_a_handler_or_the_head_gets_a_streamed_package_that_verifies(world: ReferralWorld, who: str) -> None:
    case_id = world.approved()
    resp = world.export(case_id, who=who, reason="移送泰安市公安局")
    assert resp.status_code == 200, resp.get_json()
    assert resp.mimetype == "application/zip" and resp.is_streamed
    assert "attachment" in resp.headers["Content-Disposition"]
    package = resp.get_data()
    report = verify.verify_package(io.BytesIO(package), [pinned_key(world.app)])
    assert report.problems == []
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        base = archive.namelist()[0].split("/")[0]
        info = archive.read(f"{base}/bag-info.txt").decode()
        custody = json.loads(archive.read(f"{base}/data/custody/custody-log.json"))
        proofs = json.loads(archive.read(f"{base}/data/audit/proofs.json"))
    case = world.call("head", "GET", f"/{case_id}").get_json()
    assert f"External-Identifier: {case['case_number']}" in info and "Export-Reason: 移送泰安市公安局" in info
    assert len(custody["items"]) == len(world.draft.evidence)
    actions = {e["action"] for e in proofs["entries"]}
    assert {"field.record_submit", "referral.opened", "referral.verified", "referral.decided"} <= actions
    [requested] = entries(world.app, "referral.export")
    [completed] = entries(world.app, "evidence.package_export")
    assert requested.object_id == completed.object_id == case["case_number"]
    assert requested.actor == str(world.users[who])
    assert requested.leaf_index < completed.leaf_index


def test_the_export_request_records_its_reason_in_the_audited_payload(world: ReferralWorld) -> None:
    from backend.audit.canonical import canonical_json, sha256_hex

    case_id = world.approved()
    resp = world.export(case_id, reason="法院调取证据")
    package = resp.get_data()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        info = archive.read(archive.namelist()[0].split("/")[0] + "/bag-info.txt").decode()
    package_id = next(line.split(": ", 1)[1] for line in info.splitlines() if line.startswith("Package-Id"))
    [requested] = entries(world.app, "referral.export")
    payload = {"package_id": package_id, "reason": "法院调取证据", "exported_by": "Officer1（officer1）",
               "items": len(world.draft.evidence)}
    assert requested.payload_sha256 == sha256_hex(canonical_json(payload))


@pytest.mark.parametrize(("who", "code"), [
    ("third", "referral.export_forbidden"),  # an officer of the department who is not a handler
    ("other_head", "auth.out_of_scope"),  # the head of another department
    ("auditor", "auth.forbidden"),
])
def test_others_may_not_export(world: ReferralWorld, who: str, code: str) -> None:
    case_id = world.approved()
    resp = world.export(case_id, who=who)
    assert resp.status_code == 403 and resp.get_json()["code"] == code
    assert entries(world.app, "referral.export") == []


@pytest.mark.parametrize(("reason", "code"), [(None, "validation.failed"), ("", "validation.failed"),
                                              ("   ", "referral.reason_required")])
def test_an_export_without_a_reason_is_refused(world: ReferralWorld, reason: str | None, code: str) -> None:
    case_id = world.approved()
    resp = world.export(case_id, reason=reason)
    assert resp.status_code == 422 and resp.get_json()["code"] == code, resp.get_json()
    assert entries(world.app, "referral.export") == []


def test_a_case_not_yet_approved_has_no_package(world: ReferralWorld) -> None:
    case_id = world.opened()
    world.verify(case_id)
    resp = world.export(case_id)
    assert resp.status_code == 409 and resp.get_json()["code"] == "referral.not_approved"


def test_the_cli_lists_the_cases_and_exports_one_that_verifies(world: ReferralWorld, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case_id = world.approved()
    number = world.call("head", "GET", f"/{case_id}").get_json()["case_number"]
    listed = runner.invoke(args=["evidence", "list"])
    assert listed.exit_code == 0 and f"{number}\tapproved\t{len(world.draft.evidence)} items" in listed.output
    out = tmp_path / "case.zip"
    result = runner.invoke(args=["evidence", "export", number, "-o", str(out), "--exported-by", "张明"])
    assert result.exit_code == 0, result.output
    assert verify.verify_package(str(out), [pinned_key(world.app)]).problems == []
    unknown = runner.invoke(args=["evidence", "export", "泰市监移〔1999〕1号", "-o", str(tmp_path / "x.zip")])
    assert unknown.exit_code == 1 and "evidence.case_not_found" in unknown.output


def test_the_documents_are_filled_from_the_case(world: ReferralWorld) -> None:
    case_id = world.approved()
    package = world.export(case_id).get_data()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        base = archive.namelist()[0].split("/")[0]
        letter = archive.read(f"{base}/data/documents/03-涉嫌犯罪案件移送书.pdf")
        record = archive.read(f"{base}/data/documents/01-现场笔录.pdf")
        report = archive.read(f"{base}/data/documents/04-调查报告.pdf")
    letter_text, record_text, report_text = (
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
        for pdf in (letter, record, report))
    number = world.call("head", "GET", f"/{case_id}").get_json()["case_number"]
    for expected in (number, "泰安市公安局", "泰安市市场监管局", "销售不符合安全标准的食品罪"):
        assert expected in letter_text, expected
    assert "同意移送。负责人：Head" in report_text
    assert "现场发现超过保质期的熟肉制品" in record_text and "当事人签字确认" in record_text


def test_a_case_whose_evidence_has_not_all_arrived_has_no_package(app, client, make_user, auth_headers) -> None:  # type: ignore[no-untyped-def]
    world = referral_world(app, client, make_user, auth_headers, unsent=1)
    case_id = world.approved()
    resp = world.export(case_id)
    assert resp.status_code == 409 and resp.get_json()["code"] == "referral.evidence_incomplete"
    assert resp.get_json()["details"]["missing"] == [world.draft.evidence[-1].id]


def test_the_package_leaves_in_blocks_of_at_most_one_mebibyte_as_it_is_built(app, client, make_user, auth_headers) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    from backend.referrals.exports import CHUNK

    noise = Image.frombytes("RGB", (1400, 1000), os.urandom(1400 * 1000 * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)  # about 1.6 MB that does not compress
    world = referral_world(app, client, make_user, auth_headers, first_photo=out.getvalue())
    resp = world.export(world.approved())
    assert resp.status_code == 200 and resp.is_streamed
    blocks = [len(block) for block in resp.response]
    assert len(blocks) >= 2 and max(blocks) <= CHUNK
    assert sum(blocks) > len(out.getvalue())


def documents_text(package: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        pdf = archive.read(archive.namelist()[0].split("/")[0] + f"/data/documents/{name}")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")


def test_the_investigation_report_names_who_verified_and_the_on_site_record_who_checked(world: ReferralWorld) -> None:
    from backend.directory.model import Inspector

    case_id = world.opened()
    assert world.verify(case_id, handlers=("officer1", "third")).status_code == 200
    assert world.decide(case_id).status_code == 200
    package = world.export(case_id).get_data()
    with world.app.app_context():
        name = {u: db.session.scalar(sa.select(Inspector.name).where(Inspector.user_id == world.users[u]))
                for u in ("officer1", "officer2", "third")}
    report = documents_text(package, "04-调查报告.pdf")
    investigators = report[report.index("调查人员", report.index("六、处理意见")):report.index("负责人审批意见")]
    on_site = documents_text(package, "01-现场笔录.pdf")

    def named(who: str, text: str) -> bool:
        return f"{name[who]}（执法证号" in text

    assert named("officer1", investigators) and named("third", investigators)
    assert not named("officer2", investigators)
    assert named("officer2", on_site) and not named("third", on_site)
