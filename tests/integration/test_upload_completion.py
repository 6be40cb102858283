"""What happens when the last byte arrives: the hash is checked, the media examined, the original stored."""
from __future__ import annotations

import io
import os
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from backend.db import db
from backend.evidence_store.model import Blob, CustodyEvent, EvidenceItem
from tests.support.uploads import Tus, jpeg, pdf, png, sha256_hex


@pytest.fixture
def tus(client: FlaskClient, make_user: Callable[..., int], auth_headers: Callable[[str], dict[str, str]]) -> Tus:
    make_user("zhang-wei", "inspector")
    return Tus(client, auth_headers("zhang-wei"))


def stored_objects(app: Flask) -> list[Path]:
    return sorted(p for p in (Path(app.config["MEDIA_ROOT"]) / "objects").rglob("*") if p.is_file())


def partial_files(app: Flask) -> list[Path]:
    return sorted((Path(app.config["MEDIA_ROOT"]) / "uploads").glob("*.part"))


def assert_rejected(app: Flask, tus: Tus, url: str, resp, code: str) -> None:  # type: ignore[no-untyped-def]
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["code"] == code
    status = tus.status(url)
    assert (status["state"], status["failure_code"]) == ("failed", code)
    assert stored_objects(app) == [] and partial_files(app) == []  # nothing kept
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Blob)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EvidenceItem)) == 0
    assert tus.head(url).status_code == 410


