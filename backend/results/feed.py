"""The export feed of published results for the national enterprise credit publicity system
(R5.2, R5.6; format in docs/results.md §5).

Every published version is one row, in publication order; a consumer keeps the highest `id`
it has read and asks for `?after=<id>`. A correction arrives as a new row whose
`supersedes_id` names the row it replaces. Columns mirror the result bulletin; a column the
rulebook does not publish is empty.
"""
from __future__ import annotations

import csv
import io
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.results.model import PublishedResult
from backend.results.queries import BULLETIN_COLUMNS

FORMAT = "ssgk-result-feed/1"
COLUMNS = ("id", "result_id", "version", "supersedes_id", "corrected", "correction_reason", *BULLETIN_COLUMNS,
           "published_at", "digest")


def rows(session: Session, after: int, limit: int) -> list[dict[str, Any]]:
    columns = [getattr(PublishedResult, c) for c in ("id", "result_id", "version", "supersedes_id", "correction_reason",
                                                     *BULLETIN_COLUMNS, "published_at", "digest")]
    out = []
    for row in session.execute(sa.select(*columns).where(PublishedResult.id > after)
                               .order_by(PublishedResult.id).limit(limit)).mappings():
        item = dict(row)
        item["corrected"] = item["version"] > 1
        item["completion_date"] = item["completion_date"].isoformat() if item["completion_date"] else None
        item["published_at"] = item["published_at"].isoformat()
        out.append({c: item[c] for c in COLUMNS})
    return out


def as_json(items: list[dict[str, Any]], after: int) -> dict[str, Any]:
    return {"format": FORMAT, "after": after, "next_after": items[-1]["id"] if items else after,
            "count": len(items), "items": items}


def as_csv(items: list[dict[str, Any]]) -> str:
    """UTF-8 with a header row; empty cells for NULL; booleans as true/false."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in items:
        writer.writerow(["" if item[c] is None else str(item[c]).lower() if isinstance(item[c], bool) else item[c]
                         for c in COLUMNS])
    return buffer.getvalue()
