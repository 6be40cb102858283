"""A BagIt bag (RFC 8493, version 1.0) written as a stream into a ZIP.

Files go into the ZIP one after another, each copied in 1 MiB blocks while SHA-256 and SM3
are computed (SM3 on a helper thread a few blocks behind, see hash_thread.py) into a few
reused buffers, so memory stays flat whatever the payload's size and the sink never has to
seek (zipfile then writes data descriptors). The manifests, bag-info.txt and tag manifests are written last, from the
digests gathered on the way.
"""
from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, BinaryIO

from cryptography.hazmat.primitives import hashes

from backend.evidence.hash_thread import DEPTH, HashThread

BLOCK = 1024 * 1024
BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


class DigestMismatch(ValueError):
    """A stored original did not hash to its content address while it was copied."""


def new_sm3() -> Any:
    """An SM3 hash object (GB/T 32905). OpenSSL's through hashlib when this Python's OpenSSL has
    it: the same implementation as cryptography's hashes.SM3, but it releases the GIL, so it can
    run beside the SHA-256 and the writing. Otherwise cryptography's."""
    try:
        return hashlib.new("sm3")
    except ValueError:
        return _CryptographySM3()


class _CryptographySM3:
    def __init__(self) -> None:
        self._hash = hashes.Hash(hashes.SM3())

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def hexdigest(self) -> str:
        return self._hash.finalize().hex()


@dataclass(frozen=True)
class Digest:
    path: str  # relative to the bag's base directory, "/"-separated
    size: int
    sha256: str
    sm3: str


def manifest_path(path: str) -> str:
    """RFC 8493 §2.1.3: CR, LF and % (and only those) are percent-encoded in manifest paths."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def manifest_text(digests: list[Digest], algorithm: str) -> bytes:
    """`<hex>  <path>` lines: two spaces, as sha256sum writes them, so `sha256sum -c` reads the file."""
    lines = [f"{getattr(d, algorithm)}  {manifest_path(d.path)}\n" for d in digests]
    return "".join(lines).encode("utf-8")


def bag_size(octets: int) -> str:
    """Bag-Size for people: 1 decimal place in the largest fitting unit, e.g. `1.9 GB`."""
    size, unit = float(octets), "B"
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            break
        size /= 1000
    return f"{octets} B" if unit == "B" else f"{size:.1f} {unit}"


class BagWriter:
    """Write a bag's files into a ZIP under `base/`; payload files are those under `data/`."""

    def __init__(self, sink: IO[bytes], base: str, when: datetime) -> None:
        self._zip = zipfile.ZipFile(sink, "w", allowZip64=True)
        self._base = base
        self._date_time = when.timetuple()[:6]
        self.payload: list[Digest] = []
        self.tags: list[Digest] = []  # tag files a tag manifest lists
        self._sm3 = HashThread(name="sm3")
        # Read into reused buffers rather than a new 1 MiB bytes a block (allocating and
        # page-faulting 2 GB for a 2 GB package). A buffer is refilled only after DEPTH + 1
        # later blocks were handed to the SM3 thread, which hashes in order: it is done with it.
        self._buffers = [bytearray(BLOCK) for _ in range(DEPTH + 2)]
        self._blocks = 0
        self._streamed: list[tuple[str, int, str, Future[str]]] = []  # SM3 still being computed

    def _info(self, path: str, size: int, compress: bool) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(f"{self._base}/{path}", date_time=self._date_time)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o100444 << 16  # a read-only regular file when unpacked
        info.file_size = size  # lets zipfile choose ZIP64 up front when a member needs it
        return info

    def add_stream(self, path: str, source: BinaryIO, size: int, *, compress: bool = False,
                   expect_sha256: str | None = None, on_block: Callable[[int], None] | None = None) -> None:
        """Copy `source` to the member `path` block by block, hashing as it goes; `streamed()`
        gives its digest. The SHA-256 and the size are checked before this returns.

        SM3 runs on the helper thread a few blocks behind while this thread hashes SHA-256 and
        writes, so the slower of the two sides sets the pace rather than their sum."""
        sha256, sm3 = hashlib.sha256(), new_sm3()
        written = 0
        with self._zip.open(self._info(path, size, compress), "w") as dst:
            while got := source.readinto(buffer := self._next_buffer()):  # type: ignore[attr-defined]
                block = memoryview(buffer)[:got]
                self._sm3.update(sm3, block)
                sha256.update(block)
                dst.write(block)
                written += got
                if on_block is not None:
                    on_block(got)
        pending_sm3 = self._sm3.hexdigest(sm3)  # not waited for: the next file starts meanwhile
        if expect_sha256 is not None and sha256.hexdigest() != expect_sha256:
            raise DigestMismatch(f"{path}: the stored original hashes to {sha256.hexdigest()}, not {expect_sha256}")
        if written != size:
            raise DigestMismatch(f"{path}: {written} bytes read, {size} expected")
        self._streamed.append((path, written, sha256.hexdigest(), pending_sm3))

    def _next_buffer(self) -> bytearray:
        self._blocks += 1
        return self._buffers[self._blocks % len(self._buffers)]

    def streamed(self) -> list[Digest]:
        """The digests of the files add_stream copied since the last call, in order, once their
        SM3 is computed."""
        digests = [Digest(path, size, sha256, sm3.result()) for path, size, sha256, sm3 in self._streamed]
        self._streamed.clear()
        for digest in digests:
            self._record(digest)
        return digests

    def add_bytes(self, path: str, data: bytes, *, compress: bool = True, listed: bool = True) -> Digest:
        """A small file made in memory (documents, JSON, tag files). `listed=False`: no manifest lists it."""
        self.streamed()  # the manifests list files in the order they were written
        with self._zip.open(self._info(path, len(data), compress), "w") as dst:
            dst.write(data)
        sm3 = new_sm3()
        sm3.update(data)
        digest = Digest(path, len(data), hashlib.sha256(data).hexdigest(), sm3.hexdigest())
        if listed:
            self._record(digest)
        return digest

    def _record(self, digest: Digest) -> None:
        (self.payload if digest.path.startswith("data/") else self.tags).append(digest)

    def payload_oxum(self) -> str:
        return f"{sum(d.size for d in self.payload)}.{len(self.payload)}"

    def close(self) -> None:
        try:
            self.streamed()
        finally:
            self._sm3.close()
        self._zip.close()

    def abort(self) -> None:
        """Stop without finishing the archive (the sink holds a truncated ZIP, which no reader accepts)."""
        self._sm3.close()
