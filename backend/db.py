"""Engine, sessions and the unit of work. One engine per app, one session per app context."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session

from backend import sqlite_gate

SQLITE_BUSY_SECONDS = 30
READ_ONLY = "ssgk_read_only"  # execution option of the connections read_only() begins

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both SQLite (which drops tzinfo) and PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use aware UTC datetimes")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


def _configure_sqlite(engine: Engine) -> None:
    gate = sqlite_gate.install(engine, timeout=SQLITE_BUSY_SECONDS)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not the driver, emit BEGIN (see below).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        # IMMEDIATE takes the write lock up front: a transaction that reads and then
        # writes (audit leaf numbering, idempotent inserts) can never fail half-way
        # with SQLITE_BUSY_SNAPSHOT under concurrent gunicorn workers. The gate queues the
        # writers first (backend.sqlite_gate), so BEGIN IMMEDIATE finds the lock free.
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")  # deferred: a WAL reader takes no lock and waits for no writer
            return
        if gate is None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        driver = conn.connection.dbapi_connection
        gate.enter(driver)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            gate.leave(driver)
            raise


def build_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class Database:
    """Flask extension: `db.init_app(app)`, then `db.session` inside an app context."""

    def init_app(self, app: Flask) -> None:
        app.extensions["ssgk.engine"] = build_engine(app.config["SQLALCHEMY_DATABASE_URL"])
        app.teardown_appcontext(self._close_session)

    @property
    def engine(self) -> Engine:
        return current_app.extensions["ssgk.engine"]

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = Session(self.engine, expire_on_commit=False)
        return g.db_session

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


db = Database()


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """The one place that commits: leaving the block normally commits, an exception rolls back."""
    session = db.session
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


@contextmanager
def read_only() -> Iterator[Session]:
    """A unit of work that only reads. On SQLite it begins a deferred transaction, which takes no
    write lock: in WAL mode readers neither wait for the writer nor hold it up, so work that only
    reads (checking a record against its template, who the caller is) runs beside the writers
    instead of queueing for the lock. Inside an open transaction it simply reads in that one."""
    session = db.session
    if session.in_transaction():
        yield session
        return
    session.connection(execution_options={READ_ONLY: True})
    try:
        yield session
    finally:
        session.commit()  # ends the snapshot; nothing was written
