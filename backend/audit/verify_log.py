"""Recompute the whole audit tree from the stored entries and check every signed checkpoint."""
from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from backend.audit import merkle
from backend.audit.checkpoint import checkpoint_body, key_id, verify_checkpoint
from backend.audit.model import AuditCheckpoint, AuditEntry
from backend.audit.services import leaf_bytes


@dataclass(frozen=True)
class LogProblem:
    index: int | None
    message: str


@dataclass(frozen=True)
class LogReport:
    entries: int
    checkpoints: int
    problem: LogProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _entries(session: Session) -> Iterator[AuditEntry]:
    yield from session.scalars(sa.select(AuditEntry).order_by(AuditEntry.leaf_index)
                               .execution_options(yield_per=5000))


def verify_log(session: Session, public_key: Ed25519PublicKey,
               retired: Iterable[Ed25519PublicKey] = ()) -> LogReport:
    """Stop at the first problem, naming the entry (or the range a bad checkpoint covers).

    Checkpoints signed before a key rotation verify against the retired keys, found by key id;
    a checkpoint by any other key is a failure."""
    checkpoints = list(session.scalars(sa.select(AuditCheckpoint).order_by(AuditCheckpoint.tree_size)))
    keys = {key_id(k): k for k in (*retired, public_key)}
    frontier: merkle.Frontier = []
    pending = iter(checkpoints)
    cp = next(pending, None)
    previous_size = 0
    count = 0

    def fail(index: int | None, message: str) -> LogReport:
        return LogReport(count, len(checkpoints), LogProblem(index, message))

    for entry in _entries(session):
        if entry.leaf_index != count:
            return fail(count, f"entry {count} is missing (next stored entry is {entry.leaf_index})")
        digest = merkle.leaf_hash(leaf_bytes(entry))
        if digest.hex() != entry.leaf_hash:
            return fail(count, f"entry {count} ({entry.action}) was altered: its fields no longer match its leaf hash")
        frontier = merkle.frontier_append(frontier, digest)
        count += 1
        while cp is not None and cp.tree_size == count:
            problem = _check_checkpoint(cp, merkle.frontier_root(frontier), keys)
            if problem:
                return fail(previous_size, f"checkpoint at tree size {cp.tree_size}: {problem} "
                                           f"(entries {previous_size}..{count - 1})")
            previous_size = cp.tree_size
            cp = next(pending, None)
    if cp is not None:
        return fail(count, f"checkpoint at tree size {cp.tree_size} covers entries that are missing "
                           f"(only {count} stored)")
    if count != previous_size:
        return fail(previous_size, f"entries {previous_size}..{count - 1} are not covered by a signed checkpoint")
    return LogReport(count, len(checkpoints), None)


def _check_checkpoint(cp: AuditCheckpoint, root: bytes, keys: dict[str, Ed25519PublicKey]) -> str | None:
    public_key = keys.get(cp.key_id)
    if public_key is None:
        return f"signed by unknown key {cp.key_id}"
    try:
        body = checkpoint_body(cp.origin, cp.tree_size, bytes.fromhex(cp.root_hash), cp.timestamp)
        signature = base64.b64decode(cp.signature, validate=True)
    except (ValueError, binascii.Error) as exc:
        return f"its stored fields are malformed ({exc})"
    if not verify_checkpoint(public_key, body, signature):
        return "the signature does not verify"
    if root.hex() != cp.root_hash:
        return "the recomputed root differs from the signed root"
    return None
