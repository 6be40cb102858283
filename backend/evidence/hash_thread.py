"""A hash fed on its own thread, a few blocks behind the caller.

SM3 is the slowest step of copying an original into a package (OpenSSL has no x86-64 assembly
for it). hashlib's OpenSSL hashes release the GIL while they hash a large block, so a helper
thread can hash SM3 while the caller hashes SHA-256, computes the ZIP's CRC and writes. The
queue between them holds at most a few blocks: the caller waits when SM3 falls behind, so
memory stays flat however large the file, and a short stall on either side does not stop the
other.
"""
from __future__ import annotations

import queue
import threading
from types import TracebackType
from typing import Any

DEPTH = 4  # blocks in flight: with 1 MiB blocks, at most ~5 MiB held besides the one being read
_END = None


class HashThread:
    """`with HashThread(hashlib.new("sm3")) as h: h.update(block)...; h.hexdigest()`.

    Blocks must be immutable (bytes): the caller goes on with the next one while this thread
    still reads it. An error raised by the hash is raised again in the caller, at its next
    update() or at hexdigest()."""

    def __init__(self, hash: Any, depth: int = DEPTH, name: str = "hash") -> None:
        self._hash = hash
        self._blocks: queue.Queue[bytes | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (block := self._blocks.get()) is not _END:
            if self._error is None:  # after a failure, keep draining so the caller never blocks
                try:
                    self._hash.update(block)
                except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
                    self._error = error

    def update(self, block: bytes) -> None:
        self._raise_error()
        self._blocks.put(block)

    def hexdigest(self) -> str:
        self._finish()
        self._raise_error()
        return str(self._hash.hexdigest())

    def _finish(self) -> None:
        if self._thread.is_alive():
            self._blocks.put(_END)
            self._thread.join()

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def __enter__(self) -> HashThread:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._finish()  # also when the copy failed half-way: no thread outlives its file
