"""Fixtures shared by every tier.

The database engine comes from the environment: with TEST_DATABASE_URL set to a PostgreSQL
server URL (postgresql+psycopg://user@host:port/db) the tests run on PostgreSQL, otherwise on
SQLite. Either way each test gets its own freshly migrated database, copied from a template
that Alembic migrated once per session (a file copy on SQLite, CREATE DATABASE ... TEMPLATE on
PostgreSQL), so the audit tables' append-only triggers never need to be worked around.
"""
from __future__ import annotations

import os

# Settings for the app under test: fixed keys, cheap password hashing. Set before any app exists.
os.environ.setdefault("APP_ENV", "test")
os.environ.setdefault("SECRET_KEY", "test-secret")
os.environ.setdefault("JWT_KEYS", '{"test-1": "test-jwt-secret-0123456789abcdef0123456789"}')
os.environ.setdefault("AUDIT_SIGNING_KEY", "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")
os.environ.setdefault("PASSWORD_SCRYPT_N", "256")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from tests.support.databases import *  # noqa: E402,F401,F403  (fixtures)
from tests.support.apps import *  # noqa: E402,F401,F403  (fixtures)
