"""JSON bodies around the tus protocol: the discovery document and an upload's status."""
from __future__ import annotations

from marshmallow import Schema, fields


class LimitsSchema(Schema):
    image = fields.Integer(required=True)
    audio = fields.Integer(required=True)
    video = fields.Integer(required=True)
    pdf = fields.Integer(required=True)


class DiscoverySchema(Schema):
    tus_version = fields.String(required=True)
    extensions = fields.List(fields.String(), required=True)
    checksum_algorithms = fields.List(fields.String(), required=True)
    max_size = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                           metadata={"description": "largest upload in bytes, by kind (Tus-Max-Size is the largest)"})
    max_chunk_bytes = fields.Integer(required=True, metadata={"description": "largest body of one PATCH"})
    filetypes = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                            metadata={"description": "accepted declared filetype -> kind"})
    metadata_keys = fields.List(fields.String(), required=True)
    expiry_seconds = fields.Integer(required=True)


class UploadSchema(Schema):
    id = fields.UUID(dump_only=True)
    state = fields.String(dump_only=True, metadata={"description": "active, completed, failed, terminated or expired"})
    offset = fields.Integer(dump_only=True)
    length = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    filetype = fields.String(dump_only=True)
    filename = fields.String(dump_only=True)
    sha256 = fields.String(dump_only=True)
    record_id = fields.UUID(dump_only=True)
    evidence_id = fields.UUID(dump_only=True)
    chunks = fields.Integer(dump_only=True)
    failure_code = fields.String(dump_only=True, allow_none=True)
    failure_message = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    expires_at = fields.DateTime(dump_only=True)
    completed_at = fields.DateTime(dump_only=True, allow_none=True)
