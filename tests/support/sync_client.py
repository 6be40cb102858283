"""An offline app's sync over real sockets, with connections that may drop at random points.

`Flaky.call` sends one HTTP/1.1 request on a fresh connection. With probability `drop_rate`
it closes the socket at a random point instead: part-way through the request (headers or
body), after the whole request but before reading the answer (the server still acts on it),
or part-way through the answer. The caller then retries the whole step, as the app does:
tus uploads resume after a HEAD, records are posted again under the same id.
"""
from __future__ import annotations

import base64
import hashlib
import random
import socket
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

TUS = {"Tus-Resumable": "1.0.0"}
MAX_ATTEMPTS = 60


class Dropped(Exception):
    """The connection was closed before a complete answer was read."""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def _read_answer(sock: socket.socket, method: str) -> Answer:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise Dropped("closed before the headers")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = 0 if method == "HEAD" or status in (204, 304) else int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise Dropped("closed within the body")
        rest += chunk
    return Answer(status, headers, rest[:length])


@dataclass
class Flaky:
    base: str
    drop_rate: float = 0.0
    rng: random.Random = field(default_factory=random.Random)
    drops: int = 0

    def call(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> Answer:
        parts = urlsplit(self.base)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close",
                 f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        mode = self.rng.choice(("request", "before_answer", "answer")) if self.rng.random() < self.drop_rate else None
        sock = socket.create_connection((parts.hostname, parts.port), timeout=60)
        try:
            if mode == "request":
                sock.sendall(data[:self.rng.randrange(1, len(data))])
                raise Dropped("dropped while sending")
            sock.sendall(data)
            if mode == "before_answer":
                raise Dropped("dropped before the answer")
            if mode == "answer":
                sock.recv(self.rng.randrange(1, 40))
                raise Dropped("dropped while reading")
            return _read_answer(sock, method)
        except Dropped:
            self.drops += 1
            raise
        finally:
            sock.close()


def noise_jpeg(side: int) -> bytes:
    """A JPEG of random pixels: about `side`² bytes, and different every call."""
    import io
    import os

    from PIL import Image

    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "JPEG", quality=90)
    return out.getvalue()


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@dataclass
class Syncer:
    """One signed-in device: uploads evidence through tus and posts records, retrying every step."""

    http: Flaky
    auth: dict[str, str]
    retries: int = 0
    record_latencies: list[float] = field(default_factory=list)

    def _pause(self) -> None:
        self.retries += 1
        time.sleep(0.01 + self.http.rng.random() * 0.05)

    def upload(self, data: bytes, media_type: str, evidence_id: str, record_id: str) -> None:
        sha = hashlib.sha256(data).hexdigest()
        meta = ",".join(f"{k} {_b64(v)}" for k, v in {"filename": "evidence", "filetype": media_type, "sha256": sha,
                                                      "record_id": record_id, "evidence_id": evidence_id}.items())
        checksum = "sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode()
        base = {**TUS, **self.auth}
        location = None
        for _ in range(MAX_ATTEMPTS):
            try:
                if location is None:  # creation with the whole file as its first chunk
                    answer = self.http.call("POST", "/api/v1/uploads", {
                        **base, "Upload-Length": str(len(data)), "Upload-Metadata": meta, "Upload-Checksum": checksum,
                        "Content-Type": "application/offset+octet-stream"}, data)
                    if answer.status == 423:  # a retry while the first POST is still completing it
                        self._pause()
                        continue
                    if answer.status != 201:
                        raise AssertionError(f"creation answered {answer.status}: {answer.body[:300]!r}")
                    location = answer.headers["location"]
                    if int(answer.headers["upload-offset"]) == len(data):
                        return  # completed: the server reports a whole offset only for a completed upload
                else:
                    answer = self.http.call("HEAD", location, base)
                    if answer.status == 423:
                        self._pause()
                        continue
                    assert answer.status == 200, answer
                offset = int(answer.headers["upload-offset"])
                if offset < len(data):
                    chunk = data[offset:]
                    answer = self.http.call("PATCH", location, {
                        **base, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream",
                        "Upload-Checksum": "sha256 " + base64.b64encode(hashlib.sha256(chunk).digest()).decode()},
                        chunk)
                    if answer.status in (409, 423, 460):
                        self._pause()
                        continue
                    assert answer.status == 204, (answer.status, answer.body[:300])
                    return  # the last chunk's 204 means verified and stored
                state = self.http.call("GET", location, self.auth)
                if state.status == 200 and b'"completed"' in state.body:
                    return
                self._pause()
            except Dropped:
                self._pause()
        raise AssertionError(f"upload of {evidence_id} did not complete")

    def post_record(self, body: bytes) -> Answer:
        for _ in range(MAX_ATTEMPTS):
            started = time.perf_counter()
            try:
                answer = self.http.call("POST", "/api/v1/field/records",
                                        {**self.auth, "Content-Type": "application/json"}, body)
            except Dropped:
                self._pause()
                continue
            if answer.status >= 500:
                self._pause()
                continue
            self.record_latencies.append(time.perf_counter() - started)
            return answer
        raise AssertionError("the record was never answered")

    def get_json(self, path: str) -> Any:
        import json

        for _ in range(MAX_ATTEMPTS):
            try:
                answer = self.http.call("GET", path, self.auth)
                return answer.status, json.loads(answer.body)
            except Dropped:
                self._pause()
        raise AssertionError(f"GET {path} never answered")
