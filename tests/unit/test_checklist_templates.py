"""Checklist templates: the JSON Schema and the semantic rules, without a database."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from backend.catalog import templates
from backend.errors import ValidationFailed
from tests.support.catalog_data import template

Edit = Callable[[dict[str, Any]], None]


def question(doc: dict[str, Any], section: int, index: int) -> dict[str, Any]:
    return doc["sections"][section]["questions"][index]


def test_the_schema_file_is_a_valid_draft_2020_12_schema_with_a_title_on_every_definition() -> None:
    schema = json.loads(templates.SCHEMA_PATH.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    untitled = [name for name, sub in schema["$defs"].items() if "title" not in sub]
    assert untitled == []


def test_a_valid_template_has_no_problems() -> None:
    assert templates.problems(template()) == []


def test_question_ids_are_listed_in_document_order() -> None:
    assert templates.question_ids(template()) == ["licence_valid", "licence_photos", "business_format",
                                                  "fridge_temp", "inspector_signature"]


def _set(section: int, index: int, **values: Any) -> Edit:
    return lambda doc: question(doc, section, index).update(values)


def _drop(section: int, index: int, key: str) -> Edit:
    return lambda doc: question(doc, section, index).pop(key)


INVALID: list[tuple[str, Edit, str, str, str | None]] = [
    # (case, edit, rule, pointer, question id)
    ("unknown question type", _set(0, 0, type="slider"), "schema.enum", "/sections/0/questions/0/type", "licence_valid"),
    ("duplicate question id", _set(0, 3, id="licence_valid"), "duplicate_id", "/sections/0/questions/3/id", "licence_valid"),
    ("duplicate id across sections", _set(1, 0, id="fridge_temp"), "duplicate_id", "/sections/1/questions/0/id",
     "fridge_temp"),
    ("show_if to a later question", _set(0, 1, show_if={"question": "business_format", "equals": "retail"}),
     "show_if_later", "/sections/0/questions/1/show_if/question", "licence_photos"),
    ("show_if to an unknown question", _set(0, 1, show_if={"question": "ghost", "equals": "no"}),
     "show_if_unknown", "/sections/0/questions/1/show_if/question", "licence_photos"),
    ("show_if to itself", _set(0, 1, show_if={"question": "licence_photos", "equals": "no"}),
     "show_if_self", "/sections/0/questions/1/show_if/question", "licence_photos"),
    ("show_if on a value the question cannot take", _set(0, 3, show_if={"question": "business_format", "in": ["bar"]}),
     "show_if_value", "/sections/0/questions/3/show_if/in/0", "fridge_temp"),
    ("show_if on a photo question", _set(0, 2, show_if={"question": "licence_photos", "equals": "x"}),
     "show_if_source_type", "/sections/0/questions/2/show_if/question", "business_format"),
    ("show_if with both equals and in", _set(0, 1, show_if={"question": "licence_valid", "equals": "no", "in": ["no"]}),
     "schema.oneOf", "/sections/0/questions/1/show_if", "licence_photos"),
    ("empty choices", _set(0, 2, options=[]), "schema.minItems", "/sections/0/questions/2/options", "business_format"),
    ("missing choices", _drop(0, 2, "options"), "schema.required", "/sections/0/questions/2", "business_format"),
    ("duplicate option values", _set(0, 2, options=[{"value": "retail", "label": {"zh": "销售"}},
                                                   {"value": "catering", "label": {"zh": "餐饮"}},
                                                   {"value": "retail", "label": {"zh": "零售"}}]),
     "duplicate_option", "/sections/0/questions/2/options/2/value", "business_format"),
    ("an option without a label", _set(0, 2, options=[{"value": "retail"}]), "schema.required",
     "/sections/0/questions/2/options/0", "business_format"),
    ("a number without a unit", _drop(0, 3, "unit"), "schema.required", "/sections/0/questions/3", "fridge_temp"),
    ("minimum above maximum", _set(0, 3, minimum=30), "bad_range", "/sections/0/questions/3/maximum", "fridge_temp"),
    ("a photo question without a count", _drop(0, 1, "min_count"), "schema.required", "/sections/0/questions/1",
     "licence_photos"),
    ("a signature without a signer", _drop(1, 0, "signer"), "schema.required", "/sections/1/questions/0",
     "inspector_signature"),
    ("a property of another type", _set(0, 0, unit="℃"), "schema.unevaluatedProperties", "/sections/0/questions/0",
     "licence_valid"),
    ("an id that is not a stable key", _set(0, 0, id="Licence Valid"), "schema.pattern", "/sections/0/questions/0/id",
     "Licence Valid"),
    ("a label without Chinese", _set(0, 0, label={"en": "Valid licence?"}), "schema.required",
     "/sections/0/questions/0/label", "licence_valid"),
]


@pytest.mark.parametrize(("edit", "rule", "where", "qid"), [pytest.param(*case[1:], id=case[0]) for case in INVALID])
def test_an_invalid_template_is_reported_with_a_pointer_to_the_question(edit: Edit, rule: str, where: str,
                                                                         qid: str | None) -> None:
    doc = template()
    edit(doc)
    found = templates.problems(doc)
    assert [(p.rule, p.pointer, p.question) for p in found] == [(rule, where, qid)]


def test_an_unknown_format_version_is_refused() -> None:
    doc = {**template(), "format": "checklist/2"}
    assert [p.pointer for p in templates.problems(doc)] == ["/format"]


def test_a_template_without_sections_is_refused() -> None:
    doc = {**template(), "sections": []}
    assert [p.rule for p in templates.problems(doc)] == ["schema.minItems"]


def test_ensure_valid_raises_422_with_errors_keyed_by_pointer_under_the_body_field() -> None:
    doc = template()
    question(doc, 0, 3)["id"] = "licence_valid"
    with pytest.raises(ValidationFailed) as caught:
        templates.ensure_valid(doc, at="/template")
    error = caught.value
    assert (error.status, error.code) == (422, "template.invalid")
    assert list(error.errors) == ["/template/sections/0/questions/3/id"]
    assert error.details["problems"][0]["question"] == "licence_valid"


def test_a_hidden_na_answer_cannot_be_a_condition_when_na_is_not_allowed() -> None:
    doc = template()
    question(doc, 0, 0)["allow_na"] = False
    question(doc, 0, 1)["show_if"] = {"question": "licence_valid", "equals": "na"}
    assert [p.rule for p in templates.problems(doc)] == ["show_if_value"]
