"""The evidence package builder: a BagIt 1.0 bag in a ZIP, streamed, hashed twice, signed."""
from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tracemalloc
import zipfile
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from backend.evidence import verify
from backend.evidence.bagit import BagWriter, DigestMismatch
from backend.evidence.inputs import Officer
from backend.evidence.package import PackageRefused, export_package
from tests.support.evidence_packages import (  # noqa: F401  (built_package is a fixture)
    CASE_NUMBER,
    Built,
    build_input,
    built_package_fixture,
    members,
    sample_key,
)


def sm3_hex(data: bytes) -> str:
    h = hashes.Hash(hashes.SM3())  # cryptography's SM3, whatever the builder used
    h.update(data)
    return h.finalize().hex()


def manifest(data: bytes) -> dict[str, str]:
    return {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in data.decode().splitlines()}


def test_the_verifier_accepts_a_freshly_built_package(built_package: Built) -> None:
    result = verify.verify_package(io.BytesIO(built_package.package))
    assert result.problems == []
    assert len(result.items) == 4 and len(result.payload) == 12


def test_the_bag_declares_bagit_1_0_and_utf_8_in_exactly_two_lines(built_package: Built) -> None:
    assert members(built_package.package)["bagit.txt"] == b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


def test_every_original_is_in_the_package_byte_for_byte_under_its_sha256(built_package: Built) -> None:
    files = members(built_package.package)
    for item in built_package.input.items:
        folder = "signatures" if item.kind == "signature" else "media"
        ext = "png" if item.media_type == "image/png" else "jpg"
        with item.open() as original:
            assert files[f"data/{folder}/{item.sha256}.{ext}"] == original.read()


def test_both_manifests_list_every_payload_file_with_its_sha256_and_its_sm3(built_package: Built) -> None:
    files = members(built_package.package)
    payload = {p for p in files if p.startswith("data/")}
    sha, sm3 = manifest(files["manifest-sha256.txt"]), manifest(files["manifest-sm3.txt"])
    assert set(sha) == set(sm3) == payload
    for path in payload:
        assert sha[path] == hashlib.sha256(files[path]).hexdigest()
        assert sm3[path] == sm3_hex(files[path])


def test_bag_info_names_the_case_and_counts_the_payload(built_package: Built) -> None:
    files = members(built_package.package)
    info = dict(line.split(": ", 1) for line in files["bag-info.txt"].decode().splitlines())
    payload = [p for p in files if p.startswith("data/")]
    assert info["External-Identifier"] == CASE_NUMBER
    assert info["Payload-Oxum"] == f"{sum(len(files[p]) for p in payload)}.{len(payload)}"
    assert info["Bagging-Date"] == "2026-11-24"
    assert info["Source-Organization"] == "泰安市市场监督管理局"
    assert info["Signature-Key-Id"] == "21fe31dfa154a261"
    assert info["Bag-Size"].endswith(" KB")


def test_tag_manifests_list_every_tag_file_except_each_other_and_the_signature(built_package: Built) -> None:
    files = members(built_package.package)
    tags = {p for p in files if not p.startswith("data/")}
    expected = tags - {"tagmanifest-sha256.txt", "tagmanifest-sm3.txt", "signature/tagmanifest-sha256.txt.sig"}
    assert {"manifest-sha256.txt", "manifest-sm3.txt", "README-验证说明.txt", "bagit.txt"} <= expected
    assert set(manifest(files["tagmanifest-sha256.txt"])) == expected
    assert set(manifest(files["tagmanifest-sm3.txt"])) == expected


def test_the_signature_is_ed25519_over_the_sha256_tag_manifest_with_the_key_in_the_package(built_package: Built) -> None:
    files = members(built_package.package)
    key_text = files["signature/public-key.txt"].decode()
    raw = base64.b64decode(next(line for line in key_text.splitlines() if line.startswith("Public-Key: "))[12:])
    Ed25519PublicKey.from_public_bytes(raw).verify(files["signature/tagmanifest-sha256.txt.sig"],
                                                   files["tagmanifest-sha256.txt"])
    assert built_package.result.tagmanifest_sha256 == hashlib.sha256(files["tagmanifest-sha256.txt"]).hexdigest()


def test_each_custody_trail_runs_from_capture_on_the_device_to_this_export(built_package: Built) -> None:
    log = json.loads(members(built_package.package)["data/custody/custody-log.json"])
    assert [i["item_id"] for i in log["items"]] == [i.item_id for i in built_package.input.items]
    for item in log["items"]:
        names = [e["event"] for e in item["events"]]
        assert names == ["captured", "upload_started", "upload_completed", "accessed", "exported"]
        assert item["events"][-1]["sm3"] == item["sm3"] and item["events"][-1]["details"]["package_id"] == log["package_id"]


def test_the_readme_explains_verification_in_chinese(built_package: Built) -> None:
    readme = members(built_package.package)["README-验证说明.txt"].decode()
    assert "sha256sum -c manifest-sha256.txt" in readme and "openssl pkeyutl -verify" in readme
    assert "python3 tools/verify.py" in readme and CASE_NUMBER in readme


