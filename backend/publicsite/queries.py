"""Reads of published results (抽查结果公告) for the public pages and the public JSON API.

Only `published_result` is read: it holds exactly what was published (the rulebook's
publication whitelist, never a risk class or an inspector). It is append-only; a correction
is a new version of the same result, so the current version of a result is its row with the
highest version, and the earlier rows are its history, shown marked as corrected.

Search (by entity name fragment, by unified social credit code or registration number, whole
or a prefix) runs in two steps: the matching ids, counted and ordered, from the covering
indexes of migration 0012_public_search alone (name, code or publication time, with the
result id, version and publication time: a name fragment scans the small name index instead
of the table; the "current version" test is a probe of the unique (result_id, version)
index); then the rows of one page by id. Code prefixes are a range on a byte-ordered index
(COLLATE "C" on PostgreSQL, SQLite's BINARY).
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

SEARCH_LIMIT = 1000  # matches counted and paged through; a broader query is asked to be narrowed
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


def name_contains(text: str) -> sa.ColumnElement[bool]:
    """The entity name contains `text` as typed. PostgreSQL: LIKE, which its trigram index answers;
    SQLite: instr(), a third faster than LIKE … ESCAPE over a scanned index, and case-sensitive as
    PostgreSQL's LIKE is."""
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.func.instr(PublishedResult.entity_name, text) > 0
    return PublishedResult.entity_name.contains(text, autoescape=True)


def code_matches(code: str) -> sa.ColumnElement[bool]:
    if len(code) == 18:
        return PublishedResult.credit_code == code
    if len(code) == 15:
        return sa.or_(PublishedResult.registration_number == code, _starts_with(PublishedResult.credit_code, code))
    return sa.or_(_starts_with(PublishedResult.credit_code, code),
                  _starts_with(PublishedResult.registration_number, code))


NEWEST_FIRST = (PublishedResult.published_at.desc(), PublishedResult.id.desc())


def search(text: str) -> sa.Select[tuple[int]]:
    """Ids of the current versions matching a name fragment (newest first), or a code, whole or its
    first characters (by code, then newest first; of a prefix matching more than SEARCH_LIMIT
    results, the first SEARCH_LIMIT in index order)."""
    code = as_code(text)
    if code is None:
        return (sa.select(PublishedResult.id)
                .where(name_contains(text), IS_CURRENT).order_by(*NEWEST_FIRST))
    found = (sa.select(PublishedResult.id, PublishedResult.published_at,
                       sa.func.coalesce(PublishedResult.credit_code, PublishedResult.registration_number).label("code"))
             .where(code_matches(code), IS_CURRENT).limit(SEARCH_LIMIT).subquery())
    return sa.select(found.c.id).order_by(found.c.code, found.c.published_at.desc(), found.c.id.desc())


def matching_ids(stmt: sa.Select[tuple[int]]) -> tuple[list[int], bool]:
    """The first SEARCH_LIMIT ids of a search, in order, and whether there are more: one pass
    over the index, whose result also gives the count and every page."""
    ids = list(db.session.scalars(stmt.limit(SEARCH_LIMIT + 1)))
    return ids[:SEARCH_LIMIT], len(ids) > SEARCH_LIMIT


def count(stmt: sa.Select[Any], limit: int | None = SEARCH_LIMIT) -> int:
    """How many rows `stmt` selects, counting no further than `limit` + 1."""
    inner = stmt.order_by(None)
    if limit is not None:
        inner = inner.limit(limit + 1)
    return db.session.scalar(sa.select(sa.func.count()).select_from(inner.subquery())) or 0


def latest() -> sa.Select[tuple[int]]:
    """Ids of every current version, newest first."""
    return sa.select(PublishedResult.id).where(IS_CURRENT).order_by(*NEWEST_FIRST)


def newest(n: int) -> list[PublishedResult]:
    return rows(list(db.session.scalars(latest().limit(n))))


def rows(ids: list[int]) -> list[PublishedResult]:
    """The rows of these ids, in the order given."""
    if not ids:
        return []
    found = {r.id: r for r in db.session.scalars(sa.select(PublishedResult).where(PublishedResult.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


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
