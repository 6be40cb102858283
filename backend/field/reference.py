"""The reference lists (result categories, check methods, follow-up options) as the app gets them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from backend.field.model import CheckMethod, FollowupOption, ResultCategory

_CACHE = "ssgk.field_reference"


def _plain(row: Any) -> dict[str, Any]:
    return {"code": row.code, "name_zh": row.name_zh, "name_en": row.name_en}


def _active(session: Session, model: Any) -> list[Any]:
    return list(session.scalars(sa.select(model).where(model.active).order_by(model.position, model.code)))


@dataclass(frozen=True)
class Reference:
    result_categories: list[dict[str, Any]]  # top level, each with its children
    check_methods: list[dict[str, Any]]
    followup_options: list[dict[str, Any]]

    def as_packet(self) -> dict[str, Any]:
        return {"result_categories": self.result_categories, "check_methods": self.check_methods,
                "followup_options": self.followup_options}

    @property
    def result_codes(self) -> set[str]:
        return {c["code"] for top in self.result_categories for c in (top, *top["children"])}

    @property
    def method_codes(self) -> set[str]:
        return {m["code"] for m in self.check_methods}

    @property
    def followup_codes(self) -> set[str]:
        return {f["code"] for f in self.followup_options}


def load(session: Session) -> Reference:
    """The active lists. Only migrations write them (no API does), and a migration ships with a
    restart, so each app reads them once: a record's check and a packet then cost three queries less."""
    cached = current_app.extensions.get(_CACHE)
    if cached is None:
        cached = current_app.extensions[_CACHE] = _read(session)
    return cached


def _read(session: Session) -> Reference:
    categories = _active(session, ResultCategory)
    children: dict[str, list[dict[str, Any]]] = {}
    for row in categories:
        if row.parent_code is not None:
            children.setdefault(row.parent_code, []).append(_plain(row))
    tops = [{**_plain(row), "children": children.get(row.code, [])} for row in categories if row.parent_code is None]
    return Reference(tops, [_plain(r) for r in _active(session, CheckMethod)],
                     [_plain(r) for r in _active(session, FollowupOption)])
