"""Rulebooks (抽查实施细则, R2.3): per item, an append-only series of versions, each holding the
checklist template, the procedure, who approves results, what is published and how long
records are kept."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backend.audit import services as audit
from backend.catalog import templates
from backend.catalog.model import CheckItem, RulebookVersion
from backend.catalog.services import actor_id, get_item
from backend.catalog.versioning import check_version
from backend.db import db, unit_of_work, utcnow
from backend.errors import NotFound, PreconditionFailed
from backend.policy import Principal, ensure

INITIAL_SUMMARY = "制定实施细则 (rulebook written)"


def get_rulebook(item_id: int, version: int | None = None) -> RulebookVersion:
    """A rulebook version of an item; by default its current one."""
    item = get_item(item_id)
    wanted = item.rulebook_version if version is None else version
    row = None if wanted is None else db.session.scalar(
        sa.select(RulebookVersion).where(RulebookVersion.item_id == item_id, RulebookVersion.version == wanted))
    if row is None:
        raise NotFound("This item has no such rulebook version." if version else "This item has no rulebook yet.",
                       code="rulebook.not_found")
    return row


def list_rulebook_versions(item_id: int) -> list[RulebookVersion]:
    get_item(item_id)
    return list(db.session.scalars(sa.select(RulebookVersion).where(RulebookVersion.item_id == item_id)
                                   .order_by(RulebookVersion.version)))


def check_template(doc: dict[str, Any]) -> dict[str, Any]:
    templates.ensure_valid(doc, at="/template")
    return {"valid": True, "questions": len(templates.question_ids(doc))}


def add_rulebook_version(principal: Principal, item_id: int, expected: frozenset[int] | None,
                         data: dict[str, Any], *, now: datetime | None = None) -> RulebookVersion:
    """Write the item's rulebook anew. The first needs no If-Match (and must not send one: there
    is nothing to match); later ones name the current version."""
    now = now or utcnow()
    with unit_of_work() as session:
        locked = session.execute(sa.select(CheckItem.department_id, CheckItem.rulebook_version)
                                 .where(CheckItem.id == item_id).with_for_update()).first()
        if locked is None:
            raise NotFound("No such item.", code="item.not_found")
        ensure(principal, "catalog.manage", locked.department_id)
        current = locked.rulebook_version
        if current is None:
            if expected is not None:
                raise PreconditionFailed("This item has no rulebook yet; send no If-Match for the first one.",
                                         code="version.stale", details={"current_version": None})
        else:
            check_version(current, expected, what="rulebook")
        templates.ensure_valid(data["template"], at="/template")
        version = (current or 0) + 1
        row = RulebookVersion(item_id=item_id, version=version, template=data["template"],
                              procedure_steps=data["procedure_steps"], approval=data["approval"],
                              publication=data["publication"], archiving=data["archiving"],
                              change_summary=data.get("change_summary") or INITIAL_SUMMARY,
                              created_by=actor_id(principal), created_at=now)
        session.add(row)
        item = session.get(CheckItem, item_id)
        assert item is not None
        item.rulebook_version = version
        item.updated_at = now
        try:
            session.flush()
        except IntegrityError as exc:
            raise PreconditionFailed("The rulebook has changed since you read it.", code="version.stale") from exc
        audit.record("catalog.rulebook.version", object_type="item", object_id=item_id, actor=str(principal.user_id),
                     payload={"version": version, **{k: v for k, v in data.items()}})
        session.refresh(row)
    return row
