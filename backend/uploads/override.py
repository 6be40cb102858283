"""tus core: a request's X-HTTP-Method-Override header is its method (for clients or proxies that
cannot send PATCH or DELETE). Honoured only for POSTs to an upload's URL, and only as PATCH or
DELETE, so nothing outside the upload routes changes meaning."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask.blueprints import BlueprintSetupState

_ALLOWED = ("PATCH", "DELETE")


class MethodOverride:
    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], prefix: str) -> None:
        self.wsgi_app, self.prefix = wsgi_app, prefix.rstrip("/") + "/"

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "").startswith(self.prefix):
            method = environ.get("HTTP_X_HTTP_METHOD_OVERRIDE", "").strip().upper()
            if method in _ALLOWED:
                environ["REQUEST_METHOD"] = method
        return self.wsgi_app(environ, start_response)


def install(state: BlueprintSetupState) -> None:
    """Registered with `blueprint.record_once`: runs once, when the app registers the blueprint."""
    state.app.wsgi_app = MethodOverride(state.app.wsgi_app, state.url_prefix or "")  # type: ignore[method-assign]
