"""Photo checks outside the HTTP layer, with Pillow's warnings as they are in production."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from backend.evidence_store.images import derivatives, inspect_image
from backend.evidence_store.sniff import MediaRejected
from tests.support.uploads import jpeg


def saved(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "photo"
    path.write_bytes(data)
    return path


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_photo_just_over_the_pixel_limit_is_refused_by_its_dimensions(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("1", (12000, 9000)).save(out, "PNG")
    with pytest.raises(MediaRejected) as caught:
        inspect_image(saved(tmp_path, out.getvalue()), "image/png")
    assert caught.value.code == "upload.image_rejected"
    assert "12000x9000" in caught.value.message


def test_orientation_capture_time_and_offset_are_read(tmp_path: Path) -> None:
    from PIL import ExifTags

    image = Image.new("RGB", (30, 20))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 8
    exif.get_ifd(ExifTags.IFD.Exif).update({ExifTags.Base.DateTimeOriginal: "2025:11:02 14:05:09",
                                            ExifTags.Base.OffsetTimeOriginal: "+08:00"})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    facts = inspect_image(saved(tmp_path, out.getvalue()), "image/jpeg")
    assert (facts.width, facts.height, facts.orientation) == (30, 20, 8)
    assert facts.captured_at == "2025-11-02T14:05:09+08:00"
    preview, thumbnail = derivatives(io.BytesIO(out.getvalue()), "image/jpeg")
    assert Image.open(io.BytesIO(preview)).size == Image.open(io.BytesIO(thumbnail)).size == (20, 30)  # upright


def test_a_photo_without_exif_has_no_capture_time_or_position(tmp_path: Path) -> None:
    facts = inspect_image(saved(tmp_path, jpeg()), "image/jpeg")
    assert (facts.captured_at, facts.gps, facts.orientation) == (None, None, None)


@pytest.mark.parametrize("gps", [((36.0, 11.0, 24.0), "X", (117.0, 7.0, 12.0), "E"),
                                 ((136.0, 0.0, 0.0), "N", (117.0, 7.0, 12.0), "E")])
def test_nonsense_gps_is_ignored(tmp_path: Path, gps) -> None:  # type: ignore[no-untyped-def]
    assert inspect_image(saved(tmp_path, jpeg(gps=gps)), "image/jpeg").gps is None


def test_an_image_of_another_format_than_detected_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MediaRejected):
        inspect_image(saved(tmp_path, jpeg()), "image/png")
