"""The life of an import job: check the file batch by batch, then apply it in one transaction.

Check pass: each batch of rows is parsed, checked for keys repeated in the file, checked
against the rules and the stored records, and (real import, no error so far, entities) staged,
in one short transaction that also records the job's progress and heartbeat. Nothing of the
directory changes in this pass, so other requests go on as usual.

Apply pass (real import, no error at all): one transaction moves the staged rows (entities) or
checks and writes the file again (inspectors), and records the job's outcome and the audit
entry with it. Any error rolls all of it back; the job then ends `failed` with the reason.

A job whose heartbeat is older than DIRECTORY_IMPORT_STALE_SECONDS while queued or running
belongs to a process that died: reading it marks it failed (`import.abandoned`).
"""
from __future__ import annotations

import gc
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.audit import services as audit
from backend.db import db, unit_of_work, utcnow
from backend.directory.importing.columns import map_columns
from backend.directory.importing.entities import EntityImporter
from backend.directory.importing.inspectors import InspectorImporter
from backend.directory.importing.model import ACTIVE, ImportJob
from backend.directory.importing.report import ErrorReport
from backend.directory.importing.rows import Context, Importer, RecheckingImporter, Row, StagedImporter
from backend.directory.importing.scratch import Scratch
from backend.directory.importing.sources import FileRejected, Source, open_source
from backend.directory.importing.strategies import Staging, discard_staged, staging_for
from backend.errors import DomainError
from backend.policy import Principal

log = logging.getLogger("ssgk.directory.import")

BATCH_ROWS = 5000
_GC_YOUNG_THRESHOLD = 10_000


@dataclass
class Tally:
    rows: int = 0
    valid: int = 0
    rejected: int = 0
    errors: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, rows: list[Row]) -> None:
        for row in rows:
            self.rows += 1
            if row.errors:
                self.rejected += 1
                self.errors += len(row.errors)
                continue
            self.valid += 1
            if row.plan == "create":
                self.created += 1
            elif row.plan == "unchanged":
                self.unchanged += 1
            else:
                self.updated += 1


Progress = Callable[[dict[str, Any]], None]


class JobAbandoned(DomainError):
    status, code, message = 409, "import.abandoned", "The job was marked failed while it ran."


def import_root() -> Path:
    configured = current_app.config.get("DIRECTORY_IMPORT_DIR")
    return Path(configured) if configured else Path(current_app.config["MEDIA_ROOT"]) / "imports"


def job_dir(job_id: uuid.UUID) -> Path:
    return import_root() / str(job_id)


def audit_actor(job: ImportJob) -> str:
    return "cli" if job.created_by is None else str(job.created_by)


def create_job(*, kind: str, filename: str, sha256: str, size: int, dry_run: bool, department_id: int | None,
               created_by: int | None, job_id: uuid.UUID | None = None) -> ImportJob:
    with unit_of_work() as session:
        job = ImportJob(id=job_id or uuid.uuid4(), kind=kind, filename=filename[:255], sha256=sha256, size=size,
                        dry_run=dry_run, department_id=department_id, created_by=created_by, status="queued",
                        created_at=utcnow())
        session.add(job)
        session.flush()
        audit.record("directory_import.create", object_type="import_job", object_id=job.id, actor=audit_actor(job),
                     payload={"kind": kind, "filename": job.filename, "sha256": sha256, "size": size,
                              "dry_run": dry_run, "department_id": department_id}, session=session)
    return job


def _make_importer(kind: str, session: Session, ctx: Context) -> Importer:
    return EntityImporter(session, ctx) if kind == "entities" else InspectorImporter(session, ctx)


def _batches(source: Source, importer: Importer) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for number, cells in source.rows:
        batch.append(importer.parse(number, cells))
        if len(batch) >= BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


