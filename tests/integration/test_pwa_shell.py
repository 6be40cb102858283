"""The field app's files as backend/views.py serves them (docs/pwa.md): caching, scope, CSP."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from backend import views


@pytest.fixture
def built_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A minimal stand-in for a build in backend/static/app/."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "icons").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>双随机检查</title><script type=module src=/assets/index-abc.js></script>",
                                         encoding="utf-8")
    (tmp_path / "sw.js").write_text("self.addEventListener('fetch', () => {});", encoding="utf-8")
    (tmp_path / "manifest.webmanifest").write_text('{"name": "双随机检查"}', encoding="utf-8")
    (tmp_path / "assets" / "index-abc.js").write_text("console.log(1)", encoding="utf-8")
    (tmp_path / "icons" / "icon-192.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    monkeypatch.setattr(views, "APP_DIST", tmp_path)
    return tmp_path


def test_the_app_shell_is_revalidated_and_allows_nothing_from_other_origins(client: FlaskClient, built_app: Path) -> None:
    resp = client.get("/")
    assert resp.status_code == 200
    assert "双随机检查" in resp.get_data(as_text=True)
    assert resp.headers["Cache-Control"] == "no-cache"
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'self'" in csp and "http" not in csp


def test_the_service_worker_is_never_cached_and_may_control_the_whole_origin(client: FlaskClient, built_app: Path) -> None:
    resp = client.get("/sw.js")
    assert resp.status_code == 200
    assert resp.headers["Service-Worker-Allowed"] == "/"
    assert resp.headers["Cache-Control"] == "no-cache"
    assert resp.mimetype == "text/javascript"


def test_the_manifest_has_its_media_type(client: FlaskClient, built_app: Path) -> None:
    resp = client.get("/manifest.webmanifest")
    assert resp.status_code == 200
    assert resp.mimetype == "application/manifest+json"


def test_hashed_assets_are_cached_for_a_year(client: FlaskClient, built_app: Path) -> None:
    resp = client.get("/assets/index-abc.js")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/icons/icon-192.png").status_code == 200


@pytest.mark.parametrize("path", ["/assets/../index.html", "/assets/missing.js", "/icons/../sw.js"])
def test_nothing_outside_the_asset_folders_is_served_from_them(client: FlaskClient, built_app: Path, path: str) -> None:
    assert client.get(path).status_code == 404


def test_without_a_build_the_root_is_a_placeholder_and_the_app_files_are_missing(
        client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "APP_DIST", tmp_path / "none")
    assert "API" in client.get("/").get_data(as_text=True)
    assert client.get("/sw.js").status_code == 404
