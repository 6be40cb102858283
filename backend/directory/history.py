"""Snapshots of directory records and the append-only change rows that keep them.

Each change row holds the whole record before and after (JSON), so a version can be read on
its own without replaying. Call `record_*_change` after the session has flushed, so that the
row carries the version the UPDATE produced.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import g, has_request_context
from sqlalchemy.orm import Session

from backend.db import utcnow
from backend.directory.model import EntityChange, Inspector, InspectorChange, MarketEntity

# Never shown to callers without directory.read_risk, in records or in history.
RISK_FIELDS = ("risk_scheme", "risk_class")


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def entity_snapshot(e: MarketEntity) -> dict[str, Any]:
    return {
        "credit_code": e.credit_code, "registration_number": e.registration_number, "local_id": e.local_id,
        "name": e.name, "entity_type": e.entity_type, "legal_representative": e.legal_representative,
        "registered_address": e.registered_address, "business_address": e.business_address,
        "division_code": e.division_code, "industry_code": e.industry_code,
        "registration_status": e.registration_status, "registered_on": _iso(e.registered_on),
        "risk_scheme": e.risk_scheme, "risk_class": e.risk_class,
        "latitude": e.latitude, "longitude": e.longitude,
        "supervising_departments": e.supervising_departments,
        "sub_directories": sorted(s.label for s in e.sub_directories),
    }


def inspector_snapshot(i: Inspector) -> dict[str, Any]:
    return {
        "name": i.name, "department": i.department.code, "jurisdiction": i.jurisdiction_code,
        "certificate_number": i.certificate_number,
        "certificate_valid_from": _iso(i.certificate_valid_from),
        "certificate_valid_until": _iso(i.certificate_valid_until),
        "staff_category": i.staff_category, "specialties": i.specialties, "user_id": i.user_id,
        "status_periods": [{"status": p.status, "starts_on": _iso(p.starts_on), "ends_on": _iso(p.ends_on),
                            "note": p.note} for p in i.status_periods],
        "conflicts": [{"entity_id": c.entity_id, "relationship": c.relation, "reason": c.reason,
                       "declared_at": c.declared_at.isoformat()} for c in i.conflicts],
    }


def current_actor() -> str | None:
    """The signed-in user's id, as in audit entries."""
    if has_request_context() and g.get("principal") is not None:
        return str(g.principal.user_id)
    return None


def record_entity_change(session: Session, entity: MarketEntity, action: str,
                         before: dict[str, Any] | None, actor: str | None = None) -> EntityChange:
    row = EntityChange(entity_id=entity.id, version=entity.version, action=action,
                       actor=actor or current_actor(), at=utcnow(), before=before, after=entity_snapshot(entity))
    session.add(row)
    return row


def record_inspector_change(session: Session, inspector: Inspector, action: str,
                            before: dict[str, Any] | None, actor: str | None = None) -> InspectorChange:
    row = InspectorChange(inspector_id=inspector.id, version=inspector.version, action=action,
                          actor=actor or current_actor(), at=utcnow(), before=before,
                          after=inspector_snapshot(inspector))
    session.add(row)
    return row


def without_risk(snapshot: dict[str, Any] | None) -> dict[str, Any] | None:
    if snapshot is None:
        return None
    return {k: v for k, v in snapshot.items() if k not in RISK_FIELDS}
