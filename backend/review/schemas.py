"""Request and response bodies of the review API."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.review.model import ACTIONS


class ReviewDecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(ACTIONS),
                             metadata={"description": "review (take the record under review), approve, or return"})
    comment = fields.String(load_default="", validate=validate.Length(max=2000),
                            metadata={"description": "required when returning: what the officers must fix"})


class ReviewRecordSchema(Schema):
    id = fields.String(required=True)
    assignment_id = fields.Integer(required=True)
    task_id = fields.Integer(required=True)
    task_number = fields.String(required=True)
    task_name = fields.String(required=True)
    target = fields.Dict(required=True, metadata={"description": "the checked entity: name and credit code"})
    submitted_at = fields.String(required=True, metadata={"description": "when the current revision arrived"})
    revision = fields.Integer(required=True)
    status = fields.String(required=True)
    officers = fields.List(fields.Dict(), required=True)
    clock = fields.Dict(allow_none=True, metadata={"description": "due date of the result (20 working days)"})
    required_approvals = fields.List(fields.Dict(), required=True)
    decisions = fields.List(fields.Dict(), required=True)
    record = fields.Dict(metadata={"description": "the current revision's body (record view only)"})
    # (not named `items` in Python: on a dict without the key, marshmallow would find dict.items)
    item_views = fields.List(fields.Dict(), data_key="items",
                             metadata={"description": "the assignment's items as in a task packet (record view only)"})
    team = fields.List(fields.Dict(), metadata={"description": "the assignment's team as in a task packet (record view only)"})
    templates = fields.Dict(metadata={"description": "the checklist templates the record names, by key (record view only)"})


class QueueSchema(Schema):
    records = fields.List(fields.Nested(ReviewRecordSchema), required=True)
