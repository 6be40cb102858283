"""Non-API pages: the offline field app (pwa/, built into backend/static/app/) at "/", and the
public site (公示, backend/publicsite/) under "/public/".

The app is served from the same origin as the API. Its files, and how each may be cached:

| path | file | caching |
| --- | --- | --- |
| `/` | `index.html` | `no-cache` (always revalidated), with a Content-Security-Policy allowing nothing but this origin |
| `/sw.js` | the service worker | `no-cache`, `Service-Worker-Allowed: /` (its scope is the whole app) |
| `/manifest.webmanifest` | the web app manifest | `no-cache` |
| `/assets/<file>` | hashed JavaScript and CSS | one year, `immutable` (a new build has new names) |
| `/icons/<file>` | app icons | one day |

Without a build (`make run` builds it; `cd pwa && npm ci && npm run build` by hand) "/" is a
short placeholder page and the other paths answer 404.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, send_from_directory

from backend.policy import public

APP_DIST = Path(__file__).parent / "static" / "app"

# No code, style or font from anywhere else (intranets have no CDN); photos are shown from blob: URLs.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
YEAR = 365 * 24 * 3600


def _dist() -> Path:
    return APP_DIST  # read at request time, so tests can point it elsewhere


def _no_cache(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-cache"
    return response


def register_views(app: Flask) -> None:
    from backend.publicsite.pages import register_public_site

    register_public_site(app)

    @app.route("/")
    @public
    def index() -> Response:
        if (_dist() / "index.html").exists():
            response = _no_cache(send_from_directory(_dist(), "index.html", max_age=0))
        else:
            response = Response(
                "<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>双随机、一公开</title>"
                "<h1>双随机、一公开 现场检查平台</h1><p><a href='/api/docs'>API 文档 / API docs</a></p></html>",
                mimetype="text/html",
            )
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.route("/sw.js")
    @public
    def service_worker() -> Response:
        response = _no_cache(send_from_directory(_dist(), "sw.js", max_age=0, mimetype="text/javascript"))
        response.headers["Service-Worker-Allowed"] = "/"
        return response

    @app.route("/manifest.webmanifest")
    @public
    def web_manifest() -> Response:
        return _no_cache(send_from_directory(_dist(), "manifest.webmanifest", max_age=0,
                                             mimetype="application/manifest+json"))

    @app.route("/assets/<path:filename>")
    @public
    def app_asset(filename: str) -> Response:
        response = send_from_directory(_dist() / "assets", filename, max_age=YEAR)
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        return response

    @app.route("/icons/<path:filename>")
    @public
    def app_icon(filename: str) -> Response:
        return send_from_directory(_dist() / "icons", filename, max_age=24 * 3600)
