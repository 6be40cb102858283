"""`flask --app backend uploads clean-expired`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from backend.uploads.expiry import clean_expired


@click.command("clean-expired")
@with_appcontext
def clean_expired_command() -> None:
    """Expire abandoned uploads and remove their partial files (finishing any whose bytes all arrived)."""
    cleaned = clean_expired()
    click.echo(f"expired: {cleaned.expired}, completed: {cleaned.completed}, orphan files removed: {cleaned.orphans}")
