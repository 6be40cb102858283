"""The two directories (两库): market entities and inspectors, their reference tables and history.

Nothing here is hard-deleted: an entity leaves the register through its status, an inspector
through a status period. Every change writes a row to `entity_change` / `inspector_change`,
which the database keeps append-only. `version` is the optimistic-locking counter behind the
API's ETag/If-Match; SQLAlchemy checks it on every UPDATE.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from backend.db import Base, UTCDateTime, utcnow
from backend.directory.availability import Period, is_available, status_on
from backend.orgs.model import Department

ENTITY_TYPES = ("enterprise", "individual_business", "cooperative", "other")
REGISTRATION_STATUSES = ("operating", "in_liquidation", "closed", "deregistered", "revoked",
                         "cancelled", "moved_out")
STAFF_CATEGORIES = ("enforcement_civil_servant", "certified_staff", "routine_supervision",
                    "county_enforcement_team")
CHANGE_ACTIONS = ("create", "update", "status_change", "membership_change")


# ------------------------------------------------------------------ reference tables


class Industry(Base):
    """GB/T 4754-2017 entries in use (section letter + division or class digits)."""

    __tablename__ = "industry"

    code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(120))


class RiskScheme(Base):
    """A credit risk classification scheme; exactly one is active (partial unique index)."""

    __tablename__ = "risk_scheme"
    __table_args__ = (sa.Index("uq_risk_scheme_active", "is_active", unique=True,
                               sqlite_where=sa.text("is_active"), postgresql_where=sa.text("is_active")),)

    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    is_active: Mapped[bool] = mapped_column(default=False)


class RiskClass(Base):
    __tablename__ = "risk_class"

    scheme_code: Mapped[str] = mapped_column(sa.ForeignKey("risk_scheme.code"), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(4), primary_key=True)
    rank: Mapped[int] = mapped_column()  # 1 = lowest risk
    description: Mapped[str] = mapped_column(sa.String(200))


class Specialty(Base):
    __tablename__ = "specialty"

    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(60))
    name_en: Mapped[str] = mapped_column(sa.String(80))


# ------------------------------------------------------------------ target directory

entity_department = sa.Table(
    "entity_department", Base.metadata,
    sa.Column("entity_id", sa.ForeignKey("market_entity.id"), primary_key=True),
    sa.Column("department_id", sa.ForeignKey("department.id"), primary_key=True, index=True),
)


class MarketEntity(Base):
    """检查对象. Keys for upserts: credit_code, else registration_number, else local_id."""

    __tablename__ = "market_entity"
    __table_args__ = (
        sa.CheckConstraint("credit_code IS NOT NULL OR registration_number IS NOT NULL "
                           "OR local_id IS NOT NULL", name="has_key"),
        sa.ForeignKeyConstraint(["risk_scheme", "risk_class"], ["risk_class.scheme_code", "risk_class.code"],
                                name="fk_market_entity_risk_class"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), unique=True)
    registration_number: Mapped[str | None] = mapped_column(sa.String(15), unique=True)
    local_id: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    entity_type: Mapped[str] = mapped_column(sa.String(24))
    legal_representative: Mapped[str | None] = mapped_column(sa.String(100))
    registered_address: Mapped[str | None] = mapped_column(sa.String(300))
    business_address: Mapped[str | None] = mapped_column(sa.String(300))
    division_code: Mapped[str] = mapped_column(sa.ForeignKey("jurisdiction.code"), index=True)
    industry_code: Mapped[str] = mapped_column(sa.ForeignKey("industry.code"), index=True)
    registration_status: Mapped[str] = mapped_column(sa.String(24), index=True)
    registered_on: Mapped[date | None] = mapped_column(sa.Date)
    risk_scheme: Mapped[str | None] = mapped_column(sa.String(32))
    risk_class: Mapped[str | None] = mapped_column(sa.String(4), index=True)
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    industry: Mapped[Industry] = relationship(lazy="joined")
    departments: Mapped[list[Department]] = relationship(secondary=entity_department, lazy="selectin",
                                                         order_by=Department.code)
    memberships: Mapped[list[SubDirectoryMember]] = relationship(
        back_populates="entity", lazy="selectin", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def supervising_departments(self) -> list[str]:
        return sorted(d.code for d in self.departments)

    @property
    def sub_directories(self) -> list[SubDirectory]:
        return sorted((m.sub_directory for m in self.memberships), key=lambda s: s.id)


class SubDirectoryMember(Base):
    __tablename__ = "sub_directory_member"

    sub_directory_id: Mapped[int] = mapped_column(sa.ForeignKey("sub_directory.id"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("market_entity.id"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sub_directory: Mapped[SubDirectory] = relationship(lazy="joined")
    entity: Mapped[MarketEntity] = relationship(back_populates="memberships")


class SubDirectory(Base):
    """分库: one domain a department supervises (e.g. food business, special equipment)."""

    __tablename__ = "sub_directory"
    __table_args__ = (sa.UniqueConstraint("department_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    code: Mapped[str] = mapped_column(sa.String(32))
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    department: Mapped[Department] = relationship(lazy="joined")
    member_count: Mapped[int] = column_property(
        sa.select(sa.func.count()).where(SubDirectoryMember.sub_directory_id == id)
        .correlate_except(SubDirectoryMember).scalar_subquery(), deferred=True)

    @property
    def label(self) -> str:
        return f"{self.department.code}/{self.code}"


class EntityChange(Base):
    """One version of an entity: who changed what, when. Append-only (database triggers)."""

    __tablename__ = "entity_change"
    __table_args__ = (sa.UniqueConstraint("entity_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("market_entity.id"))
    version: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(sa.String(24))
    actor: Mapped[str | None] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


# ------------------------------------------------------------------ inspector directory

inspector_specialty = sa.Table(
    "inspector_specialty", Base.metadata,
    sa.Column("inspector_id", sa.ForeignKey("inspector.id"), primary_key=True),
    sa.Column("specialty_code", sa.ForeignKey("specialty.code"), primary_key=True, index=True),
)


class Inspector(Base):
    """执法检查人员. Upsert key: certificate_number."""

    __tablename__ = "inspector"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(sa.ForeignKey("jurisdiction.code"))
    certificate_number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    certificate_valid_from: Mapped[date] = mapped_column(sa.Date)
    certificate_valid_until: Mapped[date] = mapped_column(sa.Date)
    staff_category: Mapped[str] = mapped_column(sa.String(32))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    department: Mapped[Department] = relationship(lazy="joined")
    specialty_rows: Mapped[list[Specialty]] = relationship(secondary=inspector_specialty, lazy="selectin",
                                                           order_by=Specialty.code)
    status_periods: Mapped[list[InspectorStatusPeriod]] = relationship(
        lazy="selectin", order_by=lambda: (InspectorStatusPeriod.starts_on, InspectorStatusPeriod.id))
    conflicts: Mapped[list[InspectorConflict]] = relationship(lazy="selectin", order_by="InspectorConflict.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def specialties(self) -> list[str]:
        return [s.code for s in self.specialty_rows]

    def _periods(self) -> list[Period]:
        return [Period(p.id, p.status, p.starts_on, p.ends_on) for p in self.status_periods]

    def status_on(self, on_date: date) -> str | None:
        return status_on(self._periods(), on_date)

    def is_available(self, on_date: date) -> bool:
        """Active on that day and holding a valid certificate (may be drawn for a check)."""
        return is_available(self._periods(), self.certificate_valid_from, self.certificate_valid_until, on_date)


class InspectorStatusPeriod(Base):
    """From starts_on to ends_on (inclusive; open-ended when null) the inspector has `status`.
    Periods layer: on a given day the covering period that starts last wins."""

    __tablename__ = "inspector_status_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("inspector.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InspectorConflict(Base):
    """A declared conflict of interest, used for recusal (回避): an entity, or a described relation."""

    __tablename__ = "inspector_conflict"
    __table_args__ = (sa.CheckConstraint("entity_id IS NOT NULL OR relation IS NOT NULL", name="has_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("inspector.id"), index=True)
    entity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("market_entity.id"), index=True)
    relation: Mapped[str | None] = mapped_column(sa.String(300))  # free text, e.g. "spouse is a shareholder of ..."
    reason: Mapped[str] = mapped_column(sa.String(500))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InspectorChange(Base):
    """One version of an inspector record. Append-only (database triggers)."""

    __tablename__ = "inspector_change"
    __table_args__ = (sa.UniqueConstraint("inspector_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("inspector.id"))
    version: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(sa.String(24))
    actor: Mapped[str | None] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


# ------------------------------------------------------------------ confirmation (R2.2)


class DirectoryConfirmation(Base):
    """A department's statement that its share of a directory is up to date. Append-only."""

    __tablename__ = "directory_confirmation"
    __table_args__ = (sa.Index("ix_directory_confirmation_latest", "department_id", "kind", "confirmed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # entities | inspectors
    confirmed_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    count: Mapped[int] = mapped_column()
    digest: Mapped[str] = mapped_column(sa.String(64))
    algorithm: Mapped[str] = mapped_column(sa.String(40))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    department: Mapped[Department] = relationship(lazy="joined")
