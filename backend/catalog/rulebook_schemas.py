"""Request and response bodies for rulebooks (抽查实施细则) and checklist templates."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.catalog.model import APPROVAL_AUTHORITIES, BULLETIN_FIELDS, BULLETIN_REQUIRED
from backend.policy import GRANTS

# A rulebook may only name a role that can decide reviews: any other would leave its records
# waiting for an approval nobody is allowed to give.
APPROVING_ROLES = tuple(sorted(role.value for role in GRANTS["review.decide"]))


class ProcedureStepSchema(Schema):
    title_zh = fields.String(required=True, validate=validate.Length(1, 200))
    title_en = fields.String(validate=validate.Length(1, 300))
    description_zh = fields.String(validate=validate.Length(1, 2000))


class ApprovalSchema(Schema):
    authority = fields.String(required=True, validate=validate.OneOf(APPROVAL_AUTHORITIES),
                              metadata={"description": "who approves a check record before it is entered"})
    role = fields.String(validate=validate.OneOf(APPROVING_ROLES, error="must be a role that can decide reviews: {choices}"),
                         metadata={"description": "the approving role, when authority is 'role' (one that holds "
                                                  "the review.decide permission)"})

    @validates_schema
    def _role_when_named(self, data: dict[str, Any], **_: Any) -> None:
        if (data["authority"] == "role") != ("role" in data):
            raise ValidationError("give role exactly when authority is 'role'", field_name="role")


class PublicationSchema(Schema):
    fields_ = fields.List(fields.String(validate=validate.OneOf(BULLETIN_FIELDS)), data_key="fields",
                          attribute="fields", required=True, validate=validate.Length(1, len(BULLETIN_FIELDS)),
                          metadata={"description": "the result bulletin columns published (a whitelist)"})
    within_working_days = fields.Integer(strict=True, load_default=20, validate=validate.Range(1, 20),
                                         metadata={"description": "publish within this many working days (R5.1: 20)"})

    @validates_schema
    def _sensible(self, data: dict[str, Any], **_: Any) -> None:
        chosen = data["fields"]
        if len(set(chosen)) != len(chosen):
            raise ValidationError("fields must be unique", field_name="fields")
        missing = [f for f in BULLETIN_REQUIRED if f not in chosen]
        if missing:
            raise ValidationError(f"a result bulletin always shows {', '.join(missing)}", field_name="fields")


class ArchivingSchema(Schema):
    permanent = fields.Boolean(load_default=False)
    years = fields.Integer(strict=True, allow_none=True, load_default=None, validate=validate.Range(1, 100),
                           metadata={"description": "retention period in years, when not permanent"})

    @validates_schema
    def _one_of(self, data: dict[str, Any], **_: Any) -> None:
        if data["permanent"] == (data["years"] is not None):
            raise ValidationError("either permanent: true or a number of years", field_name="years")


class RulebookCreateSchema(Schema):
    template = fields.Dict(required=True, metadata={"description": "checklist template; see "
                                                    "/api/v1/catalog/template-schema"})
    procedure_steps = fields.List(fields.Nested(ProcedureStepSchema), required=True, validate=validate.Length(1, 30))
    approval = fields.Nested(ApprovalSchema, required=True)
    publication = fields.Nested(PublicationSchema, required=True)
    archiving = fields.Nested(ArchivingSchema, required=True)
    change_summary = fields.String(validate=validate.Length(1, 1000))


class RulebookSchema(Schema):
    item_id = fields.Integer(required=True)
    item_code = fields.String(attribute="item.code", required=True)
    version = fields.Integer(required=True)
    template = fields.Dict(required=True)
    procedure_steps = fields.List(fields.Dict(), required=True)
    approval = fields.Dict(required=True)
    publication = fields.Dict(required=True)
    archiving = fields.Dict(required=True)
    change_summary = fields.String(required=True)
    created_by = fields.Integer(allow_none=True)
    created_at = fields.DateTime(required=True)


class TemplateValidateSchema(Schema):
    template = fields.Dict(required=True)


class TemplateCheckSchema(Schema):
    valid = fields.Boolean(required=True)
    questions = fields.Integer(required=True, metadata={"description": "number of questions in the template"})
