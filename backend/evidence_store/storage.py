"""The content-addressed store of evidence originals.

Objects are named by their SHA-256 (`objects/ab/cd/<sha256>` under MEDIA_ROOT) and never change:
a write goes to a temporary file, is hashed while copied, fsynced, and only then linked into
place, so a reader sees a whole object or none; the same content written twice is stored once.
`adopt` takes over a file that is already hashed and fsynced (a completed upload) by moving it
instead: no copy, and one fsync, of the directory the object is linked into.
Objects are never deleted through this interface; only its own failed temporary files are.
`Storage` is the seam for another backend (an S3-compatible bucket keyed the same way).
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import tempfile
import uuid
from abc import ABC, abstractmethod
from pathlib import Path
from typing import BinaryIO

from flask import current_app

_SHA256 = re.compile(r"[0-9a-f]{64}")
_BLOCK = 1024 * 1024


class ContentMismatch(ValueError):
    """The bytes handed to the store do not hash to the name they were to be stored under."""


def check_sha256(sha256: str) -> str:
    if not isinstance(sha256, str) or _SHA256.fullmatch(sha256) is None:
        raise ValueError(f"not a lowercase hex SHA-256: {sha256!r}")
    return sha256


class Storage(ABC):
    @abstractmethod
    def put_file(self, source: Path, sha256: str) -> bool:
        """Store a copy of `source` as `sha256`; False when that content was already stored.

        Raises ContentMismatch (storing nothing) when the bytes do not hash to `sha256`."""

    def adopt(self, source: Path, sha256: str) -> bool:
        """Take over `source`, a whole file whose bytes the caller has already hashed to `sha256`
        and made durable (fsynced); False when that content was already stored.

        The store may move the file rather than copy it; `source` is gone afterwards either way."""
        stored = self.put_file(source, sha256)
        source.unlink(missing_ok=True)
        return stored

    def put_bytes(self, data: bytes) -> str:
        """Store small derived content (previews); returns its SHA-256."""
        sha256 = hashlib.sha256(data).hexdigest()
        with tempfile.NamedTemporaryFile(delete=False) as tmp:
            tmp.write(data)
        try:
            self.put_file(Path(tmp.name), sha256)
        finally:
            os.unlink(tmp.name)
        return sha256

    @abstractmethod
    def open(self, sha256: str) -> BinaryIO:
        """A binary file object positioned at the start; FileNotFoundError when absent."""

    @abstractmethod
    def exists(self, sha256: str) -> bool: ...

    @abstractmethod
    def size(self, sha256: str) -> int: ...


class LocalStorage(Storage):
    def __init__(self, root: Path) -> None:
        self.root = root
        self.objects = root / "objects"
        self.tmp = root / "tmp"

    def path_of(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self.objects / sha256[:2] / sha256[2:4] / sha256

    def put_file(self, source: Path, sha256: str) -> bool:
        target = self.path_of(sha256)
        if target.exists():
            return False
        self.tmp.mkdir(parents=True, exist_ok=True)
        tmp = self.tmp / f"{sha256}.{uuid.uuid4().hex}"
        try:
            _copy_verified(source, tmp, sha256)
            os.chmod(tmp, 0o444)
            _make_dirs(target.parent)
            created = _link_into_place(tmp, target)
            _fsync_dir(target.parent)
            return created
        finally:
            tmp.unlink(missing_ok=True)  # the only deletion this store does: its own temporary file

    def adopt(self, source: Path, sha256: str) -> bool:
        """Move `source` into place: renamed into tmp/ (so nothing can write to it under its old
        name), made read-only, hard-linked as the object, and the object's directory fsynced. The
        file's own bytes were fsynced by whoever wrote them; the rename within tmp/ needs no fsync,
        since a crash before the link leaves only a temporary file behind."""
        target = self.path_of(sha256)
        self.tmp.mkdir(parents=True, exist_ok=True)
        tmp = self.tmp / f"{sha256}.{uuid.uuid4().hex}"
        try:
            os.replace(source, tmp)
        except OSError as exc:
            if exc.errno != errno.EXDEV:  # another filesystem: copy, as put_file does
                raise
            return super().adopt(source, sha256)
        try:
            os.chmod(tmp, 0o444)
            if target.exists():
                return False
            _make_dirs(target.parent)
            created = _link_into_place(tmp, target)
            if created:
                _fsync_dir(target.parent)
            return created
        finally:
            tmp.unlink(missing_ok=True)

    def open(self, sha256: str) -> BinaryIO:
        return open(self.path_of(sha256), "rb")

    def exists(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def size(self, sha256: str) -> int:
        return self.path_of(sha256).stat().st_size


def _copy_verified(source: Path, tmp: Path, sha256: str) -> None:
    digest = hashlib.sha256()
    with open(source, "rb") as src, open(tmp, "xb") as dst:
        while block := src.read(_BLOCK):
            digest.update(block)
            dst.write(block)
        dst.flush()
        os.fsync(dst.fileno())
    if digest.hexdigest() != sha256:
        raise ContentMismatch(f"content hashes to {digest.hexdigest()}, not {sha256}")


def _link_into_place(tmp: Path, target: Path) -> bool:
    """Atomically create `target`; False when it already exists (same name, so same content)."""
    try:
        os.link(tmp, target)
        return True
    except FileExistsError:
        return False
    except OSError as exc:  # a filesystem without hard links: rename, which is atomic too
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        if target.exists():
            return False
        os.replace(tmp, target)
        return True


def _make_dirs(path: Path) -> None:
    """Create `objects/ab/cd` as needed. Not fsynced on their own: the object's directory is
    fsynced after the link, and on a journaling filesystem (ext4, XFS) that commits the journal
    transaction holding the new directories' entries as well (see docs/uploads.md, Durability)."""
    path.mkdir(parents=True, exist_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def storage() -> Storage:
    """The app's evidence store (local filesystem under MEDIA_ROOT)."""
    cache = current_app.extensions.setdefault("ssgk.evidence_storage", {})
    root = Path(current_app.config["MEDIA_ROOT"])
    if cache.get("root") != root:
        cache.update(root=root, storage=LocalStorage(root))
    return cache["storage"]
