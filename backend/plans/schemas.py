"""Request and response bodies for annual plans."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.catalog.schemas import INDUSTRY_CODE, ITEM_CODE, DepartmentRefSchema
from backend.plans.lifecycle import filing_due
from backend.plans.model import PLAN_STATUSES

PLAN_NUMBER = validate.Regexp(r"^[A-Z0-9][A-Z0-9-]{2,39}$", error="upper-case letters, digits and - (3-40), "
                              "e.g. SCJG-2027-01")
BATCH_ID = validate.Regexp(r"^[A-Za-z0-9_-]{1,20}$", error="letters, digits, _ - (1-20)")


def _unique(values: list[Any]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("values must be unique")


class ScopeSchema(Schema):
    description_zh = fields.String(required=True, validate=validate.Length(1, 1000),
                                   metadata={"description": "the target scope in words, e.g. 全市食品经营者"})
    targeted = fields.Boolean(load_default=False, metadata={"description": "定向 (a filtered scope) or 不定向"})
    entity_types = fields.List(fields.String(validate=validate.Length(1, 32)), load_default=list)
    industry_codes = fields.List(fields.String(validate=INDUSTRY_CODE), load_default=list)
    jurisdiction_codes = fields.List(fields.String(validate=validate.Length(1, 12)), load_default=list)
    subdirectory_codes = fields.List(fields.String(validate=validate.Length(1, 64)), load_default=list)


class WindowSchema(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        if data["start"] > data["end"]:
            raise ValidationError("the window ends before it starts", field_name="end")


class BatchSchema(Schema):
    id = fields.String(required=True, validate=BATCH_ID, metadata={"description": "stable key within the plan"})
    name_zh = fields.String(required=True, validate=validate.Length(1, 200))
    name_en = fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 300))
    scope = fields.Nested(ScopeSchema, required=True)
    items = fields.List(fields.String(validate=ITEM_CODE), required=True, validate=[validate.Length(1, 30), _unique],
                        metadata={"description": "codes of items in the compiled list"})
    target_count = fields.Integer(required=True, strict=True, validate=validate.Range(1, 1_000_000),
                                  metadata={"description": "how many entities this batch checks"})
    window = fields.Nested(WindowSchema, required=True, metadata={"description": "when the checks happen"})
    partner_departments = fields.List(fields.String(validate=validate.Length(1, 32)), load_default=list,
                                      validate=_unique, metadata={"description": "departments joining (联合抽查)"})


class PlanContentSchema(Schema):
    name_zh = fields.String(required=True, validate=validate.Length(1, 200))
    name_en = fields.String(allow_none=True, validate=validate.Length(1, 300))
    batches = fields.List(fields.Nested(BatchSchema), required=True, validate=validate.Length(0, 100))


class PlanCreateSchema(PlanContentSchema):
    number = fields.String(required=True, validate=PLAN_NUMBER)
    year = fields.Integer(required=True, strict=True, validate=validate.Range(2019, 2100))
    department = fields.String(validate=validate.Length(1, 32), metadata={"description": "default: your own"})
    jurisdiction = fields.String(validate=validate.Length(1, 12), metadata={"description": "default: the department's"})


class PlanVersionCreateSchema(PlanContentSchema):
    """The fields that change (load with partial); the reason is required once the plan is filed."""

    reason = fields.String(validate=validate.Length(1, 1000), metadata={"description": "why the plan is adjusted"})


PLAN_CONTENT_FIELDS = tuple(PlanContentSchema._declared_fields)


class FilingStateSchema(Schema):
    due_on = fields.Function(lambda p: filing_due(p.year).isoformat(), required=True)
    filed_at = fields.DateTime(allow_none=True)
    filed_by = fields.Integer(allow_none=True)
    filed_version = fields.Integer(allow_none=True)
    late = fields.Function(lambda p: None if p.filed_at is None else p.filed_days_late > 0, allow_none=True)
    days_late = fields.Integer(attribute="filed_days_late", allow_none=True)


class PlanVersionSchema(Schema):
    version = fields.Integer(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    batches = fields.List(fields.Dict(), required=True)
    reason = fields.String(allow_none=True)
    created_by = fields.Integer(allow_none=True)
    created_at = fields.DateTime(required=True)


class PlanSchema(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    year = fields.Integer(required=True)
    department = fields.Nested(DepartmentRefSchema, required=True)
    jurisdiction = fields.String(attribute="jurisdiction_code", required=True)
    status = fields.String(required=True, metadata={"description": "draft, filed or published"})
    version = fields.Integer(attribute="current_version", required=True)
    name_zh = fields.String(attribute="current.name_zh", required=True)
    name_en = fields.String(attribute="current.name_en", allow_none=True)
    batches = fields.List(fields.Dict(), attribute="current.batches", required=True)
    filing = fields.Function(lambda p: FilingStateSchema().dump(p), required=True)
    published_at = fields.DateTime(allow_none=True)
    published_by = fields.Integer(allow_none=True)
    published_version = fields.Integer(allow_none=True)
    created_by = fields.Integer(allow_none=True)
    created_at = fields.DateTime(required=True)


class PlanDetailSchema(PlanSchema):
    versions = fields.List(fields.Nested(PlanVersionSchema), required=True)


class PlanQuerySchema(Schema):
    year = fields.Integer(strict=False, validate=validate.Range(2019, 2100))
    department = fields.String(validate=validate.Length(1, 32))
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))
