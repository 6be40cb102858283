"""Unit tests for what a gunicorn worker does once it has loaded the app (backend/gunicorn.conf.py)."""
from __future__ import annotations

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "backend" / "gunicorn.conf.py"


def test_a_worker_keeps_its_startup_heap_out_of_full_collections() -> None:
    hooks = runpy.run_path(str(CONF))
    assert gc.get_freeze_count() == 0 and any(o is hooks for o in gc.get_objects())
    try:
        hooks["post_worker_init"](None)
        assert gc.get_freeze_count() > 1000  # the modules, classes and functions loaded so far
        assert not any(o is hooks for o in gc.get_objects())  # what lived then is no longer walked
    finally:
        gc.unfreeze()