class _Run:
    """One execution of a job (in a request, a background thread or the CLI)."""

    def __init__(self, job: ImportJob, path: Path, principal: Principal, on_progress: Progress | None) -> None:
        self.job_id = job.id
        self.kind, self.dry_run, self.actor = job.kind, job.dry_run, audit_actor(job)
        self.sha256 = job.sha256
        self.path = path
        self.on_progress = on_progress
        self.ctx = Context(job.id, principal, job.department_id, utcnow())
        self.tally = Tally()
        self.work = job_dir(job.id)
        self.work.mkdir(parents=True, exist_ok=True)
        self.report = ErrorReport(self.work / "errors.csv")
        self.source: Source | None = None
        self.scratch: Scratch | None = None
        self.staging: Staging | None = None

    # -------------------------------------------------------------- the two passes

    def check(self) -> Importer:
        self.source = source = open_source(self.path)
        with unit_of_work() as session:
            importer = _make_importer(self.kind, session, self.ctx)
        columns = map_columns(source.header, importer.columns, importer.defaulted)
        importer.use_columns(columns)
        # entities are staged by a real import (a dry run and inspector imports stage nothing)
        staged = cast(StagedImporter, importer) if importer.staged and not self.dry_run else None
        self.scratch = scratch = Scratch(self.work / "scratch.sqlite")
        if staged is not None:
            self.staging = staging_for(db.engine.dialect.name, scratch, self.job_id)
            staged.use_staging(self.staging)
        for rows in _batches(source, importer):
            self._duplicates(scratch, importer, rows)
            with unit_of_work() as session:
                importer.check(session, rows)
                self.tally.count(rows)
                if staged is not None and not self.tally.rejected:
                    staged.stage(session, rows)
                self._progress(session, source)
            for row in rows:
                for field, code, reason in row.errors:
                    column = columns.header_of(field, importer.columns) if field else ""
                    self.report.add(row.number, column, field, code, reason, row.cell(field))
            if self.on_progress is not None:
                self.on_progress(self._snapshot(source))
        if self.tally.rows == 0:
            raise FileRejected("import.no_rows", "the file has a header but no data rows", 2)
        return importer

    def _duplicates(self, scratch: Scratch, importer: Importer, rows: list[Row]) -> None:
        keyed = [(row, field, key) for row in rows for field, key in importer.keys(row)]
        firsts = scratch.first_rows([(f"{field}\x1f{key}", row.number) for row, field, key in keyed])
        if not any(firsts):  # no repeat (row numbers start at 2): nothing to mark
            return
        for (row, field, key), first in zip(keyed, firsts):
            if first is not None:
                row.fail(field, "import.duplicate_in_file", f"{key} is already in row {first} of this file")

    def apply(self, importer: Importer) -> None:
        with unit_of_work() as session:
            session.execute(sa.update(ImportJob).where(ImportJob.id == self.job_id)
                            .values(phase="applying", heartbeat_at=utcnow()))
        if self.on_progress is not None:
            self.on_progress({"phase": "applying"})
        report_sha = self.report.close()
        if self.scratch is not None:
            self.scratch.release_memory()
        if self.staging is not None:
            with self.staging.attached(), unit_of_work() as session:
                cast(StagedImporter, importer).apply(session, asdict(self.tally))
                self._finish(session, "succeeded", None, None, report_sha)
            return
        with unit_of_work() as session:
            self._check_and_write(session)
            self._finish(session, "succeeded", None, None, report_sha)

    def _check_and_write(self, session: Session) -> None:
        """Inspectors: check the file again inside this transaction and write it."""
        assert self.source is not None
        self.source.close()
        self.source = source = open_source(self.path)
        importer = cast(RecheckingImporter, _make_importer(self.kind, session, self.ctx))
        importer.use_columns(map_columns(source.header, importer.columns, importer.defaulted))
        self.tally = Tally()
        for rows in _batches(source, importer):
            importer.check(session, rows)
            failed = next((row for row in rows if row.errors), None)
            if failed is not None:
                raise DomainError(f"Row {failed.number} changed meaning while the file was imported "
                                  f"({failed.errors[0][2]}); nothing was written. Import the file again.",
                                  code="import.directory_changed")
            importer.write(session, rows)
            self.tally.count(rows)

    # -------------------------------------------------------------- progress and outcome

    def _snapshot(self, source: Source) -> dict[str, Any]:
        total = max(self.tally.rows, source.estimate_rows() or 0)
        return {"phase": "checking", "rows_done": self.tally.rows, "rows_total": total,
                "rows_total_estimated": True, "bytes_read": source.bytes_read, "size": source.size,
                "valid": self.tally.valid, "rejected": self.tally.rejected}

    def _progress(self, session: Session, source: Source) -> None:
        snap = self._snapshot(source)
        session.execute(sa.update(ImportJob).where(ImportJob.id == self.job_id).values(
            rows_done=snap["rows_done"], rows_total=snap["rows_total"], rows_total_estimated=True,
            valid=self.tally.valid, rejected=self.tally.rejected, error_count=self.report.count,
            heartbeat_at=utcnow()))

    def _finish(self, session: Session, status: str, code: str | None, message: str | None,
                report_sha: str | None) -> None:
        t = self.tally
        encoding = self.source.encoding if self.source is not None else None
        file_format = self.source.format if self.source is not None else None
        done = session.execute(sa.update(ImportJob).where(ImportJob.id == self.job_id, ImportJob.status == "running")
                               .values(status=status, phase=None, finished_at=utcnow(), heartbeat_at=utcnow(),
                                       rows_done=t.rows, rows_total=t.rows, rows_total_estimated=False,
                                       valid=t.valid, rejected=t.rejected, error_count=self.report.count,
                                       created=t.created, updated=t.updated, unchanged=t.unchanged,
                                       failure_code=code, failure_message=(message or "")[:500] or None,
                                       file_format=file_format, encoding=encoding))
        if done.rowcount != 1:
            raise JobAbandoned()
        audit.record("directory_import.finish", object_type="import_job", object_id=self.job_id, actor=self.actor,
                     session=session, payload={
                         "status": status, "kind": self.kind, "dry_run": self.dry_run, "sha256": self.sha256,
                         "rows": t.rows, "valid": t.valid, "rejected": t.rejected, "errors": self.report.count,
                         "created": t.created, "updated": t.updated, "unchanged": t.unchanged,
                         "failure_code": code, "report_sha256": report_sha})

    def end(self, status: str, code: str | None, message: str | None) -> None:
        report_sha = self.report.close()
        with unit_of_work() as session:
            discard_staged(session, self.job_id)
            self._finish(session, status, code, message, report_sha)

    def close(self) -> None:
        self.report.close()
        if self.source is not None:
            self.source.close()
        if self.scratch is not None:
            self.scratch.close()


