"""What a file is, from its first bytes (magic numbers); names and declared types are not trusted."""
from __future__ import annotations

from dataclasses import dataclass

from backend.errors import ValidationFailed

HEAD_BYTES = 1024  # enough for every signature below

ACCEPTED = ("a photo (JPEG, PNG, WebP), an audio or video recording (MP4, M4A, MOV, 3GP, WebM, MP3, AAC) "
            "or a PDF")
_HEIF = ("HEIC/HEIF and AVIF photos are not accepted: set the camera to JPEG "
         "(iPhone: Settings > Camera > Formats > Most Compatible) or convert the photo first.")

# ISO base media file format (the 'ftyp' box): major brand -> media type
_ISO_BRANDS = {
    **dict.fromkeys(("M4A ", "M4B "), "audio/mp4"),
    **dict.fromkeys(("isom", "iso2", "iso3", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "M4VH",
                     "M4VP", "mmp4", "MSNV", "NDAS", "dash", "F4V "), "video/mp4"),
    "qt  ": "video/quicktime",
}
_HEIF_BRANDS = {"heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1", "avif", "avis"}


class MediaRejected(ValidationFailed):
    """The content is not acceptable evidence; `code` says why."""


@dataclass(frozen=True)
class Sniffed:
    media_type: str
    kind: str  # image, audio, video, pdf

    @property
    def family(self) -> str:
        return family_of(self.kind)


def family_of(kind: str) -> str:
    """Audio and video share containers (an M4A and an MP4 differ only in a label), so they are one family."""
    return "av" if kind in ("audio", "video") else kind


def sniff(head: bytes) -> Sniffed:
    found = _image(head) or _iso_media(head) or _other_av(head)
    if found is None and b"%PDF-" in head[:HEAD_BYTES]:
        found = Sniffed("application/pdf", "pdf")
    if found is None:
        raise MediaRejected(f"The content is not {ACCEPTED}.", code="upload.type_not_allowed",
                            details={"accepted": ACCEPTED})
    return found


def _image(head: bytes) -> Sniffed | None:
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "image")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "image")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image/webp", "image")
    return None


def _iso_media(head: bytes) -> Sniffed | None:
    if head[4:8] != b"ftyp":
        return None
    brand = head[8:12].decode("latin-1")
    if brand in _HEIF_BRANDS:
        raise MediaRejected(_HEIF, code="upload.type_not_allowed", details={"brand": brand.strip()})
    if brand.startswith(("3gp", "3gs", "3gg")):
        return Sniffed("video/3gpp", "video")
    if brand.startswith("3g2"):
        return Sniffed("video/3gpp2", "video")
    media_type = _ISO_BRANDS.get(brand)
    return Sniffed(media_type, "audio" if media_type.startswith("audio/") else "video") if media_type else None


def _other_av(head: bytes) -> Sniffed | None:
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64]:
        return Sniffed("video/webm", "video")  # also audio-only recordings (MediaRecorder)
    if head.startswith(b"ID3") or _mpeg_layer3_frame(head):
        return Sniffed("audio/mpeg", "audio")
    if head.startswith(b"ADIF") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0):
        return Sniffed("audio/aac", "audio")  # ADTS: 12 sync bits, layer 00
    return None


def _mpeg_layer3_frame(head: bytes) -> bool:
    if len(head) < 2 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    return version != 1 and layer == 1
