"""Partial files (`MEDIA_ROOT/uploads/<upload id>.part`) and the lock that serialises writers.

The lock is an exclusive flock on a lock file beside it (`<upload id>.lock`), so two requests
for one upload (a stalled old connection and its retry, in two gunicorn workers) never work on
it at once. It is not the partial file itself: completion moves that file into the store while
still holding the lock, and a request arriving then must wait, not lock a new, empty file
under the old name. The lock file is removed only once the upload has ended; a request that
was waiting on a removed one locks the current one instead. Bytes are written straight from the
request stream in blocks and fsynced before the new offset is recorded.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from flask import current_app
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from backend.uploads.errors import ChecksumMismatch, UploadLocked, UploadTooLarge
from backend.uploads.tus import Checksum

BLOCK = 64 * 1024
LOCK_WAIT_SECONDS = 5.0


def directory() -> Path:
    return Path(current_app.config["MEDIA_ROOT"]) / "uploads"


def path_for(upload_id: uuid.UUID) -> Path:
    return directory() / f"{upload_id.hex}.part"


def lock_path_for(upload_id: uuid.UUID) -> Path:
    return directory() / f"{upload_id.hex}.lock"


def create(upload_id: uuid.UUID) -> None:
    directory().mkdir(parents=True, exist_ok=True)
    path_for(upload_id).touch(mode=0o600, exist_ok=True)


def remove(upload_id: uuid.UUID) -> None:
    """Remove the partial file and the lock file; call it with the lock held, once the upload has ended."""
    path_for(upload_id).unlink(missing_ok=True)
    lock_path_for(upload_id).unlink(missing_ok=True)


@dataclass
class Received:
    written: int  # bytes now part of the upload
    interrupted: BaseException | None = None  # the client went away after sending `written` bytes


class PartialFile:
    def __init__(self, fd: int, path: Path) -> None:
        self.fd, self.path = fd, path

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def truncate(self, size: int) -> None:
        os.ftruncate(self.fd, size)
        os.fsync(self.fd)

    def receive(self, stream: BinaryIO, *, start: int, limit: int, checksum: Checksum | None,
                also: Any = None) -> Received:
        """Append at most `limit` bytes of `stream` at `start` (the current end of the file);
        `also`, a hashlib object, is fed every byte written (a whole file hashed as it arrives).

        Without a checksum, bytes that arrived before the client went away are kept, as tus asks;
        with one, an incomplete or mismatching chunk is discarded whole (the offset stays)."""
        digest = checksum.new_hash() if checksum else None
        written, interrupted = 0, None
        os.lseek(self.fd, start, os.SEEK_SET)
        try:
            while True:
                try:
                    block = stream.read(BLOCK)
                except (ClientDisconnected, OSError) as exc:
                    interrupted = exc
                    break
                except RequestEntityTooLarge as exc:  # a chunked body past max_content_length
                    raise UploadTooLarge("The chunk is larger than one PATCH may be.", code="upload.chunk_too_large",
                                         details={"max_chunk_bytes": limit}) from exc
                if not block:
                    break
                written += len(block)
                if written > limit:
                    raise UploadTooLarge("The chunk goes past the end of the upload (Upload-Length).",
                                         code="upload.exceeds_length", details={"max_bytes": limit})
                if digest is not None:
                    digest.update(block)
                if also is not None:
                    also.update(block)
                _write_all(self.fd, block)
            if digest is not None and (interrupted or digest.digest() != checksum.digest):  # type: ignore[union-attr]
                if interrupted is None:
                    raise ChecksumMismatch(details={"algorithm": checksum.algorithm})  # type: ignore[union-attr]
                written = 0
        except BaseException:
            self.truncate(start)
            raise
        if written == 0:
            self.truncate(start)
        else:
            os.fsync(self.fd)
        return Received(written, interrupted)

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with open(self.path, "rb") as f:
            while block := f.read(1024 * 1024):
                digest.update(block)
        return digest.hexdigest()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


@contextmanager
def locked(upload_id: uuid.UUID, *, wait: float = LOCK_WAIT_SECONDS) -> Iterator[PartialFile]:
    """The partial file, its upload exclusively locked; 423 when another request keeps it longer than `wait`."""
    directory().mkdir(parents=True, exist_ok=True)
    lock_path = lock_path_for(upload_id)
    deadline = time.monotonic() + wait
    while True:
        lock_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _flock(lock_fd, deadline)
            if _same_file(lock_fd, lock_path):
                break
        except BaseException:
            os.close(lock_fd)
            raise
        os.close(lock_fd)  # the upload ended and its lock file went while we waited: lock the current one
    try:
        path = path_for(upload_id)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            yield PartialFile(fd, path)
        finally:
            os.close(fd)
    finally:
        fcntl.flock(lock_fd, fcntl.LOCK_UN)
        os.close(lock_fd)


def _flock(fd: int, deadline: float) -> None:
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise UploadLocked(details={"retry_after": 5}) from None
            time.sleep(0.05)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False
