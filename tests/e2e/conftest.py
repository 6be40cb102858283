"""A live gunicorn, started once per session, serving a migrated database with the demo data.

The database is a copy of the session's migrated template (tests/support/databases.py): a
SQLite file in a temporary folder, or a fresh PostgreSQL database when TEST_DATABASE_URL is
set. Secrets are passed explicitly, so the app generates and writes no keys of its own.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from backend.audit.checkpoint import generate_private_key_b64

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the virtualenv's bin/, where gunicorn and flask live
START_TIMEOUT = 30.0


@pytest.fixture(scope="session")
def live_database_url(database_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        path = tmp_path_factory.mktemp("live") / "live.db"
        shutil.copyfile(database_template, path)
        yield f"sqlite:///{path}"
        return
    name = f"ssgk_e2e_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{database_template}"')
    yield sa.make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(scope="session")
def live_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the live server's media and logs go."""
    return tmp_path_factory.mktemp("live-server")


@pytest.fixture(scope="session")
def live_env(live_database_url: str, live_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"GUNICORN_BIND", "GUNICORN_CMD_ARGS", "PORT", "TEST_DATABASE_URL"}}
    env.update({
        "APP_ENV": "development",
        "DATABASE_URL": live_database_url,
        "MEDIA_ROOT": str(live_dir / "media"),
        "SECRET_KEY": secrets.token_hex(32),
        "JWT_KEYS": json.dumps({"e2e-1": secrets.token_urlsafe(48)}),
        "AUDIT_SIGNING_KEY": generate_private_key_b64(),
        "PASSWORD_SCRYPT_N": os.environ.get("PASSWORD_SCRYPT_N", "256"),
        "LOG_LEVEL": "INFO",
        "WEB_CONCURRENCY": "2",
    })
    return env


@pytest.fixture(scope="session")
def live_cli(live_env: dict[str, str]) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `flask --app backend ARGS...` against the live server's database."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(BIN / "flask"), "--app", "backend", *args], cwd=ROOT, env=live_env,
                              capture_output=True, text=True, timeout=120)

    return run


@pytest.fixture(scope="session")
def access_log(live_dir: Path) -> Path:
    """gunicorn's stdout: the JSON access log."""
    return live_dir / "access.log"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def live_server(live_env: dict[str, str], live_cli, live_dir: Path, access_log: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    loaded = live_cli("demo", "load")
    if loaded.returncode != 0:
        pytest.fail(f"demo load failed:\n{loaded.stdout}\n{loaded.stderr}")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    error_log = live_dir / "error.log"
    with access_log.open("wb") as out, error_log.open("wb") as err:
        proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "backend/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
             "backend:create_app()"],
            cwd=ROOT, env=live_env, stdout=out, stderr=err)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(url):
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited with {proc.returncode}:\n{error_log.read_text('utf-8', 'replace')}")
            if time.monotonic() > deadline:
                pytest.fail(f"/healthz not 200 within {START_TIMEOUT:.0f}s:\n"
                            f"{error_log.read_text('utf-8', 'replace')}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=35)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
