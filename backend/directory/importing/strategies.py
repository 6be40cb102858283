"""Where an entity import keeps its checked rows until the apply step moves them: one strategy
per database engine, chosen by `staging_for` from the dialect's name.

* `PostgresStaging`: the UNLOGGED tables `import_staged_entity` / `import_staged_link` (migration
  0007), keyed by job, filled with COPY (psycopg's `cursor.copy`) inside each check batch's
  transaction.
* `SqliteStaging`: tables of the job's scratch file (see `scratch`), keyed by the row's number
  as their rowid (the file holds one job, so no job column and no second index to maintain),
  filled with `executemany`; the apply transaction ATTACHes the file. On SQLite the check pass
  so never holds the application database's write lock for more than a progress update.

Both take rows in one shape: the staged table's columns without `job_id`, values already in the
form the target stores (`day` turns a date into it).
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import Session

from backend.db import db
from backend.directory.importing.model import staged_entity, staged_link
from backend.directory.importing.scratch import SCHEMA, Scratch

_APPLY_CACHE_KIB = 64 * 1024


def _scratch_tables(schema: str | None) -> tuple[sa.Table, sa.Table]:
    """The staged tables as the scratch file holds them: no job column, the row number as rowid
    (`schema`: the name the file is attached under, or None for the file's own connection)."""
    metadata = sa.MetaData(schema=schema)
    entity = sa.Table(staged_entity.name, metadata,
                      sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
                      *(sa.Column(c.name, c.type, nullable=c.nullable)
                        for c in staged_entity.c if c.name not in ("job_id", "seq")))
    link = sa.Table(staged_link.name, metadata,
                    *(sa.Column(c.name, c.type, nullable=False) for c in staged_link.c if c.name != "job_id"))
    return entity, link


SCRATCH_ENTITY, SCRATCH_LINK = _scratch_tables(SCHEMA)  # as the apply transaction sees them


class PostgresStaging:
    entity, link = staged_entity, staged_link

    def __init__(self, job_id: uuid.UUID) -> None:
        self.job_id = job_id
        self.day: Callable[[date | None], Any] = lambda d: d

    def of_job(self, table: sa.Table) -> sa.ColumnElement[bool]:
        return table.c.job_id == self.job_id

    def write(self, session: Session, table: sa.Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        connection = session.connection()
        driver = connection.connection.driver_connection
        assert driver is not None
        names = ", ".join(connection.dialect.identifier_preparer.quote(c) for c in ("job_id", *columns))
        job = self.job_id
        with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((job, *row))

    def discard(self, session: Session) -> None:
        discard_staged(session, self.job_id)

    @contextmanager
    def attached(self) -> Iterator[None]:
        yield


class SqliteStaging:
    entity, link = SCRATCH_ENTITY, SCRATCH_LINK

    def __init__(self, scratch: Scratch) -> None:
        self.scratch = scratch
        scratch.create_tables(_scratch_tables(None))
        # SQLite stores dates as ISO text; handing them over as such spares a bind processor per row
        self.day: Callable[[date | None], Any] = lambda d: None if d is None else d.isoformat()

    def of_job(self, table: sa.Table) -> sa.ColumnElement[bool]:
        return sa.true()  # the scratch file holds this job only

    def write(self, session: Session, table: sa.Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self.scratch.insert(table, columns, rows)

    def discard(self, session: Session) -> None:
        """The rows go with the scratch file."""

    @contextmanager
    def attached(self) -> Iterator[None]:
        """Within this block `db.session` runs on a connection that has the scratch file attached
        (ATTACH cannot run inside a transaction, so it happens before the session begins one)."""
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


Staging = PostgresStaging | SqliteStaging


def staging_for(dialect_name: str, scratch: Scratch, job_id: uuid.UUID) -> Staging:
    if dialect_name == "postgresql":
        return PostgresStaging(job_id)
    if dialect_name == "sqlite":
        return SqliteStaging(scratch)
    raise ValueError(f"no import staging for the {dialect_name!r} database")


def discard_staged(session: Session, job_id: uuid.UUID) -> None:
    """Remove a job's rows from the PostgreSQL staging tables (a SQLite job's go with its scratch
    file, and on SQLite these tables stay empty: this costs nothing there)."""
    session.execute(sa.delete(staged_link).where(staged_link.c.job_id == job_id))
    session.execute(sa.delete(staged_entity).where(staged_entity.c.job_id == job_id))
