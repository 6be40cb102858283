"""Recognising evidence by its first bytes, never by its name or declared type."""
from __future__ import annotations

import pytest

from backend.evidence_store.sniff import MediaRejected, family_of, sniff


@pytest.mark.parametrize(("head", "media_type", "kind"), [
    (b"\xff\xd8\xff\xe0\0\x10JFIF", "image/jpeg", "image"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "image/png", "image"),
    (b"RIFF\x24\0\0\0WEBPVP8 ", "image/webp", "image"),
    (b"\0\0\0\x20ftypM4A \0\0\0\0", "audio/mp4", "audio"),
    (b"\0\0\0\x18ftypmp42\0\0\0\0", "video/mp4", "video"),
    (b"\0\0\0\x18ftypisom\0\0\0\0", "video/mp4", "video"),
    (b"\0\0\0\x14ftypqt  \0\0\0\0", "video/quicktime", "video"),
    (b"\0\0\0\x14ftyp3gp5\0\0\0\0", "video/3gpp", "video"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm", "video"),
    (b"ID3\x04\0\0\0\0\0\0", "audio/mpeg", "audio"),
    (b"\xff\xfb\x90\x64\0\0", "audio/mpeg", "audio"),
    (b"\xff\xf1\x50\x80\0\0", "audio/aac", "audio"),
    (b"%PDF-1.7\n", "application/pdf", "pdf"),
])
def test_accepted_formats_are_recognised(head: bytes, media_type: str, kind: str) -> None:
    found = sniff(head + b"\0" * 32)
    assert (found.media_type, found.kind) == (media_type, kind)


@pytest.mark.parametrize("head", [b"hello, this is text", b"GIF89a\x01\0", b"PK\x03\x04zip", b"BM\0\0",
                                  b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska", b"", b"<svg>",
                                  b"\0\0\0\x18ftypXXXX\0\0\0\0"])
def test_anything_else_is_not_allowed(head: bytes) -> None:
    with pytest.raises(MediaRejected) as caught:
        sniff(head)
    assert caught.value.code == "upload.type_not_allowed"


@pytest.mark.parametrize("brand", [b"heic", b"heix", b"mif1", b"avif"])
def test_heif_photos_are_refused_with_advice(brand: bytes) -> None:
    with pytest.raises(MediaRejected) as caught:
        sniff(b"\0\0\0\x18ftyp" + brand + b"\0\0\0\0")
    assert "JPEG" in caught.value.message


def test_audio_and_video_are_one_family_because_they_share_containers() -> None:
    assert family_of("audio") == family_of("video") != family_of("image") != family_of("pdf")
