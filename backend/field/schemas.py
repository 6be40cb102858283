"""The check record's shape (docs/field-api.md §2) and the answers the field API gives.

The record schema only checks shape: services validate it against the raw JSON the device
sent (the digest is over those exact bytes' values), never a reloaded copy.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.field.answers import UUID_RE

EVIDENCE_KINDS = ("photo", "signature", "audio", "video", "document")
GPS_PURPOSES = ("start", "end", "photo", "signature", "other")
HEX64 = validate.Regexp(r"^[0-9a-f]{64}$", error="must be 64 lower-case hex digits")
INSPECTOR_KEY = validate.Regexp(r"^I[1-9][0-9]{0,9}$", error='must be an inspector id such as "I17"')


def Uuid(**kwargs):  # noqa: N802  (a field factory, read like a field class)
    return fields.String(validate=validate.Regexp(UUID_RE, error="must be a lower-case UUID v4"), **kwargs)


def Bool(**kwargs):  # noqa: N802  (JSON true or false, nothing else)
    return fields.Boolean(truthy={True}, falsy={False}, **kwargs)


def Moment(**kwargs):  # noqa: N802
    return fields.AwareDateTime(format="iso", **kwargs)


class Strict(Schema):
    class Meta:
        ordered = True


class RecordFollowupSchema(Strict):
    code = fields.String(required=True)
    done = Bool(required=True)
    date = fields.Date(required=True, allow_none=True)
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class RecordGpsSchema(Strict):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, validate=validate.Range(-180, 180))
    accuracy_m = fields.Float(required=True, allow_none=True, validate=validate.Range(min=0))
    at = Moment(required=True)
    purpose = fields.String(required=True, validate=validate.OneOf(GPS_PURPOSES))
    evidence_id = Uuid(allow_none=True)


class RecordOfficerSchema(Strict):
    inspector_id = fields.String(required=True, validate=INSPECTOR_KEY)
    signature_evidence_id = Uuid(required=True)


class RecordWitnessSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    signature_evidence_id = Uuid(required=True)


class RecordPartySchema(Strict):
    present = Bool(required=True)
    name = fields.String(allow_none=True, validate=validate.Length(max=100))
    signed = Bool(load_default=False)
    signature_evidence_id = Uuid(allow_none=True)
    refused = Bool(load_default=False)
    witness = fields.Nested(RecordWitnessSchema, allow_none=True)


class RecordEvidenceSchema(Strict):
    id = Uuid(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(EVIDENCE_KINDS))
    sha256 = fields.String(required=True, validate=HEX64)
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    media_type = fields.String(required=True, validate=validate.Length(min=1, max=100))
    item_code = fields.String(allow_none=True)
    question_id = fields.String(allow_none=True)
    captured_at = Moment(allow_none=True)
    captured_by = fields.String(allow_none=True, validate=INSPECTOR_KEY)


class RecordSchema(Strict):
    """A check record as the device makes it; `digest` is SHA-256 of the canonical JSON without it."""

    id = Uuid(required=True)
    assignment_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    templates = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), required=True)
    answers = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True)
    result_categories = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)
    check_methods = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    followup = fields.List(fields.Nested(RecordFollowupSchema), load_default=list)
    notes = fields.String(load_default="", validate=validate.Length(max=20000))
    started_at = Moment(required=True)
    ended_at = Moment(required=True)
    elapsed_ms = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0))
    gps = fields.List(fields.Nested(RecordGpsSchema), load_default=list)
    officers = fields.List(fields.Nested(RecordOfficerSchema), required=True)
    party = fields.Nested(RecordPartySchema, required=True)
    evidence = fields.List(fields.Nested(RecordEvidenceSchema), required=True, validate=validate.Length(max=500))
    digest = fields.String(required=True, validate=HEX64)


class RecordMissingEvidenceSchema(Schema):
    id = fields.String(required=True)
    sha256 = fields.String(required=True)
    reason = fields.String(required=True, metadata={
        "description": "not_received, hash_mismatch (arrived with another SHA-256), other_record, "
                       "uploader_not_on_team"})


class RecordStatusSchema(Schema):
    id = fields.String(required=True)
    revision = fields.Integer(required=True)
    status = fields.String(required=True)
    complete = fields.Boolean(required=True)
    missing_evidence = fields.List(fields.Nested(RecordMissingEvidenceSchema), required=True)
    received_evidence = fields.Integer(required=True)
    declared_evidence = fields.Integer(required=True)


class RecordReviewSchema(Schema):
    status = fields.String(required=True)
    comment = fields.String(allow_none=True, required=True, metadata={"description": "why it was returned, when it was"})
    decided_at = fields.String(allow_none=True, required=True, metadata={"description": "the latest review decision"})


class RecordViewSchema(RecordStatusSchema):
    assignment_id = fields.Integer(required=True)
    record = fields.Dict(required=True, metadata={"description": "the current revision's body, as submitted"})
    review = fields.Nested(RecordReviewSchema, required=True)


class FieldPacketQuerySchema(Schema):
    since = fields.Integer(strict=False, validate=validate.Range(min=0),
                           metadata={"description": "a packet version held by the app: answer a delta"})


class FieldPacketSchema(Schema):
    version = fields.Integer(required=True)
    since = fields.Integer(allow_none=True)
    generated_at = fields.String(allow_none=True)
    inspector = fields.Dict(allow_none=True)
    assignments = fields.List(fields.Dict(), required=True)
    removed_assignment_ids = fields.List(fields.Integer())
    templates = fields.Dict(required=True)
    result_categories = fields.List(fields.Dict())
    check_methods = fields.List(fields.Dict())
    followup_options = fields.List(fields.Dict())
