"""Reading a draw's population on PostgreSQL: in libpq's chunked mode, or through a named cursor
when the libpq is older than 17. Both give the same rows in the same batches, and a read left
early, while the server is still producing rows, leaves the transaction usable."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from backend.db import db
from backend.draws import population

pytestmark = pytest.mark.postgres_only

ROWS = 45_000  # more than two batches


def numbers() -> sa.Select:
    return sa.select(sa.func.generate_series(1, ROWS).label("n"), sa.literal("x").label("s"))


def numbers_slow_after_the_first_batch() -> sa.Select:
    """The server is still busy (asleep) past the first batch when the reader leaves, so leaving
    cancels a running query, whatever the timing. Row 30,000: the first batch's rows have been
    flushed to the client long before."""
    slow = "CASE WHEN n = 30000 THEN (SELECT 'x' FROM pg_sleep(30)) ELSE 'x' END"
    return sa.select(sa.literal_column("n"), sa.literal_column(slow)).select_from(
        sa.text(f"generate_series(1, {ROWS}) AS n"))


@pytest.fixture(autouse=True)
def _postgresql_only(engine_kind: str) -> None:
    if engine_kind != "postgresql":
        pytest.skip("the chunked and named-cursor reads are PostgreSQL's")


@pytest.fixture(params=[True, False], ids=["chunked", "named-cursor"])
def chunked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    import psycopg

    if request.param and not psycopg.capabilities.has_stream_chunked():
        pytest.skip("this libpq has no chunked mode")
    monkeypatch.setattr(psycopg.capabilities, "has_stream_chunked", lambda check=False: request.param)
    return request.param


def test_every_row_arrives_once_in_batches_of_the_set_size(app: Flask, chunked: bool) -> None:
    with app.app_context():
        batches = list(population.stream_rows(db.session, numbers()))
        db.session.rollback()
    assert [len(b) for b in batches] == [population._BATCH, population._BATCH, ROWS - 2 * population._BATCH]
    assert [row for batch in batches for row in batch] == [(n, "x") for n in range(1, ROWS + 1)]


def test_a_read_left_after_one_batch_leaves_the_transaction_usable(app: Flask, chunked: bool) -> None:
    with app.app_context():
        rows = population.stream_rows(db.session, numbers_slow_after_the_first_batch())
        assert len(next(rows)) == population._BATCH
        rows.close()
        assert db.session.scalar(sa.text("SELECT 41 + 1")) == 42
        db.session.rollback()