def run_job(job_id: uuid.UUID, path: Path, principal: Principal, on_progress: Progress | None = None) -> ImportJob:
    """Run a queued job to its end; every outcome is recorded on the job (nothing is raised)."""
    with unit_of_work() as session:
        job = session.get(ImportJob, job_id)
        assert job is not None and job.status == "queued", f"job {job_id} is not queued"
        job.status, job.phase, job.started_at = "running", "checking", utcnow()
        job.heartbeat_at = job.started_at
        job.report_path = str(job_dir(job_id) / "errors.csv")
    run = _Run(job, path, principal, on_progress)
    try:
        try:
            with _heap_frozen():
                importer = run.check()
        except FileRejected as exc:
            run.report.add(exc.line, "", "", exc.code, exc.message)
            run.end("rejected", exc.code, exc.message)
        else:
            if run.tally.rejected:
                run.end("rejected", "import.rows_rejected",
                        f"{run.tally.rejected} of {run.tally.rows} rows have errors (see the report); "
                        "nothing was written")
            elif run.dry_run:
                run.end("succeeded", None, None)
            else:
                with _heap_frozen():
                    run.apply(importer)
    except JobAbandoned:
        log.warning("import job %s was marked failed while it ran", job_id)
    except Exception as exc:  # noqa: BLE001 - the job must end in a recorded state whatever happened
        code, message = _failure(exc)
        if code == "import.failed":
            log.exception("import job %s failed", job_id)
        try:
            run.end("failed", code, message)
        except JobAbandoned:
            pass
    finally:
        run.close()
    with unit_of_work() as session:
        done = session.get(ImportJob, job_id, populate_existing=True)
        assert done is not None
    return done


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """The objects that exist when the file starts (the application's modules, mappers, caches)
    are left out of cyclic garbage collection while it is read: every batch makes tens of
    thousands of short-lived rows, and each full collection they trigger would rescan all of
    the application (a fifth of the import's CPU time at 100,000 rows). The youngest generation
    is collected every 10,000 net allocations instead of 700 (a batch's rows die together when
    the next batch replaces them, so most collections found nothing to free; at 100,000 the
    collector's share fell further, but the peak memory of a 1,000,000-row import rose from 205
    to 281 MB). Collection goes on for everything made meanwhile; all is restored afterwards."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold[0], _GC_YOUNG_THRESHOLD), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _failure(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, (DomainError, FileRejected)):  # FileRejected here: the file changed between the passes
        return exc.code, exc.message
    if isinstance(exc, IntegrityError):  # a key or link was added by someone else between the passes
        return ("import.directory_changed", "the directory changed while the file was being imported (a key or "
                "link in the file was added meanwhile); nothing was written. Import the file again.")
    return "import.failed", f"the import failed ({type(exc).__name__}); nothing was written"


def expire_abandoned(session: Session) -> int:
    """Mark failed the active jobs whose process stopped beating; returns how many."""
    cutoff = utcnow() - timedelta(seconds=current_app.config["DIRECTORY_IMPORT_STALE_SECONDS"])
    beat = sa.func.coalesce(ImportJob.heartbeat_at, ImportJob.created_at)
    stale = list(session.scalars(sa.select(ImportJob).where(ImportJob.status.in_(ACTIVE), beat < cutoff)))
    for job in stale:
        done = session.execute(sa.update(ImportJob).where(ImportJob.id == job.id, ImportJob.status.in_(ACTIVE),
                                                          beat < cutoff)
                               .values(status="failed", phase=None, finished_at=utcnow(),
                                       failure_code="import.abandoned",
                                       failure_message="the process running the import stopped before it "
                                                       "finished; nothing was written. Import the file again."))
        if done.rowcount:
            discard_staged(session, job.id)
            audit.record("directory_import.finish", object_type="import_job", object_id=job.id,
                         actor=audit_actor(job), session=session,
                         payload={"status": "failed", "kind": job.kind, "dry_run": job.dry_run,
                                  "sha256": job.sha256, "failure_code": "import.abandoned"})
    return len(stale)
