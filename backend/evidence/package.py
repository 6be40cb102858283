"""Build an evidence package: `export_package(input, sink, progress=...)`.

The ZIP is written front to back into `sink` (a file, a pipe, an HTTP response): originals
first, streamed block by block with their SHA-256 and SM3, then the documents that list those
digests, the custody log, the audit proofs, and last the BagIt tag files and the signature.
Nothing is held in memory but one block and the small text files. Format and rationale:
docs/evidence-package.md.
"""
from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.audit.canonical import utc_timestamp
from backend.errors import ValidationFailed
from backend.evidence import custody_log, documents, pdf, readme, signing
from backend.evidence import verify as checks
from backend.evidence.bagit import BAGIT_TXT, BagWriter, Digest, bag_size, manifest_text
from backend.evidence.inputs import KINDS, EvidenceItem, PackageInput

FORMAT = "ssgk-evidence-package/1"
EXTENSIONS = {
    "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf",
    "audio/mp4": "m4a", "audio/mpeg": "mp3", "audio/aac": "aac", "audio/webm": "weba", "audio/3gpp": "3gp",
    "video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm", "video/3gpp": "3gp",
}
_SHA256 = re.compile(r"[0-9a-f]{64}")

Progress = Callable[[int, int], None]  # (bytes of originals copied so far, bytes in all)


class PackageRefused(ValidationFailed):
    code = "evidence.package_invalid"
    message = "The evidence package cannot be built from this input."


@dataclass(frozen=True)
class PackageResult:
    package_id: str
    base: str  # the bag's directory inside the ZIP
    payload_oxum: str
    tagmanifest_sha256: str  # what the signature covers, in one hash: worth recording in the audit log
    key_id: str
    items: int


