"""Imports every model module so that Base.metadata knows all tables (Alembic autogenerate uses it)."""
from backend.accounts import model as _accounts  # noqa: F401
from backend.audit import model as _audit  # noqa: F401
from backend.db import Base
from backend.orgs import model as _orgs  # noqa: F401

metadata = Base.metadata
