"""The demo checklists are valid and look like real ones: 6-15 questions, conditions, photos, signatures."""
from __future__ import annotations

from typing import Any

import pytest

from backend.catalog import sampling, templates
from backend.demo.catalog_content import content

ITEMS = content()["items"]


def questions(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for s in item["rulebook"]["template"]["sections"] for q in s["questions"]]


@pytest.mark.parametrize("item", ITEMS, ids=[i["code"] for i in ITEMS])
def test_every_demo_template_is_valid(item: dict[str, Any]) -> None:
    assert templates.problems(item["rulebook"]["template"]) == []


@pytest.mark.parametrize("item", ITEMS, ids=[i["code"] for i in ITEMS])
def test_every_demo_checklist_has_6_to_15_questions_with_conditions_photos_and_signatures(item: dict[str, Any]) -> None:
    found = questions(item)
    assert 6 <= len(found) <= 15
    assert {"photo", "signature"} <= {q["type"] for q in found}
    assert any("show_if" in q for q in found)
    assert all(q["label"].get("en") for q in found)


@pytest.mark.parametrize("item", ITEMS, ids=[i["code"] for i in ITEMS])
def test_every_demo_item_follows_the_sampling_rules(item: dict[str, Any]) -> None:
    assert list(sampling.rule_problems(item["kind"], item["sampling_rules"])) == []


def test_the_demo_plans_only_name_demo_items() -> None:
    codes = {i["code"] for i in ITEMS}
    named = {code for plan in content()["plans"] for b in plan["batches"] for code in b["items"]}
    assert named <= codes
