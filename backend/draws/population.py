"""A task's eligible population, per stratum, streamed from the target directory.

Eligible: supervised by a department of the task, inside its scope filters, not out of the
register (closed, deregistered, revoked, cancelled, moved out are never drawn), and not
excluded because of earlier tasks for one of the same items (`excluded_query`):

- in another task still open (drawn, not closed), or
- "checked" within `DRAW_RECHECK_EXCLUSION_DAYS` before this task's window: until results exist
  (a later issue), an earlier task's assignment whose planned window ended on or after
  window_start − days stands for a check. When results exist this switches to their dates.

One streaming scan for all strata, rows as plain driver tuples (no ORM objects) handled a batch
at a time: a million rows cost a plain SELECT plus well under a second.
"""
from __future__ import annotations

from array import array
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from itertools import compress, islice
from operator import not_

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.directory.model import MarketEntity, SubDirectoryMember, entity_department
from backend.draws.model import DrawCancellation, DrawReveal
from backend.tasks.model import Assignment, Task, TaskItem
from backend.tasks.schemas import DRAWABLE_STATUSES
from backend.tasks.validation import UNCLASSIFIED, WHOLE

E = MarketEntity
_BATCH = 20_000


def entity_key() -> sa.ColumnElement[str]:
    """The entity's id in a draw record: credit code, else registration number, else "L:" + local id.

    The three kinds cannot collide: 18 characters, 15 digits, and a prefix no code uses."""
    return sa.func.coalesce(E.credit_code, E.registration_number, sa.literal("L:") + E.local_id)


def scope_conditions(task: Task) -> list[sa.ColumnElement[bool]]:
    scope = task.scope
    conditions = [E.registration_status.in_(scope["registration_statuses"] or DRAWABLE_STATUSES),
                  sa.exists().where(entity_department.c.entity_id == E.id,
                                    entity_department.c.department_id.in_(task.department_ids))]
    if scope["divisions"]:
        conditions.append(E.division_code.in_(scope["divisions"]))
    if scope["industries"]:  # GB/T 4754 is hierarchical: a prefix selects the subtree
        conditions.append(sa.or_(*(E.industry_code.startswith(p, autoescape=True) for p in scope["industries"])))
    if scope["entity_types"]:
        conditions.append(E.entity_type.in_(scope["entity_types"]))
    if scope["sub_directories"]:
        conditions.append(sa.exists().where(SubDirectoryMember.entity_id == E.id,
                                            SubDirectoryMember.sub_directory_id.in_(scope["sub_directories"])))
    if scope["risk_classes"]:
        conditions.append(E.risk_class.in_(scope["risk_classes"]))
    return conditions


def stratum_of(task: Task) -> sa.ColumnElement[str]:
    """The stratum key of an entity: its risk class, U without one, or ALL when not stratified."""
    if task.sampling["stratify_by"] == "none":
        return sa.literal(WHOLE)
    return sa.func.coalesce(E.risk_class, UNCLASSIFIED)


def strata_condition(task: Task, keys: list[str]) -> sa.ColumnElement[bool]:
    if task.sampling["stratify_by"] == "none":
        return sa.true()
    inside = E.risk_class.in_([k for k in keys if k != UNCLASSIFIED])
    return sa.or_(inside, E.risk_class.is_(None)) if UNCLASSIFIED in keys else inside


def current_assignments() -> sa.ColumnElement[bool]:
    """Assignments of draws that were not voided by a redraw."""
    return ~sa.exists().where(DrawReveal.id == Assignment.reveal_id,
                              DrawCancellation.commitment_id == DrawReveal.commitment_id)


def excluded_query(task: Task, recheck_days: int) -> sa.Select[tuple[int]]:
    """Directory ids excluded by earlier tasks for one of the same items (see the module's text)."""
    cutoff = task.window_start - timedelta(days=recheck_days)
    others = sa.select(Task.id).where(Task.id != task.id)
    return (sa.select(Assignment.entity_id).distinct()
            .join(Task, Task.id == Assignment.task_id)
            .join(TaskItem, TaskItem.task_id == Assignment.task_id)
            .where(Assignment.task_id.in_(others), TaskItem.item_id.in_([i.item_id for i in task.items]),
                   current_assignments(), sa.or_(Task.status == "drawn", Assignment.window_end >= cutoff)))


def population_query(task: Task, keys: list[str], postgresql: bool) -> sa.Select[tuple[str, int, str]]:
    """(draw id, directory id, stratum) of every entity in scope, by stratum then id in byte order."""
    key = entity_key()
    # The id is selected as it is sorted, in "C": one column in PostgreSQL's sort instead of the id
    # and a copy of it to sort by (68 bytes a row instead of 100: less to sort, merge and spill).
    in_byte_order = key.collate("C") if postgresql else key
    by_stratum = () if task.sampling["stratify_by"] == "none" else (stratum_of(task),)  # (not by a constant)
    return (sa.select(in_byte_order, E.id, stratum_of(task))
            .where(*scope_conditions(task), strata_condition(task, keys))
            .order_by(*by_stratum, in_byte_order))


