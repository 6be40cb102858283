"""Versions of items, rulebooks and plans cannot be changed or removed, even with raw SQL."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from tests.support.catalog_data import plan_body, rulebook_body
from tests.support.catalog_fixtures import create_item, staff  # noqa: F401  (fixtures)


@pytest.fixture
def versions(client, staff, create_item) -> None:
    item = create_item("MR-001")
    headers = staff["mr-admin"]
    assert client.post(f"/api/v1/catalog/items/{item['id']}/rulebook/versions", json=rulebook_body(),
                       headers=headers).status_code == 201
    assert client.post("/api/v1/plans", json=plan_body(2090, ["MR-001"]), headers=headers).status_code == 201


@pytest.mark.parametrize("table", ["item_version", "rulebook_version", "plan_version"])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET version = 99", "DELETE FROM {table}"])
def test_a_stored_version_cannot_be_changed_or_deleted(app, versions, table: str, statement: str) -> None:
    from backend.db import db

    with app.app_context():
        with pytest.raises(DatabaseError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(sa.text(statement.format(table=table)))
        with db.engine.connect() as conn:
            assert conn.execute(sa.text(f"SELECT max(version) FROM {table}")).scalar() == 1
