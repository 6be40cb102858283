"""HashThread: SM3 hashed on a helper thread, a few blocks behind the copy."""
from __future__ import annotations

import hashlib
import os
import threading

import pytest

from backend.evidence.bagit import new_sm3
from backend.evidence.hash_thread import HashThread


class Exploding:
    """A hash that fails on its second block."""

    def __init__(self) -> None:
        self.blocks = 0

    def update(self, data: bytes) -> None:
        self.blocks += 1
        if self.blocks == 2:
            raise OSError("the hash broke")

    def hexdigest(self) -> str:
        return "never"


def test_hashes_fed_on_the_thread_equal_the_same_hashes_fed_directly() -> None:
    files = [[os.urandom(n) for n in sizes] for sizes in ((1, 1024 * 1024, 0, 4097), (), (1024 * 1024, 3) * 5)]
    with HashThread() as thread:
        pending = []
        for blocks in files:
            sm3 = new_sm3()
            for block in blocks:
                thread.update(sm3, block)
            pending.append(thread.hexdigest(sm3))
    for blocks, digest in zip(files, pending, strict=True):
        direct = new_sm3()
        for block in blocks:
            direct.update(block)
        assert digest.result() == direct.hexdigest()


def test_an_error_in_a_hash_is_raised_in_the_callers_thread_and_by_pending_digests() -> None:
    with HashThread() as thread:
        broken = Exploding()
        before = thread.hexdigest(hashlib.sha256())
        with pytest.raises(OSError, match="the hash broke"):
            for _ in range(20):  # more blocks than the queue holds: the caller must not hang
                thread.update(broken, b"x")
            thread.hexdigest(broken).result()
    assert before.result() == hashlib.sha256().hexdigest()


def test_no_thread_outlives_its_with_block_even_when_the_copy_fails() -> None:
    before = threading.active_count()
    with pytest.raises(RuntimeError), HashThread() as thread:
        thread.update(new_sm3(), b"block")
        raise RuntimeError("the disk failed")
    assert threading.active_count() == before
