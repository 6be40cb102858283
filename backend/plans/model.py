"""Annual random-check plans and their append-only versions.

`Plan` holds the identity and the lifecycle (draft → filed → published) and points at its
current version; the content (name, batches) lives in `PlanVersion` rows, never updated or
deleted, so every in-year adjustment and its reason stays visible.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import Base, UTCDateTime, utcnow
from backend.orgs.model import Department

PLAN_STATUSES = ("draft", "filed", "published")


class Plan(Base):
    __tablename__ = "plan"
    __table_args__ = (sa.UniqueConstraint("department_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    year: Mapped[int] = mapped_column(index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(sa.ForeignKey("jurisdiction.code"))
    status: Mapped[str] = mapped_column(sa.String(12), default="draft", index=True)
    current_version: Mapped[int] = mapped_column(default=1)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Filing with the lead bureau (due 31 January of the plan year, Beijing time)
    filed_version: Mapped[int | None] = mapped_column()
    filed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    filed_days_late: Mapped[int | None] = mapped_column()
    lead_department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    # Publication to the public plan bulletin (抽查计划公告)
    published_version: Mapped[int | None] = mapped_column()
    published_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    department: Mapped[Department] = relationship(foreign_keys=[department_id], lazy="joined")
    current: Mapped["PlanVersion"] = relationship(
        primaryjoin="and_(PlanVersion.plan_id == Plan.id, PlanVersion.version == Plan.current_version)",
        viewonly=True, lazy="joined", uselist=False)
    versions: Mapped[list["PlanVersion"]] = relationship(viewonly=True, lazy="selectin",
                                                         order_by="PlanVersion.version")


class PlanVersion(Base):
    """One version of a plan's content; versions after the first carry the reason. Append-only."""

    __tablename__ = "plan_version"
    __table_args__ = (sa.UniqueConstraint("plan_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plan.id"))
    version: Mapped[int] = mapped_column()
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str | None] = mapped_column(sa.String(300))
    # [{"id", "name_zh", "name_en", "scope": {...}, "items": [codes], "target_count", "window": {"start", "end"},
    #   "partner_departments": [codes]}]
    batches: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    reason: Mapped[str | None] = mapped_column(sa.String(1000))
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
