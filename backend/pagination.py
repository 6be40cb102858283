"""flask-smorest pagination over SQLAlchemy `select()` statements."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_smorest import Page

from backend.db import db


class SelectPage(Page):
    """Counts with one COUNT(*) and fetches one page with OFFSET/LIMIT."""

    @property
    def items(self) -> list[Any]:
        stmt: sa.Select[Any] = self.collection
        if self.page_params.first_item >= (self.page_params.item_count or 0):
            return []  # past the last page; also keeps huge page numbers away from the database
        return list(db.session.scalars(stmt.offset(self.page_params.first_item).limit(self.page_params.page_size)))

    @property
    def item_count(self) -> int:
        stmt: sa.Select[Any] = self.collection
        return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
