"""Request and response bodies for sign-in and user management."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.accounts.roles import ALL_ROLES

_USERNAME = validate.Regexp(r"^[a-z0-9][a-z0-9._-]{1,63}$", error="lower-case letters, digits, . _ - (2-64)")
_ROLE = fields.String(validate=validate.OneOf([r.value for r in ALL_ROLES]))


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 64))
    password = fields.String(required=True, load_only=True, validate=validate.Length(1, 256))


class RefreshSchema(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(1, 200))


class TokenPairSchema(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True, metadata={"description": "seconds until the access token expires"})
    refresh_expires_in = fields.Integer(required=True)


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String(dump_only=True)
    display_name = fields.String(dump_only=True)
    department = fields.Function(lambda u: u.department.code, dump_only=True)
    jurisdiction = fields.String(attribute="jurisdiction_code", dump_only=True, allow_none=True)
    roles = fields.List(fields.String(), attribute="role_names", dump_only=True)
    is_active = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class UserCreateSchema(Schema):
    username = fields.String(required=True, validate=_USERNAME)
    display_name = fields.String(required=True, validate=validate.Length(1, 100))
    password = fields.String(required=True, load_only=True, validate=validate.Length(10, 256))
    department = fields.String(required=True, validate=validate.Length(1, 32))
    jurisdiction = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 12))
    roles = fields.List(_ROLE, required=True, validate=validate.Length(1, 6))


class UserUpdateSchema(Schema):
    display_name = fields.String(validate=validate.Length(1, 100))
    password = fields.String(load_only=True, validate=validate.Length(10, 256))
    roles = fields.List(_ROLE, validate=validate.Length(1, 6))
    is_active = fields.Boolean()


class UserQuerySchema(Schema):
    department = fields.String(validate=validate.Length(1, 32))
