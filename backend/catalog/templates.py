"""Checklist templates: the JSON Schema check, then the rules a schema cannot express.

Pure functions, no database. `problems(doc)` lists everything wrong with a template, each
problem with a JSON Pointer into the document and, where it lies inside a question, that
question's id. `ensure_valid(doc, at=...)` raises the 422 the API returns.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from backend.errors import ValidationFailed

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "checklist-template.schema.json"
CONDITION_SOURCES = ("yes_no_na", "single_choice", "multi_choice")
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class Problem:
    pointer: str  # JSON Pointer (RFC 6901) into the template
    rule: str  # stable name of the rule broken, e.g. "duplicate_id"
    message: str
    question: str | None = None  # id of the question the pointer lies in, when it does


@functools.cache
def template_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text("utf-8"))


@functools.cache
def _validator() -> Draft202012Validator:
    schema = template_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def pointer(parts: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _question_at(doc: Any, path: list[Any]) -> str | None:
    """The id of the question a schema error's path lies in, if any."""
    if len(path) >= 4 and path[0] == "sections" and path[2] == "questions":
        try:
            qid = doc["sections"][path[1]]["questions"][path[3]].get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            return None
        return qid if isinstance(qid, str) else None
    return None


def _message(error: Any) -> str:
    path = list(error.absolute_path)
    if error.validator == "oneOf" and path and path[-1] == "show_if":
        return "show_if needs exactly one of 'equals' or 'in'"
    return error.message


