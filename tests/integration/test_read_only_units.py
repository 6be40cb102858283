"""Read-only units on SQLite take no write lock: they read beside a writer instead of queueing."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from flask import Flask

from backend.accounts.model import User
from backend.db import read_only, unit_of_work


def test_a_read_only_unit_reads_while_another_request_holds_the_write_lock(app: Flask) -> None:
    if app.extensions["ssgk.engine"].dialect.name != "sqlite":
        pytest.skip("the write lock is SQLite's")
    writing, done = threading.Event(), threading.Event()

    def writer() -> None:
        with app.app_context(), unit_of_work() as session:
            session.execute(sa.select(User.id).limit(1)).all()  # BEGIN IMMEDIATE: the write lock is held
            writing.set()
            done.wait(10)

    holder = threading.Thread(target=writer)
    holder.start()
    assert writing.wait(10)
    seen: list[int] = []

    def reader() -> None:
        with app.app_context(), read_only() as session:
            seen.append(session.scalar(sa.select(sa.func.count()).select_from(User)) or 0)

    thread = threading.Thread(target=reader)
    thread.start()
    thread.join(5)  # were it waiting for the lock, it would still be waiting
    finished = not thread.is_alive()
    done.set()
    holder.join(10)
    thread.join(30)
    assert finished and len(seen) == 1


def test_a_read_only_unit_inside_an_open_transaction_reads_in_it(app: Flask) -> None:
    with app.app_context(), unit_of_work() as session:
        session.execute(sa.select(User.id).limit(1)).all()
        outer = session.get_transaction()
        with read_only() as inner:
            assert inner is session and inner.get_transaction() is outer
        assert session.in_transaction()
