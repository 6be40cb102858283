"""Gunicorn settings: `gunicorn -c backend/gunicorn.conf.py 'backend:create_app()'`.

Read by the gunicorn master before any worker starts. It only reads environment variables:
nothing here imports the app, reads its config or touches the database.

Environment:
  GUNICORN_BIND    full bind address, e.g. 0.0.0.0:8000 (wins over PORT)
  PORT             port on 127.0.0.1 (default 8000)
  WEB_CONCURRENCY  worker processes (default 2 * cores + 1, at most 4)
  GUNICORN_THREADS threads per worker (default 8): several of them wait (for an upload slot, for
                   the network), and spare threads keep interactive requests from queueing
                   behind uploads (backend/uploads/admission.py)
"""
from __future__ import annotations

import json
import os
import time

from gunicorn import glogging


def _bind() -> str:
    if os.environ.get("GUNICORN_BIND"):
        return os.environ["GUNICORN_BIND"]
    return f"127.0.0.1:{os.environ.get('PORT') or 8000}"


def _workers() -> int:
    raw = os.environ.get("WEB_CONCURRENCY")
    if raw:
        return max(1, int(raw))
    return min(2 * (os.cpu_count() or 1) + 1, 4)


class _JsonAtoms(glogging.SafeAtoms):
    """Gunicorn's atoms with every string escaped for a JSON string literal (not just '"')."""

    def __init__(self, atoms: dict) -> None:  # type: ignore[type-arg]
        dict.__init__(self)
        for key, value in atoms.items():
            self[key] = json.dumps(value, ensure_ascii=False)[1:-1] if isinstance(value, str) else value


class JsonAccessLogger(glogging.Logger):
    """Access lines as one JSON object each (see access_log_format below)."""

    atoms_wrapper_class = _JsonAtoms

    def now(self) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["B"] = atoms.get("B") or 0  # None when nothing was sent; keep the field numeric
        return atoms


bind = _bind()
workers = _workers()
worker_class = "gthread"
threads = max(1, int(os.environ.get("GUNICORN_THREADS") or 8))
timeout = 60
graceful_timeout = 30
keepalive = 5

# Request limits: the access token travels in one header, so 8 KiB per field is ample.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

logger_class = JsonAccessLogger
accesslog = "-"  # stdout
errorlog = "-"  # stderr
access_log_format = (
    '{"time": "%(t)s", "method": "%(m)s", "path": "%(U)s", "query": "%(q)s", "status": %(s)s, '
    '"bytes": %(B)s, "duration_ms": %(M)s, "request_id": "%({x-request-id}o)s", '
    '"remote_addr": "%(h)s", "user_agent": "%(a)s"}'
)



def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """In each worker, once it has loaded the app: its startup heap leaves the collector's full passes."""
    from backend import freeze_startup_heap

    freeze_startup_heap()


# No shared control socket ($HOME/.gunicorn/gunicorn.ctl in gunicorn 25+): two servers on one
# machine (make run beside the e2e tests) would fight over it, and nothing here uses gunicornc.
control_socket_disable = True

# Worker heartbeat files on tmpfs where there is one, so a slow disk cannot stall workers.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
