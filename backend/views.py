"""Non-API pages: the PWA shell at / (served from the built app when present)."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, send_from_directory

from backend.policy import public

APP_DIST = Path(__file__).parent / "static" / "app"


def register_views(app: Flask) -> None:
    @app.route("/")
    @public
    def index() -> Response:
        if (APP_DIST / "index.html").exists():
            return send_from_directory(APP_DIST, "index.html", max_age=0)
        return Response(
            "<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>双随机、一公开</title>"
            "<h1>双随机、一公开 现场检查平台</h1><p><a href='/api/docs'>API 文档 / API docs</a></p></html>",
            mimetype="text/html",
        )
