"""Which declared evidence has arrived: joined against evidence_item by evidence id.

An item counts as received only when an evidence item with that id exists for this record,
holds a blob with the declared SHA-256, and was uploaded by a member of the assignment's
team (docs/uploads.md). Everything else is reported missing, with the reason, so the app
re-sends exactly those.
"""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.directory.model import Inspector
from backend.evidence_store.model import EvidenceItem
from backend.field.model import CheckRecord
from backend.tasks.model import AssignmentMember


def _reason(declared: dict[str, Any], item: EvidenceItem | None, record_id: uuid.UUID, team_users: set[int]
            ) -> str | None:
    if item is None:
        return "not_received"
    if item.record_id != record_id:
        return "other_record"
    if item.blob_sha256 != declared["sha256"]:
        return "hash_mismatch"
    if item.uploaded_by not in team_users:
        return "uploader_not_on_team"
    return None


def completeness(session: Session, record: CheckRecord, declared: list[dict[str, Any]]) -> dict[str, Any]:
    ids = [uuid.UUID(e["id"]) for e in declared]
    arrived = {i.evidence_id: i for i in session.scalars(sa.select(EvidenceItem).where(EvidenceItem.evidence_id.in_(ids)))}
    team_users = set(session.scalars(sa.select(Inspector.user_id)
                                     .join(AssignmentMember, AssignmentMember.inspector_id == Inspector.id)
                                     .where(AssignmentMember.assignment_id == record.assignment_id,
                                            Inspector.user_id.is_not(None)))) if arrived else set()
    missing = []
    for e in declared:
        reason = _reason(e, arrived.get(uuid.UUID(e["id"])), record.id, team_users)
        if reason is not None:
            missing.append({"id": e["id"], "sha256": e["sha256"], "reason": reason})
    return {"complete": not missing, "missing_evidence": missing,
            "received_evidence": len(declared) - len(missing), "declared_evidence": len(declared)}
