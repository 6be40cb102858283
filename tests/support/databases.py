"""Per-test databases cloned from a template migrated once per session."""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from backend.migrate import upgrade

__all__ = ["database_template", "database_url", "engine_kind"]


def _pg_base() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


@pytest.fixture(scope="session")
def engine_kind() -> str:
    return "postgresql" if _pg_base() else "sqlite"


def _admin_engine(base: str) -> sa.Engine:
    return sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def _with_database(base: str, name: str) -> str:
    return sa.make_url(base).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database to copy: a SQLite file path, or a PostgreSQL database name."""
    base = _pg_base()
    if base is None:
        path = tmp_path_factory.mktemp("template") / "template.db"
        upgrade(f"sqlite:///{path}")
        yield str(path)
        return
    name = f"ssgk_tmpl_{os.getpid()}"
    admin = _admin_engine(base)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    upgrade(_with_database(base, name))
    yield name
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> Iterator[str]:
    base = _pg_base()
    if base is None:
        path = tmp_path / "test.db"
        shutil.copyfile(database_template, path)
        yield f"sqlite:///{path}"
        return
    name = f"ssgk_t_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine(base)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{database_template}"')
    yield _with_database(base, name)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()
