"""Request and response bodies of tasks and assignments."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.catalog.schemas import INDUSTRY_CODE, ITEM_CODE, DepartmentRefSchema
from backend.directory.model import ENTITY_TYPES
from backend.plans.schemas import WindowSchema
from backend.tasks.model import NAMES_PUBLIC, STRATIFY_BY, TASK_KINDS, TASK_STATUSES

TASK_NUMBER = validate.Regexp(r"^[A-Z0-9][A-Z0-9-]{2,39}$", error="upper-case letters, digits and - (3-40), "
                              "e.g. SCJG-2027-T01")
DRAWABLE_STATUSES = ("operating", "in_liquidation")  # the others have left the register: never drawn
STRATUM_KEY = validate.Regexp(r"^[A-Za-z0-9_]{1,16}$", error="a risk class such as A, U (unclassified) or ALL")


def _unique(values: list[Any]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("values must be unique")


def _codes(validator: Any, most: int) -> fields.List:
    return fields.List(fields.String(validate=validator), load_default=list,
                       validate=[validate.Length(0, most), _unique])


class TaskScopeSchema(Schema):
    description_zh = fields.String(required=True, validate=validate.Length(1, 1000),
                                   metadata={"description": "the target scope in words, e.g. 全市特种设备使用单位"})
    divisions = _codes(validate.Length(1, 12), 50)
    industries = _codes(INDUSTRY_CODE, 100)
    entity_types = _codes(validate.OneOf(ENTITY_TYPES), 4)
    sub_directories = fields.List(fields.Integer(strict=True, validate=validate.Range(1, 2**31 - 1)),
                                  load_default=list, validate=[validate.Length(0, 50), _unique],
                                  metadata={"description": "ids of sub-directories (分库); an entity in any"})
    registration_statuses = _codes(validate.OneOf(DRAWABLE_STATUSES), 2)
    risk_classes = _codes(validate.Length(1, 4), 10)


class StratumRuleSchema(Schema):
    rule = fields.String(required=True, validate=validate.OneOf(("ratio", "count", "full", "share")))
    numerator = fields.Integer(strict=True, validate=validate.Range(1, 1_000_000))
    denominator = fields.Integer(strict=True, validate=validate.Range(1, 1_000_000))
    count = fields.Integer(strict=True, validate=validate.Range(1, 1_000_000))

    @validates_schema
    def _shape(self, data: dict[str, Any], **_: Any) -> None:
        wanted = {"ratio": {"numerator", "denominator"}, "count": {"count"}}.get(data["rule"], set())
        given = set(data) - {"rule"}
        if given != wanted:
            raise ValidationError(f"rule {data['rule']!r} takes exactly {sorted(wanted) or 'no other fields'}")
        if data["rule"] == "ratio" and data["numerator"] > data["denominator"]:
            raise ValidationError("a ratio cannot exceed 1", field_name="numerator")


class SamplingSchema(Schema):
    stratify_by = fields.String(load_default="risk_class", validate=validate.OneOf(STRATIFY_BY),
                                metadata={"description": "risk_class: one stratum per class (U: none); none: ALL"})
    strata = fields.Dict(keys=fields.String(validate=STRATUM_KEY), values=fields.Nested(StratumRuleSchema),
                         load_default=dict, metadata={"description": "rules that replace those the items give"})
    share_total = fields.Integer(strict=True, allow_none=True, load_default=None,
                                 validate=validate.Range(1, 1_000_000),
                                 metadata={"description": "targets shared by the strata whose rule is share"})


class StaffingSchema(Schema):
    team_size = fields.Integer(strict=True, allow_none=True, load_default=None, validate=validate.Range(2, 10),
                               metadata={"description": "default: 2, or the sum of the minimums if more"})
    minimums = fields.Dict(keys=fields.String(validate=validate.Length(1, 32)),
                           values=fields.Integer(strict=True, validate=validate.Range(0, 10)), load_default=dict,
                           metadata={"description": "department code -> members it puts on every team (default 1)"})
    workload_cap = fields.Integer(strict=True, allow_none=True, load_default=None,
                                  validate=validate.Range(1, 100_000))
    recuse_previous = fields.Boolean(load_default=False, metadata={
        "description": "keep away those who checked the same entity for the same item last time"})


class PlanRefSchema(Schema):
    number = fields.String(required=True, validate=validate.Length(1, 40))
    batch = fields.String(required=True, validate=validate.Length(1, 20))


def _sampling_default() -> dict[str, Any]:
    return {"stratify_by": "risk_class", "strata": {}, "share_total": None}


def _staffing_default() -> dict[str, Any]:
    return {"team_size": None, "minimums": {}, "workload_cap": None, "recuse_previous": False}


class TaskContentSchema(Schema):
    name_zh = fields.String(required=True, validate=validate.Length(1, 200))
    name_en = fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 300))
    participating_departments = fields.List(fields.String(validate=validate.Length(1, 32)), load_default=list,
                                            validate=[validate.Length(0, 20), _unique])
    items = fields.List(fields.String(validate=ITEM_CODE), required=True, validate=[validate.Length(1, 30), _unique])
    kind = fields.String(load_default="routine", validate=validate.OneOf(TASK_KINDS))
    basis = fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 1000),
                          metadata={"description": "special tasks: the leads (complaints, referrals) they follow"})
    scope = fields.Nested(TaskScopeSchema, required=True)
    sampling = fields.Nested(SamplingSchema, load_default=_sampling_default)
    staffing = fields.Nested(StaffingSchema, load_default=_staffing_default)
    window = fields.Nested(WindowSchema, required=True, metadata={"description": "the planned check dates"})
    names_public = fields.String(load_default="after_checks", validate=validate.OneOf(NAMES_PUBLIC), metadata={
        "description": "at_draw: the bulletin names the targets at once; after_checks: once the task is closed"})
    plan = fields.Nested(PlanRefSchema, allow_none=True, load_default=None)


class TaskCreateSchema(TaskContentSchema):
    number = fields.String(required=True, validate=TASK_NUMBER)
    department = fields.String(validate=validate.Length(1, 32), metadata={"description": "initiating; default: yours"})


TASK_CONTENT_FIELDS = tuple(TaskContentSchema._declared_fields)


class TaskQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(TASK_STATUSES))
    department = fields.String(validate=validate.Length(1, 32), metadata={"description": "taking part"})


class TaskDepartmentSchema(Schema):
    code = fields.String(required=True)
    name_zh = fields.String(required=True)
    role = fields.String(required=True)
    min_per_team = fields.Integer(required=True)


class TaskItemSchema(Schema):
    code = fields.String(required=True)
    name_zh = fields.String(required=True)
    kind = fields.String(required=True)
    department = fields.String(required=True)
    version = fields.Integer(required=True)


class DrawSummarySchema(Schema):
    sequence = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["committed", "drawn", "cancelled"]})
    commitment = fields.String(required=True)
    announcement_digest = fields.String(required=True)
    committed_at = fields.DateTime(required=True)
    randomness = fields.Dict(required=True)
    eligible_count = fields.Integer(required=True)
    target_count = fields.Integer(required=True)
    revealed_at = fields.DateTime(allow_none=True)
    record_sha256 = fields.String(allow_none=True)
    team_count = fields.Integer(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    cancel_reason = fields.String(allow_none=True)


class TaskSchema(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    kind = fields.String(required=True)
    basis = fields.String(allow_none=True)
    targeted = fields.Boolean(required=True)
    status = fields.String(required=True, metadata={"enum": list(TASK_STATUSES)})
    version = fields.Integer(required=True)
    department = fields.Nested(DepartmentRefSchema, required=True, metadata={"description": "initiating"})
    departments = fields.List(fields.Nested(TaskDepartmentSchema), required=True)
    items = fields.List(fields.Nested(TaskItemSchema), required=True)
    scope = fields.Dict(required=True, metadata={"description": "risk_classes only with directory.read_risk"})
    sampling = fields.Dict(required=True)
    staffing = fields.Dict(required=True)
    window = fields.Nested(WindowSchema, required=True)
    names_public = fields.String(required=True)
    plan = fields.Dict(allow_none=True)
    draw = fields.Nested(DrawSummarySchema, allow_none=True, metadata={"description": "the current draw"})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    closed_at = fields.DateTime(allow_none=True)


class AssignmentSchema(Schema):
    id = fields.Integer(required=True)
    target = fields.String(required=True, metadata={"description": "the entity's id in the draw record"})
    entity_id = fields.Integer(required=True)
    entity_name = fields.String(required=True)
    stratum = fields.String(metadata={"description": "only with directory.read_risk (it is a risk class)"})
    rank = fields.Integer(required=True)
    draw_index = fields.Integer(required=True)
    check_status = fields.String(required=True, metadata={
        "description": "open (no check record yet) or the record's review status: submitted, under_review, "
                       "returned, lead_approved, approved, entered, published"})
    team = fields.List(fields.Dict(), required=True, metadata={"description": "[{inspector_id, name, department}]"})
    items = fields.List(fields.Dict(), required=True)
    window = fields.Nested(WindowSchema, required=True)
