"""The evidence package of a case over HTTP: to its handlers and their department head, with a
stated reason, audited, streamed.

`start_export` checks who asks and why, builds the package's input and records the request
(`referral.export`, with the reason and the package id) before a byte is sent. `stream` then runs
the streaming package builder on a worker thread that writes into a small bounded queue, and
yields what it writes: memory stays at a few MiB whatever the size of the originals, and a client
that goes away stops the builder. When the last byte has gone, `evidence.package_export` records
the package's Payload-Oxum and the SHA-256 of its signed tag manifest (as the CLI does).
"""
from __future__ import annotations

import io
import logging
import queue
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import current_app

from backend.accounts.model import User
from backend.accounts.roles import Role
from backend.audit import services as audit
from backend.db import unit_of_work
from backend.errors import Forbidden, ValidationFailed
from backend.evidence.inputs import PackageInput
from backend.evidence.package import PackageResult, bag_name, export_package
from backend.policy import Principal
from backend.referrals.package_source import build_input
from backend.referrals.services import load_case

log = logging.getLogger("ssgk.referrals")
CHUNK = 1024 * 1024
QUEUED_CHUNKS = 4


@dataclass(frozen=True)
class Export:
    case_number: str
    input: PackageInput
    filename: str


def start_export(principal: Principal, case_id: int, reason: str) -> Export:
    reason = " ".join(reason.split())
    if len(reason) < 2:
        raise ValidationFailed("State why the package is exported.", code="referral.reason_required",
                               errors={"json": {"reason": ["required"]}})
    with unit_of_work() as session:
        case = load_case(session, case_id)
        is_head = Role.DEPARTMENT_HEAD.value in principal.roles and principal.department_id == case.department_id
        if principal.user_id not in case.handlers and not is_head:
            raise Forbidden("Only the case's handlers and their department head may export its evidence.",
                            code="referral.export_forbidden", details={"case_number": case.case_number})
        user = session.get(User, principal.user_id)
        exported_by = f"{user.display_name}（{user.username}）"
        package_id = str(uuid.uuid4())
        package_input = build_input(session, case, exported_by, package_id=package_id,
                                    extra_info={"Export-Reason": reason})
        audit.record("referral.export", object_type="referral_case", object_id=case.case_number, session=session,
                     payload={"package_id": package_id, "reason": reason, "exported_by": exported_by,
                              "items": len(package_input.items)})
        return Export(case.case_number, package_input, f"{bag_name(case.case_number)}.zip")


class _QueueWriter(io.RawIOBase):
    def __init__(self, out: queue.Queue[Any], cancelled: threading.Event) -> None:
        self.out, self.cancelled = out, cancelled

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.cancelled.is_set():
            raise BrokenPipeError("the client went away")
        self.out.put(bytes(data))
        return len(data)


def stream(export: Export) -> Iterator[bytes]:
    """The ZIP's bytes as the builder writes them; then the completion audit entry."""
    from backend.audit.services import signing_key

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = signing_key()
    out: queue.Queue[Any] = queue.Queue(maxsize=QUEUED_CHUNKS)
    cancelled = threading.Event()

    def build() -> None:
        with app.app_context():
            try:
                sink = io.BufferedWriter(_QueueWriter(out, cancelled), buffer_size=CHUNK)
                result = export_package(export.input, sink, signing_key=key)
                sink.flush()
                out.put(result)
            except BaseException as exc:  # noqa: BLE001  (handed to the consumer)
                out.put(exc)

    worker = threading.Thread(target=build, name=f"export-{export.case_number}", daemon=True)
    worker.start()
    try:
        while True:
            item = out.get()
            if isinstance(item, bytes):
                yield item
            elif isinstance(item, PackageResult):
                _completed(export, item)
                return
            else:
                log.error("evidence package export of %s failed: %r", export.case_number, item)
                return  # the client holds a truncated ZIP, which no reader accepts
    finally:
        cancelled.set()
        while worker.is_alive():
            try:
                out.get(timeout=0.1)
            except queue.Empty:
                pass
        worker.join()


def _completed(export: Export, result: PackageResult) -> None:
    with unit_of_work() as session:
        audit.record("evidence.package_export", object_type="referral_case", object_id=export.case_number,
                     session=session, payload={
                         "package_id": result.package_id, "tagmanifest_sha256": result.tagmanifest_sha256,
                         "payload_oxum": result.payload_oxum, "key_id": result.key_id, "items": result.items})
