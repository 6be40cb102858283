"""Request and response bodies of the results API."""
from __future__ import annotations

from datetime import date

from marshmallow import Schema, fields, validate

from backend.workdays.validation import MAX_YEAR, MIN_YEAR

SOURCE_KINDS = ("other_department", "judicial_document", "professional_appraisal")


class AdoptedConclusionSchema(Schema):
    evidence_id = fields.String(required=True, validate=validate.Length(1, 36),
                                metadata={"description": "an evidence item declared on the record"})
    source_kind = fields.String(required=True, validate=validate.OneOf(SOURCE_KINDS))
    issuer = fields.String(required=True, validate=validate.Length(1, 200),
                           metadata={"description": "the department, court or professional body"})
    reference = fields.String(load_default="", validate=validate.Length(max=200),
                              metadata={"description": "its document number"})
    issued_on = fields.Date(load_default=None, allow_none=True)


class ResultEntrySchema(Schema):
    remarks = fields.String(load_default="", validate=validate.Length(max=1000))
    adopted_conclusions = fields.List(fields.Nested(AdoptedConclusionSchema), load_default=list,
                                      validate=validate.Length(max=50),
                                      metadata={"description": "conclusions of other bodies adopted (R4.2)"})


class FollowupActionSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 40),
                         metadata={"description": "a follow-up option (the followup_option table)"})
    done = fields.Boolean(required=True, truthy={True}, falsy={False})
    date = fields.Date(load_default=None, allow_none=True,
                       validate=validate.Range(date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class FollowupSchema(Schema):
    actions = fields.List(fields.Nested(FollowupActionSchema), required=True, validate=validate.Length(1, 20))


class CorrectionCreateSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(5, 1000),
                           metadata={"description": "why the published result is wrong"})
    result_categories = fields.Dict(keys=fields.String(), values=fields.List(fields.String(), validate=validate.Length(1, 20)),
                                    metadata={"description": "new categories of your department's items, by item code"})
    remarks = fields.String(validate=validate.Length(max=1000))


class CorrectionDecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("sign", "reject")))
    digest = fields.String(validate=validate.Regexp(r"^[0-9a-f]{64}$"),
                           metadata={"description": "the digest of the correction you read: signing fails if it differs"})
    comment = fields.String(validate=validate.Length(max=1000))


class CorrectionSchema(Schema):
    id = fields.Integer(required=True)
    result_id = fields.Integer(required=True)
    base_version = fields.Integer(required=True)
    department_id = fields.Integer(required=True)
    reason = fields.String(required=True)
    changes = fields.Dict(required=True)
    digest = fields.String(required=True)
    status = fields.String(required=True)
    proposed_by = fields.Integer(required=True)
    proposed_at = fields.String(required=True)
    decided_by = fields.Integer(allow_none=True)
    decided_at = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)


class ResultSchema(Schema):
    id = fields.Integer(required=True)
    record_id = fields.String(required=True)
    assignment_id = fields.Integer(required=True)
    task_id = fields.Integer(required=True)
    entity_id = fields.Integer(required=True)
    department_id = fields.Integer(required=True)
    revision = fields.Integer(required=True)
    status = fields.String(required=True)
    parts = fields.Dict(required=True)
    adopted = fields.List(fields.Dict(), required=True)
    remarks = fields.String(required=True)
    entered_by = fields.Integer(required=True)
    entered_at = fields.String(required=True)
    clock = fields.Dict(allow_none=True)
    published_version = fields.Integer(allow_none=True)
    current = fields.Dict(allow_none=True, metadata={"description": "the current published version"})
    versions = fields.List(fields.Dict(), required=True)
    corrections = fields.List(fields.Nested(CorrectionSchema), required=True)


class ResultListQuerySchema(Schema):
    entity_id = fields.Integer(strict=False)
    task_id = fields.Integer(strict=False)
    status = fields.String(validate=validate.OneOf(("entered", "published")))
    limit = fields.Integer(strict=False, load_default=100, validate=validate.Range(1, 500))


class ResultListSchema(Schema):
    results = fields.List(fields.Nested(ResultSchema), required=True)


class EntityRecordSchema(Schema):
    entity_id = fields.Integer(required=True)
    results = fields.List(fields.Dict(), required=True)


class DueQuerySchema(Schema):
    department_id = fields.Integer(strict=False, metadata={"description": "default: your own department"})
    state = fields.String(load_default="overdue", validate=validate.OneOf(("overdue", "due_soon", "open")))
    limit = fields.Integer(strict=False, load_default=200, validate=validate.Range(1, 1000),
                           metadata={"description": "the most records listed; count is the whole list"})
    as_of = fields.Date(validate=validate.Range(date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)),
                        metadata={"description": "the lists as they stand on this day (default: today in China)"})


class DueListSchema(Schema):
    department = fields.String(allow_none=True)
    today = fields.String(required=True)
    state = fields.String(required=True)
    count = fields.Integer(required=True)
    records = fields.List(fields.Dict(), required=True)


class FeedQuerySchema(Schema):
    after = fields.Integer(strict=False, load_default=0, validate=validate.Range(0, 2**62),
                           metadata={"description": "the highest feed id already read"})
    limit = fields.Integer(strict=False, load_default=1000, validate=validate.Range(1, 10000))
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class FeedSchema(Schema):
    format = fields.String(required=True)
    after = fields.Integer(required=True)
    next_after = fields.Integer(required=True)
    count = fields.Integer(required=True)
    items = fields.List(fields.Dict(), required=True)
