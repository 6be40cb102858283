"""Departments (member units of the joint meeting) and jurisdictions (GB/T 2260 or local codes)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base


class Department(Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    # market_regulation leads (keeps the city-wide list, receives filings, hosts the joint-meeting office)
    is_lead: Mapped[bool] = mapped_column(default=False)
    jurisdiction_code: Mapped[str] = mapped_column(sa.ForeignKey("jurisdiction.code"))


class Jurisdiction(Base):
    __tablename__ = "jurisdiction"

    code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(20))  # city, district, county, county_city, zone
    parent_code: Mapped[str | None] = mapped_column(sa.ForeignKey("jurisdiction.code"))
    # False for the high-tech zone and the scenic area, which have no GB/T 2260 code
    is_gbt2260: Mapped[bool] = mapped_column(default=True)
    legacy_codes: Mapped[str] = mapped_column(sa.String(60), default="")
