"""A small tus client over the Flask test client, and media files made on the fly."""
from __future__ import annotations

import base64
import hashlib
import io
import uuid
from typing import Any

from flask.testing import FlaskClient
from PIL import ExifTags, Image
from werkzeug.test import TestResponse

TUS = {"Tus-Resumable": "1.0.0"}
OFFSET_STREAM = "application/offset+octet-stream"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checksum_header(data: bytes, algorithm: str = "sha256") -> str:
    return f"{algorithm} {base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


def metadata_header(**values: str) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in values.items())


class Tus:
    """Speaks tus to the app as one signed-in user."""

    def __init__(self, client: FlaskClient, auth: dict[str, str]) -> None:
        self.client, self.auth = client, auth

    def headers(self, **extra: str) -> dict[str, str]:
        return {**TUS, **self.auth, **{k.replace("_", "-"): v for k, v in extra.items()}}

    def create(self, data: bytes, *, filetype: str, filename: str = "evidence", sha256: str | None = None,
               evidence_id: uuid.UUID | None = None, record_id: uuid.UUID | None = None, length: int | None = None,
               body: bytes | None = None, headers: dict[str, str] | None = None) -> TestResponse:
        meta = metadata_header(filename=filename, filetype=filetype, sha256=sha256 or sha256_hex(data),
                               record_id=str(record_id or uuid.uuid4()), evidence_id=str(evidence_id or uuid.uuid4()))
        sent = {**TUS, **self.auth, "Upload-Length": str(len(data) if length is None else length),
                "Upload-Metadata": meta, **(headers or {})}
        if body is not None:
            sent["Content-Type"] = OFFSET_STREAM
        return self.client.post("/api/v1/uploads", headers=sent, data=body)

    def head(self, url: str) -> TestResponse:
        return self.client.head(url, headers=self.headers())

    def offset(self, url: str) -> int:
        resp = self.head(url)
        assert resp.status_code == 200, resp.status
        return int(resp.headers["Upload-Offset"])

    def patch(self, url: str, offset: int, chunk: bytes, *, checksum: str | None = None,
              input_stream: Any = None, content_length: int | None = None) -> TestResponse:
        headers = {**self.headers(), "Upload-Offset": str(offset), "Content-Type": OFFSET_STREAM}
        if checksum:
            headers["Upload-Checksum"] = checksum
        if input_stream is not None:  # a body that stops before its Content-Length: the connection dropped
            return self.client.patch(url, headers=headers, input_stream=input_stream,
                                     environ_overrides={"CONTENT_LENGTH": str(content_length)})
        return self.client.patch(url, headers=headers, data=chunk)

    def delete(self, url: str) -> TestResponse:
        return self.client.delete(url, headers=self.headers())

    def status(self, url: str) -> dict[str, Any]:
        resp = self.client.get(url, headers=self.auth)
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()

    def upload(self, data: bytes, *, filetype: str, chunk_size: int = 256 * 1024, **meta: Any
               ) -> tuple[str, TestResponse]:
        """Create and send every chunk: the upload's URL and the response of the last PATCH."""
        created = self.create(data, filetype=filetype, **meta)
        assert created.status_code == 201, created.get_json()
        url = created.headers["Location"]
        resp = created
        for start in range(0, len(data), chunk_size):
            resp = self.patch(url, start, data[start:start + chunk_size])
            if resp.status_code != 204:
                break
        return url, resp


def jpeg(size: tuple[int, int] = (64, 48), *, orientation: int | None = None, captured: str | None = None,
         gps: tuple[tuple[float, float, float], str, tuple[float, float, float], str] | None = None,
         color: str = "steelblue") -> bytes:
    image = Image.new("RGB", size, color)
    image.paste("orange", (0, 0, size[0] // 4, size[1] // 4))  # a corner marker, to see orientation
    exif = Image.Exif()
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if captured:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = captured
    if gps:
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSLatitude], info[ExifTags.GPS.GPSLatitudeRef] = gps[0], gps[1]
        info[ExifTags.GPS.GPSLongitude], info[ExifTags.GPS.GPSLongitudeRef] = gps[2], gps[3]
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def png(size: tuple[int, int] = (32, 32), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def pdf(body: bytes = b"") -> bytes:
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + body + b"\n%%EOF\n"


def creation_headers(data: bytes = b"%PDF-1.7\n", filetype: str = "application/pdf") -> dict[str, str]:
    """tus creation headers for a fresh evidence item (new UUIDs every call)."""
    meta = metadata_header(filename="record.pdf", filetype=filetype, sha256=sha256_hex(data),
                           record_id=str(uuid.uuid4()), evidence_id=str(uuid.uuid4()))
    return {**TUS, "Upload-Length": str(len(data)), "Upload-Metadata": meta}


def bearer(client: FlaskClient, username: str, password: str) -> dict[str, str]:
    token = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    return {"Authorization": f"Bearer {token.get_json()['access_token']}"}


def seed_upload(client: FlaskClient, username: str, password: str) -> str:
    """An upload just created by `username`; returns its id."""
    resp = client.post("/api/v1/uploads", headers={**bearer(client, username, password), **creation_headers()})
    assert resp.status_code == 201, resp.get_json()
    return resp.headers["Location"].rsplit("/", 1)[1]


def seed_evidence(client: FlaskClient, username: str, password: str) -> str:
    """A photo uploaded by `username` (its content differs per user); returns its SHA-256."""
    auth = bearer(client, username, password)
    data = jpeg(color=f"#{sha256_hex(username.encode())[:6]}")
    _, resp = Tus(client, auth).upload(data, filetype="image/jpeg")
    assert resp.status_code == 204, resp.get_json()
    return sha256_hex(data)
