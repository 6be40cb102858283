"""Request and response bodies of directory imports."""
from __future__ import annotations

from typing import Any

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from backend.directory.importing.model import ACTIVE, KINDS, STATUSES


class ImportFormSchema(Schema):
    """multipart/form-data: the file and how to import it."""

    file = Upload(required=True, metadata={"description": "CSV (UTF-8 or GB18030) or XLSX (first sheet); row 1 "
                                                          "names the columns (docs/directory.md)"})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    dry_run = fields.Boolean(load_default=False, metadata={"description": "check only: nothing is written"})
    department = fields.String(validate=validate.Length(1, 32), metadata={
        "description": "importing department (default: your own; another one needs system-wide reach)"})


class ImportQuerySchema(Schema):
    kind = fields.String(validate=validate.OneOf(KINDS))
    status = fields.String(validate=validate.OneOf(STATUSES))
    department = fields.String(validate=validate.Length(1, 32))


def _errors_url(job: Any) -> str | None:
    if job.status in ACTIVE or not job.report_path:
        return None
    return f"/api/v1/directory/imports/{job.id}/errors.csv"


def _progress(job: Any) -> float | None:
    if job.status not in ACTIVE:
        return 1.0
    if not job.rows_total:
        return None
    return round(min(job.rows_done / job.rows_total, 1.0), 4)


class ImportJobSchema(Schema):
    id = fields.UUID()
    kind = fields.String(metadata={"enum": list(KINDS)})
    filename = fields.String()
    sha256 = fields.String(metadata={"description": "of the file as received"})
    size = fields.Integer()
    file_format = fields.String(allow_none=True, metadata={"description": "csv | xlsx, once read"})
    encoding = fields.String(allow_none=True, metadata={"description": "CSV: utf-8, gb18030 or ascii"})
    dry_run = fields.Boolean()
    department = fields.Function(lambda j: j.department.code if j.department else None, allow_none=True)
    created_by = fields.Integer(allow_none=True, metadata={"description": "null: the command line"})
    status = fields.String(metadata={"enum": list(STATUSES)})
    phase = fields.String(allow_none=True, metadata={"description": "checking | applying while running"})
    rows_done = fields.Integer()
    rows_total = fields.Integer(allow_none=True)
    rows_total_estimated = fields.Boolean(metadata={"description": "true while the file is still being read"})
    progress = fields.Function(_progress, allow_none=True, metadata={"description": "0..1"})
    valid = fields.Integer(metadata={"description": "rows that meet the standard"})
    rejected = fields.Integer(metadata={"description": "rows with at least one error"})
    error_count = fields.Integer(metadata={"description": "lines of the error report"})
    imported = fields.Integer(metadata={"description": "rows written (0 for a dry run or a refused file)"})
    created = fields.Integer(metadata={"description": "new entities or inspectors (a dry run: would be)"})
    updated = fields.Integer()
    unchanged = fields.Integer()
    failure_code = fields.String(allow_none=True, metadata={"description": "the file-level problem or failure"})
    failure_message = fields.String(allow_none=True)
    errors_url = fields.Function(_errors_url, allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    heartbeat_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
