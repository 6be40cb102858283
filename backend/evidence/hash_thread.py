"""Hashing on a helper thread, a few blocks behind the caller.

SM3 is the slowest step of copying an original into a package (OpenSSL has no x86-64 assembly
for it). hashlib's OpenSSL hashes release the GIL while they hash a large block, so a helper
thread can hash SM3 while the caller hashes SHA-256, computes the ZIP's CRC and writes. The
queue between them holds at most a few blocks: the caller waits when SM3 falls behind, so
memory stays flat however large the package, and a short stall on either side does not stop
the other. One thread serves every file of a package, and a file's digest is collected later
(a Future), so the caller starts on the next file while SM3 finishes the last one's blocks.
"""
from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from types import TracebackType
from typing import Any

DEPTH = 4  # items in flight between the caller and the thread
_END = None


class HashThread:
    """`with HashThread() as t: t.update(h, block)...; digest = t.hexdigest(h)` (a Future).

    Blocks are hashed in the order given, so a caller that reuses its buffers may refill one
    once it has handed over DEPTH + 1 blocks after it (see BagWriter). An error raised by a
    hash is raised again in the caller, at its next update() or hexdigest(), and by the
    Futures of the digests still pending."""

    def __init__(self, depth: int = DEPTH, name: str = "hash") -> None:
        self._items: queue.Queue[tuple[Any, Any] | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._items.get()) is not _END:
            hash, work = item
            try:
                if isinstance(work, Future):
                    if self._error is not None:
                        work.set_exception(self._error)
                    else:
                        work.set_result(hash.hexdigest())
                elif self._error is None:  # after a failure, keep draining so the caller never blocks
                    hash.update(work)
            except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
                self._error = error
                if isinstance(work, Future) and not work.done():
                    work.set_exception(error)

    def update(self, hash: Any, block: Any) -> None:
        self._raise_error()
        self._items.put((hash, block))

    def hexdigest(self, hash: Any) -> Future[str]:
        """The hash's hex digest once every block given before is hashed."""
        self._raise_error()
        digest: Future[str] = Future()
        self._items.put((hash, digest))
        return digest

    def close(self) -> None:
        """Hash what is queued and stop; idempotent."""
        if self._thread.is_alive():
            self._items.put(_END)
            self._thread.join()

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def __enter__(self) -> HashThread:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
