from __future__ import annotations

from marshmallow import Schema, fields


class DepartmentSchema(Schema):
    code = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)
    is_lead = fields.Boolean(required=True)
    jurisdiction = fields.String(attribute="jurisdiction_code", required=True)


class JurisdictionSchema(Schema):
    code = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)
    kind = fields.String(required=True)
    parent_code = fields.String(allow_none=True)
    is_gbt2260 = fields.Boolean(required=True)
    legacy_codes = fields.List(fields.String(), required=True)
