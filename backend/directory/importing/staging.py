"""Where an entity import keeps its checked rows until the apply step moves them.

PostgreSQL: the UNLOGGED tables `import_staged_entity` / `import_staged_link`, filled with COPY
inside each check batch's transaction. SQLite: the same tables in the job's scratch file (see
`scratch`), which the apply transaction attaches; so on SQLite the check pass never holds the
application database's write lock for more than a progress update.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import g
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from backend.db import db
from backend.directory.importing.model import staged_entity, staged_link
from backend.directory.importing.scratch import SCHEMA, Scratch

_APPLY_CACHE_KIB = 64 * 1024
_scratch_metadata = sa.MetaData()
SCRATCH_TABLES = (staged_entity.to_metadata(_scratch_metadata, schema=SCHEMA),
                  staged_link.to_metadata(_scratch_metadata, schema=SCHEMA))


class Staging:
    def __init__(self, dialect_name: str, scratch: Scratch, job_id: uuid.UUID) -> None:
        self.in_scratch = dialect_name == "sqlite"
        self.scratch = scratch
        self.entity, self.link = SCRATCH_TABLES if self.in_scratch else (staged_entity, staged_link)
        # rows are handed over in the form the target stores: SQLite keeps UUIDs and dates as text
        self.job_key: Any = _sqlite(sa.Uuid(), job_id) if self.in_scratch else job_id
        self.day: Callable[[date | None], Any] = (lambda d: None if d is None else d.isoformat()) \
            if self.in_scratch else (lambda d: d)

    def write(self, session: Session, table: sa.Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Append rows whose values are already in the target's form (see job_key, day)."""
        if not rows:
            return
        if self.in_scratch:
            self.scratch.insert(table, columns, rows)
            return
        connection = session.connection()
        driver = connection.connection.driver_connection
        assert driver is not None
        names = ", ".join(connection.dialect.identifier_preparer.quote(c) for c in columns)
        with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def discard(self, session: Session, job_id: uuid.UUID) -> None:
        if not self.in_scratch:
            discard_staged(session, job_id)

    @contextmanager
    def attached(self) -> Iterator[None]:
        """SQLite: within this block `db.session` runs on a connection that has the scratch file
        attached (ATTACH cannot run inside a transaction, so it happens before the session
        begins one). PostgreSQL: nothing to do."""
        if not self.in_scratch:
            yield
            return
        connection = db.engine.connect()
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute(f"ATTACH DATABASE ? AS {SCHEMA}", (str(self.scratch.path),))
        # A bigger page cache for this one transaction: index pages of market_entity stay in memory
        # instead of being read back from the WAL for every row (the connection's own setting is
        # restored before it returns to the pool).
        (cache_size,) = driver.execute("PRAGMA main.cache_size").fetchone()
        driver.execute(f"PRAGMA main.cache_size = {-_APPLY_CACHE_KIB}")
        outer = g.pop("db_session", None)
        g.db_session = Session(bind=connection, expire_on_commit=False)
        try:
            yield
        finally:
            g.pop("db_session").close()
            if outer is not None:
                g.db_session = outer
            driver.execute(f"PRAGMA main.cache_size = {int(cache_size)}")
            driver.execute(f"DETACH DATABASE {SCHEMA}")
            connection.close()


def _sqlite(type_: sa.types.TypeEngine[Any], value: Any) -> Any:
    dialect = sqlite.dialect()
    process = type_.dialect_impl(dialect).bind_processor(dialect)
    return value if process is None else process(value)


def discard_staged(session: Session, job_id: uuid.UUID) -> None:
    """Remove a job's rows from the PostgreSQL staging tables (a SQLite job's go with its scratch file)."""
    session.execute(sa.delete(staged_link).where(staged_link.c.job_id == job_id))
    session.execute(sa.delete(staged_entity).where(staged_entity.c.job_id == job_id))
