from __future__ import annotations

from typing import Any

from backend.db import db
from backend.migrate import current_revisions, head_revisions


def health_report() -> dict[str, Any]:
    head = head_revisions()
    try:
        with db.engine.connect() as conn:
            current = current_revisions(conn)
    except Exception as exc:  # the whole point is to report, not to raise
        return {"status": "error", "database": f"unreachable: {type(exc).__name__}",
                "migrations": {"current": None, "head": head, "at_head": False}}
    at_head = current == head
    return {"status": "ok" if at_head else "degraded", "database": "ok",
            "migrations": {"current": current, "head": head, "at_head": at_head}}