def _schema_problems(doc: Any) -> list[Problem]:
    found = []
    for error in sorted(_validator().iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        path = list(error.absolute_path)
        found.append(Problem(pointer(path), f"schema.{error.validator}", _message(error), _question_at(doc, path)))
    # A question whose type-specific part fails (unknown type, empty options) also reports its
    # type's properties as "unevaluated": noise next to the real problem, so drop it.
    real = [p.pointer for p in found if p.rule != "schema.unevaluatedProperties"]
    return [p for p in found if p.rule != "schema.unevaluatedProperties"
            or not any(r == p.pointer or r.startswith(p.pointer + "/") for r in real)]


def _questions(doc: dict[str, Any]) -> Iterator[tuple[list[Any], dict[str, Any]]]:
    for s, section in enumerate(doc["sections"]):
        for q, question in enumerate(section["questions"]):
            yield ["sections", s, "questions", q], question


def _allowed_answers(question: dict[str, Any]) -> set[str]:
    if question["type"] == "yes_no_na":
        return {"yes", "no", "na"} if question.get("allow_na", True) else {"yes", "no"}
    return {o["value"] for o in question["options"]}


def _condition_problems(path: list[Any], question: dict[str, Any], earlier: dict[str, dict[str, Any]],
                        all_ids: set[str]) -> Iterator[Problem]:
    cond = question.get("show_if")
    if cond is None:
        return
    qid, target_id = question["id"], cond["question"]
    at = pointer([*path, "show_if", "question"])
    if target_id not in earlier:
        if target_id == qid:
            yield Problem(at, "show_if_self", f"show_if of {qid!r} refers to the question itself", qid)
        elif target_id in all_ids:
            yield Problem(at, "show_if_later", f"show_if of {qid!r} refers to {target_id!r}, which comes later; "
                          "a condition may only depend on an earlier question", qid)
        else:
            yield Problem(at, "show_if_unknown", f"show_if of {qid!r} refers to an unknown question {target_id!r}", qid)
        return
    target = earlier[target_id]
    if target["type"] not in CONDITION_SOURCES:
        yield Problem(at, "show_if_source_type", f"show_if of {qid!r} depends on {target_id!r}, a {target['type']} "
                      f"question; only {', '.join(CONDITION_SOURCES)} questions can be conditions", qid)
        return
    allowed = _allowed_answers(target)
    key = "equals" if "equals" in cond else "in"
    values = [cond["equals"]] if key == "equals" else cond["in"]
    for i, value in enumerate(values):
        if value not in allowed:
            where = [*path, "show_if", key] + ([] if key == "equals" else [i])
            yield Problem(pointer(where), "show_if_value", f"show_if of {qid!r}: {value!r} is not an answer "
                          f"{target_id!r} can take ({', '.join(sorted(allowed))})", qid)


def _option_problems(path: list[Any], question: dict[str, Any]) -> Iterator[Problem]:
    qid = question["id"]
    seen_values: set[str] = set()
    seen_labels: set[str] = set()
    for i, option in enumerate(question["options"]):
        if option["value"] in seen_values:
            yield Problem(pointer([*path, "options", i, "value"]), "duplicate_option",
                          f"{qid!r} has the option value {option['value']!r} twice", qid)
        if option["label"]["zh"] in seen_labels:
            yield Problem(pointer([*path, "options", i, "label", "zh"]), "duplicate_option",
                          f"{qid!r} has the option label {option['label']['zh']!r} twice", qid)
        seen_values.add(option["value"])
        seen_labels.add(option["label"]["zh"])
    if question["type"] == "multi_choice":
        low, high = question.get("min_selected", 0), question.get("max_selected", len(question["options"]))
        if low > high or high > len(question["options"]):
            yield Problem(pointer([*path, "max_selected"]), "bad_range",
                          f"{qid!r}: need min_selected <= max_selected <= number of options", qid)


def _range_problems(path: list[Any], question: dict[str, Any]) -> Iterator[Problem]:
    qid, kind = question["id"], question["type"]
    if kind == "number" and "minimum" in question and "maximum" in question \
            and question["minimum"] > question["maximum"]:
        yield Problem(pointer([*path, "maximum"]), "bad_range", f"{qid!r}: minimum is above maximum", qid)
    if kind == "photo" and question.get("max_count", question["min_count"]) < question["min_count"]:
        yield Problem(pointer([*path, "max_count"]), "bad_range", f"{qid!r}: max_count is below min_count", qid)


def _semantic_problems(doc: dict[str, Any]) -> Iterator[Problem]:
    section_ids: set[str] = set()
    for s, section in enumerate(doc["sections"]):
        if section["id"] in section_ids:
            yield Problem(pointer(["sections", s, "id"]), "duplicate_id", f"section id {section['id']!r} is used twice")
        section_ids.add(section["id"])
    all_ids = {question["id"] for _, question in _questions(doc)}
    earlier: dict[str, dict[str, Any]] = {}
    for path, question in _questions(doc):
        qid = question["id"]
        if qid in earlier:
            yield Problem(pointer([*path, "id"]), "duplicate_id", f"question id {qid!r} is used twice", qid)
        yield from _condition_problems(path, question, earlier, all_ids)
        if "options" in question:
            yield from _option_problems(path, question)
        yield from _range_problems(path, question)
        earlier.setdefault(qid, question)


def problems(doc: Any) -> list[Problem]:
    """Everything wrong with a template; empty when it is valid. Semantic rules run only on
    documents that pass the schema, since they rely on its shape."""
    found = _schema_problems(doc)
    if not found:
        found = list(_semantic_problems(doc))
    return found[:MAX_PROBLEMS]


def ensure_valid(doc: Any, *, at: str = "") -> None:
    """Raise a 422 `template.invalid` whose errors are keyed by JSON Pointer (prefixed by `at`,
    the template's place in the request body) and whose details list each problem."""
    found = problems(doc)
    if not found:
        return
    errors: dict[str, list[str]] = {}
    for p in found:
        errors.setdefault(at + p.pointer, []).append(p.message)
    listed = [{**asdict(p), "pointer": at + p.pointer} for p in found]
    first = found[0]
    where = f" (question {first.question!r})" if first.question else ""
    raise ValidationFailed(f"The checklist template is not valid: {first.message}{where}.", code="template.invalid",
                           errors=errors, details={"problems": listed})


def question_ids(doc: dict[str, Any]) -> list[str]:
    return [question["id"] for _, question in _questions(doc)]
