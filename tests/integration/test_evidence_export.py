"""Packages from the platform's own data: the CLI, the case-provider seam, custody and proofs from the database.

The referral cases themselves: tests/integration/test_referral_exports.py."""
from __future__ import annotations

import base64
import io
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from backend.audit.checkpoint import public_key_b64
from backend.audit.model import AuditEntry
from backend.audit.services import signing_key
from backend.db import db, unit_of_work
from backend.evidence import cases, sources, verify
from backend.evidence.inputs import EvidenceItem, PackageInput
from backend.evidence.package import export_package
from backend.evidence_store import custody
from backend.evidence_store.storage import storage
from tests.support.evidence_packages import build_input, make_jpeg, store_item


def test_listing_without_referral_cases_prints_nothing(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["evidence", "list"])
    assert result.exit_code == 0 and result.output == ""


def test_exporting_an_unknown_case_fails_and_writes_nothing(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(args=["evidence", "export", "泰市监移〔2026〕7号", "-o", str(out / "p.zip")])
    assert result.exit_code == 1 and "evidence.case_not_found" in result.output
    assert list(out.iterdir()) == []


def test_without_a_provider_the_cli_says_there_are_no_referral_cases(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    provider = app.extensions.pop("ssgk.referral_cases")
    try:
        result = runner.invoke(args=["evidence", "list"])
    finally:
        cases.register_provider(app, provider)
    assert result.exit_code == 1 and "evidence.no_referral_cases" in result.output


class FakeCases:
    def __init__(self, package_input: PackageInput) -> None:
        self.package_input_value = package_input

    def list_cases(self) -> list[cases.CaseSummary]:
        return [cases.CaseSummary(self.package_input_value.case_number, "某公司", 4, "approved")]

    def package_input(self, case_number: str, exported_by: str) -> PackageInput:
        return replace(self.package_input_value, exported_by=exported_by)


def test_a_registered_provider_is_exported_verified_and_the_export_audited(app: Flask, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    package_input = build_input(tmp_path, photos=2)
    cases.register_provider(app, FakeCases(package_input))
    try:
        listed = runner.invoke(args=["evidence", "list"])
        assert listed.exit_code == 0 and package_input.case_number in listed.output
        out = tmp_path / "package.zip"
        result = runner.invoke(args=["evidence", "export", package_input.case_number, "-o", str(out),
                                     "--exported-by", "李华"])
        assert result.exit_code == 0, result.output
    finally:
        from backend.referrals.package_source import ReferralCases

        cases.register_provider(app, ReferralCases())
    assert verify.verify_package(str(out)).problems == []
    with app.app_context():
        entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "evidence.package_export")).one()
    assert (entry.object_type, entry.object_id, entry.actor) == ("referral_case", package_input.case_number, "李华")


def test_custody_and_proofs_read_from_the_database_make_a_package_that_verifies_with_the_pinned_key(
        app: Flask, tmp_path: Path) -> None:
    sample = build_input(tmp_path, photos=0)
    with app.app_context():
        data = make_jpeg(42)
        sha256 = store_item(storage(), tmp_path, data)  # type: ignore[arg-type]
        with unit_of_work() as session:
            custody.record(session, sha256, custody.Event.UPLOAD_STARTED, actor_id=None,
                           details={"size": len(data), "filetype": "image/jpeg"})
        with unit_of_work() as session:
            custody.record(session, sha256, custody.Event.UPLOAD_COMPLETED, actor_id=None,
                           details={"sha256_verified": True, "size": len(data)})
        events = sources.custody_events(db.session, sha256)
        proofs = sources.audit_proofs(db.session, [e.audit_index for e in events])
        captured = events[0].at - timedelta(hours=1)
        item = EvidenceItem("photo-1", sha256, lambda: storage().open(sha256), "image/jpeg", len(data), "photo",
                            captured, "张明", (36.2, 117.1), custody=events)
        package_input = replace(sample, items=(item,), audit=proofs, case_audit_indexes=(), exported_at=None)
        sink = io.BytesIO()
        export_package(package_input, sink)  # signed with the platform's key
        pinned = base64.b64decode(public_key_b64(signing_key()))
    assert [e.event for e in events] == ["upload_started", "upload_completed"]
    assert verify.verify_package(io.BytesIO(sink.getvalue()), [pinned]).problems == []
