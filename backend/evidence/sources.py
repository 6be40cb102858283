"""Reading a package's custody events and audit proofs from the database.

For the referral-case module: `custody_events(session, sha256)` gives a blob's custody trail
with the audit entry that recorded each event, and `audit_proofs(session, indexes)` the
latest signed checkpoint with an inclusion proof for each entry.
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.audit import merkle
from backend.audit.canonical import canonical_json, sha256_hex
from backend.audit.checkpoint import public_key_b64
from backend.audit.model import AuditEntry
from backend.audit.services import latest_checkpoint, signing_key
from backend.errors import NotFound
from backend.evidence import inputs
from backend.evidence_store import custody


def custody_events(session: Session, sha256: str) -> tuple[inputs.CustodyEvent, ...]:
    """The blob's custody events in order, each matched to its audit entry by payload hash."""
    entries = session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "blob",
                                                          AuditEntry.object_id == sha256,
                                                          AuditEntry.action.startswith("custody."))
                              .order_by(AuditEntry.leaf_index)).all()
    unused = list(entries)
    events = []
    for row in custody.trail(session, sha256):
        payload_sha256 = sha256_hex(canonical_json(custody.audit_payload(row)))
        entry = next((e for e in unused if e.action == f"custody.{row.event}" and e.payload_sha256 == payload_sha256), None)
        if entry is None:
            raise NotFound("A custody event has no audit entry.", code="evidence.custody_unaudited",
                           details={"sha256": sha256, "custody_event": row.id})
        unused.remove(entry)
        events.append(inputs.CustodyEvent(row.event, row.at, None if row.actor_id is None else str(row.actor_id),
                                          str(row.upload_id) if row.upload_id else None, row.details,
                                          entry.leaf_index))
    return tuple(events)


def audit_proofs(session: Session, indexes: Iterable[int]) -> inputs.AuditProofs:
    """The latest checkpoint and, for each index, the entry's fields and inclusion proof."""
    cp = latest_checkpoint(session)
    if cp is None:
        raise NotFound("The audit log is empty.", code="audit.empty")
    wanted = sorted(set(indexes))
    if wanted and wanted[-1] >= cp.tree_size:
        raise NotFound("An audit entry is not covered by the latest checkpoint.", code="audit.index_out_of_range",
                       details={"index": wanted[-1], "tree_size": cp.tree_size})
    hashes = [bytes.fromhex(h) for h in session.scalars(
        sa.select(AuditEntry.leaf_hash).where(AuditEntry.leaf_index < cp.tree_size).order_by(AuditEntry.leaf_index))]
    rows = {e.leaf_index: e for e in session.scalars(sa.select(AuditEntry).where(AuditEntry.leaf_index.in_(wanted)))}
    entries = tuple(
        inputs.AuditEntry(i, rows[i].time, rows[i].actor, rows[i].action, rows[i].object_type, rows[i].object_id,
                          rows[i].request_id, rows[i].payload_sha256,
                          tuple(p.hex() for p in merkle.inclusion_proof(i, hashes)))
        for i in wanted)
    key = signing_key()
    checkpoint = inputs.SignedCheckpoint(cp.origin, cp.tree_size, cp.root_hash, cp.timestamp, cp.key_id,
                                         cp.signature, public_key_b64(key))
    return inputs.AuditProofs(checkpoint, entries)
