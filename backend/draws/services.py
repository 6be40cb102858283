"""A task's draw: commit before any randomness exists, reveal after it, redraw with a reason.

Each step is one transaction; a refused step stores nothing (docs/tasks-and-draws.md):
- commit: fresh directory confirmations of every department taking part; the population,
  inspectors and recusals frozen; quotas and staffing that can be met; a 32-byte secret and
  the commitment to it and to the announcement. Task draft → committed.
- reveal: the commitment read from the public notice, the public randomness as announced,
  the witnesses. The server reveals its secret, draws (backend.draws.verify), and stores
  the record and the assignments. Task committed → drawn.
- redraw: voids the current commitment (and its draw, whose record is kept) with a reason.
  Task committed|drawn → draft, to be adjusted and committed again.
"""
from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from backend.audit import services as audit
from backend.catalog.services import actor_id
from backend.db import unit_of_work, utcnow
from backend.directory.confirmations import KINDS, require_fresh_confirmation
from backend.directory.reference import load_references
from backend.draws import ranking, storage
from backend.draws import verify as v
from backend.draws.assignments import store_assignments
from backend.draws.encoding import PopulationEncoder
from backend.draws.model import DrawCancellation, DrawCommitment, DrawReveal
from backend.draws.params import context, draw_params, utc_text
from backend.draws.population import collect_meanwhile
from backend.draws.staffing import check_capacity, collect_inspectors, recusal_sources, recusals
from backend.errors import Conflict, ValidationFailed
from backend.policy import Principal, ensure
from backend.tasks.model import Task, TaskItem
from backend.tasks.services import locked_task
from backend.tasks.validation import stratum_keys

_NO_SEED = bytes(32)  # quotas do not depend on the seed, except which stratum gets a tied leftover seat


@contextmanager
def bulk_work() -> Iterator[None]:
    """No cyclic garbage collection while a million ids are read and hashed: its full passes over
    the growing lists would double the time. Reference counting still frees what is dropped."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def current_commitment(session: Session, task_id: int) -> DrawCommitment | None:
    """The task's latest commitment that no redraw voided."""
    return session.scalars(
        sa.select(DrawCommitment).where(DrawCommitment.task_id == task_id,
                                        ~sa.exists().where(DrawCancellation.commitment_id == DrawCommitment.id))
        .order_by(DrawCommitment.sequence.desc()).limit(1)).first()


def _state_conflict(task: Task, wanted: str) -> Conflict:
    codes = {"committed": "draw.already_committed", "drawn": "draw.already_revealed", "closed": "task.closed",
             "draft": "draw.not_committed"}
    return Conflict(f"The task is {task.status}; this step needs it {wanted}.", code=codes[task.status],
                    details={"status": task.status})


def _refuse_overlap(session: Session, task: Task) -> None:
    """Two pending commitments for one item could both draw the same entity: one at a time."""
    other = session.scalar(sa.select(Task.number).where(
        Task.id != task.id, Task.status == "committed",
        Task.id.in_(sa.select(TaskItem.task_id).where(TaskItem.item_id.in_([i.item_id for i in task.items])))))
    if other is not None:
        raise Conflict(f"Task {other} has a commitment pending for one of the same items; reveal or redraw it first.",
                       code="draw.overlapping_commitment", details={"task": other})


def _quotas(params: dict[str, Any], ids: dict[str, list[str]]) -> dict[str, int]:
    try:
        canonical = v.normalise_params(params, ids)
        return v.compute_quotas(canonical, {k: len(i) for k, i in ids.items()}, _NO_SEED)
    except v.QuotaExceedsPopulation as exc:
        raise ValidationFailed(f"Stratum {exc.stratum} has {exc.population} eligible entities, fewer than its "
                               f"quota of {exc.quota}.", code="draw.quota_exceeds_population",
                               details={"stratum": exc.stratum, "quota": exc.quota, "eligible": exc.population},
                               errors={"sampling": [str(exc)]}) from exc
    except v.InvalidDrawInput as exc:
        raise ValidationFailed(f"The draw parameters are not valid: {exc}", code="draw.invalid_parameters") from exc


