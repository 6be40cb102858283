"""Inserting many entities at once, with the same history rows the API writes one by one.

For the demo loader and the bulk importer: rows are checked by the caller (rules.check_entity),
inserted with executemany, and each gets its version-1 `create` change row. The caller owns the
transaction and writes one audit entry per batch.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.db import utcnow
from backend.directory.history import entity_snapshot
from backend.directory.model import EntityChange, MarketEntity, SubDirectoryMember, entity_department

_CHUNK = 500  # ids per IN (...) list, well below SQLite's bound-parameter limit
# Columns a row may carry; `departments` (ids) and `sub_directories` (ids) are the links.
ENTITY_COLUMNS = ("credit_code", "registration_number", "local_id", "name", "entity_type", "legal_representative",
                  "registered_address", "business_address", "division_code", "industry_code",
                  "registration_status", "registered_on", "risk_scheme", "risk_class", "latitude", "longitude")


def insert_entities(session: Session, rows: Sequence[dict[str, Any]], actor: str) -> list[int]:
    """Insert new entities (no key may exist yet); returns their ids in row order."""
    if not rows:
        return []
    now = utcnow()
    values = [{**{c: row.get(c) for c in ENTITY_COLUMNS}, "version": 1, "created_at": now, "updated_at": now}
              for row in rows]
    result = session.execute(sa.insert(MarketEntity).returning(MarketEntity.id, sort_by_parameter_order=True), values)
    ids = list(result.scalars())
    links = [{"entity_id": i, "department_id": d} for i, row in zip(ids, rows) for d in row["departments"]]
    session.execute(sa.insert(entity_department), links)
    members = [{"entity_id": i, "sub_directory_id": s, "added_at": now}
               for i, row in zip(ids, rows) for s in row.get("sub_directories", ())]
    if members:
        session.execute(sa.insert(SubDirectoryMember), members)
    # Snapshots come from the loaded records, so they are exactly what the API would have written.
    for start in range(0, len(ids), _CHUNK):
        entities = session.scalars(sa.select(MarketEntity).where(MarketEntity.id.in_(ids[start:start + _CHUNK]))
                                   .execution_options(populate_existing=True))
        changes = [{"entity_id": e.id, "version": 1, "action": "create", "actor": actor, "at": now,
                    "before": None, "after": entity_snapshot(e)} for e in entities]
        session.execute(sa.insert(EntityChange), changes)
    return ids
