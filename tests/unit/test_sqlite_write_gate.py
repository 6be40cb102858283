"""The SQLite write gate: one writer at a time, handed over at once, across threads and processes."""
from __future__ import annotations

import os
import threading
from pathlib import Path

from backend.sqlite_gate import WriteGate


class Connection:
    """Stands in for a driver connection: the gate only needs its identity."""


def test_two_threads_in_one_process_take_the_gate_in_turn(tmp_path: Path) -> None:
    gate = WriteGate(tmp_path / "db-writegate", timeout=5)
    first, second = Connection(), Connection()
    inside: list[str] = []
    second_in = threading.Event()

    def writer() -> None:
        gate.enter(second)
        inside.append("second")
        second_in.set()
        gate.leave(second)

    gate.enter(first)
    thread = threading.Thread(target=writer)
    thread.start()
    assert not second_in.wait(0.2)  # it waits while the first holds the gate
    inside.append("first")
    gate.leave(first)
    assert second_in.wait(5)
    thread.join()
    assert inside == ["first", "second"]


def test_a_process_waits_for_the_gate_another_process_holds(tmp_path: Path) -> None:
    gate = WriteGate(tmp_path / "db-writegate", timeout=5)
    held, release = os.pipe(), os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: hold the gate until told to let go
        try:
            gate.enter(Connection())
            os.write(held[1], b"x")
            os.read(release[0], 1)
        finally:
            os._exit(0)
    os.read(held[0], 1)
    mine, entered = Connection(), threading.Event()
    thread = threading.Thread(target=lambda: (gate.enter(mine), entered.set()))
    thread.start()
    assert not entered.wait(0.2)  # blocked on the child's flock
    os.write(release[1], b"x")
    os.waitpid(pid, 0)  # the child exits: its lock goes with it
    assert entered.wait(5)
    thread.join()
    gate.leave(mine)


def test_leaving_without_having_entered_is_harmless(tmp_path: Path) -> None:
    gate = WriteGate(tmp_path / "db-writegate", timeout=5)
    gate.leave(Connection())  # a rollback of a connection that was in no transaction
    connection = Connection()
    gate.enter(connection)
    gate.leave(connection)
    gate.leave(connection)  # a second release (rollback after a failed commit) changes nothing
    gate.enter(connection)
    gate.leave(connection)


def test_a_thread_that_cannot_get_the_gate_in_time_fails_like_a_busy_database(tmp_path: Path) -> None:
    import sqlite3

    gate = WriteGate(tmp_path / "db-writegate", timeout=0.05)
    holder = Connection()
    gate.enter(holder)
    failure: list[BaseException] = []

    def writer() -> None:
        try:
            gate.enter(Connection())
        except sqlite3.OperationalError as exc:
            failure.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    thread.join(5)
    gate.leave(holder)
    assert failure and "locked" in str(failure[0])