def bag_name(case_number: str) -> str:
    """The bag's base directory: `evidence-` and the case number's ASCII letters and digits."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", case_number).strip("-")
    return f"evidence-{slug}" if slug else "evidence-package"


def media_path(item: EvidenceItem) -> str:
    folder = "signatures" if item.kind == "signature" else "media"
    return f"data/{folder}/{item.sha256}.{EXTENSIONS.get(item.media_type.split(';')[0].strip(), 'bin')}"


def export_package(input: PackageInput, sink: IO[bytes], progress: Progress | None = None, *,
                   signing_key: Ed25519PrivateKey | None = None) -> PackageResult:
    """Write the package for `input` into `sink`. Raises PackageRefused before writing anything
    when the input is inconsistent; a stored original that no longer matches its hash stops the
    export half-way (DigestMismatch), leaving a truncated ZIP that no reader accepts."""
    key = signing_key or _app_signing_key()
    when = input.exported_at or datetime.now(UTC)
    package_id = input.package_id or str(uuid.uuid4())
    _check(input, when)
    writer = BagWriter(sink, bag_name(input.case_number), when.astimezone(documents.BEIJING))  # ZIP times are local
    try:
        writer.add_bytes("bagit.txt", BAGIT_TXT, compress=False)
        digests = _copy_originals(writer, input, progress)
        _write_payload_files(writer, input, digests, when, package_id)
        tag_sha256 = _write_tag_files(writer, input, key, when, package_id)
    except BaseException:
        writer.abort()
        raise
    writer.close()
    return PackageResult(package_id, bag_name(input.case_number), writer.payload_oxum(), tag_sha256,
                         signing.key_id(key.public_key()), len(input.items))


def _app_signing_key() -> Ed25519PrivateKey:
    from backend.audit.services import (
        signing_key,  # needs an app context; tests pass a key
    )

    return signing_key()


def _check(input: PackageInput, when: datetime) -> None:
    problems: list[str] = []
    if len(input.facts.officers) < 2:
        problems.append("at least two officers must be named")
    for item in input.items:
        if item.kind not in KINDS:
            problems.append(f"item {item.item_id}: kind must be one of {', '.join(KINDS)}")
        if not _SHA256.fullmatch(item.sha256):
            problems.append(f"item {item.item_id}: sha256 must be 64 lowercase hex digits")
    if len({i.item_id for i in input.items}) != len(input.items):
        problems.append("item ids repeat")
    for label in input.extra_info:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", label):
            problems.append(f"bag-info label {label!r}: letters, digits and hyphens only")
    if not problems:
        # The same checks the verifier makes, on what is known before a byte is written.
        proofs = custody_log.proofs_document(input.audit)
        problems += map(str, checks.audit_problems(custody_log.checkpoint_document(input.audit), proofs))
        proven = {e["index"]: e for e in proofs["entries"]}
        for index in input.case_audit_indexes:
            if index not in proven:
                problems.append(f"case audit entry {index} has no proof in the package")
        for item in input.items:
            trail = custody_log.trail(item, when, input.exported_by, None)
            problems += map(str, checks.trail_problems(trail, item.sha256, proven, label=f"item {item.item_id}"))
    if problems:
        raise PackageRefused(errors={"input": problems})


def _copy_originals(writer: BagWriter, input: PackageInput, progress: Progress | None) -> dict[str, Digest]:
    """Stream each distinct original once (two items may share one content); sha256 -> digest."""
    unique = {item.sha256: item for item in input.items}
    total, done = sum(i.size for i in unique.values()), 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    for sha256, item in unique.items():
        with item.open() as source:
            writer.add_stream(media_path(item), source, item.size, expect_sha256=sha256, on_block=advance)
    return dict(zip(unique, writer.streamed(), strict=True))


def _write_payload_files(writer: BagWriter, input: PackageInput, digests: dict[str, Digest], when: datetime,
                         package_id: str) -> None:
    rows = [documents.ItemRow(n, i.kind, i.media_type, digests[i.sha256].size, i.captured_at, i.gps,
                              i.captured_by, digests[i.sha256].path, i.sha256, digests[i.sha256].sm3)
            for n, i in enumerate(input.items, 1)]
    data = documents.DocumentData(input.case_number, input.facts, when, rows, _signature_images(input),
                                  font=pdf.shared_font())
    for name, make in documents.DOCUMENTS:
        writer.add_bytes(f"data/documents/{name}", make(data), compress=False)  # PDF streams are compressed
    log = custody_log.custody_document(input, digests, when, package_id)
    writer.add_bytes("data/custody/custody-log.json", _json(log))
    writer.add_bytes("data/audit/checkpoint.json", _json(custody_log.checkpoint_document(input.audit)))
    writer.add_bytes("data/audit/proofs.json", _json(custody_log.proofs_document(input.audit)))


def _signature_images(input: PackageInput) -> list[documents.SignatureImage]:
    images = []
    for item in input.items:
        if item.kind == "signature" and item.media_type in ("image/png", "image/jpeg") \
                and item.size <= documents.MAX_EMBEDDED_SIGNATURE:
            with item.open() as source:
                images.append(documents.SignatureImage(item.captured_by, item.sha256, source.read()))
    return images


def _write_tag_files(writer: BagWriter, input: PackageInput, key: Ed25519PrivateKey, when: datetime,
                     package_id: str) -> str:
    payload = writer.payload
    writer.add_bytes("manifest-sha256.txt", manifest_text(payload, "sha256"))
    writer.add_bytes("manifest-sm3.txt", manifest_text(payload, "sm3"))
    writer.add_bytes("bag-info.txt", _bag_info(input, writer, key, when, package_id))
    writer.add_bytes(readme.FILE_NAME, readme.text(input.case_number, bag_name(input.case_number)))
    writer.add_bytes(readme.VERIFIER_FILE, Path(checks.__file__).read_bytes())
    writer.add_bytes(signing.PUBLIC_KEY_FILE, signing.public_key_text(key.public_key()))
    tags = list(writer.tags)  # every tag file so far; tag manifests never list each other
    tagmanifest = manifest_text(tags, "sha256")
    sha256 = writer.add_bytes("tagmanifest-sha256.txt", tagmanifest, listed=False).sha256
    writer.add_bytes("tagmanifest-sm3.txt", manifest_text(tags, "sm3"), listed=False)
    writer.add_bytes(signing.SIGNATURE_FILE, signing.sign(key, tagmanifest), compress=False, listed=False)
    return sha256


def _bag_info(input: PackageInput, writer: BagWriter, key: Ed25519PrivateKey, when: datetime,
              package_id: str) -> bytes:
    octets = sum(d.size for d in writer.payload)
    cp = input.audit.checkpoint
    fields = [
        ("Source-Organization", input.facts.organization),
        ("External-Identifier", input.case_number),
        ("External-Description", f"涉嫌犯罪案件移送电子证据包：{input.facts.party.name}"),
        ("Bagging-Date", when.astimezone(documents.BEIJING).date().isoformat()),
        ("Bag-Size", bag_size(octets)),
        ("Payload-Oxum", writer.payload_oxum()),
        ("Package-Format", FORMAT),
        ("Package-Id", package_id),
        ("Bagging-Time", utc_timestamp(when)),
        ("Exported-By", input.exported_by),
        ("Receiving-Authority", input.facts.receiving_authority),
        ("Evidence-Items", str(len(input.items))),
        ("Signature-Algorithm", "Ed25519"),
        ("Signature-Key-Id", signing.key_id(key.public_key())),
        ("Audit-Origin", cp.origin),
        ("Audit-Tree-Size", str(cp.tree_size)),
        ("Audit-Root-Hash", cp.root_hash),
        *input.extra_info.items(),
    ]
    lines = []
    for label, value in fields:
        value = " ".join(str(value).split())  # one line per element: no CR/LF inside a value
        lines.append(f"{label}: {value}\n")
    return "".join(lines).encode("utf-8")


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n").encode("utf-8")
