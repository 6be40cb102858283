"""One SQLite writer at a time, queued by the kernel instead of by SQLite's busy handler.

Every transaction on SQLite begins IMMEDIATE (backend.db), so it needs the database's write lock
first. When another connection holds it, SQLite's busy handler sleeps and retries with growing
pauses (1, 2, 5, 10, ... up to 100 ms each): under load a waiting request keeps sleeping long
after the lock was freed. bench/sync.py measured 72% of an upload's time in those waits with
8 gunicorn threads. The gate makes waiters queue on a lock that hands over at once: a thread
lock within the process (with the same 30 s limit as the busy timeout, so a mistake that nests
two connections in one thread fails as before instead of hanging), then an exclusive `flock`
on a file beside the database across processes. SQLite's own locking stays underneath
unchanged for any connection that does not pass the gate (the sqlite3 shell, another tool).

The lock file is opened per process (after gunicorn forks): `flock` locks belong to an open
file description, which a fork would otherwise share between workers.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


class WriteGate:
    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._pid = -1
        self._fd = -1
        self._threads = threading.Lock()
        self._holders: set[int] = set()  # id() of the driver connections inside a transaction

    def enter(self, connection: Any) -> None:
        self._for_this_process()
        if not self._threads.acquire(timeout=self.timeout):
            raise sqlite3.OperationalError("database is locked (write gate)")
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX)  # blocks without the GIL
        except BaseException:
            self._threads.release()
            raise
        self._holders.add(id(connection))

    def leave(self, connection: Any) -> None:
        if id(connection) not in self._holders:
            return  # a reset of a connection that was not in a transaction
        self._holders.discard(id(connection))
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._threads.release()

    def _for_this_process(self) -> None:
        if self._pid == os.getpid():
            return
        self._pid, self._threads, self._holders = os.getpid(), threading.Lock(), set()
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)


def _driver(connection: Any) -> Any:
    """The sqlite3 connection behind what SQLAlchemy hands the dialect (a pool proxy or the connection itself)."""
    return getattr(connection, "dbapi_connection", None) or connection


def install(engine: Engine, timeout: float) -> WriteGate | None:
    """Put the gate in front of BEGIN IMMEDIATE on a file database; in-memory databases need none."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    gate = WriteGate(Path(f"{database}-writegate"), timeout)
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(connection: Any) -> None:
        try:
            commit(connection)
        finally:
            gate.leave(_driver(connection))

    def do_rollback(connection: Any) -> None:
        try:
            rollback(connection)
        finally:
            gate.leave(_driver(connection))

    # The dialect belongs to this engine alone; its commit and rollback are where a transaction
    # really ends (SQLAlchemy's commit event fires before the COMMIT is sent).
    dialect.do_commit = do_commit  # type: ignore[method-assign]
    dialect.do_rollback = do_rollback  # type: ignore[method-assign]

    @event.listens_for(engine, "close")
    def _on_close(dbapi_connection: Any, _record: Any) -> None:
        gate.leave(dbapi_connection)

    return gate
