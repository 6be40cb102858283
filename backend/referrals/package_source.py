"""What an evidence package of a referral case is made from (backend.evidence.cases.CaseProvider).

The facts come from the check record (the revision the case was opened from: officers, times,
party, notes), the directory (the party, the officers' credentials), the case (report, decision,
receiving organ) and the evidence store (each declared item's original, its custody trail and the
audit entries that prove it). The case's own audit entries (the record's submission and
amendments, every referral step) go into the package with their inclusion proofs.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from backend.accounts.model import User
from backend.audit.model import AuditEntry
from backend.db import db
from backend.directory.model import Inspector, MarketEntity
from backend.errors import Conflict
from backend.evidence import cases, inputs, sources
from backend.evidence_store.model import Blob, EvidenceItem
from backend.evidence_store.storage import storage
from backend.field.model import CheckRecordRevision
from backend.orgs.model import Department
from backend.referrals.deadlines import BEIJING
from backend.referrals.model import ReferralCase
from backend.referrals.services import case_by_number
from backend.tasks.model import Assignment, Task

EXPORTABLE = ("approved", "transferred", "acknowledged")


def organization(department: Department) -> str:
    """市市场监管局 -> 泰安市市场监管局: the city's name before a municipal bureau's short name."""
    return f"泰安{department.name_zh}" if department.name_zh.startswith("市") else department.name_zh


def _party_signature(party: dict[str, Any]) -> tuple[str, str]:
    witness = (party.get("witness") or {}).get("name", "")
    if party.get("signed"):
        return "当事人签字确认", witness
    if party.get("refused"):
        return f"当事人拒绝签字，由见证人{witness}签字" if witness else "当事人拒绝签字", witness
    return f"当事人不在场，由见证人{witness}签字" if witness else "当事人不在场", witness


def _officers(session: Session, body: dict[str, Any]) -> tuple[dict[str, Inspector], tuple[inputs.Officer, ...]]:
    ids = [int(o["inspector_id"][1:]) for o in body["officers"]]
    found = {f"I{i.id}": i for i in session.scalars(sa.select(Inspector).where(Inspector.id.in_(ids)))}
    officers = tuple(inputs.Officer(found[o["inspector_id"]].name, found[o["inspector_id"]].certificate_number)
                     for o in body["officers"] if o["inspector_id"] in found)
    return found, officers


def _facts(session: Session, case: ReferralCase, body: dict[str, Any], officers: tuple[inputs.Officer, ...]
           ) -> inputs.CaseFacts:
    assignment = session.get(Assignment, body["assignment_id"])
    entity = session.get(MarketEntity, assignment.entity_id)
    task = session.get(Task, assignment.task_id)
    department = session.get(Department, case.department_id)
    approver = session.get(User, case.decided_by) if case.decided_by else None
    address = entity.business_address or entity.registered_address or ""
    signature, witness = _party_signature(body["party"])
    report = case.report
    return inputs.CaseFacts(
        organization=organization(department), receiving_authority=case.receiving_authority,
        party=inputs.Party(entity.name, entity.credit_code or entity.registration_number or "", address,
                           entity.legal_representative or ""),
        place=address, check_started=datetime.fromisoformat(body["started_at"]),
        check_ended=datetime.fromisoformat(body["ended_at"]), officers=officers,
        findings=body.get("notes") or case.reason, party_signature=signature, witness=witness,
        case_source=f"{task.name_zh}（任务 {task.number}）", investigation=report.get("investigation", ""),
        suspected_offence=report.get("suspected_offence", ""), facts=report.get("facts", ""),
        legal_basis=report.get("legal_basis", ""), opinion=report.get("opinion", ""),
        approver=approver.display_name if approver else "",
        approved_on=case.decided_at.astimezone(BEIJING).date() if case.decided_at else None,
        contact=report.get("contact", ""),
        items=tuple(inputs.InvolvedItem(i["name"], i.get("specification", ""), i["quantity"], i.get("unit", ""),
                                        i.get("note", "")) for i in report.get("items", [])),
        attachments=tuple(report.get("attachments", [])), investigators=_investigators(session, case))


def _investigators(session: Session, case: ReferralCase) -> tuple[inputs.Officer, ...]:
    """The officers who verified the case (its handlers), by their directory entries, in the order named."""
    linked = {i.user_id: i for i in session.scalars(sa.select(Inspector).where(Inspector.user_id.in_(case.handlers)))}
    return tuple(inputs.Officer(linked[u].name, linked[u].certificate_number) for u in case.handlers if u in linked)


def _items(session: Session, body: dict[str, Any], inspectors: dict[str, Inspector]
           ) -> tuple[inputs.EvidenceItem, ...]:
    declared = body["evidence"]
    rows = {str(e.evidence_id): e for e in session.scalars(sa.select(EvidenceItem).where(
        EvidenceItem.evidence_id.in_([uuid.UUID(d["id"]) for d in declared])))}
    missing = [d["id"] for d in declared if d["id"] not in rows or rows[d["id"]].blob_sha256 != d["sha256"]]
    if missing:
        raise Conflict("Some of the record's evidence has not arrived; the package would be incomplete.",
                       code="referral.evidence_incomplete", details={"missing": missing})
    blobs = {b.sha256: b for b in session.scalars(sa.select(Blob).where(Blob.sha256.in_([d["sha256"] for d in declared])))}
    uploaders = {u.id: u.display_name for u in session.scalars(
        sa.select(User).where(User.id.in_({r.uploaded_by for r in rows.values()})))}
    store = storage()
    items = []
    for d in declared:
        row, blob = rows[d["id"]], blobs[d["sha256"]]
        by = inspectors[d["captured_by"]].name if d.get("captured_by") in inspectors else uploaders[row.uploaded_by]
        captured = datetime.fromisoformat(d["captured_at"]) if d.get("captured_at") \
            else datetime.fromisoformat(body["started_at"])
        items.append(inputs.EvidenceItem(
            item_id=d["id"], sha256=blob.sha256, open=lambda s=blob.sha256: store.open(s), media_type=blob.media_type,
            size=blob.size, kind=d["kind"], captured_at=captured, captured_by=by,
            gps=(blob.gps_lat, blob.gps_lon) if blob.gps_lat is not None and blob.gps_lon is not None else None,
            device_time=blob.captured_at or "", filename=row.filename,
            description=f"{d.get('item_code') or ''} {d.get('question_id') or ''}".strip(),
            custody=sources.custody_events(session, blob.sha256)))
    return tuple(items)


def case_audit_indexes(session: Session, case: ReferralCase) -> tuple[int, ...]:
    """The record's entries (submission, amendments) and every step of the case."""
    return tuple(session.scalars(sa.select(AuditEntry.leaf_index).where(sa.or_(
        sa.and_(AuditEntry.object_type == "referral_case", AuditEntry.object_id == case.case_number),
        sa.and_(AuditEntry.object_type == "check_record", AuditEntry.object_id == str(case.record_id)),
    )).order_by(AuditEntry.leaf_index)))


