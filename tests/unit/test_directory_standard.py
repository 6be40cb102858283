"""The directory data standard stays one thing: code, seed data and docs/directory.md agree."""
from __future__ import annotations

from pathlib import Path

from backend.demo.synthetic import INDUSTRIES
from backend.directory import standard
from backend.directory.availability import INSPECTOR_STATUSES
from backend.directory.model import ENTITY_TYPES, REGISTRATION_STATUSES, STAFF_CATEGORIES
from backend.directory.reference import seed_data
from backend.directory.rules import ENTITY_FIELDS, INSPECTOR_FIELDS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "directory.md").read_text("utf-8")


def test_every_import_header_is_documented():
    headers = [c.header_zh for c in standard.ENTITY_COLUMNS + standard.INSPECTOR_COLUMNS]
    assert [h for h in headers if h not in DOC] == []


def test_every_checked_field_has_an_import_column():
    assert set(ENTITY_FIELDS) <= {c.field for c in standard.ENTITY_COLUMNS}
    assert set(INSPECTOR_FIELDS) - {"user_id"} <= {c.field for c in standard.INSPECTOR_COLUMNS}


def test_every_enumerated_value_has_a_chinese_label():
    assert set(standard.ENTITY_TYPE_LABELS) == set(ENTITY_TYPES)
    assert set(standard.REGISTRATION_STATUS_LABELS) == set(REGISTRATION_STATUSES)
    assert set(standard.STAFF_CATEGORY_LABELS) == set(STAFF_CATEGORIES)
    assert set(standard.INSPECTOR_STATUS_LABELS) == set(INSPECTOR_STATUSES)


def test_the_industry_seed_covers_every_industry_the_demo_generator_uses():
    seeded = {i["code"]: i["name_zh"] for i in seed_data()["industries"]}
    assert all(seeded.get(i["code"]) == i["name_zh"] for i in INDUSTRIES)


def test_exactly_one_seeded_risk_scheme_is_active_and_shandong_has_five_classes():
    schemes = {s["code"]: s for s in seed_data()["risk_schemes"]}
    assert [c for c, s in schemes.items() if s["is_active"]] == ["shandong"]
    assert [c["code"] for c in schemes["shandong"]["classes"]] == list("ABCDE")
    assert [c["code"] for c in schemes["national"]["classes"]] == list("ABCD")
