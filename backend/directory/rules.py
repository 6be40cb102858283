"""The data standard of the target directory as checks: pure functions over plain values.

The API and the bulk importer both call `check_entity`; it never touches the database (the
reference lists come in a `References`). Errors are grouped by field, each a dict
`{"code", "message"[, "message_zh", "position"]}` with a stable code; credit-code and
registration-number problems carry the codes of `backend.directory.identifiers`.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from backend.directory.identifiers import IdentifierProblem, validate_credit_code, validate_registration_number
from backend.directory.model import ENTITY_TYPES, REGISTRATION_STATUSES, STAFF_CATEGORIES
from backend.directory.reference import References

FieldErrors = dict[str, list[dict[str, Any]]]

ENTITY_FIELDS = ("credit_code", "registration_number", "local_id", "name", "entity_type",
                 "legal_representative", "registered_address", "business_address", "division_code",
                 "industry_code", "registration_status", "registered_on", "risk_class", "latitude",
                 "longitude", "supervising_departments")
_ALL_ENTITY_FIELDS = frozenset(ENTITY_FIELDS)


def problem(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": message, **extra}


def _identifier(p: IdentifierProblem) -> dict[str, Any]:
    return problem(p.code, p.message, message_zh=p.message_zh, position=p.position)


def check_entity(values: Mapping[str, Any], refs: References,
                 fields: Collection[str] | None = None) -> tuple[dict[str, Any], FieldErrors]:
    """Check an entity's values; `fields` (default: all) limits per-field checks to those written.

    Returns the normalised values (legacy division codes mapped to current ones, the active risk
    scheme filled in) and the errors by field; no errors means the row meets the standard.
    """
    fields = _ALL_ENTITY_FIELDS if fields is None else frozenset(fields)
    out = dict(values)
    errors: FieldErrors = {}

    def fail(field: str, item: dict[str, Any]) -> None:
        errors.setdefault(field, []).append(item)

    if "credit_code" in fields and values.get("credit_code") is not None:
        for p in validate_credit_code(values["credit_code"]):
            fail("credit_code", _identifier(p))
    if "registration_number" in fields and values.get("registration_number") is not None:
        for p in validate_registration_number(values["registration_number"]):
            fail("registration_number", _identifier(p))
    if "entity_type" in fields and values.get("entity_type") not in ENTITY_TYPES:
        fail("entity_type", problem("entity.unknown_entity_type", f"entity_type must be one of {ENTITY_TYPES}"))
    if "registration_status" in fields and values.get("registration_status") not in REGISTRATION_STATUSES:
        fail("registration_status", problem("entity.unknown_status",
                                            f"registration_status must be one of {REGISTRATION_STATUSES}"))
    if "division_code" in fields:
        division = refs.divisions.get(values.get("division_code") or "")
        if division is None:
            fail("division_code", problem("entity.unknown_division",
                                          f"no jurisdiction {values.get('division_code')!r}"))
        out["division_code"] = division
    if "industry_code" in fields and values.get("industry_code") not in refs.industries:
        fail("industry_code", problem("entity.unknown_industry",
                                      f"no GB/T 4754 industry {values.get('industry_code')!r} in the industry table"))
    if "risk_class" in fields:
        risk = values.get("risk_class")
        if risk is not None and risk not in refs.risk_classes:
            fail("risk_class", problem("entity.unknown_risk_class",
                                       f"{risk!r} is not a class of the active scheme {refs.risk_scheme!r} "
                                       f"({', '.join(sorted(refs.risk_classes))})"))
        out["risk_scheme"] = None if risk is None else refs.risk_scheme
    if "supervising_departments" in fields:
        codes = values.get("supervising_departments") or []
        unknown = sorted(set(codes) - refs.departments.keys())
        if unknown:
            fail("supervising_departments", problem("entity.unknown_department", f"no department {unknown}"))
        elif not codes:
            fail("supervising_departments", problem("entity.no_supervising_department",
                                                    "at least one department must supervise the entity"))
    _check_record(values, fail)
    return out, errors


def _check_record(values: Mapping[str, Any], fail: Any) -> None:
    """Rules over several fields, checked whatever was written."""
    if (values.get("credit_code") is None and values.get("registration_number") is None
            and values.get("entity_type") != "individual_business"):
        fail("credit_code", problem("entity.identifier_required",
                                    "only an individual business may lack both a credit code and "
                                    "a registration number"))
    if (values.get("latitude") is None) != (values.get("longitude") is None):
        fail("latitude", problem("entity.coordinates_incomplete", "give both latitude and longitude, or neither"))


INSPECTOR_FIELDS = ("name", "department", "jurisdiction", "certificate_number", "certificate_valid_from",
                    "certificate_valid_until", "staff_category", "specialties", "user_id")


def check_inspector(values: Mapping[str, Any], refs: References,
                    fields: Collection[str] | None = None) -> tuple[dict[str, Any], FieldErrors]:
    """Check an inspector's values (as `check_entity`); a missing jurisdiction becomes None."""
    fields = set(INSPECTOR_FIELDS if fields is None else fields)
    out = dict(values)
    errors: FieldErrors = {}

    def fail(field: str, code: str, message: str) -> None:
        errors.setdefault(field, []).append(problem(code, message))

    if "department" in fields and values.get("department") not in refs.departments:
        fail("department", "inspector.unknown_department", f"no department {values.get('department')!r}")
    if "jurisdiction" in fields and values.get("jurisdiction") is not None:
        out["jurisdiction"] = refs.divisions.get(values["jurisdiction"])
        if out["jurisdiction"] is None:
            fail("jurisdiction", "inspector.unknown_jurisdiction", f"no jurisdiction {values['jurisdiction']!r}")
    if "staff_category" in fields and values.get("staff_category") not in STAFF_CATEGORIES:
        fail("staff_category", "inspector.unknown_staff_category", f"staff_category must be one of {STAFF_CATEGORIES}")
    if "specialties" in fields:
        unknown = sorted(set(values.get("specialties") or []) - refs.specialties)
        if unknown:
            fail("specialties", "inspector.unknown_specialty", f"no specialty {unknown}")
        out["specialties"] = sorted(set(values.get("specialties") or []))
    start, end = values.get("certificate_valid_from"), values.get("certificate_valid_until")
    if start is None or end is None or end < start:
        fail("certificate_valid_until", "inspector.certificate_dates",
             "the certificate needs valid_from and valid_until, with valid_until on or after valid_from")
    return out, errors


def error_code(errors: FieldErrors, default: str = "entity.invalid") -> str:
    """The problem code for a set of errors: the one code they share, else `default`.

    Identifier problems (`credit_code.check_digit`, ...) count as `entity.invalid_<field>`.
    """
    codes = {f"entity.invalid_{field}" if item["code"].startswith(field + ".") else item["code"]
             for field, items in errors.items() for item in items}
    return codes.pop() if len(codes) == 1 else default