def huge_png(width: int, height: int) -> bytes:
    """A real PNG of 1-bit pixels, all zero: a few hundred KB that decode to width*height pixels."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    packer, row = zlib.compressobj(9), b"\0" * (1 + (width + 7) // 8)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def test_a_file_whose_hash_differs_from_the_declared_one_is_rejected_and_nothing_is_kept(app: Flask, tus: Tus) -> None:
    data = pdf(b"signed on-site record")
    url, resp = tus.upload(data, filetype="application/pdf", sha256=sha256_hex(data + b"!"))
    assert_rejected(app, tus, url, resp, "upload.hash_mismatch")
    assert resp.get_json()["details"]["actual"] == sha256_hex(data)


def test_a_truncated_jpeg_is_rejected(app: Flask, tus: Tus) -> None:
    data = jpeg((640, 480))[:-800]
    url, resp = tus.upload(data, filetype="image/jpeg", filename="photo.jpg")
    assert_rejected(app, tus, url, resp, "upload.image_rejected")


def test_a_jpeg_with_garbage_after_its_header_is_rejected(app: Flask, tus: Tus) -> None:
    data = jpeg((64, 48))[:200] + os.urandom(3000)
    url, resp = tus.upload(data, filetype="image/jpeg")
    assert_rejected(app, tus, url, resp, "upload.image_rejected")


def test_a_text_file_named_photo_jpg_is_rejected(app: Flask, tus: Tus) -> None:
    data = "这不是照片 / not a photo\n".encode() * 50
    url, resp = tus.upload(data, filetype="image/jpeg", filename="photo.jpg")
    assert_rejected(app, tus, url, resp, "upload.type_not_allowed")


def test_a_pdf_declared_as_a_photo_is_rejected(app: Flask, tus: Tus) -> None:
    url, resp = tus.upload(pdf(b"x" * 100), filetype="image/jpeg", filename="photo.jpg")
    assert_rejected(app, tus, url, resp, "upload.type_mismatch")


def test_a_decompression_bomb_is_rejected(app: Flask, tus: Tus) -> None:
    data = huge_png(30000, 30000)  # 900 megapixels in a few hundred kilobytes
    assert len(data) < 2 * 1024 * 1024
    url, resp = tus.upload(data, filetype="image/png", chunk_size=len(data))
    assert_rejected(app, tus, url, resp, "upload.image_rejected")
    assert "too many pixels" in resp.get_json()["message"]


@pytest.mark.parametrize("size", [(12000, 9000), (25000, 8)], ids=["108 megapixels", "a side over 20000 px"])
def test_a_photo_of_absurd_dimensions_is_rejected(app: Flask, tus: Tus, size: tuple[int, int]) -> None:
    url, resp = tus.upload(huge_png(*size), filetype="image/png", chunk_size=8 * 1024 * 1024)
    assert_rejected(app, tus, url, resp, "upload.image_rejected")
    assert resp.get_json()["details"]["max_pixels"] == 100_000_000


def test_a_heic_photo_declared_as_jpeg_is_rejected_with_advice(app: Flask, tus: Tus) -> None:
    data = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 500
    url, resp = tus.upload(data, filetype="image/jpeg", filename="IMG_0001.jpg")
    assert_rejected(app, tus, url, resp, "upload.type_not_allowed")
    assert "HEIC" in resp.get_json()["message"]


def test_a_path_like_filename_is_kept_only_as_a_display_name(app: Flask, tus: Tus) -> None:
    data = pdf(b"record")
    url, resp = tus.upload(data, filetype="application/pdf", filename="../../etc/..\\passwd\x00.pdf")
    assert resp.status_code == 204
    assert tus.status(url)["filename"] == "passwd.pdf"
    media = Path(app.config["MEDIA_ROOT"])
    assert [p.relative_to(media).parts[0] for p in media.rglob("*") if p.is_file()] == ["objects"]
    assert not (media.parent / "etc").exists()


def test_a_photo_upload_stores_the_original_and_its_first_preview_request_stores_a_preview_and_a_thumbnail(
        app: Flask, tus: Tus) -> None:
    data = jpeg((2400, 1800))
    _, resp = tus.upload(data, filetype="image/jpeg")
    assert resp.status_code == 204
    original = Path(app.config["MEDIA_ROOT"]) / "objects" / sha256_hex(data)[:2] / sha256_hex(data)[2:4] / sha256_hex(data)
    assert stored_objects(app) == [original] and original.read_bytes() == data
    assert oct(original.stat().st_mode & 0o777) == "0o444"
    assert partial_files(app) == []
    with app.app_context():
        assert db.session.get(Blob, sha256_hex(data)).preview_sha256 is None  # type: ignore[union-attr]

    thumbnail = tus.client.get(f"/api/v1/evidence/{sha256_hex(data)}/thumbnail", headers=tus.auth)
    assert thumbnail.status_code == 200 and max(Image.open(io.BytesIO(thumbnail.data)).size) == 320
    objects = stored_objects(app)
    assert len(objects) == 3
    assert all(p.name == sha256_hex(p.read_bytes()) for p in objects)
    with app.app_context():
        blob = db.session.get(Blob, sha256_hex(data))
        assert blob is not None and blob.thumbnail_sha256 == sha256_hex(thumbnail.data)
        preview_sha256 = blob.preview_sha256
    preview = tus.client.get(f"/api/v1/evidence/{sha256_hex(data)}/preview", headers=tus.auth)
    assert sha256_hex(preview.data) == preview_sha256 and len(stored_objects(app)) == 3  # made once


def test_the_same_content_uploaded_twice_is_stored_once_as_two_evidence_items(app: Flask, tus: Tus) -> None:
    data = pdf(b"licence scan")
    for _ in range(2):
        assert tus.upload(data, filetype="application/pdf")[1].status_code == 204
    assert len(stored_objects(app)) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Blob)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EvidenceItem)) == 2
        events = db.session.scalars(sa.select(CustodyEvent.event).order_by(CustodyEvent.id)).all()
    assert events == ["upload_started", "upload_completed"] * 2


@pytest.mark.parametrize(("data", "filetype", "media_type"), [
    (png((20, 10), "RGBA"), "image/png", "image/png"),
    (b"RIFF\0\0\0\0WEBP", "image/webp", None),
    (b"\0\0\0\x20ftypM4A \0\0\0\0M4A mp42isom" + b"\0" * 64, "audio/x-m4a", "audio/mp4"),
    (b"\0\0\0\x1cftypmp42\0\0\0\0mp42isom" + b"\0" * 64, "video/mp4", "video/mp4"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\0" * 64, "audio/webm;codecs=opus", "video/webm"),
    (b"ID3\x04\0\0\0\0\0\0" + b"\xff\xfb\x90\x64" * 32, "audio/mpeg", "audio/mpeg"),
    (b"\0\0\0\x14ftyp3gp4\0\0\0\0isom" + b"\0" * 64, "video/3gpp", "video/3gpp"),
], ids=["png with alpha", "webp that does not decode", "m4a", "mp4", "webm", "mp3", "3gp"])
def test_accepted_types_are_recognised_by_their_bytes(app: Flask, tus: Tus, data: bytes, filetype: str,
                                                      media_type: str | None) -> None:
    _, resp = tus.upload(data, filetype=filetype)
    if media_type is None:
        assert resp.status_code == 422  # magic bytes alone do not make a photo: it must decode
        return
    assert resp.status_code == 204, resp.get_json()
    with app.app_context():
        assert db.session.get(Blob, sha256_hex(data)).media_type == media_type  # type: ignore[union-attr]


def test_a_png_with_transparency_gets_a_jpeg_preview(app: Flask, tus: Tus) -> None:
    data = png((40, 20), "RGBA")
    tus.upload(data, filetype="image/png")
    preview = tus.client.get(f"/api/v1/evidence/{sha256_hex(data)}/preview", headers=tus.auth)
    assert preview.status_code == 200 and preview.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(preview.data)).size == (40, 20)
