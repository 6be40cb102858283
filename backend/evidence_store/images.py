"""Photo checks with Pillow: decode fully, refuse decompression bombs, read EXIF; derive previews.

`inspect_image` runs while an upload completes (the request waits for it): it decodes every byte
of image data, so a truncated or corrupt photo is refused, but makes no derivatives.
`derivatives` makes the preview and thumbnail later, on the first request for one
(backend.evidence_store.access). The original is never modified: previews and thumbnails are new
JPEGs with the EXIF orientation applied (so they display upright) and no metadata.
"""
from __future__ import annotations

import io
import logging
import math
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from PIL import ExifTags, Image, ImageOps

from backend.evidence_store.sniff import MediaRejected

log = logging.getLogger("ssgk.evidence")

PREVIEW_SIDE = 1600
THUMBNAIL_SIDE = 320
MAX_PIXELS = 100_000_000
MAX_SIDE = 20_000
_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
_OFFSET = re.compile(r"[+-][0-9]{2}:[0-9]{2}")


@dataclass(frozen=True)
class ImageFacts:
    width: int
    height: int
    orientation: int | None
    captured_at: str | None  # e.g. 2025-03-14T09:26:53+08:00 (offset only when the camera wrote one)
    gps: tuple[float, float] | None  # (latitude, longitude), decimal degrees


def _rejected(message: str, **details: Any) -> MediaRejected:
    return MediaRejected(message, code="upload.image_rejected", details=details)


def inspect_image(path: Path, media_type: str) -> ImageFacts:
    # Pillow warns above this many pixels and refuses twice as many; our own limit is checked first.
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    formats = [_FORMATS[media_type]]
    try:
        with Image.open(path, formats=formats) as im:
            width, height = im.size
            _check_dimensions(width, height)
            im.verify()  # structure and checksums, without decoding
        with Image.open(path, formats=formats) as im:
            exif = im.getexif()
            if im.format == "JPEG":
                # Every entropy-coded byte is still decoded, at 1/8 scale: less work, bounded memory.
                im.draft("RGB", (1, 1))
            im.load()  # every byte of image data is decoded: a truncated file fails here
    except MediaRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _rejected("The image has too many pixels to be a photo (decompression bomb).",
                        max_pixels=MAX_PIXELS) from exc
    except Exception as exc:  # any decoder failure on untrusted bytes means "not a usable photo"
        log.info("image rejected: %s: %s", type(exc).__name__, exc)
        raise _rejected("The image cannot be decoded: it is damaged or truncated.",
                        reason=f"{type(exc).__name__}: {exc}"[:200]) from exc
    return ImageFacts(width, height, _orientation(exif), _captured_at(exif), _gps(exif))


def derivatives(original: BinaryIO, media_type: str) -> tuple[bytes, bytes]:
    """(preview, thumbnail) of a stored photo that passed `inspect_image`: upright JPEGs, no metadata."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with Image.open(original, formats=[_FORMATS[media_type]]) as im:
        if im.format == "JPEG":
            im.draft("RGB", (PREVIEW_SIDE, PREVIEW_SIDE))  # decode at a reduced scale: bounded memory
        im.load()
        return _derivatives(im)


def _check_dimensions(width: int, height: int) -> None:
    if width < 1 or height < 1 or width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise _rejected(f"The image is {width}x{height} pixels; photos may have at most {MAX_PIXELS:,} pixels "
                        f"and {MAX_SIDE} on a side.", width=width, height=height,
                        max_pixels=MAX_PIXELS, max_side=MAX_SIDE)


def _derivatives(im: Image.Image) -> tuple[bytes, bytes]:
    upright = _rgb(ImageOps.exif_transpose(im))
    upright.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE), Image.Resampling.LANCZOS)
    preview = _jpeg(upright, 85)
    upright.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    return preview, _jpeg(upright, 80)


def _rgb(im: Image.Image) -> Image.Image:
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, "white")
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return im.convert("RGB")


def _jpeg(im: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    im.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _orientation(exif: Image.Exif) -> int | None:
    value = exif.get(ExifTags.Base.Orientation)
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return value.strip("\x00 ") if isinstance(value, str) else None


def _captured_at(exif: Image.Exif) -> str | None:
    ifd = exif.get_ifd(ExifTags.IFD.Exif)
    raw = _text(ifd.get(ExifTags.Base.DateTimeOriginal))
    try:
        moment = datetime.strptime(raw or "", "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = _text(ifd.get(ExifTags.Base.OffsetTimeOriginal))
    return moment.isoformat() + (offset if offset and _OFFSET.fullmatch(offset) else "")


def _gps(exif: Image.Exif) -> tuple[float, float] | None:
    info = exif.get_ifd(ExifTags.IFD.GPSInfo)
    lat = _degrees(info.get(ExifTags.GPS.GPSLatitude), _text(info.get(ExifTags.GPS.GPSLatitudeRef)), "N", "S", 90)
    lon = _degrees(info.get(ExifTags.GPS.GPSLongitude), _text(info.get(ExifTags.GPS.GPSLongitudeRef)), "E", "W", 180)
    return (lat, lon) if lat is not None and lon is not None else None


def _degrees(dms: Any, ref: str | None, positive: str, negative: str, limit: float) -> float | None:
    if ref not in (positive, negative) or not isinstance(dms, tuple) or len(dms) != 3:
        return None
    try:
        value = float(dms[0]) + float(dms[1]) / 60 + float(dms[2]) / 3600
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not math.isfinite(value) or value > limit:
        return None
    return round(-value if ref == negative else value, 7)
