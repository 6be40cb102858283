"""Request and response bodies for items, their versions and filings."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from backend.catalog.model import CHECK_METHODS, ITEM_KINDS

ITEM_CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$", error="letters, digits, . _ - (2-40)")
# GB/T 4754-2017: a section letter, optionally followed by a 2-, 3- or 4-digit code
INDUSTRY_CODE = validate.Regexp(r"^[A-T](\d{2}|\d{3}|\d{4})?$", error="a GB/T 4754 code such as F52 or H6210")
ENTITY_TYPE = validate.Regexp(r"^[a-z][a-z_]{1,31}$", error="an entity type such as enterprise, individual_business")


def _unique(values: list[str]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("values must be unique")


class DepartmentRefSchema(Schema):
    code = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)


class SubjectsSchema(Schema):
    entity_types = fields.List(fields.String(validate=ENTITY_TYPE), required=True,
                               validate=[validate.Length(1, 10), _unique],
                               metadata={"description": "enterprise, individual_business, cooperative, ..."})
    industry_codes = fields.List(fields.String(validate=INDUSTRY_CODE), load_default=list,
                                 validate=[validate.Length(0, 100), _unique])
    subdirectory_codes = fields.List(fields.String(validate=validate.Length(1, 64)), load_default=list,
                                     validate=[validate.Length(0, 50), _unique],
                                     metadata={"description": "codes of target sub-directories (directory module)"})


class RatioSchema(Schema):
    numerator = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=1_000_000))
    denominator = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=1_000_000))


class SamplingRuleSchema(Schema):
    risk_class = fields.String(required=True, validate=validate.Length(1, 4),
                               metadata={"description": "a class of the active risk scheme (A–E in Shandong, A–D nationally)"})
    ratio = fields.Nested(RatioSchema, required=True, metadata={"description": "share of the class drawn, e.g. 1/50 = 2%"})
    frequency_per_year = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=52))
    full_coverage = fields.Boolean(load_default=False, metadata={"description": "every entity of the class is checked"})


class ProvincialItemSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 40))
    name_zh = fields.String(required=True, validate=validate.Length(1, 200))


class ItemContentSchema(Schema):
    name_zh = fields.String(required=True, validate=validate.Length(1, 200))
    name_en = fields.String(allow_none=True, validate=validate.Length(1, 300))
    kind = fields.String(required=True, validate=validate.OneOf(ITEM_KINDS),
                         metadata={"description": "key 重点 or general 一般"})
    legal_basis = fields.String(required=True, validate=validate.Length(1, 4000))
    subjects = fields.Nested(SubjectsSchema, required=True)
    check_methods = fields.List(fields.String(validate=validate.OneOf(CHECK_METHODS)), required=True,
                                validate=[validate.Length(1, len(CHECK_METHODS)), _unique])
    provincial_item = fields.Nested(ProvincialItemSchema, required=True,
                                    metadata={"description": "the provincial list item this one derives from"})
    sampling_rules = fields.List(fields.Nested(SamplingRuleSchema), required=True, validate=validate.Length(1, 10),
                                 metadata={"description": "one rule per risk class A-E"})


CONTENT_FIELDS = tuple(ItemContentSchema._declared_fields)


class ItemCreateSchema(ItemContentSchema):
    code = fields.String(required=True, validate=ITEM_CODE)
    department = fields.String(validate=validate.Length(1, 32),
                               metadata={"description": "owning department code; default: your own"})
    change_summary = fields.String(validate=validate.Length(1, 1000))


class ItemVersionCreateSchema(ItemContentSchema):
    """Only the fields that change (load it with partial=CONTENT_FIELDS); the rest carry over."""

    change_summary = fields.String(required=True, validate=validate.Length(1, 1000),
                                   metadata={"description": "what changed and why; goes into the filing"})


class ItemVersionSchema(Schema):
    version = fields.Integer(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    kind = fields.String(required=True)
    legal_basis = fields.String(required=True)
    subjects = fields.Dict(required=True)
    check_methods = fields.List(fields.String(), required=True)
    provincial_item = fields.Function(lambda v: {"code": v.provincial_item_code, "name_zh": v.provincial_item_name})
    sampling_rules = fields.List(fields.Dict(), required=True)
    change_summary = fields.String(required=True)
    created_by = fields.Integer(allow_none=True)
    created_at = fields.DateTime(required=True)


class ItemSummarySchema(Schema):
    """An item in the compiled list: its identity and its current version, flattened."""

    id = fields.Integer(required=True)
    code = fields.String(required=True)
    department = fields.Nested(DepartmentRefSchema, required=True)
    version = fields.Integer(attribute="current_version", required=True)
    name_zh = fields.String(attribute="current.name_zh", required=True)
    name_en = fields.String(attribute="current.name_en", allow_none=True)
    kind = fields.String(attribute="current.kind", required=True)
    legal_basis = fields.String(attribute="current.legal_basis", required=True)
    subjects = fields.Dict(attribute="current.subjects", required=True)
    check_methods = fields.List(fields.String(), attribute="current.check_methods", required=True)
    provincial_item = fields.Function(lambda i: {"code": i.current.provincial_item_code,
                                                 "name_zh": i.current.provincial_item_name})
    sampling_rules = fields.List(fields.Dict(), attribute="current.sampling_rules", required=True)
    rulebook_version = fields.Integer(allow_none=True)
    updated_at = fields.DateTime(required=True)


class ItemDetailSchema(ItemSummarySchema):
    created_at = fields.DateTime(required=True)
    current = fields.Nested(ItemVersionSchema, required=True)
    versions = fields.List(fields.Nested(ItemVersionSchema), required=True)


class ItemQuerySchema(Schema):
    department = fields.String(validate=validate.Length(1, 32))
    kind = fields.String(validate=validate.OneOf(ITEM_KINDS))
    q = fields.String(validate=validate.Length(1, 100), metadata={"description": "part of the code or the name"})


class FilingSchema(Schema):
    id = fields.Integer(required=True)
    department = fields.Nested(DepartmentRefSchema, required=True)
    filed_with = fields.Nested(DepartmentRefSchema, attribute="lead_department", required=True)
    item_id = fields.Integer(required=True)
    item_code = fields.String(attribute="item.code", required=True)
    version = fields.Integer(required=True)
    change_summary = fields.String(required=True)
    filed_by = fields.Integer(allow_none=True)
    filed_at = fields.DateTime(required=True)
    acknowledged_by = fields.Integer(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)


class FilingQuerySchema(Schema):
    unacknowledged = fields.Boolean(metadata={"description": "true: only filings not yet acknowledged"})
    department = fields.String(validate=validate.Length(1, 32))