@dataclass
class Population:
    ids: dict[str, list[str]] = field(default_factory=dict)  # stratum -> draw ids in byte order
    entity_ids: dict[str, array] = field(default_factory=dict)  # stratum -> directory ids, aligned
    excluded: int = 0

    @property
    def count(self) -> int:
        return sum(len(ids) for ids in self.ids.values())

    def draw_ids_of(self, entity_ids: Collection[int]) -> dict[int, str]:
        """Directory id -> draw id, for those of `entity_ids` in the population (C-level scans)."""
        wanted = entity_ids if isinstance(entity_ids, (set, frozenset)) else set(entity_ids)
        found: dict[int, str] = {}
        for stratum, frame in self.entity_ids.items():
            if wanted and not wanted.isdisjoint(frame):
                found.update(compress(zip(frame, self.ids[stratum]), map(wanted.__contains__, frame)))
        return found


def stream_rows(session: Session, stmt: sa.Select) -> Iterator[list[tuple]]:
    """Batches of plain tuples straight from the driver, in the session's transaction.

    The hot path of a draw reads a million rows: SQLAlchemy's row objects would cost more than
    the query. The statement's values are rendered inline: they are codes and ids the task's
    validation checked, never free text. On PostgreSQL the rows stream: in libpq's chunked mode
    (libpq 17) the server keeps producing while the client handles a batch, and may scan in
    parallel; with an older libpq a named (server-side) cursor fetches batch after batch."""
    connection = session.connection()
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    raw = connection.connection.dbapi_connection
    if connection.dialect.name != "postgresql":
        yield from _fetched(raw.cursor(), sql)
        return
    sql = sql.replace("%%", "%")
    # JIT compiling the scan's expressions, in every parallel worker, costs more than it saves on
    # a scan and sort of plain columns (EXPLAIN ANALYZE of the population: 1.24-1.42 s without,
    # 1.48-1.53 s with). For the rest of this transaction only.
    connection.exec_driver_sql("SET LOCAL jit = off")
    import psycopg  # only on PostgreSQL

    if not psycopg.capabilities.has_stream_chunked():
        yield from _fetched(raw.cursor(name="ssgk_draw_population"), sql)
        return
    # A read left early (an error in the caller) makes psycopg cancel the running query, and a
    # cancelled statement aborts the whole transaction: the savepoint keeps it usable.
    connection.exec_driver_sql("SAVEPOINT ssgk_population")
    cursor = raw.cursor()
    rows = cursor.stream(sql, size=_BATCH)
    finished = False
    try:
        while batch := list(islice(rows, _BATCH)):
            yield batch
        finished = True
    finally:
        rows.close()
        cursor.close()
        connection.exec_driver_sql(("RELEASE" if finished else "ROLLBACK TO") + " SAVEPOINT ssgk_population")


def _fetched(cursor, sql: str) -> Iterator[list[tuple]]:  # type: ignore[no-untyped-def]
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(_BATCH):
            yield rows
    finally:
        cursor.close()


def collect(session: Session, task: Task, keys: list[str], recheck_days: int,
            on_stratum: Callable[[str, list[str]], None] | None = None) -> Population:
    """Every stratum in one scan, each stratum's ids in byte order with their directory ids aligned.

    The database returns the rows by (stratum, id), the ids in byte order: SQLite's BINARY
    collation, PostgreSQL's "C" (its sort runs in parallel workers before the rows stream, and costs
    less than sorting here). The ids are unique: credit code, registration number and local id are
    unique columns of the directory (entity_key). `on_stratum(key, ids)` is called once per
    stratum, as soon as its ids are final, while the later strata are still being read."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    excluded = set(session.scalars(excluded_query(task, recheck_days)))
    return _read(session, lambda: excluded, population_query(task, keys, postgresql), keys, on_stratum)


def collect_meanwhile(session: Session, task: Task, keys: list[str], recheck_days: int,
                      on_stratum: Callable[[str, list[str]], None] | None = None) -> Callable[[], Population]:
    """collect(), started now; the function returned waits for it and gives its population.

    On PostgreSQL the read runs in a thread, on a connection of its own: the server scans, joins
    and sorts for most of a second before the first of a million rows, and meanwhile the caller's
    own queries run: first the exclusions, here (the reading thread needs them only when the rows
    arrive), then the caller's (inspectors, recusals). The thread's transaction sees what the
    caller's would: in READ COMMITTED each statement reads a snapshot of its own, and the caller
    has written nothing yet. Elsewhere (SQLite: one file, no such parallel work) it runs in the
    caller's session. `on_stratum` runs in the reading thread."""
    if session.get_bind().dialect.name != "postgresql":
        return partial(collect, session, task, keys, recheck_days, on_stratum)
    bind = session.get_bind()
    stmt = population_query(task, keys, True)  # (made here: the task belongs to the caller's session)
    excluded: Future[set[int]] = Future()

    def read() -> Population:
        with Session(bind) as own, own.begin():
            return _read(own, excluded.result, stmt, keys, on_stratum)

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="draw-population")
    future = pool.submit(read)
    pool.shutdown(wait=False)
    try:
        excluded.set_result(set(session.scalars(excluded_query(task, recheck_days))))
    except BaseException as exc:
        excluded.set_exception(exc)  # (the reading thread stops at its first rows)
        raise
    return future.result


