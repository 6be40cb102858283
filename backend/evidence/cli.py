"""`flask --app backend evidence list` and `flask --app backend evidence export CASE -o FILE.zip`."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import IO

import click
from flask import Flask
from flask.cli import AppGroup

from backend.errors import DomainError

evidence_cli = AppGroup("evidence", help="Evidence packages for transferring cases to the police.")


def _fail(exc: DomainError) -> None:
    click.echo(f"{exc.code}: {exc.message}", err=True)
    for problem in exc.errors.get("input", []):
        click.echo(f"  - {problem}", err=True)
    raise SystemExit(1)


@evidence_cli.command("list")
def list_command() -> None:
    """The referral cases that can be exported."""
    from backend.evidence import cases

    try:
        summaries = cases.list_cases()
    except DomainError as exc:
        _fail(exc)
    for case in summaries:
        click.echo(f"{case.case_number}\t{case.state}\t{case.items} items\t{case.party}")


@evidence_cli.command("export")
@click.argument("case_number")
@click.option("-o", "--output", required=True, help="the ZIP to write, or - for standard output")
@click.option("--exported-by", default=lambda: os.environ.get("USER", "cli"), show_default="$USER",
              help="who makes the export (written into the custody log)")
def export_command(case_number: str, output: str, exported_by: str) -> None:
    """Write the evidence package of CASE_NUMBER, then record the export in the audit log."""
    from backend.audit import services as audit
    from backend.db import unit_of_work
    from backend.evidence import cases
    from backend.evidence.package import export_package

    try:
        package_input = cases.package_input(case_number, exported_by)
    except DomainError as exc:
        _fail(exc)
    total = sum({i.sha256: i.size for i in package_input.items}.values())
    with click.progressbar(length=total, label="originals", file=sys.stderr,
                           show_pos=True) as bar, _target(output) as sink:
        shown = 0

        def progress(done: int, _total: int) -> None:
            nonlocal shown
            bar.update(done - shown)
            shown = done

        try:
            result = export_package(package_input, sink, progress)
        except DomainError as exc:
            _fail(exc)
    with unit_of_work():
        audit.record("evidence.package_export", object_type="referral_case", object_id=case_number,
                     actor=exported_by, payload={
                         "package_id": result.package_id, "tagmanifest_sha256": result.tagmanifest_sha256,
                         "payload_oxum": result.payload_oxum, "key_id": result.key_id, "items": result.items})
    click.echo(f"wrote {output}: package {result.package_id}, {result.items} items, Payload-Oxum "
               f"{result.payload_oxum}, tagmanifest-sha256 {result.tagmanifest_sha256}", err=True)


class _target:
    """Standard output as it is, or a temporary file renamed to `output` only once it is complete."""

    def __init__(self, output: str) -> None:
        self.output = output
        self.tmp: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        if self.output == "-":
            return sys.stdout.buffer
        target = Path(self.output).resolve()
        self.tmp = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", delete=False)
        return self.tmp

    def __exit__(self, exc_type: object, *_: object) -> None:
        if self.tmp is None:
            sys.stdout.buffer.flush()
            return
        self.tmp.close()
        if exc_type is None:
            os.replace(self.tmp.name, self.output)
        else:
            os.unlink(self.tmp.name)


def init_app(app: Flask) -> None:
    app.cli.add_command(evidence_cli)
