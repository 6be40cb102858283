#!/usr/bin/env python3
"""Benchmark: the results reads at city scale: due lists, the credit feed, an entity's record.

    python bench/results.py --results 100000 --engine postgresql   # BENCH_DATABASE_URL, else the test server
    python bench/results.py --results 100000 --engine sqlite

Builds a throwaway database: `--results` check records of 20 drawn tasks of market regulation
(one target each, entities from bench/draw.py's generator), their check ends spread over
2025-2026; 90% entered and published (1 in 50 of them corrected: a second version), 10% still
open (submitted to entered). Then times, each 30 times after one warm-up, with p50 and p95:

  due overdue / due soon / open   GET /api/v1/results/due for market regulation (the SQL filter
                                  on the end date plus computing each row's clock)
  feed first page / deep page     1,000 rows of GET /api/v1/results/feed (JSON and CSV)
  entity record                   GET /api/v1/results/entities/<id> for random entities

It is a measurement, not a test. Goal: every read under 100 ms at p95 on PostgreSQL.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.draw import (
    ENTITY_COLUMNS,
    TEST_SERVER,
    bulk_load,
    entity_rows,
    make_app,
    pg_database,
)

TASKS = 20
BULLETIN = ("plan_number", "plan_name", "task_number", "task_name", "check_type", "inspecting_authority",
            "entity_name", "credit_code", "registration_number", "completion_date", "result", "remarks")
OPEN = ("submitted", "under_review", "returned", "lead_approved", "approved", "entered")


def _tasks(app) -> tuple[list[tuple[int, int]], int, int]:
    """20 drawn tasks with their reveals (through the ORM, before any bulk load); ([(task, reveal)], user, dept)."""
    import sqlalchemy as sa

    from backend.accounts import users
    from backend.db import db, unit_of_work
    from backend.draws.model import DrawCommitment, DrawReveal
    from backend.orgs.model import Department
    from backend.policy import Principal
    from backend.tasks.model import Task, TaskDepartment

    system = Principal(0, "bench", 0, None, frozenset({"system_admin"}))
    with app.test_request_context():
        user = users.create_user(system, {"username": "bench-officer", "display_name": "Bench", "password": "x" * 12,
                                          "department": "market_regulation", "roles": ["inspector"], "jurisdiction": None})
        mr = db.session.scalar(sa.select(Department.id).where(Department.code == "market_regulation"))
    now = datetime.now(UTC)
    out = []
    with app.test_request_context(), unit_of_work() as session:
        for n in range(1, TASKS + 1):
            task = Task(number=f"BENCH-R-{n:03d}", name_zh=f"基准抽查任务{n}", department_id=mr, kind="routine", scope={},
                        sampling={"stratify_by": "none", "strata": {}}, team_size=2, window_start=date(2025, 1, 1),
                        window_end=date(2026, 12, 31), status="drawn",
                        departments=[TaskDepartment(department_id=mr, role="initiating")])
            session.add(task)
            session.flush()
            digest = hashlib.sha256(f"bench-{n}".encode()).hexdigest()
            commitment = DrawCommitment(
                task_id=task.id, sequence=1, algorithm="bench", announcement_head="{", population_gz=b"",
                population_bytes=0, announcement_tail="}", announcement_digest=digest, population_digest=digest,
                commitment=digest, secret=digest, frame_gz=b"", randomness_kind="witnesses", randomness_source="bench",
                randomness_available_at=now, eligible_count=0, excluded_count=0, target_count=0, stratum_count=1,
                inspector_count=2, committed_at=now)
            session.add(commitment)
            session.flush()
            reveal = DrawReveal(commitment_id=commitment.id, task_id=task.id, randomness_value="1", witnesses=[],
                                seed=digest, record_tail="}", record_sha256=digest, record_bytes=0, target_count=0,
                                team_count=0, revealed_at=now)
            session.add(reveal)
            session.flush()
            out.append((task.id, reveal.id))
    return out, user.id, mr


def build(app, count: int) -> int:
    """Loads everything; returns market regulation's id."""
    engine = app.extensions["ssgk.engine"]
    sqlite = engine.dialect.name == "sqlite"
    tasks, user, mr = _tasks(app)
    t = time.perf_counter()
    bulk_load(engine, "market_entity", ENTITY_COLUMNS, entity_rows(count))
    rng = random.Random(20261125)
    now = datetime.now(UTC)
    first = date(2025, 1, 1)
    plan = []  # (n, task, reveal, record uuid, status, ended_on)
    for n in range(1, count + 1):
        task, reveal = tasks[n % TASKS]
        ended = first + timedelta(days=rng.randrange(0, 700))
        status = "published" if rng.random() < 0.9 else rng.choice(OPEN)
        plan.append((n, task, reveal, uuid.UUID(int=rng.getrandbits(128), version=4), status, ended))
    bulk_load(engine, "assignment", ("id", "task_id", "reveal_id", "entity_id", "target", "stratum", "rank",
                                     "draw_index", "items", "window_start", "window_end"),
              ((n, task, reveal, n, f"E{n}", "B", 1, n, "[]", date(2025, 1, 1), date(2026, 12, 31))
               for n, task, reveal, *_ in plan))
    rid = (lambda u: u.hex) if sqlite else str
    bulk_load(engine, "check_record", ("id", "assignment_id", "current_revision", "status", "created_by", "created_at",
                                       "updated_at", "ended_on"),
              ((rid(u), n, 1, status, user, now, now, ended) for n, _, _, u, status, ended in plan))
    published = [p for p in plan if p[4] == "published"]
    results, rows, pid = [], [], 0
    detail = json.dumps([{"department": "market_regulation", "department_name": "市市场监管局",
                          "items": [{"code": "BENCH", "name": "基准事项",
                                     "result_categories": [{"code": "no_problem", "name": "未发现问题"}]}]}],
                        ensure_ascii=False)
    fields = json.dumps(["task_number", "task_name", "check_type", "inspecting_authority", "entity_name",
                         "credit_code", "completion_date", "result"])
    for n, task, _, u, _, ended in published:
        versions = 2 if n % 50 == 0 else 1
        at = datetime.combine(ended + timedelta(days=20), datetime.min.time(), tzinfo=UTC)
        for v in range(1, versions + 1):
            pid += 1
            rows.append((pid, n, v, pid - 1 if v > 1 else None, n, task, mr, None, None, f"BENCH-R-{task:03d}",
                         "基准抽查任务", "双随机抽查", "市市场监管局", f"泰安市泰山区基准{n}有限公司", None, None, ended,
                         "未发现问题" if v == 1 else "未按规定公示应当公示的信息", None, fields, detail,
                         "更正" if v > 1 else None, hashlib.sha256(f"{n}:{v}".encode()).hexdigest(), user,
                         at + timedelta(days=v - 1)))
        results.append((n, rid(u), n, task, n, mr, 1, ended, '{"departments": [], "check_methods": [], "followup": []}',
                        "[]", "", "published", user, at, pid, versions, at))
    bulk_load(engine, "check_result", ("id", "record_id", "assignment_id", "task_id", "entity_id", "department_id",
                                       "revision", "ended_on", "parts", "adopted", "remarks", "status", "entered_by",
                                       "entered_at", "current_published_id", "published_version", "first_published_at"),
              results)
    bulk_load(engine, "published_result", ("id", "result_id", "version", "supersedes_id", "entity_id", "task_id",
                                           "department_id", "plan_number", "plan_name", "task_number", "task_name",
                                           "check_type", "inspecting_authority", "entity_name", "credit_code",
                                           "registration_number", "completion_date", "result", "remarks",
                                           "published_fields", "detail", "correction_reason", "digest", "published_by",
                                           "published_at"), rows)
    print(f"  loaded {count:,} records, {len(results):,} results, {len(rows):,} published versions "
          f"in {time.perf_counter() - t:.1f} s", flush=True)
    return mr


