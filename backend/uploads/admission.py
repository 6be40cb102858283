"""A bounded number of uploads at work per worker process, so interactive requests are not starved.

Uploads are bulk work: a photo costs its worker some 15 ms of CPU (hashing, decoding, storing,
recording), and a hundred phones syncing at once keep every thread busy with them. A record POST,
a packet download or a team lead's approval then waits behind all of them (bench/sync.py saw
record POSTs wait seconds). Here at most UPLOAD_CONCURRENCY uploads per process do their work at
once; the others wait for a slot (their connection open, holding no database connection and no
CPU), while the threads gunicorn has beyond those stay free for everything else. That works as
long as a worker's threads outnumber the uploads queued in it (GUNICORN_THREADS, default 8), and
costs the uploads nothing: they were CPU-bound, so running more of them at once only shared the
same cores among more of them. An upload that cannot get a slot within UPLOAD_WAIT_SECONDS is
answered 503 with Retry-After and retried by the client.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app

from backend.uploads.errors import UploadBusy

_slots: tuple[int, threading.BoundedSemaphore] | None = None  # (pid, semaphore): made anew after a fork
_making = threading.Lock()


def _semaphore() -> threading.BoundedSemaphore:
    global _slots
    with _making:
        if _slots is None or _slots[0] != os.getpid():
            _slots = (os.getpid(), threading.BoundedSemaphore(int(current_app.config["UPLOAD_CONCURRENCY"])))
        return _slots[1]


@contextmanager
def slot() -> Iterator[None]:
    semaphore = _semaphore()
    wait = float(current_app.config["UPLOAD_WAIT_SECONDS"])
    if not semaphore.acquire(timeout=wait):
        raise UploadBusy(details={"retry_after": 5})
    try:
        yield
    finally:
        semaphore.release()
