"""The content-addressed store: layout, byte-for-byte originals, idempotent and verified writes."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from backend.evidence_store.storage import ContentMismatch, LocalStorage


def source(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "incoming.bin"
    path.write_bytes(data)
    return path


def test_an_object_is_stored_under_objects_ab_cd_sha256_byte_for_byte(tmp_path: Path) -> None:
    data = os.urandom(5000)
    sha = hashlib.sha256(data).hexdigest()
    store = LocalStorage(tmp_path / "media")
    assert store.put_file(source(tmp_path, data), sha) is True
    path = tmp_path / "media" / "objects" / sha[:2] / sha[2:4] / sha
    assert path.read_bytes() == data
    assert store.exists(sha) and store.size(sha) == 5000
    with store.open(sha) as f:
        assert f.read() == data
    assert oct(path.stat().st_mode & 0o777) == "0o444"


def test_the_same_content_twice_is_stored_once(tmp_path: Path) -> None:
    data = b"same photo"
    sha = hashlib.sha256(data).hexdigest()
    store = LocalStorage(tmp_path / "media")
    assert store.put_file(source(tmp_path, data), sha) is True
    inode = store.path_of(sha).stat().st_ino
    assert store.put_file(source(tmp_path, data), sha) is False
    assert store.path_of(sha).stat().st_ino == inode
    assert [p for p in (tmp_path / "media").rglob("*") if p.is_file()] == [store.path_of(sha)]


def test_content_that_does_not_match_its_name_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "media")
    wrong = hashlib.sha256(b"other").hexdigest()
    with pytest.raises(ContentMismatch):
        store.put_file(source(tmp_path, b"content"), wrong)
    assert not store.exists(wrong)
    assert [p for p in (tmp_path / "media").rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("name", ["../../etc/passwd", "ABCDEF" * 10 + "ABCD", "a" * 63, ""])
def test_only_lowercase_hex_sha256_names_are_accepted(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).path_of(name)


def test_small_derived_content_is_stored_under_its_own_hash(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "media")
    sha = store.put_bytes(b"preview jpeg")
    assert sha == hashlib.sha256(b"preview jpeg").hexdigest()
    assert store.path_of(sha).read_bytes() == b"preview jpeg"


def test_an_adopted_file_is_moved_into_place_read_only_and_its_old_name_is_gone(tmp_path: Path) -> None:
    data = os.urandom(5000)
    sha = hashlib.sha256(data).hexdigest()
    store = LocalStorage(tmp_path / "media")
    incoming = source(tmp_path, data)
    inode = incoming.stat().st_ino
    assert store.adopt(incoming, sha) is True
    assert not incoming.exists()
    assert store.path_of(sha).read_bytes() == data and store.path_of(sha).stat().st_ino == inode  # moved, not copied
    assert oct(store.path_of(sha).stat().st_mode & 0o777) == "0o444"
    assert [p for p in (tmp_path / "media").rglob("*") if p.is_file()] == [store.path_of(sha)]


def test_adopting_content_already_stored_keeps_the_stored_object_and_drops_the_file(tmp_path: Path) -> None:
    data = b"same photo"
    sha = hashlib.sha256(data).hexdigest()
    store = LocalStorage(tmp_path / "media")
    assert store.put_file(source(tmp_path, data), sha) is True
    inode = store.path_of(sha).stat().st_ino
    incoming = source(tmp_path, data)
    assert store.adopt(incoming, sha) is False
    assert not incoming.exists() and store.path_of(sha).stat().st_ino == inode
    assert [p for p in (tmp_path / "media").rglob("*") if p.is_file()] == [store.path_of(sha)]
