"""Factories for directory tests: valid entity and inspector bodies, and callers by role.

Import the fixtures you use into the test module (pytest finds fixtures by module namespace).
"""
from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from backend.directory.identifiers import generate_credit_code, generate_registration_number
from backend.policy import Principal

__all__ = ["credit_code", "registration_number", "entity_body", "inspector_body", "headers_for", "create_entity",
           "create_inspector", "seed_entity", "seed_inspector", "seed_sub_directory", "seed_member",
           "seed_confirmation"]


def credit_code(n: int, division: str = "370902", entity_type: str = "1") -> str:
    """The n-th valid test credit code (deterministic)."""
    return generate_credit_code(random.Random(n), division=division, entity_type=entity_type)


def registration_number(n: int) -> str:
    return generate_registration_number(random.Random(n), "370902")


def entity_body(n: int = 1, **overrides: Any) -> dict[str, Any]:
    body = {"credit_code": credit_code(n), "name": f"泰安市泰山区测试{n}有限公司", "entity_type": "enterprise",
            "legal_representative": "王某明", "registered_address": "泰安市泰山区示范路1号",
            "business_address": "泰安市泰山区示范路1号", "division_code": "370902", "industry_code": "H6210",
            "risk_class": "B", "latitude": 36.19, "longitude": 117.13,
            "supervising_departments": ["market_regulation"]}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def inspector_body(n: int = 1, **overrides: Any) -> dict[str, Any]:
    body = {"name": f"张某{n}", "department": "market_regulation", "certificate_number": f"3709TEST{n:06d}",
            "certificate_valid_from": "2024-01-01", "certificate_valid_until": "2028-12-31",
            "staff_category": "enforcement_civil_servant", "specialties": ["food"], "status_from": "2024-01-01"}
    body.update(overrides)
    return body


@pytest.fixture
def headers_for(make_user: Callable[..., int], auth_headers: Callable[[str], dict[str, str]]
                ) -> Callable[..., dict[str, str]]:
    """headers_for(role, department=...) signs in a fresh user holding that role."""
    made: dict[tuple[str, str], dict[str, str]] = {}

    def get(role: str, department: str = "market_regulation") -> dict[str, str]:
        key = (role, department)
        if key not in made:
            username = f"{role}-{department}".replace("_", "-")
            make_user(username, role, department=department)
            made[key] = auth_headers(username)
        return made[key]

    return get


@pytest.fixture
def create_entity(client: FlaskClient, headers_for: Callable[..., dict[str, str]]) -> Callable[..., dict[str, Any]]:
    """Create an entity as a system administrator; returns the response body (with `etag`)."""

    def create(n: int = 1, **overrides: Any) -> dict[str, Any]:
        resp = client.post("/api/v1/entities", json=entity_body(n, **overrides), headers=headers_for("system_admin"))
        assert resp.status_code == 201, resp.get_json()
        return {**resp.get_json(), "etag": resp.headers["ETag"]}

    return create


@pytest.fixture
def create_inspector(client: FlaskClient, headers_for: Callable[..., dict[str, str]]) -> Callable[..., dict[str, Any]]:
    def create(n: int = 1, **overrides: Any) -> dict[str, Any]:
        resp = client.post("/api/v1/inspectors", json=inspector_body(n, **overrides),
                           headers=headers_for("system_admin"))
        assert resp.status_code == 201, resp.get_json()
        return {**resp.get_json(), "etag": resp.headers["ETag"]}

    return create


# --- records made directly through the services (for tables such as test_route_policies) -----------

_SYSTEM = Principal(0, "fixture", 0, None, frozenset({"system_admin"}))
_serial = itertools.count(1)


def seed_entity(app: Flask, department: str) -> int:
    """A fresh individual business (no code, so no clash) supervised by `department`; its id."""
    from backend.directory import entities

    with app.test_request_context():
        return entities.create_entity(_SYSTEM, {
            "name": f"泰山测试{next(_serial)}小吃部", "entity_type": "individual_business", "division_code": "370902",
            "industry_code": "H6291", "supervising_departments": [department]}).id


def seed_inspector(app: Flask, department: str) -> int:
    from backend.directory import inspectors

    with app.test_request_context():
        return inspectors.create_inspector(_SYSTEM, {
            "name": "张某华", "department": department, "certificate_number": f"SEED{next(_serial):06d}",
            "certificate_valid_from": date(2024, 1, 1), "certificate_valid_until": date(2028, 12, 31),
            "staff_category": "certified_staff", "specialties": ["food"], "status_from": date(2024, 1, 1)}).id


def seed_sub_directory(app: Flask, department: str) -> int:
    from backend.directory import subdirectories

    with app.test_request_context():
        return subdirectories.create_sub_directory(_SYSTEM, {
            "department": department, "code": f"seed_{next(_serial)}", "name_zh": "测试分库"}).id


def seed_member(app: Flask, department: str) -> dict[str, int]:
    """URL arguments of a sub-directory of `department` and an entity it supervises and holds."""
    from backend.directory import subdirectories

    args = {"sub_directory_id": seed_sub_directory(app, department), "entity_id": seed_entity(app, department)}
    with app.test_request_context():
        subdirectories.change_membership(_SYSTEM, args["sub_directory_id"], args["entity_id"], True)
    return args


def seed_confirmation(app: Flask, department: str, user_id: int) -> None:
    from backend.db import unit_of_work
    from backend.directory.confirmations import record_confirmation
    from backend.orgs.model import Department

    with app.test_request_context(), unit_of_work() as session:
        dept_id = session.scalar(sa.select(Department.id).where(Department.code == department))
        record_confirmation(session, dept_id, "entities", user_id)
