"""Import jobs for the API and the CLI: submit a file, follow the job, fetch its error report.

Through the API, a file of at most DIRECTORY_IMPORT_INLINE_BYTES is imported within the request
(the response shows the finished job); a larger one runs in a background thread of the worker
that received it, and the client follows `GET .../imports/<id>`. If that worker dies, the job's
heartbeat stops and reading it marks it failed; nothing partial was written in any case.
"""
from __future__ import annotations

import hashlib
import shutil
import threading
import uuid
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from flask import current_app
from werkzeug.datastructures import FileStorage

from backend.accounts.roles import Role
from backend.db import db, unit_of_work
from backend.directory.importing.jobs import Progress, create_job, expire_abandoned, job_dir, run_job
from backend.directory.importing.model import ACTIVE, ImportJob
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.orgs.model import Department
from backend.policy import Principal, Scope, ensure, scope_for

_BLOCK = 1 << 20


def department_of_job(view_args: dict[str, Any]) -> int | None:
    """Policy resolver: the department an import job belongs to."""
    return db.session.scalar(sa.select(ImportJob.department_id).where(ImportJob.id == view_args["job_id"]))


def _department_id(principal: Principal, code: str | None) -> int | None:
    if code is None:
        return principal.department_id or None
    department_id = db.session.scalar(sa.select(Department.id).where(Department.code == code))
    if department_id is None:
        raise ValidationFailed("Unknown department.", code="import.unknown_department",
                               errors={"department": [{"code": "import.unknown_department",
                                                       "message": f"no department {code!r}"}]})
    ensure(principal, "directory.manage", department_id)
    return department_id


def _copy(stream: IO[bytes], target: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        for block in iter(lambda: stream.read(_BLOCK), b""):
            digest.update(block)
            size += len(block)
            out.write(block)
    return digest.hexdigest(), size


def submit(principal: Principal, kind: str, upload: FileStorage, dry_run: bool, department: str | None) -> ImportJob:
    department_id = _department_id(principal, department)
    job_id = uuid.uuid4()
    work = job_dir(job_id)
    work.mkdir(parents=True, exist_ok=True)
    path = work / "upload"
    try:
        sha256, size = _copy(upload.stream, path)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    create_job(job_id=job_id, kind=kind, filename=upload.filename or "upload", sha256=sha256, size=size,
               dry_run=dry_run, department_id=department_id, created_by=principal.user_id)
    if size <= current_app.config["DIRECTORY_IMPORT_INLINE_BYTES"]:
        try:
            return run_job(job_id, path, principal)
        finally:
            path.unlink(missing_ok=True)
    _start_thread(job_id, path, principal)
    return get_job(principal, job_id)


def _start_thread(job_id: uuid.UUID, path: Path, principal: Principal) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    threads: dict[uuid.UUID, threading.Thread] = app.extensions.setdefault("ssgk.import_threads", {})

    def work() -> None:
        with app.app_context():
            try:
                run_job(job_id, path, principal)
            finally:
                path.unlink(missing_ok=True)
                threads.pop(job_id, None)

    thread = threading.Thread(target=work, name=f"directory-import-{job_id}", daemon=True)
    threads[job_id] = thread
    thread.start()


def get_job(principal: Principal, job_id: uuid.UUID) -> ImportJob:
    with unit_of_work() as session:
        expire_abandoned(session)
    job = db.session.get(ImportJob, job_id, populate_existing=True)
    if job is None:
        raise NotFound("No such import job.", code="import.not_found")
    if job.department_id is None and scope_for(principal, "directory.manage") is not Scope.ANY:
        raise Forbidden("This import was made for no department (from the command line).", code="auth.out_of_scope",
                        details={"permission": "directory.manage"})
    return job


def list_jobs(principal: Principal, filters: dict[str, Any]) -> sa.Select[Any]:
    with unit_of_work() as session:
        expire_abandoned(session)
    query = sa.select(ImportJob).order_by(ImportJob.created_at.desc(), ImportJob.id)
    if scope_for(principal, "directory.manage") is Scope.DEPARTMENT:
        query = query.where(ImportJob.department_id == principal.department_id)
    if filters.get("kind"):
        query = query.where(ImportJob.kind == filters["kind"])
    if filters.get("status"):
        query = query.where(ImportJob.status == filters["status"])
    if filters.get("department"):
        query = query.join(Department, Department.id == ImportJob.department_id).where(
            Department.code == filters["department"])
    return query


def report_file(principal: Principal, job_id: uuid.UUID) -> Path:
    job = get_job(principal, job_id)
    if job.status in ACTIVE:
        raise Conflict("The error report is complete when the job ends.", code="import.running",
                       details={"status": job.status, "rows_done": job.rows_done})
    path = Path(job.report_path) if job.report_path else None
    if path is None or not path.is_file():
        raise NotFound("This job's error report is no longer kept.", code="import.report_missing")
    return path


# ------------------------------------------------------------------ command line


def cli_principal(department_id: int | None) -> Principal:
    """The command line acts as a system administrator (whoever can run it can reach the database)."""
    return Principal(0, "cli", department_id or 0, None, frozenset({Role.SYSTEM_ADMIN.value}))


def import_from_cli(kind: str, path: Path, dry_run: bool, department: str | None,
                    on_progress: Progress | None = None) -> ImportJob:
    department_id = None
    if department is not None:
        department_id = db.session.scalar(sa.select(Department.id).where(Department.code == department))
        if department_id is None:
            raise ValidationFailed(f"no department {department!r}", code="import.unknown_department")
    with path.open("rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    job = create_job(kind=kind, filename=path.name, sha256=digest, size=path.stat().st_size, dry_run=dry_run,
                     department_id=department_id, created_by=None)
    return run_job(job.id, path, cli_principal(department_id), on_progress)

