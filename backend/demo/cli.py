"""`flask --app backend demo load`: idempotent demo data; refused in production."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data for trying the platform.")


@demo_cli.command("load")
def load_command() -> None:
    """Load demo departments' accounts, market entities and inspectors (safe to run twice)."""
    if current_app.config["APP_ENV"] == "production":
        click.echo("demo data is refused in production (APP_ENV=production)", err=True)
        raise SystemExit(2)
    from backend.demo.services import load_demo

    summary = load_demo()
    for key, value in summary.items():
        click.echo(f"{key}: {value}")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
