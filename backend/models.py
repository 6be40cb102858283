"""Imports every model module so that Base.metadata knows all tables (Alembic autogenerate uses it)."""
from backend.accounts import model as _accounts  # noqa: F401
from backend.audit import model as _audit  # noqa: F401
from backend.catalog import model as _catalog  # noqa: F401
from backend.db import Base
from backend.directory import model as _directory  # noqa: F401
from backend.draws import model as _draws  # noqa: F401
from backend.directory.importing import model as _directory_importing  # noqa: F401
from backend.evidence_store import model as _evidence_store  # noqa: F401
from backend.field import model as _field  # noqa: F401
from backend.orgs import model as _orgs  # noqa: F401
from backend.plans import model as _plans  # noqa: F401
from backend.results import model as _results  # noqa: F401
from backend.review import model as _review  # noqa: F401
from backend.tasks import model as _tasks  # noqa: F401
from backend.uploads import model as _uploads  # noqa: F401
from backend.workdays import model as _workdays  # noqa: F401

metadata = Base.metadata
