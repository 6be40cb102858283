"""The field app's own unit tests (vitest, pwa/test/): the sync queue, tus client, storage,
canonical JSON, messages. They need Node, not a browser or a database, so they run once, with
the SQLite pass of this tier, and `make test` covers them like every other tier."""
from __future__ import annotations

import os
import subprocess

import pytest

from tests.pwa.conftest import PWA, npm_with_packages


def test_the_field_apps_unit_tests_pass(engine_kind: str) -> None:
    if engine_kind != "sqlite":
        pytest.skip("no database involved: run once, on the SQLite pass")
    npm = npm_with_packages("npm is not installed")
    result = subprocess.run([npm, "test", "--", "--reporter=dot"], cwd=PWA, capture_output=True, text=True,
                            timeout=600, env={**os.environ, "CI": "1", "NO_COLOR": "1"})
    assert result.returncode == 0, (result.stdout[-6000:] + result.stderr[-3000:])
    assert " passed" in result.stdout