def timed(fn, runs: int = 30) -> tuple[float, float]:
    fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def measure(app, mr: int, count: int) -> list[tuple[str, float, float, int]]:
    from backend.db import db
    from backend.policy import Principal
    from backend.results import feed, queries

    head = Principal(1, "bench-head", mr, None, frozenset({"department_head"}))
    today = date(2026, 11, 25)
    rng = random.Random(5)
    out = []
    with app.test_request_context():
        for state in ("overdue", "due_soon", "open"):
            size = queries.due_list(db.session, head, mr, state, today)["count"]
            p50, p95 = timed(lambda s=state: queries.due_list(db.session, head, mr, s, today))
            out.append((f"due {state}", p50, p95, size))
        for name, after in (("feed first page", 0), ("feed deep page", count // 2)):
            p50, p95 = timed(lambda a=after: feed.as_json(feed.rows(db.session, a, 1000), a))
            out.append((f"{name} (JSON)", p50, p95, 1000))
        p50, p95 = timed(lambda: feed.as_csv(feed.rows(db.session, count // 2, 1000)))
        out.append(("feed deep page (CSV)", p50, p95, 1000))
        p50, p95 = timed(lambda: queries.entity_record(db.session, rng.randrange(1, count + 1)))
        out.append(("entity record", p50, p95, 1))
        db.session.rollback()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=int, default=100_000)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="postgresql")
    args = parser.parse_args()
    from backend.migrate import upgrade

    if args.engine == "sqlite":
        url, drop = f"sqlite:///{Path(tempfile.mkdtemp(prefix='ssgk-bench-')) / 'bench.db'}", (lambda: None)
    else:
        url, drop, _ = pg_database(os.environ.get("BENCH_DATABASE_URL") or TEST_SERVER, None)
    try:
        print(f"{args.engine}: building {args.results:,} check records ...", flush=True)
        upgrade(url)
        app = make_app(url)
        mr = build(app, args.results)
        if args.engine == "postgresql":
            import sqlalchemy as sa

            with sa.create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        print(f"{'read':28} {'p50 ms':>8} {'p95 ms':>8} {'rows':>8}")
        for name, p50, p95, rows in measure(app, mr, args.results):
            print(f"{name:28} {p50:8.1f} {p95:8.1f} {rows:8,}")
        app.extensions["ssgk.engine"].dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
