"""Resumable uploads through gunicorn over real sockets: dropped connections and competing PATCHes."""
from __future__ import annotations

import base64
import hashlib
import http.client
import json
import socket
import time
import uuid
from urllib.parse import urlsplit

import pytest

from tests.e2e.test_live_server import sign_in

TUS = {"Tus-Resumable": "1.0.0"}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture
def auth(live_server: str) -> dict[str, str]:
    status, tokens = sign_in(live_server, "inspector1")
    assert status == 200, tokens
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def request(base: str, method: str, path: str, headers: dict[str, str], body: bytes = b""
            ) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection(urlsplit(base).netloc, timeout=30)
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    resp.body = resp.read()  # type: ignore[attr-defined]
    conn.close()
    return resp


def create(base: str, auth: dict[str, str], data: bytes) -> str:
    meta = ",".join(f"{k} {b64(v)}" for k, v in {
        "filename": "现场笔录.pdf", "filetype": "application/pdf", "sha256": hashlib.sha256(data).hexdigest(),
        "record_id": str(uuid.uuid4()), "evidence_id": str(uuid.uuid4())}.items())
    resp = request(base, "POST", "/api/v1/uploads", {**TUS, **auth, "Upload-Length": str(len(data)),
                                                     "Upload-Metadata": meta})
    assert resp.status == 201
    return resp.getheader("Location")


def offset(base: str, auth: dict[str, str], path: str) -> int:
    resp = request(base, "HEAD", path, {**TUS, **auth})
    assert resp.status == 200
    return int(resp.getheader("Upload-Offset"))


def open_patch(base: str, auth: dict[str, str], path: str, at: int, announced: int) -> socket.socket:
    """A PATCH whose headers announce `announced` bytes; the body is sent by the caller."""
    parts = urlsplit(base)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
    head = {**TUS, **auth, "Host": parts.netloc, "Upload-Offset": str(at), "Content-Length": str(announced),
            "Content-Type": "application/offset+octet-stream"}
    sock.sendall((f"PATCH {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items()) + "\r\n").encode())
    return sock


def wait_for_offset(base: str, auth: dict[str, str], path: str, expected: int) -> int:
    deadline, seen = time.monotonic() + 10, -1
    while time.monotonic() < deadline:
        seen = offset(base, auth, path)
        if seen == expected:
            break
        time.sleep(0.1)
    return seen


DATA = b"%PDF-1.7\n" + bytes(range(256)) * 4000 + b"\n%%EOF\n"


def test_bytes_sent_before_the_connection_dropped_are_kept(live_server: str, auth: dict[str, str]) -> None:
    path = create(live_server, auth, DATA)
    sock = open_patch(live_server, auth, path, 0, len(DATA))
    sock.sendall(DATA[:300_000])
    sock.close()  # the network goes away mid-body
    assert wait_for_offset(live_server, auth, path, 300_000) == 300_000
    resp = request(live_server, "PATCH", path, {**TUS, **auth, "Upload-Offset": "300000",
                                                "Content-Type": "application/offset+octet-stream"}, DATA[300_000:])
    assert resp.status == 204
    status = request(live_server, "GET", path, auth)
    assert json.loads(status.body)["state"] == "completed"  # type: ignore[attr-defined]


def test_a_second_patch_waits_for_the_first_and_never_interleaves(live_server: str, auth: dict[str, str]) -> None:
    path = create(live_server, auth, DATA)
    slow = open_patch(live_server, auth, path, 0, 200_000)
    slow.sendall(DATA[:100_000])  # the first PATCH is still sending: it holds the upload
    time.sleep(0.5)
    started = time.monotonic()
    assert sign_in(live_server, "inspector2")[0] == 200  # a write elsewhere is not held up by the stream
    assert time.monotonic() - started < 3
    started = time.monotonic()
    rival = request(live_server, "PATCH", path, {**TUS, **auth, "Upload-Offset": "0",
                                                 "Content-Type": "application/offset+octet-stream"}, DATA[:1000])
    assert rival.status == 423
    assert time.monotonic() - started >= 4
    slow.sendall(DATA[100_000:200_000])
    reply = slow.recv(4096).decode("latin-1")
    slow.close()
    assert reply.startswith("HTTP/1.1 204"), reply
    assert offset(live_server, auth, path) == 200_000
