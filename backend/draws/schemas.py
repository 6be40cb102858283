"""Request bodies of the draw steps."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.draws.model import RANDOMNESS_KINDS

# Names in the record may not contain NUL, TAB, CR or LF (docs/draw-algorithm.md §2).
_ONE_LINE = validate.Regexp(r"^[^\x00-\x1f]+$", error="one line of text, no control characters")


class RandomnessSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(RANDOMNESS_KINDS), metadata={
        "description": "lottery: a future public lottery draw; witnesses: numbers announced by witnesses at a set "
                       "time; beacon: a future round of a public randomness beacon"})
    source = fields.String(required=True, validate=[validate.Length(1, 300), _ONE_LINE],
                           metadata={"description": "exactly which value, e.g. 福彩3D 第2027050期开奖号码"})
    available_at = fields.AwareDateTime(required=True, metadata={"description": "when it will be known (future)"})


class CommitSchema(Schema):
    randomness = fields.Nested(RandomnessSchema, required=True)


class WitnessSchema(Schema):
    name = fields.String(required=True, validate=[validate.Length(1, 100), _ONE_LINE])
    capacity = fields.String(required=True, validate=[validate.Length(1, 200), _ONE_LINE],
                             metadata={"description": "e.g. 社会监督员, 公证员, 参与部门代表"})


class RevealSchema(Schema):
    commitment = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-fA-F]{64}$"), metadata={
        "description": "the commitment as published for this draw, read back by the operator"})
    value = fields.String(required=True, validate=validate.Length(1, 500),
                          metadata={"description": "the public randomness exactly as announced"})
    witnesses = fields.List(fields.Nested(WitnessSchema), required=True, validate=validate.Length(1, 20))


class RedrawSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(5, 1000),
                           metadata={"description": "why the draw is redone (kept and published)"})
