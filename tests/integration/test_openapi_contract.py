"""The OpenAPI document is the contract: the committed copy must match what the app serves,
and the docs page must work without internet access."""
from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

from flask.testing import FlaskClient

COMMITTED = Path(__file__).resolve().parents[2] / "schemas" / "openapi.json"
ASSET_REF = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)


def _lines(document: object) -> list[str]:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


def test_the_committed_openapi_document_matches_what_the_app_serves(client: FlaskClient) -> None:
    served = client.get("/api/openapi.json").get_json()
    committed = json.loads(COMMITTED.read_text("utf-8"))
    if served != committed:
        diff = list(difflib.unified_diff(_lines(committed), _lines(served), "schemas/openapi.json (committed)",
                                         "/api/openapi.json (served)", lineterm="", n=2))
        shown = "\n".join(diff[:60]) + ("\n..." if len(diff) > 60 else "")
        raise AssertionError(f"schemas/openapi.json is out of date: run `make openapi` and commit it.\n{shown}")


def test_the_api_docs_page_loads_only_assets_served_by_the_app(client: FlaskClient) -> None:
    resp = client.get("/api/docs")
    assert resp.status_code == 200
    assert resp.mimetype == "text/html"
    refs = ASSET_REF.findall(resp.get_data(as_text=True))
    assert refs, "the docs page should load Swagger UI's script and stylesheet"
    assert [r for r in refs if re.match(r"^([a-z][a-z0-9+.-]*:|//)", r, re.IGNORECASE)] == []
    for ref in refs:
        asset = client.get(ref)
        assert asset.status_code == 200, ref
        asset.close()


def test_the_swagger_ui_bundle_is_served_locally(client: FlaskClient) -> None:
    resp = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert resp.status_code == 200
    assert resp.mimetype in ("text/javascript", "application/javascript")
    assert b"SwaggerUIBundle" in resp.get_data()
    resp.close()