class Unseekable(io.RawIOBase):
    """A pipe: bytes go one way, and there is no going back."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[no-untyped-def, override]
        self.chunks.append(bytes(data))
        return len(data)

    def seekable(self) -> bool:
        return False

    def seek(self, *args: object) -> int:
        raise io.UnsupportedOperation("seek")

    def tell(self) -> int:
        raise io.UnsupportedOperation("tell")


def test_the_package_streams_into_a_sink_that_cannot_seek_or_tell(tmp_path: Path) -> None:
    sink = Unseekable()
    export_package(build_input(tmp_path, photos=1), sink, signing_key=sample_key())
    package = b"".join(sink.chunks)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        # Sizes and CRCs follow each member's data (a data descriptor): nothing was patched afterwards.
        assert all(info.flag_bits & 0x08 for info in archive.infolist())
    assert verify.verify_package(io.BytesIO(package)).problems == []


def test_progress_is_reported_in_bytes_of_originals(tmp_path: Path) -> None:
    package_input = build_input(tmp_path, photos=2)
    calls: list[tuple[int, int]] = []
    export_package(package_input, io.BytesIO(), lambda done, total: calls.append((done, total)), signing_key=sample_key())
    total = sum(i.size for i in package_input.items)
    assert calls[-1] == (total, total) and all(t == total for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_an_original_that_no_longer_hashes_to_its_name_stops_the_export(tmp_path: Path) -> None:
    package_input = build_input(tmp_path, photos=1)
    first = package_input.items[0]
    swapped = replace(first, open=lambda: io.BytesIO(b"x" * first.size))
    with pytest.raises(DigestMismatch, match=first.sha256):
        export_package(replace(package_input, items=(swapped, *package_input.items[1:])), io.BytesIO(),
                       signing_key=sample_key())


def _one_officer(i):  # type: ignore[no-untyped-def]
    return replace(i, facts=replace(i.facts, officers=(Officer("张明", "1"),)))


def _unproven_event(i):  # type: ignore[no-untyped-def]
    item = i.items[0]
    return replace(i, items=(replace(item, custody=(*item.custody, replace(item.custody[-1], audit_index=999))),
                             *i.items[1:]))


def _upload_before_capture(i):  # type: ignore[no-untyped-def]
    item = i.items[0]
    return replace(i, items=(replace(item, captured_at=item.custody[0].at + timedelta(days=1)), *i.items[1:]))


def _export_before_upload(i):  # type: ignore[no-untyped-def]
    return replace(i, exported_at=i.items[0].custody[0].at - timedelta(seconds=1))


def _unknown_kind(i):  # type: ignore[no-untyped-def]
    return replace(i, items=(replace(i.items[0], kind="hologram"), *i.items[1:]))


def _forged_proof(i):  # type: ignore[no-untyped-def]
    entry = i.audit.entries[0]
    forged = replace(entry, proof=tuple(reversed(entry.proof)))
    return replace(i, audit=replace(i.audit, entries=(forged, *i.audit.entries[1:])))


BAD_INPUTS = {
    "only one officer": (_one_officer, "two officers"),
    "a custody event whose audit entry has no proof": (_unproven_event, "no proven audit entry"),
    "an upload before the capture": (_upload_before_capture, "time order"),
    "an export before the upload": (_export_before_upload, "time order"),
    "an unknown kind of evidence": (_unknown_kind, "kind must be one of"),
    "an inclusion proof that does not hold": (_forged_proof, "inclusion proof fails"),
}


@pytest.mark.parametrize("change, message", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_inconsistent_input_is_refused_before_a_byte_is_written(tmp_path: Path, change, message) -> None:  # type: ignore[no-untyped-def]
    sink = io.BytesIO()
    with pytest.raises(PackageRefused) as refused:
        export_package(change(build_input(tmp_path, photos=1)), sink, signing_key=sample_key())
    assert any(message in problem for problem in refused.value.errors["input"])
    assert sink.getvalue() == b""


def test_memory_does_not_grow_with_the_size_of_a_streamed_original(tmp_path: Path) -> None:
    def peak_for(megabytes: int) -> int:
        path = tmp_path / f"original-{megabytes}.bin"
        with open(path, "wb") as f:
            f.writelines(os.urandom(1024 * 1024) for _ in range(megabytes))
        tracemalloc.start()
        try:
            with open(tmp_path / f"out-{megabytes}.zip", "wb") as sink, open(path, "rb") as source:
                writer = BagWriter(sink, "bag", datetime(2026, 11, 24, 9, 30))
                writer.add_stream("data/media/original.bin", source, path.stat().st_size)
                writer.close()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak_for(8), peak_for(96)
    assert large < small + 2 * 1024 * 1024, (small, large)
    assert large < 8 * 1024 * 1024


def test_originals_longer_than_all_the_reused_buffers_together_hash_and_copy_correctly(tmp_path: Path) -> None:
    originals = {f"data/media/{n}.bin": os.urandom(size) for n, size in
                 enumerate((7 * 1024 * 1024 + 5, 0, 1, 1024 * 1024, 3 * 1024 * 1024 - 1))}
    sink = io.BytesIO()
    writer = BagWriter(sink, "bag", datetime(2026, 11, 24, 9, 30))
    for path, data in originals.items():
        writer.add_stream(path, io.BytesIO(data), len(data), expect_sha256=hashlib.sha256(data).hexdigest())
    digests = writer.streamed()
    writer.close()
    assert [d.path for d in digests] == list(originals)
    for digest, data in zip(digests, originals.values(), strict=True):
        assert (digest.size, digest.sm3) == (len(data), sm3_hex(data))
    assert members(sink.getvalue()) == originals