def commit(principal: Principal, task_id: int, data: dict[str, Any], *, now: datetime | None = None
           ) -> DrawCommitment:
    now = now or utcnow()
    with unit_of_work() as session, bulk_work():
        task = locked_task(session, task_id)
        ensure(principal, "draws.operate", task.department_id)
        if task.status != "draft":
            raise _state_conflict(task, "draft")
        randomness = data["randomness"]
        if randomness["available_at"] <= now:
            raise ValidationFailed("The public randomness must not exist yet: declare a future draw or time.",
                                   code="draw.randomness_not_in_future",
                                   errors={"randomness": {"available_at": ["must be in the future"]}})
        for department_id in task.department_ids:
            for kind in KINDS:
                require_fresh_confirmation(session, department_id, kind)
        _refuse_overlap(session, task)
        keys = stratum_keys(task.sampling, task.scope, load_references(session).risk_classes)
        params = draw_params(task, keys)
        encoder = PopulationEncoder(keys)  # (each stratum is encoded as soon as it is read)
        population_when_read = collect_meanwhile(session, task, keys, current_app.config["DRAW_RECHECK_EXCLUSION_DAYS"],
                                                 encoder.add)
        inspectors = collect_inspectors(session, task)
        sources = recusal_sources(session, task, inspectors)
        population = population_when_read()
        targets = sum(_quotas(params, population.ids).values())
        check_capacity(inspectors, params["staffing"], params["team_size"], params["workload_cap"], targets)
        sequence = 1 + (session.scalar(sa.select(sa.func.max(DrawCommitment.sequence))
                                       .where(DrawCommitment.task_id == task.id)) or 0)
        reason = session.scalar(sa.select(DrawCancellation.reason).join(DrawCommitment)
                                .where(DrawCommitment.task_id == task.id, DrawCommitment.sequence == sequence - 1))
        source = {"available_at": utc_text(randomness["available_at"]), "kind": randomness["kind"],
                  "source": randomness["source"]}
        # zlib lets go of the GIL while it compresses: the frame is compressed in a thread while
        # this one builds and hashes the announcement.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="draw-compress") as compressing:
            frame_gz = compressing.submit(storage.encode_frame, population.entity_ids)
            announcement = v.build_announcement({
                "task_no": task.number, "params": params, "population": population.ids, "inspectors": inspectors,
                "recusals": recusals(sources, population), "public_randomness": source,
                "context": context(task, sequence, now, excluded=population.excluded, redraw_reason=reason,
                                   recheck_days=current_app.config["DRAW_RECHECK_EXCLUSION_DAYS"])},
                presorted=True,  # collect() gives each stratum sorted; the directory's keys are unique columns
                digests=encoder.digests(population.ids))
            head, _, tail = v.canonical_parts(announcement, population=False)
            middle, population_gz = encoder.finish(population.ids, announcement["population"]["digest"])
            digest = hashlib.sha256(head)
            digest.update(middle)
            digest.update(tail)
            secret = v.new_server_secret()
            row = DrawCommitment(
                task_id=task.id, sequence=sequence, algorithm=v.ALGORITHM, announcement_head=head.decode("utf-8"),
                population_gz=population_gz, population_bytes=len(middle),
                announcement_tail=tail.decode("utf-8"),
                announcement_digest=digest.hexdigest(), population_digest=announcement["population"]["digest"],
                commitment=v.commitment_hex(secret, digest.digest()), secret=secret,
                frame_gz=frame_gz.result(), randomness_kind=randomness["kind"],
                randomness_source=randomness["source"], randomness_available_at=randomness["available_at"],
                eligible_count=population.count, excluded_count=population.excluded, target_count=targets,
                stratum_count=len(keys), inspector_count=sum(1 for i in inspectors if i["eligible"]),
                committed_by=actor_id(principal), committed_at=now)
        session.add(row)
        task.status, task.updated_at = "committed", now
        session.flush()
        audit.record("draw.commit", object_type="task", object_id=task.id, actor=str(principal.user_id), payload={
            "number": task.number, "sequence": sequence, "commitment": row.commitment,
            "announcement_sha256": row.announcement_digest, "randomness": source,
            "eligible": row.eligible_count, "excluded": row.excluded_count, "targets": targets})
    return row


def _stored_announcement(commitment: DrawCommitment) -> tuple[bytes, dict[str, Any]]:
    """The population bytes and the parsed announcement, checked against the commitment."""
    head, tail = commitment.announcement_head.encode("utf-8"), commitment.announcement_tail.encode("utf-8")
    middle = storage.unpack(commitment.population_gz)
    digest = hashlib.sha256(head)
    digest.update(middle)
    digest.update(tail)
    if digest.hexdigest() != commitment.announcement_digest \
            or v.commitment_hex(commitment.secret, digest.digest(), commitment.algorithm) != commitment.commitment:
        raise Conflict("The stored announcement or secret does not match the published commitment.",
                       code="draw.commitment_mismatch", details={"commitment": commitment.commitment})
    return middle, json.loads(head + middle + tail)


