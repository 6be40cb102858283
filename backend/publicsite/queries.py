"""Reads of published results (抽查结果公告) for the public pages and the public JSON API.

Only `published_result` is read: it holds exactly what was published (the rulebook's
publication whitelist, never a risk class or an inspector). It is append-only; a correction
is a new version of the same result, so the current version of a result is its row with the
highest version, and the earlier rows are its history, shown marked as corrected.

Search (by entity name fragment, by unified social credit code or registration number, whole
or a prefix) uses the indexes of migration 0012_public_search: code prefixes are a range on a
byte-ordered index (COLLATE "C" on PostgreSQL, SQLite's BINARY), so they never scan.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from backend.db import db
from backend.results.model import PublishedResult

CODE_QUERY = re.compile(r"[0-9A-Z]{2,18}")  # a credit code (18) or registration number (15), or a prefix
QUERY_MAX = 100
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_later = aliased(PublishedResult)
IS_CURRENT = ~sa.exists().where(_later.result_id == PublishedResult.result_id,
                                _later.version > PublishedResult.version)


def normalise(text: str | None) -> str:
    """The query as searched: trimmed, inner runs of spaces made one; "" when nothing is left."""
    return " ".join((text or "").split())[:QUERY_MAX]


def is_valid(text: str) -> bool:
    return not CONTROL.search(text)


def as_code(text: str) -> str | None:
    """A query that reads as an identifier (letters and digits with at least one digit), upper-cased."""
    code = text.replace(" ", "").upper()
    if CODE_QUERY.fullmatch(code) and any(c.isdigit() for c in code):
        return code
    return None


def _byte_ordered(column: Any) -> Any:
    return sa.collate(column, "C") if db.session.get_bind().dialect.name == "postgresql" else column


def _starts_with(column: Any, prefix: str) -> sa.ColumnElement[bool]:
    """`column` starts with `prefix` ([0-9A-Z] only), as a range a B-tree index answers."""
    ordered = _byte_ordered(column)
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return sa.and_(ordered >= prefix, ordered < upper)


def code_matches(code: str) -> sa.ColumnElement[bool]:
    if len(code) == 18:
        return PublishedResult.credit_code == code
    if len(code) == 15:
        return sa.or_(PublishedResult.registration_number == code, _starts_with(PublishedResult.credit_code, code))
    return sa.or_(_starts_with(PublishedResult.credit_code, code),
                  _starts_with(PublishedResult.registration_number, code))


def search(text: str) -> sa.Select[tuple[PublishedResult]]:
    """Current versions matching a name fragment, or a code (whole or prefix); newest first."""
    code = as_code(text)
    condition = code_matches(code) if code else PublishedResult.entity_name.contains(text, autoescape=True)
    return (sa.select(PublishedResult).where(condition, IS_CURRENT)
            .order_by(PublishedResult.published_at.desc(), PublishedResult.id.desc()))


def latest() -> sa.Select[tuple[PublishedResult]]:
    return (sa.select(PublishedResult).where(IS_CURRENT)
            .order_by(PublishedResult.published_at.desc(), PublishedResult.id.desc()))


def of_task(task_id: int) -> sa.Select[tuple[PublishedResult]]:
    return (sa.select(PublishedResult).where(PublishedResult.task_id == task_id, IS_CURRENT)
            .order_by(PublishedResult.entity_name, PublishedResult.id))


def identifier(row: PublishedResult) -> str | None:
    """The entity's public key: its credit code, else its registration number."""
    return row.credit_code or row.registration_number


@dataclass
class Versioned:
    """A result's current version with its earlier versions (newest first)."""

    current: PublishedResult
    history: list[PublishedResult] = field(default_factory=list)

    @property
    def corrected(self) -> bool:
        return self.current.version > 1


def with_history(rows: list[PublishedResult]) -> list[Versioned]:
    """The current rows given, each with its earlier versions (one query)."""
    if not rows:
        return []
    earlier: dict[int, list[PublishedResult]] = defaultdict(list)
    corrected = [r.result_id for r in rows if r.version > 1]
    if corrected:
        for old in db.session.scalars(sa.select(PublishedResult).where(
                PublishedResult.result_id.in_(corrected), ~IS_CURRENT)
                .order_by(PublishedResult.version.desc())):
            earlier[old.result_id].append(old)
    return [Versioned(r, earlier.get(r.result_id, [])) for r in rows]


def of_entity(code: str) -> list[Versioned]:
    """Every result published under a credit code or registration number, newest check first."""
    code = code.strip().upper()
    if len(code) not in (15, 18) or not CODE_QUERY.fullmatch(code):
        return []
    key = PublishedResult.credit_code == code if len(code) == 18 else PublishedResult.registration_number == code
    rows = list(db.session.scalars(sa.select(PublishedResult).where(key, IS_CURRENT).order_by(
        PublishedResult.completion_date.desc().nulls_last(), PublishedResult.published_at.desc(),
        PublishedResult.id.desc())))
    return with_history(rows)
