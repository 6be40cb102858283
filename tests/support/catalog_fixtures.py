"""Fixture users for catalog and plan tests: administrators of the lead bureau and of ecology,
a system administrator and an inspector. Import `staff` into a test module to use it."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support.apps import OTHER_DEPARTMENT, OWN_DEPARTMENT
from tests.support.catalog_data import item_body

__all__ = ["staff", "create_item"]

STAFF = {
    "mr-admin": ("department_admin", OWN_DEPARTMENT),  # market regulation: the lead bureau
    "eco-admin": ("department_admin", OTHER_DEPARTMENT),
    "sysadmin": ("system_admin", OWN_DEPARTMENT),
    "inspector": ("inspector", OWN_DEPARTMENT),
}


@pytest.fixture
def staff(make_user: Callable[..., int], auth_headers: Callable[[str], dict[str, str]]) -> dict[str, dict[str, str]]:
    """Username -> Authorization headers."""
    for username, (role, department) in STAFF.items():
        make_user(username, role, department=department)
    return {username: auth_headers(username) for username in STAFF}


@pytest.fixture
def create_item(client: FlaskClient, staff: dict[str, dict[str, str]]) -> Callable[..., dict[str, Any]]:
    """POST an item as `as_user` (default: the market regulation admin) and return the body."""

    def create(code: str = "T-ITEM-001", as_user: str = "mr-admin", **overrides: Any) -> dict[str, Any]:
        resp = client.post("/api/v1/catalog/items", json=item_body(code, **overrides), headers=staff[as_user])
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    return create
