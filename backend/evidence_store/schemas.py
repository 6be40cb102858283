"""Evidence metadata and custody trails as JSON."""
from __future__ import annotations

from marshmallow import Schema, fields


class BlobSchema(Schema):
    sha256 = fields.String(dump_only=True)
    size = fields.Integer(dump_only=True)
    media_type = fields.String(dump_only=True, metadata={"description": "detected from the bytes"})
    kind = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    width = fields.Integer(dump_only=True, allow_none=True)
    height = fields.Integer(dump_only=True, allow_none=True)
    orientation = fields.Integer(dump_only=True, allow_none=True)
    captured_at = fields.String(dump_only=True, allow_none=True,
                                metadata={"description": "EXIF DateTimeOriginal, the camera's local time"})
    gps_lat = fields.Float(dump_only=True, allow_none=True, metadata={"description": "EXIF GPS, WGS-84"})
    gps_lon = fields.Float(dump_only=True, allow_none=True)
    has_preview = fields.Function(lambda b: b.kind == "image", dump_only=True)  # made on first request


class CustodyEventSchema(Schema):
    id = fields.Integer(dump_only=True)
    event = fields.String(dump_only=True)
    at = fields.DateTime(dump_only=True)
    actor_id = fields.Integer(dump_only=True, allow_none=True, metadata={"description": "null: the system"})
    upload_id = fields.UUID(dump_only=True, allow_none=True)
    request_id = fields.String(dump_only=True, allow_none=True)
    details = fields.Dict(dump_only=True)


class CustodySchema(Schema):
    blob = fields.Nested(BlobSchema, dump_only=True)
    events = fields.List(fields.Nested(CustodyEventSchema), dump_only=True)
