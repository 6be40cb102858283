"""The rules a check record must follow beyond its shape (docs/field-api.md §2; REFERENCE §6).

`shape(body)` checks the JSON against the record schema and the digest against the body;
`check(...)` applies the rules that need the assignment: officers from the team (two at least,
the caller among them), the party's signature or refusal with a witness, evidence declared
before it is referenced, answers against each item's template version, known reference codes.
Both raise 422 with every problem under `errors`, keyed by the field's dotted path.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.audit.canonical import sha256_hex
from backend.errors import ValidationFailed
from backend.field import answers
from backend.field.canonical import canonical_json
from backend.field.reference import Reference
from backend.field.schemas import RecordSchema
from backend.workdays.validation import MAX_YEAR, MIN_YEAR


def _fail(errors: dict[str, list[str]], message: str = "The check record is not valid.") -> None:
    raise ValidationFailed(message, code="record.invalid", errors={"json": errors})


def _flatten(messages: Any, at: str = "") -> dict[str, list[str]]:
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            flat.update(_flatten(value, f"{at}.{key}" if at else str(key)))
        return flat
    return {at: [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]}


def digest_of(body: dict[str, Any]) -> str:
    """SHA-256 hex of the record's canonical JSON (RFC 8785, backend.field.canonical) without `digest`."""
    return sha256_hex(canonical_json({k: v for k, v in body.items() if k != "digest"}))


def shape(body: Any, computed: str | None = None) -> str:
    """Check the shape and the digest; returns the digest (`computed`: digest_of(body), when the
    caller has it already)."""
    if not isinstance(body, dict):
        _fail({"_schema": ["the body must be a JSON object"]})
    messages = RecordSchema().validate(body)
    if messages:
        _fail(_flatten(messages))
    try:
        computed = computed or digest_of(body)
    except ValueError:  # NaN, Infinity, a number beyond a double, a lone surrogate: no canonical form
        _fail({"_schema": ["numbers must be finite doubles and strings valid Unicode"]})
    if computed != body["digest"]:
        raise ValidationFailed("The digest does not match the record: compute SHA-256 over the canonical JSON "
                               "of the record without its digest.", code="record.digest_mismatch",
                               errors={"json": {"digest": ["does not match the record"]}},
                               details={"declared": body["digest"], "computed": computed})
    return computed


def _people(body: dict[str, Any], team: set[str], caller: str, declared: dict[str, str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    keys = [o["inspector_id"] for o in body["officers"]]
    problems = []
    if len(set(keys)) != len(keys):
        problems.append("an officer is listed twice")
    if len(set(keys)) < 2:
        problems.append("at least two officers must take part")
    if outsiders := sorted(set(keys) - team):
        problems.append(f"not on this assignment's team: {', '.join(outsiders)}")
    if caller not in keys:
        problems.append("you must be one of the officers")
    for n, officer in enumerate(body["officers"]):
        if declared.get(officer["signature_evidence_id"]) != "signature":
            errors[f"officers.{n}.signature_evidence_id"] = ["is not a declared signature"]
    if problems:
        errors["officers"] = problems
    party = body["party"]
    if party["present"]:
        witness = party.get("witness")
        if party.get("signed") and party.get("refused"):
            errors["party"] = ["cannot both sign and refuse"]
        elif party.get("signed"):
            if declared.get(party.get("signature_evidence_id") or "") != "signature":
                errors["party.signature_evidence_id"] = ["a signing party needs a declared signature"]
        elif party.get("refused"):
            if not witness or declared.get(witness["signature_evidence_id"]) != "signature":
                errors["party.witness"] = ["a refusal needs a witness with a declared signature"]
        else:
            errors["party"] = ["a party present either signs or refuses (with a witness)"]
    return errors


def _evidence(body: dict[str, Any], team: set[str], items: set[str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    ids = [e["id"] for e in body["evidence"]]
    if len(set(ids)) != len(ids):
        errors["evidence"] = ["an evidence id is declared twice"]
    for n, item in enumerate(body["evidence"]):
        if item.get("item_code") is not None and item["item_code"] not in items:
            errors[f"evidence.{n}.item_code"] = ["is not an item of this assignment"]
        if item.get("captured_by") is not None and item["captured_by"] not in team:
            errors[f"evidence.{n}.captured_by"] = ["is not on this assignment's team"]
    for n, point in enumerate(body.get("gps") or []):
        if point.get("evidence_id") is not None and point["evidence_id"] not in set(ids):
            errors[f"gps.{n}.evidence_id"] = ["is not declared in evidence"]
    return errors


def _results(body: dict[str, Any], expected: dict[str, str | None], ref: Reference) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for code in sorted(set(body["result_categories"]) | set(expected)):
        chosen = body["result_categories"].get(code)
        at = f"result_categories.{code}"
        if code not in expected:
            errors[at] = ["is not an item of this assignment"]
        elif not chosen:
            errors[at] = ["choose at least one result category"]
        elif unknown := sorted(set(chosen) - ref.result_codes):
            errors[at] = [f"unknown result categories: {', '.join(unknown)}"]
        elif len(set(chosen)) != len(chosen) or ("no_problem" in chosen and len(chosen) > 1):
            errors[at] = ["categories are distinct, and 'no_problem' stands alone"]
    if unknown := sorted(set(body["check_methods"]) - ref.method_codes):
        errors["check_methods"] = [f"unknown check methods: {', '.join(unknown)}"]
    for n, step in enumerate(body.get("followup") or []):
        if step["code"] not in ref.followup_codes:
            errors[f"followup.{n}.code"] = ["unknown follow-up option"]
    return errors


def check(body: dict[str, Any], *, view: dict[str, Any], templates: dict[str, Any], caller: str,
          ref: Reference) -> None:
    team = {m["inspector_id"] for m in view["team"]}
    expected = {i["code"]: i["template"] for i in view["items"]}
    declared = {e["id"]: e["kind"] for e in body["evidence"]}
    errors = {**_people(body, team, caller, declared), **_evidence(body, team, set(expected)),
              **_results(body, expected, ref)}
    if body["templates"] != expected:
        errors["templates"] = [f"must name this assignment's templates: {expected}"]
    for code in sorted(set(body["answers"]) - set(expected)):
        errors[f"answers.{code}"] = ["is not an item of this assignment"]
    for code, key in expected.items():
        given = body["answers"].get(code) or {}
        if key is None:
            if given:
                errors[f"answers.{code}"] = ["this item has no checklist; send no answers"]
            continue
        errors.update(answers.problems(templates[key], given, declared, f"answers.{code}"))
    if datetime.fromisoformat(body["ended_at"]) < datetime.fromisoformat(body["started_at"]):
        errors["ended_at"] = ["is before started_at"]
    for key in ("started_at", "ended_at"):  # the working-day calendar's range: the result clock starts here
        if not MIN_YEAR <= datetime.fromisoformat(body[key]).year <= MAX_YEAR:
            errors[key] = [f"must be in the years {MIN_YEAR} to {MAX_YEAR}"]
    if errors:
        _fail(errors)
