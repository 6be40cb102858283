"""Declared file types, the kind each one is (image, audio, video, pdf) and the size limit per kind.

The declared type only picks the limit before any byte arrives; at completion the bytes
themselves decide what the file is (backend.evidence_store.sniff).
"""
from __future__ import annotations

from flask import current_app

from backend.errors import ValidationFailed

KINDS = ("image", "audio", "video", "pdf")
_SETTING = {"image": "UPLOAD_MAX_IMAGE_BYTES", "audio": "UPLOAD_MAX_AUDIO_BYTES",
            "video": "UPLOAD_MAX_VIDEO_BYTES", "pdf": "UPLOAD_MAX_PDF_BYTES"}

# What browsers and phones put in File.type for the formats we accept, aliases included.
FILETYPES = {
    **dict.fromkeys(("image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/webp"), "image"),
    **dict.fromkeys(("audio/mp4", "audio/m4a", "audio/x-m4a", "audio/aac", "audio/x-aac", "audio/aacp",
                     "audio/mpeg", "audio/mp3", "audio/webm", "audio/3gpp", "audio/3gpp2"), "audio"),
    **dict.fromkeys(("video/mp4", "video/webm", "video/3gpp", "video/3gpp2", "video/quicktime"), "video"),
    "application/pdf": "pdf",
}
_HEIF_TYPES = ("image/heic", "image/heif", "image/heic-sequence", "image/heif-sequence", "image/avif")


def kind_of(filetype: str) -> str:
    """The kind of a declared type such as 'audio/webm;codecs=opus'; 422 when not accepted."""
    base = filetype.split(";", 1)[0].strip().lower()
    if base in _HEIF_TYPES:
        raise ValidationFailed("HEIC/HEIF and AVIF photos are not accepted: set the camera to JPEG "
                               "(iPhone: Settings > Camera > Formats > Most Compatible) or convert the photo first.",
                               code="upload.type_not_allowed", details={"filetype": base})
    if base not in FILETYPES:
        raise ValidationFailed(f"Files of type {base or '(none)'} are not accepted as evidence.",
                               code="upload.type_not_allowed",
                               details={"filetype": base, "accepted": sorted(FILETYPES)})
    return FILETYPES[base]


def limit(kind: str) -> int:
    return int(current_app.config[_SETTING[kind]])


def limits() -> dict[str, int]:
    return {kind: limit(kind) for kind in KINDS}


def chunk_limit() -> int:
    return int(current_app.config["UPLOAD_MAX_CHUNK_BYTES"])
