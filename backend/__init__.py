"""双随机、一公开 field-inspection platform: the Flask application factory."""
from __future__ import annotations

import gc
from pathlib import Path
from typing import Any, Mapping

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. `config` overrides settings read from the environment (tests use it)."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from backend.config import load_config

    app.config.update(load_config(Path(app.instance_path)))
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False  # Chinese stays readable in responses

    from backend import logs, migrate
    from backend.api import init_api
    from backend.audit import cli as audit_cli
    from backend.audit import services as audit_services
    from backend.db import db
    from backend.demo import cli as demo_cli
    from backend.evidence import cli as evidence_cli
    from backend.draws import cli as draws_cli
    from backend.directory.importing import cli as directory_import_cli
    from backend.errors import register_error_handlers
    from backend.referrals import package_source as referral_cases
    from backend.views import register_views

    logs.configure_logging(app)
    db.init_app(app)
    audit_services.init_app(app)
    init_api(app)
    register_error_handlers(app)
    register_views(app)
    migrate.init_app(app)
    audit_cli.init_app(app)
    demo_cli.init_app(app)
    evidence_cli.init_app(app)
    referral_cases.init_app(app)
    draws_cli.init_app(app)
    directory_import_cli.init_app(app)
    return app


def freeze_startup_heap() -> int:
    """Keep a worker's startup heap out of the garbage collector's full passes; how many objects that is.

    Once a worker has built the app, some 230,000 objects (modules, classes, the ORM's and schemas'
    metadata) live as long as the process, and every full collection walked them all: 0.14-0.19 s
    measured here, stalling the thread that triggered it and, through the GIL, the others (a draw
    paid one on each commit). gc.freeze() moves them to the permanent generation; a full collection
    then takes about 6 ms. Called once per worker process (gunicorn's post_worker_init), never per
    app: tests build many apps, and freezing there would keep each test's garbage alive for good."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()

