"""Answers against a checklist template (schemas/checklist-template.schema.json). Pure functions.

Questions are visited in document order; a question is shown when it has no `show_if`, or when
the question it names is shown and its answer matches (`equals`: that value, or among those
selected for a multi_choice; `in`: one of them, or any selected). A hidden question must not be
answered and is never required. Returns problems as {path: [messages]} under `answers.<item>`.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _questions(template: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for section in template["sections"]:
        yield from section["questions"]


def _matches(condition: dict[str, Any], answer: Any) -> bool:
    wanted = [condition["equals"]] if "equals" in condition else condition["in"]
    given = answer if isinstance(answer, list) else [answer]
    return any(value in given for value in wanted)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _decimals(value: int | float) -> int:
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _choice(question: dict[str, Any], answer: Any) -> list[str]:
    values = {o["value"] for o in question["options"]}
    if question["type"] == "single_choice":
        return [] if isinstance(answer, str) and answer in values else [f"must be one of {sorted(values)}"]
    if not isinstance(answer, list) or not all(isinstance(a, str) for a in answer) or len(set(answer)) != len(answer):
        return ["must be a list of distinct option values"]
    problems = [f"{a!r} is not an option" for a in answer if a not in values]
    low, high = question.get("min_selected", 0), question.get("max_selected", len(values))
    if not low <= len(answer) <= high:
        problems.append(f"select between {low} and {high} options")
    return problems


def _number(question: dict[str, Any], answer: Any) -> list[str]:
    if not _is_number(answer):
        return ["must be a number"]
    problems = []
    if "minimum" in question and answer < question["minimum"]:
        problems.append(f"must be at least {question['minimum']}")
    if "maximum" in question and answer > question["maximum"]:
        problems.append(f"must be at most {question['maximum']}")
    if _decimals(answer) > question.get("decimals", 0):
        problems.append(f"at most {question.get('decimals', 0)} decimal places")
    return problems


def _evidence(question: dict[str, Any], answer: Any, declared: dict[str, str]) -> list[str]:
    kind = "photo" if question["type"] == "photo" else "signature"
    ids = answer if kind == "photo" else [answer]
    if kind == "photo" and (not isinstance(answer, list) or len(set(map(str, answer))) != len(answer)):
        return ["must be a list of distinct evidence ids"]
    problems = [f"{i!r} is not a declared {kind}" for i in ids
                if not isinstance(i, str) or declared.get(i) != kind]
    if kind == "photo" and not question["min_count"] <= len(ids) <= question.get("max_count", 50):
        problems.append(f"needs between {question['min_count']} and {question.get('max_count', 50)} photos")
    return problems


def _date(answer: Any) -> list[str]:
    try:
        date.fromisoformat(answer)
        return [] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", answer) else ["must be a date, YYYY-MM-DD"]
    except (TypeError, ValueError):
        return ["must be a date, YYYY-MM-DD"]


def _check(question: dict[str, Any], answer: Any, declared: dict[str, str]) -> list[str]:
    kind = question["type"]
    if kind == "yes_no_na":
        allowed = ["yes", "no", "na"] if question.get("allow_na", True) else ["yes", "no"]
        return [] if answer in allowed else [f"must be one of {allowed}"]
    if kind in ("single_choice", "multi_choice"):
        return _choice(question, answer)
    if kind == "number":
        return _number(question, answer)
    if kind == "text":
        limit = question.get("max_length", 500)
        return [] if isinstance(answer, str) and len(answer) <= limit else [f"must be text of at most {limit} characters"]
    if kind == "date":
        return _date(answer)
    return _evidence(question, answer, declared)


def problems(template: dict[str, Any], answers: dict[str, Any], declared: dict[str, str],
             at: str) -> dict[str, list[str]]:
    """`declared` maps each declared evidence id to its kind."""
    found: dict[str, list[str]] = {}
    shown: dict[str, bool] = {}
    known = set()
    for question in _questions(template):
        qid = question["id"]
        known.add(qid)
        cond = question.get("show_if")
        visible = cond is None or (shown.get(cond["question"], False) and cond["question"] in answers
                                   and _matches(cond, answers[cond["question"]]))
        shown[qid] = visible
        if qid not in answers or answers[qid] is None:
            if visible and question.get("required", False):
                found[f"{at}.{qid}"] = ["is required"]
            continue
        if not visible:
            found[f"{at}.{qid}"] = ["is hidden by its show_if condition and must not be answered"]
            continue
        if errors := _check(question, answers[qid], declared):
            found[f"{at}.{qid}"] = errors
    for qid in sorted(set(answers) - known):
        found[f"{at}.{qid}"] = ["is not a question of this template"]
    return found


def evidence_ids(template: dict[str, Any], answers: dict[str, Any]) -> set[str]:
    """Evidence ids the answers reference (photo and signature questions)."""
    ids: set[str] = set()
    for question in _questions(template):
        value = answers.get(question["id"])
        if question["type"] == "photo" and isinstance(value, list):
            ids.update(v for v in value if isinstance(v, str))
        elif question["type"] == "signature" and isinstance(value, str):
            ids.add(value)
    return ids
