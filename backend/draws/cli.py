"""`flask --app backend draws list` and `flask --app backend draws export TASK_NUMBER`."""
from __future__ import annotations

import json
import sys

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from backend.db import db
from backend.draws import bulletin, queries
from backend.errors import DomainError
from backend.tasks.model import Task
from backend.tasks.services import task_by_number

draws_cli = AppGroup("draws", help="Tasks' draws: list them, export their records for verify.py.")


@draws_cli.command("list")
def list_command() -> None:
    """Task numbers, one a line: number, status, and each draw (sequence:state)."""
    for task in db.session.scalars(sa.select(Task).order_by(Task.number)):
        draws = " ".join(f"{d.commitment.sequence}:{d.status}" for d in queries.draws_of(db.session, task.id))
        click.echo(f"{task.number}\t{task.status}\t{draws or '-'}")


@draws_cli.command("export")
@click.argument("task_number")
@click.option("--sequence", type=int, help="which draw (default: the latest revealed one)")
@click.option("--announcement", "what", flag_value="announcement", help="the announcement instead of the record")
@click.option("--public", "what", flag_value="public", help="the redacted public record instead")
def export_command(task_number: str, sequence: int | None, what: str | None) -> None:
    """Write a task's draw record (JSON) to standard output: `... > record.json; python verify.py record.json`."""
    try:
        task = task_by_number(db.session, task_number)
        sequence = sequence or queries.latest_sequence(task, revealed=what != "announcement")
        if sequence is None:
            raise click.ClickException(f"task {task_number} has no {'' if what == 'announcement' else 'revealed '}draw")
        if what == "public":
            chunks = iter([json.dumps(bulletin.published_record(task.number, sequence), ensure_ascii=False,
                                      indent=1).encode("utf-8")])
        else:
            download = (queries.full_announcement if what == "announcement" else queries.full_record)(task, sequence)
            chunks = download.chunks
        out = sys.stdout.buffer  # binary: the record is written byte for byte (its SHA-256 is published)
        for chunk in chunks:
            out.write(chunk)
        out.flush()
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc


def init_app(app: Flask) -> None:
    app.cli.add_command(draws_cli)
