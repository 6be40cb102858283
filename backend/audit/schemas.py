from __future__ import annotations

from marshmallow import Schema, fields, validate

_SIZE = 2**63 - 1  # the largest 64-bit database integer


class CheckpointSchema(Schema):
    tree_size = fields.Integer(required=True)
    root_hash = fields.String(required=True, metadata={"description": "hex SHA-256 Merkle tree head"})
    timestamp = fields.String(required=True)
    origin = fields.String(required=True)
    key_id = fields.String(required=True)
    signature = fields.String(required=True, metadata={"description": "base64 Ed25519 signature over body"})
    body = fields.String(required=True, metadata={"description": "the exact signed text"})


class RetiredKeySchema(Schema):
    key_id = fields.String(required=True)
    public_key = fields.String(required=True, metadata={"description": "base64 raw Ed25519 public key"})


class PublicKeySchema(Schema):
    key_id = fields.String(required=True)
    public_key = fields.String(required=True, metadata={"description": "base64 raw Ed25519 public key"})
    retired = fields.List(fields.Nested(RetiredKeySchema), required=True,
                          metadata={"description": "keys that signed older checkpoints before a rotation"})


# Query strings are text: strict=True would reject every value, "1.5" is still refused.
class InclusionQuerySchema(Schema):
    tree_size = fields.Integer(validate=validate.Range(min=1, max=_SIZE))


class InclusionProofSchema(Schema):
    index = fields.Integer(required=True)
    tree_size = fields.Integer(required=True)
    leaf_hash = fields.String(required=True)
    proof = fields.List(fields.String(), required=True)


class ConsistencyQuerySchema(Schema):
    first = fields.Integer(required=True, validate=validate.Range(min=0, max=_SIZE))
    second = fields.Integer(required=True, validate=validate.Range(min=1, max=_SIZE))


class ConsistencyProofSchema(Schema):
    first = fields.Integer(required=True)
    second = fields.Integer(required=True)
    proof = fields.List(fields.String(), required=True)


class EntryQuerySchema(Schema):
    object_type = fields.String(validate=validate.Length(1, 64))
    object_id = fields.String(validate=validate.Length(1, 128))


class EntrySchema(Schema):
    index = fields.Integer(attribute="leaf_index", required=True)
    time = fields.String(required=True)
    actor = fields.String(allow_none=True)
    action = fields.String(required=True)
    object_type = fields.String(allow_none=True)
    object_id = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    payload_sha256 = fields.String(required=True)
    leaf_hash = fields.String(required=True)