def _read(session: Session, excluded_ids: Callable[[], set[int]], stmt: sa.Select, keys: list[str],
          on_stratum: Callable[[str, list[str]], None] | None) -> Population:
    """Rows are handled a batch at a time with C-level helpers (zip, compress, map over bound
    methods), never one by one in Python code. The rows come grouped by stratum: one is complete
    when the next begins. `excluded_ids()` gives the directory ids to leave out (asked for when
    the first rows arrive)."""
    excluded: set[int] | None = None
    population = Population(ids={k: [] for k in keys}, entity_ids={k: array("q") for k in keys})
    strata_read = _Strata(population, on_stratum)
    for rows in stream_rows(session, stmt):
        if excluded is None:
            excluded = excluded_ids()
        ids, entity_ids, strata = zip(*rows)
        if excluded and not excluded.isdisjoint(entity_ids):
            keep = list(map(not_, map(excluded.__contains__, entity_ids)))
            population.excluded += len(keep) - sum(keep)
            ids, entity_ids, strata = (tuple(compress(column, keep)) for column in (ids, entity_ids, strata))
            if not ids:
                continue
        if strata[0] == strata[-1]:  # (ordered: nearly every batch holds one stratum)
            population.ids[strata[0]].extend(ids)
            population.entity_ids[strata[0]].extend(entity_ids)
            strata_read.arrived([strata[0]])
            continue
        here = list(dict.fromkeys(strata))  # (in order of arrival)
        for stratum in here:
            mine = list(map(stratum.__eq__, strata))
            population.ids[stratum].extend(compress(ids, mine))
            population.entity_ids[stratum].extend(compress(entity_ids, mine))
        strata_read.arrived(here)
    strata_read.all_read(keys)
    return population


class _Strata:
    """Which strata of a read are complete: each is put in byte order if it is not (a guard), then
    handed to on_stratum, once, as soon as the next stratum's rows arrive."""

    def __init__(self, population: Population, on_stratum: Callable[[str, list[str]], None] | None) -> None:
        self.population, self.on_stratum = population, on_stratum
        self.current: str | None = None
        self.done: set[str] = set()

    def arrived(self, strata: list[str]) -> None:
        """A batch brought rows of these strata, in this order: all but the last are complete."""
        for stratum in strata:
            self.done.discard(stratum)  # (rows of a stratum already complete: a database that did not
            #                              group them; it is completed again when all is read)
        for stratum in (self.current, *strata[:-1]):
            if stratum is not None and stratum != strata[-1]:
                self._complete(stratum)
        self.current = strata[-1]

    def all_read(self, keys: list[str]) -> None:
        for stratum in keys:  # the last one, and those without a row
            self._complete(stratum)

    def _complete(self, stratum: str) -> None:
        if stratum in self.done:
            return
        self.done.add(stratum)
        population = self.population
        ids = population.ids[stratum]
        if ids != sorted(ids):  # (cheap on sorted input)
            # Not byte order after all (a database collating otherwise): sort here, keeping the frame
            # aligned. An argsort: its comparisons are the ids' (a plain string sort), and both columns
            # are then permuted by C-level maps (a dict from id to directory id measured twice as slow).
            order = sorted(range(len(ids)), key=ids.__getitem__)
            population.ids[stratum] = list(map(ids.__getitem__, order))
            population.entity_ids[stratum] = array("q", map(population.entity_ids[stratum].__getitem__, order))
        if self.on_stratum is not None:
            self.on_stratum(stratum, population.ids[stratum])


def baseline_query(task: Task) -> sa.Select[tuple[str]]:
    """One plain SELECT of the eligible ids (scope and status, no strata, no exclusions): the bench's yardstick."""
    return sa.select(entity_key()).where(*scope_conditions(task))
