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


def test_a_hash_fed_on_its_thread_equals_the_same_hash_fed_directly() -> None:
    blocks = [os.urandom(n) for n in (1, 1024 * 1024, 0, 4097, 1024 * 1024, 3)] * 3
    direct = new_sm3()
    for block in blocks:
        direct.update(block)
    with HashThread(new_sm3()) as threaded:
        for block in blocks:
            threaded.update(block)
    assert threaded.hexdigest() == direct.hexdigest()


def test_an_empty_stream_gives_the_hash_of_nothing() -> None:
    with HashThread(hashlib.sha256()) as threaded:
        pass
    assert threaded.hexdigest() == hashlib.sha256(b"").hexdigest()


def test_an_error_in_the_hash_is_raised_in_the_callers_thread() -> None:
    with pytest.raises(OSError, match="the hash broke"), HashThread(Exploding()) as threaded:
        for _ in range(20):  # more blocks than the queue holds: the caller must not hang
            threaded.update(b"x")
        threaded.hexdigest()


def test_no_thread_outlives_its_block_even_when_the_copy_fails() -> None:
    before = threading.active_count()
    with pytest.raises(RuntimeError), HashThread(new_sm3()) as threaded:
        threaded.update(b"block")
        raise RuntimeError("the disk failed")
    assert threading.active_count() == before
