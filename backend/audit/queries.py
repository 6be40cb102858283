"""Reading the audit log: checkpoints and Merkle proofs."""
from __future__ import annotations

import base64
from typing import Any

import sqlalchemy as sa
from flask import current_app

from backend.audit import merkle
from backend.audit.checkpoint import checkpoint_body, public_key_b64
from backend.audit.model import AuditCheckpoint, AuditEntry
from backend.audit.services import latest_checkpoint, retired_public_keys, signing_key
from backend.db import db
from backend.errors import NotFound, ValidationFailed


def checkpoint_view(cp: AuditCheckpoint) -> dict[str, Any]:
    body = checkpoint_body(cp.origin, cp.tree_size, bytes.fromhex(cp.root_hash), cp.timestamp)
    return {"tree_size": cp.tree_size, "root_hash": cp.root_hash, "timestamp": cp.timestamp,
            "origin": cp.origin, "key_id": cp.key_id, "signature": cp.signature, "body": body.decode("utf-8")}


def current_checkpoint() -> dict[str, Any]:
    cp = latest_checkpoint(db.session)
    if cp is None:
        raise NotFound("The audit log is empty.", code="audit.empty")
    return checkpoint_view(cp)


def checkpoint_at(tree_size: int) -> AuditCheckpoint:
    cp = db.session.get(AuditCheckpoint, tree_size)
    if cp is None:
        raise NotFound("No signed checkpoint has that tree size.", code="audit.no_checkpoint",
                       details={"tree_size": tree_size})
    return cp


def public_key() -> dict[str, str]:
    from backend.audit.checkpoint import key_id

    key = signing_key().public_key()
    retired = [{"key_id": key_id(k), "public_key": b64} for k, b64 in
               zip(retired_public_keys(), current_app.config["AUDIT_RETIRED_PUBLIC_KEYS"])]
    return {"key_id": key_id(key), "public_key": public_key_b64(signing_key()), "retired": retired}


def _leaf_hashes(size: int) -> list[bytes]:
    rows = db.session.scalars(sa.select(AuditEntry.leaf_hash).where(AuditEntry.leaf_index < size)
                              .order_by(AuditEntry.leaf_index))
    return [bytes.fromhex(h) for h in rows]


def _size_or_latest(tree_size: int | None) -> int:
    if tree_size is not None:
        return checkpoint_at(tree_size).tree_size
    cp = latest_checkpoint(db.session)
    if cp is None:
        raise NotFound("The audit log is empty.", code="audit.empty")
    return cp.tree_size


def inclusion(index: int, tree_size: int | None) -> dict[str, Any]:
    size = _size_or_latest(tree_size)
    if index >= size:
        raise ValidationFailed("The entry is not in a tree of that size.", code="audit.index_out_of_range",
                               errors={"index": [f"must be below {size}"]})
    hashes = _leaf_hashes(size)
    return {"index": index, "tree_size": size, "leaf_hash": hashes[index].hex(),
            "proof": [h.hex() for h in merkle.inclusion_proof(index, hashes)]}


def consistency(first: int, second: int) -> dict[str, Any]:
    if first > second:
        raise ValidationFailed("first must not exceed second.", code="audit.bad_range",
                               errors={"first": ["must not exceed second"]})
    checkpoint_at(first) if first else None
    checkpoint_at(second)
    hashes = _leaf_hashes(second)
    return {"first": first, "second": second,
            "proof": [h.hex() for h in merkle.consistency_proof(first, hashes)]}


def list_entries(object_type: str | None, object_id: str | None) -> sa.Select[tuple[AuditEntry]]:
    stmt = sa.select(AuditEntry).order_by(AuditEntry.leaf_index.desc())
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEntry.object_id == object_id)
    return stmt


def signature_bytes(cp: AuditCheckpoint) -> bytes:
    return base64.b64decode(cp.signature)