def build_input(session: Session, case: ReferralCase, exported_by: str, *, package_id: str | None = None,
                extra_info: dict[str, str] | None = None) -> inputs.PackageInput:
    if case.state not in EXPORTABLE:
        raise Conflict(f"The case is {case.state}: a package is made once the head has approved the transfer.",
                       code="referral.not_approved", details={"state": case.state})
    body = session.scalars(sa.select(CheckRecordRevision.body).where(
        CheckRecordRevision.record_id == case.record_id, CheckRecordRevision.revision == case.record_revision)).one()
    inspectors, officers = _officers(session, body)
    facts = _facts(session, case, body, officers)
    items = _items(session, body, inspectors)
    own = case_audit_indexes(session, case)
    proofs = sources.audit_proofs(session, [*own, *(e.audit_index for i in items for e in i.custody)])
    return inputs.PackageInput(case_number=case.case_number, facts=facts, items=items, audit=proofs,
                               exported_by=exported_by, case_audit_indexes=own, package_id=package_id,
                               extra_info=extra_info or {})


class ReferralCases:
    """The CaseProvider for `flask evidence list/export`: every case, whatever its department."""

    def list_cases(self) -> list[cases.CaseSummary]:
        from backend.referrals.views import party_name

        rows = db.session.scalars(sa.select(ReferralCase).order_by(ReferralCase.id)).all()
        summaries = []
        for case in rows:
            body = db.session.scalar(sa.select(CheckRecordRevision.body).where(
                CheckRecordRevision.record_id == case.record_id, CheckRecordRevision.revision == case.record_revision))
            summaries.append(cases.CaseSummary(case.case_number, party_name(case), len(body["evidence"]), case.state))
        return summaries

    def package_input(self, case_number: str, exported_by: str) -> inputs.PackageInput:
        return build_input(db.session, case_by_number(db.session, case_number), exported_by)


def init_app(app: Flask) -> None:
    cases.register_provider(app, ReferralCases())