def _drawn_fields(announcement: dict[str, Any], commitment: DrawCommitment, value: str,
                  select: Callable[..., dict]) -> dict[str, Any]:
    try:
        return v.reveal_fields(announcement, commitment.secret, value, bytes.fromhex(commitment.announcement_digest),
                               select=select)
    except v.TeamFormationError as exc:
        raise ValidationFailed(f"No team can be formed for target {exc.target}: {exc.reason}. Nothing was drawn; "
                               "a redraw (with a reason) can change the staffing.", code="draw.too_few_inspectors",
                               details={"target": exc.target, "reason": exc.reason}) from exc
    except v.DrawError as exc:
        raise ValidationFailed(f"The draw cannot be computed: {exc}", code="draw.invalid_parameters") from exc


def reveal(principal: Principal, task_id: int, data: dict[str, Any], *, now: datetime | None = None) -> DrawReveal:
    now = now or utcnow()
    with unit_of_work() as session, bulk_work():
        task = locked_task(session, task_id)
        ensure(principal, "draws.operate", task.department_id)
        if task.status != "committed":
            raise _state_conflict(task, "committed")
        commitment = current_commitment(session, task.id)
        assert commitment is not None
        if data["commitment"].lower() != commitment.commitment:
            raise Conflict("That is not the commitment published for this task's current draw.",
                           code="draw.commitment_mismatch", details={"sequence": commitment.sequence})
        if now < commitment.randomness_available_at:
            raise Conflict("The declared public randomness is not available yet.", code="draw.randomness_not_yet",
                           details={"available_at": utc_text(commitment.randomness_available_at)})
        try:
            v.normalise_randomness(data["value"])
        except v.InvalidDrawInput as exc:
            raise ValidationFailed(str(exc), code="draw.randomness_invalid", errors={"value": [str(exc)]}) from exc
        # The ranking helper parses the stored population while this process loads and checks it.
        with ranking.Helper(commitment.population_gz, commitment.eligible_count) as helper:
            middle, announcement = _stored_announcement(commitment)
            fields = _drawn_fields(announcement, commitment, data["value"], helper.select_strata)
        record = {**announcement, **fields, "reveal": {"revealed_at": utc_text(now), "witnesses": data["witnesses"]}}
        head, _, tail = v.canonical_parts(record, population=False)
        digest = hashlib.sha256(head)
        digest.update(middle)
        digest.update(tail)
        result = fields["result"]
        row = DrawReveal(commitment_id=commitment.id, task_id=task.id, randomness_value=data["value"],
                         witnesses=data["witnesses"], seed=fields["seed"], record_tail=tail.decode("utf-8"),
                         record_sha256=digest.hexdigest(), record_bytes=len(head) + len(middle) + len(tail),
                         target_count=len(result["teams"]), team_count=len(result["teams"]),
                         revealed_by=actor_id(principal), revealed_at=now)
        session.add(row)
        session.flush()
        store_assignments(session, task, commitment, row, announcement, result)
        task.status, task.updated_at = "drawn", now
        session.flush()
        audit.record("draw.reveal", object_type="task", object_id=task.id, actor=str(principal.user_id), payload={
            "number": task.number, "sequence": commitment.sequence, "randomness": data["value"],
            "witnesses": data["witnesses"], "seed": row.seed, "record_sha256": row.record_sha256,
            "targets": row.target_count})
    return row


def redraw(principal: Principal, task_id: int, data: dict[str, Any], *, now: datetime | None = None
           ) -> DrawCancellation:
    now = now or utcnow()
    with unit_of_work() as session:
        task = locked_task(session, task_id)
        ensure(principal, "draws.redraw", task.department_id)
        if task.status not in ("committed", "drawn"):
            raise Conflict(f"A {task.status} task has no draw to redo.", code="draw.nothing_to_redraw",
                           details={"status": task.status})
        commitment = current_commitment(session, task.id)
        assert commitment is not None
        row = DrawCancellation(commitment_id=commitment.id, reason=data["reason"],
                               cancelled_by=actor_id(principal), cancelled_at=now)
        session.add(row)
        task.status, task.updated_at = "draft", now
        session.flush()
        audit.record("draw.cancel", object_type="task", object_id=task.id, actor=str(principal.user_id), payload={
            "number": task.number, "sequence": commitment.sequence, "reason": data["reason"]})
    return row
