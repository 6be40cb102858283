"""Alembic, driven from the app config: `flask --app backend db upgrade` and friends."""
from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", (url or current_app.config["SQLALCHEMY_DATABASE_URL"]).replace("%", "%%"))
    return cfg


def head_revisions() -> list[str]:
    return sorted(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def current_revisions(conn: Connection) -> list[str]:
    return sorted(MigrationContext.configure(conn).get_current_heads())


def upgrade(url: str | None = None, revision: str = "heads") -> None:
    command.upgrade(alembic_config(url), revision)


db_cli = AppGroup("db", help="Database schema migrations (Alembic).")


@db_cli.command("upgrade")
@click.argument("revision", default="heads")
def upgrade_command(revision: str) -> None:
    """Bring the database to REVISION (default: head)."""
    upgrade(revision=revision)
    click.echo(f"database at {revision}")


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade_command(revision: str) -> None:
    """Step the schema back to REVISION."""
    command.downgrade(alembic_config(), revision)


@db_cli.command("current")
def current_command() -> None:
    """Print the current revision."""
    command.current(alembic_config())


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate", is_flag=True)
def revision_command(message: str, autogenerate: bool) -> None:
    """Create a new migration script."""
    command.revision(alembic_config(), message=message, autogenerate=autogenerate)


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
