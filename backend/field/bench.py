"""The baseline of bench/sync.py: the same bytes written by the simplest endpoint that could take them.

Registered only when SSGK_BENCH=1 (config BENCH_ENDPOINTS): never part of a normal app, its
tests or its OpenAPI document. It authenticates like every route, then streams the body to a
file in 64 KiB blocks while hashing it and fsyncs, as a tus PATCH does, without the protocol,
the media checks, the store or the audit log.
"""
from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from flask import current_app, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.policy import requires

blp = Blueprint("bench", __name__, url_prefix="/api/v1/bench", description="Benchmark baseline (SSGK_BENCH=1 only)")


@blp.route("/raw")
class RawUploadView(MethodView):
    @requires("field.work")
    def post(self):  # type: ignore[no-untyped-def]
        """Write the request body to a file (benchmark baseline)"""
        folder = Path(current_app.config["MEDIA_ROOT"]) / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        path = folder / uuid.uuid4().hex
        with path.open("wb") as out:
            while block := request.stream.read(65536):
                digest.update(block)
                out.write(block)
                size += len(block)
            out.flush()
            os.fsync(out.fileno())
        return jsonify({"sha256": digest.hexdigest(), "size": size}), 201
