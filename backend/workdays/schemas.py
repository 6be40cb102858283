"""Request and response bodies of the working-day calendar."""
from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from backend.workdays.calendar import RESULT_WORKDAYS, DayKind
from backend.workdays.csvfile import MAX_ROWS, NAME_MAX

_KIND = validate.OneOf([k.value for k in DayKind])
_NOTICE = fields.String(required=True, validate=[validate.Length(1, 200), validate.Regexp(r"\s*\S", error="is blank")],
                        metadata={"description": "the State Council notice, e.g. 国办发明电〔2026〕N号"})
_SOURCE = fields.String(allow_none=True, metadata={"description": "library | admin | import; null: no schedule"})


class DaySchema(Schema):
    date = fields.Date(required=True)
    kind = fields.String(required=True, validate=_KIND,
                         metadata={"description": "holiday (放假) or makeup_workday (调休上班, a Saturday or Sunday)"})
    name = fields.String(load_default="", validate=validate.Length(max=NAME_MAX), metadata={"example": "国庆节"})


class ScheduleBodySchema(Schema):
    notice = _NOTICE
    days = fields.List(fields.Nested(DaySchema), required=True, validate=validate.Length(1, MAX_ROWS))


class ImportQuerySchema(Schema):
    notice = _NOTICE


class ImportFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "CSV: date,kind,name or 日期,类型,名称"})


class YearQuerySchema(Schema):
    version = fields.Integer(validate=validate.Range(min=1), metadata={"description": "an older version"})


class VersionSchema(Schema):
    version = fields.Integer(allow_none=True)
    source = _SOURCE
    notice = fields.String(allow_none=True)
    seeded_from = fields.String(allow_none=True, metadata={"description": "the library that seeded it"})
    created_by = fields.Integer(allow_none=True, metadata={"description": "user id; null for seeds"})
    created_at = fields.DateTime(allow_none=True)
    holidays = fields.Integer(required=True)
    makeup_workdays = fields.Integer(required=True)


class YearSummarySchema(VersionSchema):
    year = fields.Integer(required=True)
    confirmed = fields.Boolean(required=True, metadata={"description": "false: no schedule, Mon-Fri assumed"})


class YearSchema(YearSummarySchema):
    current_version = fields.Integer(allow_none=True)
    days = fields.List(fields.Nested(DaySchema), required=True)
    history = fields.List(fields.Nested(VersionSchema), required=True)


class DueDateQuerySchema(Schema):
    # Query strings are text: strict=True would reject every value.
    end = fields.Date(required=True, metadata={"description": "the day the check ended (day 0)"})
    days = fields.Integer(load_default=RESULT_WORKDAYS, validate=validate.Range(1, 250))


class DueDateSchema(Schema):
    end = fields.Date(required=True)
    days = fields.Integer(required=True)
    due = fields.Date(required=True, metadata={"description": "the days-th working day after end"})
    confirmed = fields.Boolean(required=True)
    unconfirmed_years = fields.List(fields.Integer(), required=True,
                                    metadata={"description": "years counted as plain Mon-Fri"})
