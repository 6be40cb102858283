"""Import jobs, and the staging tables an import fills before it moves rows into the directory.

`import_job` is the tracked job behind the API and the CLI (status, progress, counts, the error
report). The staging tables hold the checked rows of a running entity import, keyed by job; the
apply step moves them with INSERT ... SELECT / UPDATE ... FROM and deletes them. On PostgreSQL
they are UNLOGGED (see migration 0007): their content is worthless after a crash anyway.
"""
from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import Base, UTCDateTime, utcnow
from backend.orgs.model import Department

KINDS = ("entities", "inspectors")
STATUSES = ("queued", "running", "succeeded", "rejected", "failed")
ACTIVE = ("queued", "running")


class ImportJob(Base):
    """One import of one file: queued -> running -> succeeded | rejected | failed."""

    __tablename__ = "import_job"
    __table_args__ = (sa.Index("ix_import_job_department_created", "department_id", "created_at"),
                      sa.Index("ix_import_job_status", "status"))

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(sa.String(16))
    filename: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    file_format: Mapped[str | None] = mapped_column(sa.String(8))  # csv | xlsx, once read
    encoding: Mapped[str | None] = mapped_column(sa.String(16))  # CSV: utf-8 | gb18030
    dry_run: Mapped[bool] = mapped_column(default=False)
    # the importing department: default supervisor of new entities, scope of a department administrator
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))  # None: the CLI
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")
    phase: Mapped[str | None] = mapped_column(sa.String(16))  # checking | applying
    rows_total: Mapped[int | None] = mapped_column()
    rows_total_estimated: Mapped[bool] = mapped_column(default=True)
    rows_done: Mapped[int] = mapped_column(default=0)
    valid: Mapped[int] = mapped_column(default=0)  # rows that met the standard
    rejected: Mapped[int] = mapped_column(default=0)  # rows with at least one error
    error_count: Mapped[int] = mapped_column(default=0)  # lines of the error report
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    failure_code: Mapped[str | None] = mapped_column(sa.String(64))  # file-level problem or failure
    failure_message: Mapped[str | None] = mapped_column(sa.String(500))
    report_path: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    department: Mapped[Department | None] = relationship(lazy="joined")

    @property
    def imported(self) -> int:
        """Rows now in the directory as the file has them: 0 for a dry run or a refused file (then
        created / updated / unchanged say what the valid rows would have done)."""
        if self.dry_run or self.status != "succeeded":
            return 0
        return self.created + self.updated + self.unchanged


# ------------------------------------------------------------------ staging (entities)

_entity_columns = (
    sa.Column("credit_code", sa.String(18)),
    sa.Column("registration_number", sa.String(15)),
    sa.Column("local_id", sa.String(40)),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("entity_type", sa.String(24), nullable=False),
    sa.Column("legal_representative", sa.String(100)),
    sa.Column("registered_address", sa.String(300)),
    sa.Column("business_address", sa.String(300)),
    sa.Column("division_code", sa.String(12), nullable=False),
    sa.Column("industry_code", sa.String(8), nullable=False),
    sa.Column("registration_status", sa.String(24), nullable=False),
    sa.Column("registered_on", sa.Date),
    sa.Column("risk_scheme", sa.String(32)),
    sa.Column("risk_class", sa.String(4)),
    sa.Column("latitude", sa.Float),
    sa.Column("longitude", sa.Float),
)
ENTITY_VALUE_COLUMNS = tuple(c.name for c in _entity_columns)

staged_entity = sa.Table(
    "import_staged_entity", Base.metadata,
    sa.Column("job_id", sa.Uuid, primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),  # order within the file
    sa.Column("new_seq", sa.Integer),  # 1..n among new entities; null for an update
    sa.Column("entity_id", sa.Integer),  # the entity updated; null for a new one
    sa.Column("old_version", sa.Integer),  # the version the update was checked against
    sa.Column("action", sa.String(24), nullable=False),  # create | update | status_change
    *_entity_columns,
    # the record's links as JSON text (department codes, sub-directory labels) for the history row
    sa.Column("departments", sa.Text, nullable=False),
    sa.Column("sub_directories", sa.Text, nullable=False),
    # coordinates as JSON numbers written by Python (repr: the shortest exact form; SQLite's own
    # float printing is not exact to the last digit)
    sa.Column("latitude_json", sa.Text),
    sa.Column("longitude_json", sa.Text),
    sa.Column("before", sa.JSON),  # entity_change.before / after of an update, already serialised;
    sa.Column("after", sa.JSON),  # a new entity's `after` is built from the columns above by SQL
)

staged_link = sa.Table(
    "import_staged_link", Base.metadata,
    sa.Column("job_id", sa.Uuid, primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(16), primary_key=True),  # department | sub_directory: a link to add
    sa.Column("target_id", sa.Integer, primary_key=True, autoincrement=False),
)
