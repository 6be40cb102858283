"""Appending to the audit log, inside the transaction of the operation being audited.

`record(...)` queues an entry on the session; just before the session commits, the queued
entries are numbered, hashed as Merkle leaves and stored, and a new signed checkpoint covering
them is written in the same transaction. So an operation and its audit entries commit together
or not at all, and the latest checkpoint always covers every entry.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from backend.audit import merkle
from backend.audit.canonical import canonical_json, sha256_hex
from backend.audit.checkpoint import checkpoint_body, key_id, load_private_key, load_public_key, sign_checkpoint
from backend.audit.model import AuditCheckpoint, AuditEntry
from backend.db import db

_PENDING = "audit_pending"
# Any constant works; it names the one lock that serialises leaf numbering on PostgreSQL.
_PG_LOCK_KEY = 7_300_001


@dataclass(frozen=True)
class _Pending:
    actor: str | None
    action: str
    object_type: str | None
    object_id: str | None
    request_id: str | None
    payload_sha256: str


def record(action: str, *, object_type: str | None = None, object_id: Any = None,
           payload: Any = None, actor: str | None = None, session: Session | None = None) -> None:
    """Queue an audit entry for the current transaction."""
    session = session or db.session
    if actor is None and has_request_context() and g.get("principal") is not None:
        actor = str(g.principal.user_id)
    request_id = g.get("request_id") if has_request_context() else None
    session.info.setdefault(_PENDING, []).append(_Pending(
        actor, action, object_type, None if object_id is None else str(object_id), request_id,
        sha256_hex(canonical_json(payload if payload is not None else {})),
    ))


def leaf_bytes(entry: AuditEntry) -> bytes:
    return _leaf_bytes({column: getattr(entry, column) for column in _LEAF_COLUMNS})


_LEAF_COLUMNS = ("leaf_index", "time", "actor", "action", "object_type", "object_id", "request_id", "payload_sha256")


def _leaf_bytes(row: dict[str, Any]) -> bytes:
    """The Merkle leaf of an entry's values: its eight fields in canonical JSON, the index as "index"."""
    return canonical_json({"index" if column == "leaf_index" else column: row[column] for column in _LEAF_COLUMNS})


def timestamp_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def signing_key():  # type: ignore[no-untyped-def]
    cache = current_app.extensions.setdefault("ssgk.audit_key", {})
    if "key" not in cache:
        cache["key"] = load_private_key(current_app.config["AUDIT_SIGNING_KEY"])
    return cache["key"]


def retired_public_keys():  # type: ignore[no-untyped-def]
    """Public keys of signing keys retired by a rotation: old checkpoints still verify against them."""
    return [load_public_key(k) for k in current_app.config["AUDIT_RETIRED_PUBLIC_KEYS"]]


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    return session.scalars(sa.select(AuditCheckpoint).order_by(AuditCheckpoint.tree_size.desc()).limit(1)).first()


def _flush_pending(session: Session) -> None:
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    if not pending:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    # Plain rows, not ORM objects: this runs in every audited transaction (every upload), and
    # the ORM's object bookkeeping cost more than the statements themselves.
    last = session.execute(sa.select(AuditCheckpoint.tree_size, AuditCheckpoint.frontier)
                           .order_by(AuditCheckpoint.tree_size.desc()).limit(1)).first()
    size = last.tree_size if last else 0
    frontier = merkle.decode_frontier(last.frontier) if last else []
    now = timestamp_now()
    rows = []
    for offset, item in enumerate(pending):
        row = {"leaf_index": size + offset, "time": now, "actor": item.actor, "action": item.action,
               "object_type": item.object_type, "object_id": item.object_id, "request_id": item.request_id,
               "payload_sha256": item.payload_sha256}
        digest = merkle.leaf_hash(_leaf_bytes(row))
        rows.append({**row, "leaf_hash": digest.hex()})
        frontier = merkle.frontier_append(frontier, digest)
    session.execute(AuditEntry.__table__.insert(), rows)
    checkpoint = make_checkpoint(size + len(pending), merkle.frontier_root(frontier), now, frontier)
    session.execute(AuditCheckpoint.__table__.insert(), [{column.key: getattr(checkpoint, column.key)
                                                          for column in AuditCheckpoint.__table__.columns}])


def make_checkpoint(tree_size: int, root: bytes, timestamp: str, frontier: merkle.Frontier) -> AuditCheckpoint:
    key = signing_key()
    origin = current_app.config["AUDIT_ORIGIN"]
    body = checkpoint_body(origin, tree_size, root, timestamp)
    return AuditCheckpoint(
        tree_size=tree_size, root_hash=root.hex(), timestamp=timestamp, origin=origin,
        key_id=key_id(key.public_key()), signature=base64.b64encode(sign_checkpoint(key, body)).decode(),
        frontier=merkle.encode_frontier(frontier),
    )


def _before_commit(session: Session) -> None:
    if session.info.get(_PENDING):
        _flush_pending(session)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def init_app(_app: object) -> None:
    """Hook the audit flush into every session's commit (once per process)."""
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_rollback", _after_rollback)
