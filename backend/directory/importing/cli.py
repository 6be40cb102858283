"""`flask --app backend directory import entities|inspectors FILE [--dry-run] [--department CODE]`.

Runs the same tracked job as the API (it shows up in GET /api/v1/directory/imports). A progress
bar is drawn on a terminal; otherwise a plain line every few seconds. The last lines say
`imported N, rejected M` and where the error report is. Exit status 1 when nothing was imported
because the file or rows were refused (or the import failed), 0 otherwise.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, TextIO

import click
from flask import Flask
from flask.cli import AppGroup

from backend.directory.importing.model import KINDS
from backend.errors import ValidationFailed

directory_cli = AppGroup("directory", help="The two directories: bulk import.")

_STEPS = 1000
_PLAIN_EVERY = 5.0  # seconds between progress lines when not on a terminal


class _Progress:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.bar: Any = None
        self.shown = 0
        self.last_line = time.monotonic()

    def __call__(self, snap: dict[str, Any]) -> None:
        if snap.get("phase") == "applying":
            self.close()
            click.echo("all rows checked; writing them in one transaction ...", file=self.stream)
            return
        fraction = min(snap["rows_done"] / snap["rows_total"], 1.0) if snap.get("rows_total") else 0.0
        if self.tty:
            if self.bar is None:
                self.bar = click.progressbar(length=_STEPS, label="checking", file=self.stream)
                self.bar.__enter__()
            step = int(fraction * _STEPS)
            self.bar.update(step - self.shown)
            self.shown = step
        elif time.monotonic() - self.last_line >= _PLAIN_EVERY:
            self.last_line = time.monotonic()
            click.echo(f"checked {snap['rows_done']} rows ({fraction:.0%}), {snap['rejected']} rejected",
                       file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.update(_STEPS - self.shown)
            self.bar.__exit__(None, None, None)
            self.bar = None


@directory_cli.command("import")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and write the error report; change nothing.")
@click.option("--department", metavar="CODE",
              help="Importing department: supervises new entities whose 监管部门 cell is empty, and is the "
                   "department of inspectors whose 所属部门 cell is empty.")
def import_command(kind: str, file: Path, dry_run: bool, department: str | None) -> None:
    """Import KIND (entities or inspectors) from FILE (CSV or XLSX)."""
    from backend.directory.importing.services import import_from_cli

    progress = _Progress(sys.stderr)
    try:
        job = import_from_cli(kind, file, dry_run, department, progress)
    except ValidationFailed as exc:
        raise click.BadParameter(exc.message, param_hint="--department") from None
    finally:
        progress.close()
    if job.failure_message:
        click.echo(f"{job.status}: {job.failure_message}", err=True)
    if dry_run and job.status == "succeeded":
        click.echo(f"dry run: {job.valid} rows meet the standard "
                   f"({job.created} new, {job.updated} changed, {job.unchanged} unchanged); nothing was written")
    click.echo(f"imported {job.imported}, rejected {job.rejected}")
    click.echo(f"error report: {job.report_path}")
    if job.status != "succeeded":
        sys.exit(1)


def init_app(app: Flask) -> None:
    app.cli.add_command(directory_cli)
