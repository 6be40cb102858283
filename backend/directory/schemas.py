"""Request and response bodies of the directories. The risk class is dropped from every
response unless the caller holds directory.read_risk (see access.can_see_risk)."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump, validate

from backend.directory.access import can_see_risk
from backend.directory.availability import INSPECTOR_STATUSES
from backend.directory.confirmations import KINDS
from backend.directory.history import RISK_FIELDS, without_risk
from backend.directory.inspectors import today
from backend.directory.model import ENTITY_TYPES, REGISTRATION_STATUSES, STAFF_CATEGORIES

_CODE = validate.Regexp(r"^[a-z0-9][a-z0-9_]{0,31}$", error="lower-case letters, digits and _ (1-32)")
_LOCAL_ID = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", error="letters, digits, _ and - (1-40)")


def _opt_text(n: int) -> fields.String:
    return fields.String(allow_none=True, validate=validate.Length(1, n))


class _HidesRisk(Schema):
    @post_dump
    def _hide_risk(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if not can_see_risk():
            for key in RISK_FIELDS:
                data.pop(key, None)
        return data


# ------------------------------------------------------------------ entities


class SubDirectoryRefSchema(Schema):
    id = fields.Integer()
    department = fields.Function(lambda s: s.department.code)
    code = fields.String()
    name_zh = fields.String()


class EntitySchema(_HidesRisk):
    id = fields.Integer(dump_only=True)
    credit_code = fields.String(allow_none=True, metadata={"description": "统一社会信用代码 (GB 32100)"})
    registration_number = fields.String(allow_none=True, metadata={"description": "注册号 (15 digits, legacy)"})
    local_id = fields.String(allow_none=True, metadata={"description": "本地编号: key when there is no code"})
    name = fields.String()
    entity_type = fields.String(metadata={"enum": list(ENTITY_TYPES)})
    legal_representative = fields.String(allow_none=True)
    registered_address = fields.String(allow_none=True)
    business_address = fields.String(allow_none=True)
    division_code = fields.String()
    industry_code = fields.String()
    industry_name = fields.Function(lambda e: e.industry.name_zh)
    registration_status = fields.String(metadata={"enum": list(REGISTRATION_STATUSES)})
    registered_on = fields.Date(allow_none=True)
    risk_scheme = fields.String(allow_none=True, metadata={"description": "only with directory.read_risk"})
    risk_class = fields.String(allow_none=True, metadata={"description": "only with directory.read_risk; never public"})
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    supervising_departments = fields.List(fields.String())
    sub_directories = fields.List(fields.Nested(SubDirectoryRefSchema))
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class EntityUpdateSchema(Schema):
    """Every field optional; null clears an optional field."""

    credit_code = _opt_text(40)
    registration_number = _opt_text(40)
    local_id = fields.String(allow_none=True, validate=_LOCAL_ID)
    name = fields.String(validate=validate.Length(1, 200))
    entity_type = fields.String(validate=validate.OneOf(ENTITY_TYPES))
    legal_representative = _opt_text(100)
    registered_address = _opt_text(300)
    business_address = _opt_text(300)
    division_code = fields.String(validate=validate.Length(1, 12))
    industry_code = fields.String(validate=validate.Length(1, 8))
    registration_status = fields.String(validate=validate.OneOf(REGISTRATION_STATUSES))
    registered_on = fields.Date(allow_none=True)
    risk_class = fields.String(allow_none=True, validate=validate.Length(1, 4))
    latitude = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    supervising_departments = fields.List(fields.String(validate=validate.Length(1, 32)),
                                          validate=validate.Length(1, 40))


class EntityCreateSchema(EntityUpdateSchema):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    entity_type = fields.String(required=True, validate=validate.OneOf(ENTITY_TYPES))
    division_code = fields.String(required=True, validate=validate.Length(1, 12))
    industry_code = fields.String(required=True, validate=validate.Length(1, 8))


class EntityQuerySchema(Schema):
    division = fields.String(validate=validate.Length(1, 12))
    industry = fields.String(validate=validate.Length(1, 8), metadata={"description": "code prefix (subtree)"})
    entity_type = fields.String(validate=validate.OneOf(ENTITY_TYPES))
    status = fields.String(validate=validate.OneOf(REGISTRATION_STATUSES))
    risk_class = fields.String(validate=validate.Length(1, 4), metadata={"description": "needs directory.read_risk"})
    sub_directory = fields.Integer(validate=validate.Range(1, 2**31 - 1))  # query strings are text: not strict here
    department = fields.String(validate=validate.Length(1, 32), metadata={"description": "supervised by"})
    q = fields.String(validate=validate.Length(1, 100),
                      metadata={"description": "part of the name, or the start of a code"})


class ChangeSchema(Schema):
    version = fields.Integer()
    action = fields.String()
    actor = fields.String(allow_none=True)
    at = fields.DateTime()
    before = fields.Dict(allow_none=True)
    after = fields.Dict()

    @post_dump
    def _hide_risk(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if not can_see_risk():
            data["before"], data["after"] = without_risk(data["before"]), without_risk(data["after"])
        return data


# ------------------------------------------------------------------ sub-directories


class SubDirectorySchema(Schema):
    id = fields.Integer()
    department = fields.Function(lambda s: s.department.code)
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    member_count = fields.Integer()


class SubDirectoryCreateSchema(Schema):
    department = fields.String(required=True, validate=validate.Length(1, 32))
    code = fields.String(required=True, validate=_CODE)
    name_zh = fields.String(required=True, validate=validate.Length(1, 100))
    name_en = fields.String(load_default="", validate=validate.Length(0, 120))


class SubDirectoryQuerySchema(Schema):
    department = fields.String(validate=validate.Length(1, 32))


# ------------------------------------------------------------------ inspectors


class StatusPeriodSchema(Schema):
    id = fields.Integer(dump_only=True)
    status = fields.String(required=True, validate=validate.OneOf(INSPECTOR_STATUSES))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(load_default=None, allow_none=True)
    note = fields.String(load_default="", validate=validate.Length(0, 300))


class ConflictSchema(Schema):
    id = fields.Integer(dump_only=True)
    entity_id = fields.Integer(strict=True, load_default=None, allow_none=True)
    relationship = fields.String(attribute="relation", data_key="relationship", load_default=None,
                                 allow_none=True, validate=validate.Length(1, 300))
    reason = fields.String(required=True, validate=validate.Length(1, 500))
    declared_at = fields.DateTime(dump_only=True)


class InspectorSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    department = fields.Function(lambda i: i.department.code)
    jurisdiction = fields.String(attribute="jurisdiction_code")
    certificate_number = fields.String()
    certificate_valid_from = fields.Date()
    certificate_valid_until = fields.Date()
    staff_category = fields.String(metadata={"enum": list(STAFF_CATEGORIES)})
    specialties = fields.List(fields.String())
    user_id = fields.Integer(allow_none=True)
    status = fields.Method("_status", metadata={"description": "status today (China time)"})
    available_today = fields.Method("_available")
    status_periods = fields.List(fields.Nested(StatusPeriodSchema))
    conflicts = fields.List(fields.Nested(ConflictSchema))
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    def _status(self, i: Any) -> str | None:
        return i.status_on(today())

    def _available(self, i: Any) -> bool:
        return i.is_available(today())


class InspectorUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(1, 100))
    department = fields.String(validate=validate.Length(1, 32))
    jurisdiction = fields.String(allow_none=True, validate=validate.Length(1, 12))
    certificate_number = fields.String(validate=validate.Regexp(r"^[0-9A-Za-z-]{4,32}$"))
    certificate_valid_from = fields.Date()
    certificate_valid_until = fields.Date()
    staff_category = fields.String(validate=validate.OneOf(STAFF_CATEGORIES))
    specialties = fields.List(fields.String(validate=validate.Length(1, 32)), validate=validate.Length(0, 20))
    user_id = fields.Integer(strict=True, allow_none=True)


class InspectorCreateSchema(InspectorUpdateSchema):
    name = fields.String(required=True, validate=validate.Length(1, 100))
    department = fields.String(required=True, validate=validate.Length(1, 32))
    certificate_number = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-Za-z-]{4,32}$"))
    certificate_valid_from = fields.Date(required=True)
    certificate_valid_until = fields.Date(required=True)
    staff_category = fields.String(required=True, validate=validate.OneOf(STAFF_CATEGORIES))
    specialties = fields.List(fields.String(validate=validate.Length(1, 32)), load_default=list,
                              validate=validate.Length(0, 20))
    status = fields.String(load_default="active", validate=validate.OneOf(INSPECTOR_STATUSES),
                           metadata={"description": "initial status"})
    status_from = fields.Date(load_default=None, allow_none=True, metadata={"description": "default: today"})


class InspectorQuerySchema(Schema):
    department = fields.String(validate=validate.Length(1, 32))
    status = fields.String(validate=validate.OneOf(INSPECTOR_STATUSES))
    on = fields.Date(metadata={"description": "day the status filter refers to (default today)"})
    specialty = fields.String(validate=validate.Length(1, 32))
    available_on = fields.Date(metadata={"description": "active with a valid certificate on that day"})
    q = fields.String(validate=validate.Length(1, 100))


# ------------------------------------------------------------------ confirmations


class ConfirmationCreateSchema(Schema):
    department = fields.String(required=True, validate=validate.Length(1, 32))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    note = fields.String(load_default="", validate=validate.Length(0, 300))
    digest = fields.String(validate=validate.Regexp(r"^[0-9a-f]{64}$"),
                           metadata={"description": "the digest reviewed; 409 if the directory changed since"})


class ConfirmationSchema(Schema):
    id = fields.Integer()
    department = fields.Function(lambda c: c.department.code)
    kind = fields.String()
    confirmed_by = fields.Integer()
    confirmed_at = fields.DateTime()
    count = fields.Integer()
    digest = fields.String()
    algorithm = fields.String()
    note = fields.String()


class ConfirmationStatusSchema(Schema):
    confirmation = fields.Nested(ConfirmationSchema)
    current_count = fields.Integer()
    current_digest = fields.String()
    unchanged_since = fields.Boolean()
    fresh = fields.Boolean(metadata={"description": "younger than DIRECTORY_CONFIRMATION_MAX_AGE_DAYS"})


class ConfirmationQuerySchema(Schema):
    department = fields.String(required=True, validate=validate.Length(1, 32))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
