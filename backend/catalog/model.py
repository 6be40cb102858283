"""Random-check items, their append-only versions and filings, and their rulebooks.

An item (`CheckItem`) is only an identity: code, owning department and a pointer to its
current version. Everything that can change lives in `ItemVersion` rows, which are never
updated or deleted (database triggers refuse it); each version is filed (`ItemFiling`) with
the lead bureau, which acknowledges it. The rulebook of an item (`RulebookVersion`, also
append-only) carries the checklist template, procedure, approval, publication and archiving
rules.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import Base, UTCDateTime, utcnow
from backend.orgs.model import Department

ITEM_KINDS = ("key", "general")  # 重点 / 一般
CHECK_METHODS = ("on_site", "written", "online_monitoring", "testing", "adopt_other", "commissioned")
APPROVAL_AUTHORITIES = ("team_lead", "department_head", "role")
# Columns of a result bulletin row (REFERENCE §5) a rulebook may publish
BULLETIN_FIELDS = ("plan_number", "plan_name", "task_number", "task_name", "check_type", "inspecting_authority",
                   "entity_name", "credit_code", "completion_date", "result", "remarks")
BULLETIN_REQUIRED = ("entity_name", "result")


class CheckItem(Base):
    __tablename__ = "check_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    current_version: Mapped[int] = mapped_column(default=1)
    rulebook_version: Mapped[int | None] = mapped_column()  # None until the first rulebook is written
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    department: Mapped[Department] = relationship(lazy="joined")
    current: Mapped["ItemVersion"] = relationship(
        primaryjoin="and_(ItemVersion.item_id == CheckItem.id, ItemVersion.version == CheckItem.current_version)",
        viewonly=True, lazy="joined", uselist=False)
    versions: Mapped[list["ItemVersion"]] = relationship(
        viewonly=True, lazy="selectin", order_by="ItemVersion.version", back_populates="item")


class ItemVersion(Base):
    """One version of an item's content. Append-only."""

    __tablename__ = "item_version"
    __table_args__ = (sa.UniqueConstraint("item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("check_item.id"))
    version: Mapped[int] = mapped_column()
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str | None] = mapped_column(sa.String(300))
    kind: Mapped[str] = mapped_column(sa.String(10))
    legal_basis: Mapped[str] = mapped_column(sa.Text)
    # {"entity_types": [...], "industry_codes": [...], "subdirectory_codes": [...]}
    subjects: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    check_methods: Mapped[list[str]] = mapped_column(sa.JSON)
    provincial_item_code: Mapped[str] = mapped_column(sa.String(40))
    provincial_item_name: Mapped[str] = mapped_column(sa.String(200))
    # [{"risk_class", "ratio": {"numerator", "denominator"}, "frequency_per_year", "full_coverage"}], A…E
    sampling_rules: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    change_summary: Mapped[str] = mapped_column(sa.String(1000))
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    item: Mapped[CheckItem] = relationship(back_populates="versions", viewonly=True)


class ItemFiling(Base):
    """A version filed (备案) with the lead bureau; only the acknowledgement columns are ever set later."""

    __tablename__ = "item_filing"
    __table_args__ = (sa.UniqueConstraint("item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    # The bureau the filing was made with (the lead department at the time of filing)
    lead_department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("check_item.id"))
    version: Mapped[int] = mapped_column()
    change_summary: Mapped[str] = mapped_column(sa.String(1000))
    filed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    acknowledged_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    department: Mapped[Department] = relationship(foreign_keys=[department_id], lazy="joined")
    lead_department: Mapped[Department] = relationship(foreign_keys=[lead_department_id], lazy="joined")
    item: Mapped[CheckItem] = relationship(lazy="joined")


class RulebookVersion(Base):
    """One version of an item's rulebook (抽查实施细则). Append-only."""

    __tablename__ = "rulebook_version"
    __table_args__ = (sa.UniqueConstraint("item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("check_item.id"))
    version: Mapped[int] = mapped_column()
    template: Mapped[dict[str, Any]] = mapped_column(sa.JSON)  # schemas/checklist-template.schema.json
    procedure_steps: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    approval: Mapped[dict[str, Any]] = mapped_column(sa.JSON)  # {"authority": ..., "role": ...}
    publication: Mapped[dict[str, Any]] = mapped_column(sa.JSON)  # {"fields": [...], "within_working_days"}
    archiving: Mapped[dict[str, Any]] = mapped_column(sa.JSON)  # {"permanent": bool, "years": int | None}
    change_summary: Mapped[str] = mapped_column(sa.String(1000))
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    item: Mapped[CheckItem] = relationship(lazy="joined", viewonly=True)
