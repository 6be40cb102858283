"""`flask --app backend workdays seed`: add the years a newer chinese-calendar knows."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from backend.workdays import services


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Store each year the chinese-calendar package knows and the database lacks (stored years are kept)."""
    added, kept = services.seed_from_library()
    click.echo(f"added: {', '.join(map(str, added)) or 'none'}")
    click.echo(f"already stored, left as they are: {', '.join(map(str, kept)) or 'none'}")
