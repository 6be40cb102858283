"""Referral cases in and out. Unknown fields are refused (marshmallow's default RAISE)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.referrals.model import STATES

Text = validate.Length(min=1, max=4000)


def Required(**kwargs):  # noqa: N802  (a field factory)
    return fields.String(required=True, validate=Text, **kwargs)


class OpenCaseSchema(Schema):
    record_id = fields.UUID(required=True, metadata={"description": "the check record whose follow-up is a transfer"})
    receiving_authority = fields.String(required=True, validate=validate.Length(min=2, max=200),
                                        metadata={"description": "the receiving organ, e.g. 泰安市公安局"})
    reason = Required(metadata={"description": "why the check suggests a crime"})


class InvolvedItemSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    specification = fields.String(load_default="", validate=validate.Length(max=200))
    quantity = fields.String(required=True, validate=validate.Length(min=1, max=50))
    unit = fields.String(load_default="", validate=validate.Length(max=20))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class ReportSchema(Schema):
    """The written report of the verifying officers (移送涉嫌犯罪案件的书面报告)."""

    investigation = Required(metadata={"description": "调查经过"})
    suspected_offence = fields.String(required=True, validate=validate.Length(min=1, max=200),
                                      metadata={"description": "涉嫌罪名"})
    facts = Required(metadata={"description": "涉嫌犯罪的事实"})
    legal_basis = Required(metadata={"description": "认定依据"})
    opinion = Required(metadata={"description": "处理意见"})
    contact = fields.String(required=True, validate=validate.Length(min=1, max=200),
                            metadata={"description": "联系人及电话"})
    items = fields.List(fields.Nested(InvolvedItemSchema), load_default=list, validate=validate.Length(max=200),
                        metadata={"description": "涉案物品清单"})
    attachments = fields.List(fields.String(validate=validate.Length(min=1, max=300)), load_default=list,
                              validate=validate.Length(max=50), metadata={"description": "e.g. 检验报告"})


class VerifySchema(Schema):
    handlers = fields.List(fields.Integer(strict=True), required=True, metadata={
        "description": "user ids of the officers who verified the facts: two or more, the caller among them"})
    report = fields.Nested(ReportSchema, required=True)


class ReferralDecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("approve", "reject")))
    reason = fields.String(load_default="", validate=validate.Length(max=4000),
                           metadata={"description": "required when rejecting (不批准移送的理由)"})


class TransferSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class AcknowledgementSchema(Schema):
    received_by = fields.String(required=True, validate=validate.Length(min=1, max=100),
                                metadata={"description": "who signed the receipt at the receiving organ"})
    received_at = fields.AwareDateTime(required=True, format="iso", metadata={"description": "as the receipt says"})
    receipt_number = fields.String(load_default="", validate=validate.Length(max=100))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class ExportSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500),
                           metadata={"description": "why the package is exported (recorded in the audit log)"})


class CaseQuerySchema(Schema):
    state = fields.String(validate=validate.OneOf(STATES))
    overdue = fields.Boolean(metadata={"description": "only cases whose awaited step is past its deadline"})


class StepSchema(Schema):
    step = fields.String(required=True)
    actor = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    due_at = fields.DateTime(allow_none=True)
    on_time = fields.Boolean(allow_none=True)
    details = fields.Dict(required=True)


class CaseSchema(Schema):
    id = fields.Integer(required=True)
    case_number = fields.String(required=True)
    department = fields.String(required=True)
    record_id = fields.String(required=True)
    record_revision = fields.Integer(required=True)
    party = fields.String(required=True)
    state = fields.String(required=True)
    due_step = fields.String(allow_none=True, metadata={"description": "the awaited step that has a deadline"})
    due_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean(required=True)
    receiving_authority = fields.String(required=True)
    reason = fields.String(required=True)
    handlers = fields.List(fields.Integer(), required=True)
    report = fields.Dict(required=True)
    decision_reason = fields.String(allow_none=True)
    acknowledgement = fields.Dict(allow_none=True)
    steps = fields.List(fields.Nested(StepSchema), required=True)
