"""`flask --app backend audit verify`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from backend.audit.services import retired_public_keys, signing_key
from backend.audit.verify_log import verify_log
from backend.db import db

audit_cli = AppGroup("audit", help="The tamper-evident audit log.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Recompute the Merkle tree from stored entries and check every signed checkpoint."""
    report = verify_log(db.session, signing_key().public_key(), retired_public_keys())
    if report.ok:
        click.echo(f"audit log OK: {report.entries} entries, {report.checkpoints} signed checkpoints verified")
        return
    assert report.problem is not None
    click.echo(f"audit log FAILED: {report.problem.message}", err=True)
    raise SystemExit(1)


def init_app(app: Flask) -> None:
    app.cli.add_command(audit_cli)
