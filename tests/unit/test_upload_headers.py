"""Parsing what tus clients send: metadata, checksums, offsets, and file names that look like paths."""
from __future__ import annotations

import base64
import hashlib
from datetime import UTC

import pytest

from backend.uploads.errors import BadUploadRequest
from backend.uploads.metadata import sanitize_filename
from backend.uploads.tus import http_date, non_negative, parse_checksum, parse_metadata


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_metadata_values_are_base64_utf8_and_a_key_may_have_no_value() -> None:
    header = f"filename {b64('现场照片 1.jpg')},is_confidential,filetype {b64('image/jpeg')}"
    assert parse_metadata(header) == {"filename": "现场照片 1.jpg", "is_confidential": "", "filetype": "image/jpeg"}


@pytest.mark.parametrize("header", [f"a {b64('1')},a {b64('2')}", "a not*base64", f"k{chr(1)} {b64('x')}",
                                    f"a {b64('x')} extra", base64.b64encode(b"\xff").decode().join(["k ", ""])])
def test_malformed_metadata_is_refused(header: str) -> None:
    with pytest.raises(BadUploadRequest) as caught:
        parse_metadata(header)
    assert caught.value.code == "upload.metadata_malformed"


def test_a_checksum_names_its_algorithm_and_carries_a_base64_digest() -> None:
    digest = hashlib.sha256(b"chunk").digest()
    parsed = parse_checksum(f"sha256 {base64.b64encode(digest).decode()}")
    assert parsed is not None and (parsed.algorithm, parsed.digest) == ("sha256", digest)
    assert parse_checksum(None) is None


@pytest.mark.parametrize(("header", "code"), [
    ("md5 1B2M2Y8AsgTpgAmY7PhCfg==", "upload.checksum_algorithm"), ("SHA256 AAAA", "upload.checksum_algorithm"),
    ("sha256 !!!", "upload.checksum_malformed"), ("sha256 AAAA", "upload.checksum_malformed")])
def test_bad_checksum_headers_are_400s(header: str, code: str) -> None:
    with pytest.raises(BadUploadRequest) as caught:
        parse_checksum(header)
    assert caught.value.code == code


@pytest.mark.parametrize("value", [None, "", "-1", "1.5", "0x10", "99999999999999999999", "١٢"])
def test_offsets_and_lengths_are_plain_non_negative_integers(value: str | None) -> None:
    with pytest.raises(BadUploadRequest):
        non_negative(value, "Upload-Offset")


@pytest.mark.parametrize(("raw", "shown"), [
    ("../../etc/passwd", "passwd"), ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"), ("/abs/path/a.jpg", "a.jpg"),
    ("..", "unnamed"), ("dir/", "unnamed"), ("a\x00b\r\n.jpg", "ab.jpg"), (None, "unnamed"),
    ("现场笔录（签字）.pdf", "现场笔录（签字）.pdf"), ("x" * 300, "x" * 255)])
def test_file_names_are_reduced_to_a_display_name_that_is_never_a_path(raw: str | None, shown: str) -> None:
    assert sanitize_filename(raw) == shown


def test_upload_expires_is_an_rfc_7231_date() -> None:
    from datetime import datetime

    assert http_date(datetime(2014, 6, 25, 16, 0, tzinfo=UTC)) == "Wed, 25 Jun 2014 16:00:00 GMT"


def test_upload_expires_is_given_in_gmt_whatever_zone_the_database_returned() -> None:
    from datetime import datetime, timedelta, timezone

    moment = datetime(2014, 6, 25, 18, 0, tzinfo=timezone(timedelta(hours=2)))
    assert http_date(moment) == "Wed, 25 Jun 2014 16:00:00 GMT"
