"""The JSON documents of a package: data/custody/custody-log.json and data/audit/*.json.

Each item's trail runs from its capture on the device, through the platform's custody events
(each tied to an audit entry whose inclusion the package proves), to this export, which is
always the last event. Schemas: docs/evidence-package.md §5 and §6.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.audit.canonical import audit_leaf_bytes, utc_timestamp
from backend.audit.checkpoint import checkpoint_body
from backend.audit.merkle import leaf_hash
from backend.evidence.bagit import Digest
from backend.evidence.inputs import AuditProofs, EvidenceItem, PackageInput

CUSTODY_FORMAT = "ssgk-custody-log/1"
PROOFS_FORMAT = "ssgk-audit-proofs/1"


def trail(item: EvidenceItem, exported_at: datetime, exported_by: str, digest: Digest | None) -> list[dict[str, Any]]:
    """The item's events in order; `digest` (None before streaming) gives the export event's hashes."""
    gps = None if item.gps is None else {"lat": item.gps[0], "lon": item.gps[1]}
    events: list[dict[str, Any]] = [{
        "event": "captured", "source": "device", "at": utc_timestamp(item.captured_at), "actor": item.captured_by,
        "sha256": item.sha256, "details": {"device_time": item.device_time, "gps": gps},
    }]
    for event in item.custody:
        events.append({
            "event": event.event, "source": "platform", "at": utc_timestamp(event.at), "actor": event.actor,
            "audit_index": event.audit_index,
            # Exactly the audit entry's payload (backend.evidence_store.custody.audit_payload).
            "payload": {"event": event.event, "blob_sha256": item.sha256, "upload_id": event.upload_id,
                        "details": event.details},
        })
    events.append({
        "event": "exported", "source": "export", "at": utc_timestamp(exported_at), "actor": exported_by,
        "sha256": digest.sha256 if digest else item.sha256, "sm3": digest.sm3 if digest else None,
        "size": digest.size if digest else item.size, "details": {"path": digest.path if digest else None},
    })
    for seq, entry in enumerate(events, 1):
        entry["seq"] = seq
    return events


def custody_document(input: PackageInput, digests: dict[str, Digest], exported_at: datetime,
                     package_id: str) -> dict[str, Any]:
    items = []
    for item in input.items:
        digest = digests[item.sha256]
        events = trail(item, exported_at, input.exported_by, digest)
        events[-1]["details"]["package_id"] = package_id
        items.append({
            "item_id": item.item_id, "kind": item.kind, "media_type": item.media_type, "path": digest.path,
            "size": digest.size, "sha256": digest.sha256, "sm3": digest.sm3, "filename": item.filename,
            "description": item.description, "events": events,
        })
    return {"format": CUSTODY_FORMAT, "case_number": input.case_number, "package_id": package_id,
            "exported_at": utc_timestamp(exported_at), "exported_by": input.exported_by, "items": items}


def checkpoint_document(audit: AuditProofs) -> dict[str, Any]:
    cp = audit.checkpoint
    body = checkpoint_body(cp.origin, cp.tree_size, bytes.fromhex(cp.root_hash), cp.timestamp)
    return {"origin": cp.origin, "tree_size": cp.tree_size, "root_hash": cp.root_hash, "timestamp": cp.timestamp,
            "key_id": cp.key_id, "signature": cp.signature, "public_key": cp.public_key,
            "body": body.decode("utf-8")}


def proofs_document(audit: AuditProofs) -> dict[str, Any]:
    entries = []
    for e in sorted(audit.entries, key=lambda e: e.index):
        leaf = audit_leaf_bytes(index=e.index, time=e.time, actor=e.actor, action=e.action,
                                object_type=e.object_type, object_id=e.object_id, request_id=e.request_id,
                                payload_sha256=e.payload_sha256)
        entries.append({"index": e.index, "time": e.time, "actor": e.actor, "action": e.action,
                        "object_type": e.object_type, "object_id": e.object_id, "request_id": e.request_id,
                        "payload_sha256": e.payload_sha256, "leaf_hash": leaf_hash(leaf).hex(),
                        "proof": list(e.proof)})
    return {"format": PROOFS_FORMAT, "tree_size": audit.checkpoint.tree_size,
            "root_hash": audit.checkpoint.root_hash, "entries": entries}
