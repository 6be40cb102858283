"""Files for directory import tests: entity and inspector rows as CSV (UTF-8 or GB18030) or XLSX,
and the multipart upload of one. Rows are dicts keyed by the standard's Chinese headers."""
from __future__ import annotations

import csv
import io
import time
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.support.directory import credit_code

__all__ = ["entity_row", "inspector_row", "english", "csv_bytes", "xlsx_bytes", "upload", "wait_for",
           "seed_import_job"]

IMPORTS = "/api/v1/directory/imports"


def entity_row(n: int = 1, **overrides: Any) -> dict[str, Any]:
    """A valid entity row; keyword names are the English field names (`name=...`)."""
    from backend.directory.standard import ENTITY_COLUMNS

    row = {"credit_code": credit_code(n), "name": f"泰安市测试{n}商贸有限公司", "entity_type": "企业",
           "legal_representative": "王某明", "registered_address": "泰安市泰山区示范路1号",
           "business_address": "泰安市泰山区示范路1号", "division_code": "370902", "industry_code": "H6210",
           "registration_status": "存续（在营）", "registered_on": "2020-01-02", "risk_class": "B",
           "longitude": "117.13", "latitude": "36.19", "supervising_departments": "market_regulation"}
    row.update(overrides)
    chinese = {c.field: c.header_zh for c in ENTITY_COLUMNS}
    return {chinese[k]: v for k, v in row.items() if v is not ...}


def inspector_row(n: int = 1, **overrides: Any) -> dict[str, Any]:
    from backend.directory.standard import INSPECTOR_COLUMNS

    row = {"name": f"张某{n}", "department": "market_regulation", "certificate_number": f"3709IMP{n:06d}",
           "certificate_valid_from": "2024-01-01", "certificate_valid_until": "2028-12-31",
           "staff_category": "执法公务员", "specialties": "食品安全；特种设备", "status": "在岗",
           "status_from": "2024-01-01"}
    row.update(overrides)
    chinese = {c.field: c.header_zh for c in INSPECTOR_COLUMNS}
    return {chinese[k]: v for k, v in row.items() if v is not ...}


def english(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same rows under the English field names (the standard's header aliases)."""
    from backend.directory.standard import ENTITY_COLUMNS, INSPECTOR_COLUMNS

    names = {c.header_zh: c.field for c in (*ENTITY_COLUMNS, *INSPECTOR_COLUMNS)}
    return [{names[k]: v for k, v in row.items()} for row in rows]


def _table(rows: Sequence[dict[str, Any]], header: Sequence[str] | None) -> tuple[list[str], list[list[Any]]]:
    names = list(header or dict.fromkeys(k for r in rows for k in r))
    return names, [[r.get(h, "") for h in names] for r in rows]


def csv_bytes(rows: Sequence[dict[str, Any]], encoding: str = "utf-8", header: Sequence[str] | None = None,
              bom: bool = False) -> bytes:
    names, body = _table(rows, header)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(names)
    writer.writerows(body)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows: Sequence[dict[str, Any]], header: Sequence[str] | None = None) -> bytes:
    import openpyxl

    names, body = _table(rows, header)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(names)
    for cells in body:
        sheet.append([_xlsx_value(c) for c in cells])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_value(cell: Any) -> Any:
    if isinstance(cell, str) and len(cell) == 10 and cell[4] == "-" and cell[:4].isdigit():
        return date.fromisoformat(cell)  # dates as date cells, as Excel keeps them
    return cell


def upload(client: FlaskClient, headers: dict[str, str], data: bytes, filename: str = "entities.csv",
           kind: str = "entities", dry_run: bool = False, **form: Any) -> Any:
    body = {"file": (io.BytesIO(data), filename), "kind": kind, "dry_run": "true" if dry_run else "false", **form}
    return client.post(IMPORTS, data=body, headers=headers, content_type="multipart/form-data")


def wait_for(client: FlaskClient, headers: dict[str, str], job_id: str, timeout: float = 60) -> dict[str, Any]:
    """Poll a job until it ends, then wait for its background thread to finish too (tests share
    one app, and the next test swaps its database engine)."""
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"{IMPORTS}/{job_id}", headers=headers).get_json()
        if body["status"] not in ("queued", "running") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    thread = client.application.extensions.get("ssgk.import_threads", {}).get(uuid.UUID(job_id))
    if thread is not None:
        thread.join(timeout)
    return body


def seed_import_job(app: Flask, department: str) -> uuid.UUID:
    """A finished dry-run import of one entity, made for `department`; its id."""
    import tempfile
    from pathlib import Path

    import sqlalchemy as sa

    from backend.db import db
    from backend.directory.importing.jobs import create_job, run_job
    from backend.directory.importing.services import cli_principal
    from backend.orgs.model import Department

    with app.test_request_context():
        department_id = db.session.scalar(sa.select(Department.id).where(Department.code == department))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "one.csv"
            path.write_bytes(csv_bytes([entity_row(1)]))
            job = create_job(kind="entities", filename="one.csv", sha256="0" * 64, size=path.stat().st_size,
                             dry_run=True, department_id=department_id, created_by=None)
            return run_job(job.id, path, cli_principal(department_id)).id
