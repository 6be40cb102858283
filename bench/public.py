#!/usr/bin/env python3
"""Benchmark: public searches over 100,000 published results.

    .venv/bin/python bench/public.py                          # SQLite, a file in a temporary directory
    .venv/bin/python bench/public.py --engine postgresql      # BENCH_DATABASE_URL, else the test server
    .venv/bin/python bench/public.py --database-url postgresql+psycopg://app@127.0.0.1:55442/postgres

Builds a throwaway, migrated database (a SQLite file, or a PostgreSQL database it creates and
drops) and loads, with the rows the results services would leave: `--entities` fictional
market entities (backend/demo/synthetic.py: realistic, varied Chinese names and credit codes),
`--tasks` drawn tasks, and `--results` results, one per assignment, each with its check
record, its result head and its published version 1; `--corrected` of them are corrected
(a version 2 row superseding the first). Then, through the Flask test client (routing,
validation, the query, the count, serialisation: what a request costs minus the network), it
times `--queries` searches of each kind:

  name      a 2-4 character fragment of an entity's name (LIKE '%...%' over every row)
  code      a whole unified social credit code, lower-cased as people type it
  prefix    the first 6-12 characters of a credit code

on the JSON API (GET /api/v1/public/results?q=) and on the page (GET /public/search?q=), and
an entity page (GET /public/entities/<code>), and prints p50, p95 and max in milliseconds.
It is a measurement, not a test: nothing fails when the goal is missed. Goal: p95 < 100 ms.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.draw import TEST_SERVER, bulk_load, pg_database  # noqa: E402  (sets the app's environment)

GOAL_MS = 100
RESULTS = ("未发现问题", "未发现问题", "未发现问题", "发现问题已责令改正", "未按规定公示应当公示的信息",
           "通过登记的住所（经营场所）无法联系", "发现问题待后续处理")
AUTHORITIES = ("泰安市市场监督管理局", "泰安市市场监督管理局、泰安市生态环境局", "泰安市泰山区市场监督管理局")
FIELDS = ["plan_number", "plan_name", "task_number", "task_name", "check_type", "inspecting_authority", "entity_name",
          "credit_code", "completion_date", "result", "remarks"]


def _json(value: str) -> str:
    return value  # JSON columns take their text as it is, on both engines


def build(url: str, *, entities: int, tasks: int, results: int, corrected: int) -> list[dict]:
    """Load the database; returns the entities (credit code, name) that have results."""
    import sqlalchemy as sa

    from backend import create_app
    from backend.accounts import users
    from backend.db import db
    from backend.demo.synthetic import generate_entities
    from backend.migrate import upgrade
    from backend.policy import Principal

    upgrade(url)
    app = create_app({"SQLALCHEMY_DATABASE_URL": url})
    engine = app.extensions["ssgk.engine"]
    postgresql = engine.dialect.name == "postgresql"
    system = Principal(0, "bench", 0, None, frozenset({"system_admin"}))
    with app.test_request_context():
        user = users.create_user(system, {"username": "bench", "display_name": "Bench", "password": "bench-password",
                                          "department": "market_regulation", "roles": ["system_admin"]}).id
        dept = db.session.scalar(sa.text("SELECT id FROM department WHERE code = 'market_regulation'"))
    rng = random.Random(20270401)
    now = datetime(2027, 6, 30, 8, 0, tzinfo=timezone.utc)

    t = time.perf_counter()
    people = list(generate_entities(entities, seed=2027))
    bulk_load(engine, "market_entity", (
        "id", "credit_code", "name", "entity_type", "division_code", "industry_code", "registration_status",
        "risk_scheme", "risk_class", "version", "created_at", "updated_at"),
        ((n, e["credit_code"], e["name"], e["entity_type"], e["division_code"], e["industry_code"],
          e["registration_status"], "shandong", e["risk_class"], 1, now, now) for n, e in enumerate(people, 1)))
    print(f"  {entities:,} entities in {time.perf_counter() - t:.1f} s", flush=True)

    t = time.perf_counter()
    per_task = -(-results // tasks)
    task_rows, department_rows, commitment_rows, reveal_rows = [], [], [], []
    assignment_rows, record_rows, head_rows, published_rows = [], [], [], []
    published_id = 0
    chosen: list[dict] = []
    for task_id in range(1, tasks + 1):
        number = f"SCJG-2027-B{task_id:04d}"
        name = f"2027年第{task_id}批“双随机、一公开”抽查（基准）"
        start = date(2027, 1, 4) + timedelta(days=(task_id * 3) % 150)
        task_rows.append((task_id, number, name, dept, "routine", '{"description_zh": "基准"}', "{}", 2, False,
                          start, start + timedelta(days=30), "after_checks", "closed", 1, now, now))
        department_rows.append((task_id, dept, "initiating", 1))
        commitment_rows.append((task_id, task_id, 1, "ssgk-draw/1", "{}", b"", 0, "}", "0" * 64, "0" * 64,
                                f"{task_id:064x}", "0" * 64, b"", "lottery", "基准", now, entities, 0, per_task, 1, 1,
                                now))
        reveal_rows.append((task_id, task_id, task_id, "1 2 3", "[]", "0" * 64, "}", "0" * 64, 0, per_task, per_task,
                            now))
        count = min(per_task, results - len(assignment_rows))
        for n, entity in enumerate(rng.sample(range(1, entities + 1), count), 1):
            aid = len(assignment_rows) + 1
            e = people[entity - 1]
            ended = start + timedelta(days=rng.randrange(30))
            published_at = datetime.combine(ended + timedelta(days=rng.randrange(1, 28)), datetime.min.time(),
                                            timezone.utc) + timedelta(seconds=rng.randrange(86400))
            record = uuid.UUID(int=rng.getrandbits(128))
            assignment_rows.append((aid, task_id, task_id, entity, e["credit_code"], e["risk_class"], n, n, "[]",
                                    start, start + timedelta(days=30)))
            record_rows.append((record if postgresql else record.hex, aid, 1, "published", user, now, now, ended))
            published_id += 1
            head_rows.append([aid, record if postgresql else record.hex, aid, task_id, entity, dept, 1, ended, "[]",
                              "[]", "", "published", user, published_at, published_id, 1, published_at])
            row = [published_id, aid, 1, None, None, entity, task_id, dept, None, None, number, name, "定向抽查",
                   rng.choice(AUTHORITIES), e["name"], e["credit_code"], None, ended, rng.choice(RESULTS), None,
                   _json('["task_number","task_name","check_type","inspecting_authority","entity_name",'
                         '"credit_code","completion_date","result"]'), "[]", None, f"{published_id:064x}", user,
                   published_at]
            published_rows.append(row)
            chosen.append({"credit_code": e["credit_code"], "name": e["name"]})
    for old in rng.sample(published_rows[:], corrected):
        published_id += 1
        new = list(old)
        new[0], new[2], new[3] = published_id, 2, old[0]
        new[18], new[22] = "发现问题已责令改正", "整改已完成，原结果录入有误"
        new[23], new[25] = f"{published_id:064x}", old[25] + timedelta(days=5)
        published_rows.append(new)
        head = head_rows[old[1] - 1]
        head[14], head[15] = published_id, 2
    bulk_load(engine, "task", ("id", "number", "name_zh", "department_id", "kind", "scope", "sampling", "team_size",
                               "recuse_previous", "window_start", "window_end", "names_public", "status", "version",
                               "created_at", "updated_at"), task_rows)
    bulk_load(engine, "task_department", ("task_id", "department_id", "role", "min_per_team"), department_rows)
    bulk_load(engine, "draw_commitment", (
        "id", "task_id", "sequence", "algorithm", "announcement_head", "population_gz", "population_bytes",
        "announcement_tail", "announcement_digest", "population_digest", "commitment", "secret", "frame_gz",
        "randomness_kind", "randomness_source", "randomness_available_at", "eligible_count", "excluded_count",
        "target_count", "stratum_count", "inspector_count", "committed_at"), commitment_rows)
    bulk_load(engine, "draw_reveal", ("id", "commitment_id", "task_id", "randomness_value", "witnesses", "seed",
                                      "record_tail", "record_sha256", "record_bytes", "target_count", "team_count",
                                      "revealed_at"), reveal_rows)
    bulk_load(engine, "assignment", ("id", "task_id", "reveal_id", "entity_id", "target", "stratum", "rank",
                                     "draw_index", "items", "window_start", "window_end"), assignment_rows)
    bulk_load(engine, "check_record", ("id", "assignment_id", "current_revision", "status", "created_by",
                                       "created_at", "updated_at", "ended_on"), record_rows)
    bulk_load(engine, "check_result", (
        "id", "record_id", "assignment_id", "task_id", "entity_id", "department_id", "revision", "ended_on", "parts",
        "adopted", "remarks", "status", "entered_by", "entered_at", "current_published_id", "published_version",
        "first_published_at"), head_rows)
    bulk_load(engine, "published_result", (
        "id", "result_id", "version", "supersedes_id", "correction_id", "entity_id", "task_id", "department_id",
        "plan_number", "plan_name", "task_number", "task_name", "check_type", "inspecting_authority", "entity_name",
        "credit_code", "registration_number", "completion_date", "result", "remarks", "published_fields", "detail",
        "correction_reason", "digest", "published_by", "published_at"), published_rows)
    if postgresql:
        with engine.connect() as conn:
            for table in ("task", "draw_commitment", "draw_reveal", "assignment", "check_result", "published_result"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))")
            conn.commit()
        with sa.create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    print(f"  {len(published_rows):,} published rows ({results:,} results, {corrected:,} corrected) "
          f"in {tasks} tasks in {time.perf_counter() - t:.1f} s", flush=True)
    return chosen


def loaded(url: str) -> list[dict]:
    """The entities with results in a database built before (--reuse), brought to the latest migration."""
    import sqlalchemy as sa

    from backend.migrate import upgrade

    upgrade(url)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT credit_code, entity_name FROM published_result WHERE version = 1 "
                                    "ORDER BY id")).all()
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    if engine.dialect.name == "postgresql":
        with sa.create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    return [{"credit_code": code, "name": name} for code, name in rows]


def queries(chosen: list[dict], count: int, seed: int = 7) -> dict[str, list[str]]:
    rng = random.Random(seed)
    sample = rng.sample(chosen, count)
    names = []
    for e in sample:
        size = rng.choice((2, 3, 4))
        start = rng.randrange(0, max(1, len(e["name"]) - size))
        names.append(e["name"][start:start + size])
    return {"name": names,
            "code": [e["credit_code"].lower() for e in sample],
            "prefix": [e["credit_code"][:rng.randrange(6, 13)] for e in sample]}


def timed(client, path: str, params: dict | None = None) -> tuple[float, int]:
    start = time.perf_counter()
    resp = client.get(path, query_string=params)
    elapsed = (time.perf_counter() - start) * 1000
    assert resp.status_code == 200, (path, params, resp.status_code)
    return elapsed, resp


def measure(url: str, chosen: list[dict], count: int) -> list[tuple[str, list[float], float]]:
    import json

    from backend import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URL": url})
    client = app.test_client()
    asked = queries(chosen, count)
    for q in asked["name"][:10]:  # warm up: connections, caches, templates
        client.get("/public/search", query_string={"q": q})
        client.get("/api/v1/public/results", query_string={"q": q})
    rows = []
    for kind, values in asked.items():
        for label, path in (("JSON /api/v1/public/results", "/api/v1/public/results"), ("page /public/search",
                                                                                        "/public/search")):
            times, found = [], []
            for q in values:
                ms, resp = timed(client, path, {"q": q})
                times.append(ms)
                if path.startswith("/api"):
                    found.append(json.loads(resp.headers["X-Pagination"])["total"])
            rows.append((f"{kind:<7}{label}", times, statistics.mean(found) if found else float("nan")))
    pages = [timed(client, f"/public/entities/{e['credit_code']}")[0] for e in random.Random(3).sample(chosen, count)]
    rows.append(("entity page /public/entities/<code>", pages, float("nan")))
    return rows


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=int, default=100_000)
    parser.add_argument("--entities", type=int, default=80_000)
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument("--corrected", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=200, help="searches of each kind")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", help="a PostgreSQL server URL to create the throwaway database on")
    parser.add_argument("--reuse", metavar="NAME", help="keep the database (SQLite: this file; PostgreSQL: this "
                        "database name) and, when it exists, measure it without loading")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ssgk-bench-public-"))
    engine = "postgresql" if args.database_url else args.engine
    if engine == "sqlite":
        reuse = Path(args.reuse).resolve() if args.reuse else None
        url, drop, exists = f"sqlite:///{reuse or work / 'public.db'}", (lambda: None), bool(reuse and reuse.exists())
    else:
        url, drop, exists = pg_database(args.database_url or os.environ.get("BENCH_DATABASE_URL") or TEST_SERVER,
                                        args.reuse)
    try:
        if exists:
            print(f"{engine}: reusing {args.reuse}", flush=True)
            chosen = loaded(url)
        else:
            print(f"{engine}: loading {args.results:,} published results ...", flush=True)
            chosen = build(url, entities=args.entities, tasks=args.tasks, results=args.results,
                           corrected=args.corrected)
        rows = measure(url, chosen, args.queries)
    finally:
        drop()
        for path in work.iterdir():
            path.unlink()
        work.rmdir()
    print(f"\n== {engine}: {args.results:,} published results (+{args.corrected:,} corrections), "
          f"{args.queries} queries each, milliseconds ==")
    print(f"{'search':<44}{'p50':>8}{'p95':>8}{'max':>8}{'avg hits':>10}  goal p95 < {GOAL_MS}")
    for name, times, hits in rows:
        p95 = percentile(times, 95)
        print(f"{name:<44}{percentile(times, 50):>8.1f}{p95:>8.1f}{max(times):>8.1f}{hits:>10.0f}  "
              f"{'ok' if p95 < GOAL_MS else 'MISSED'}")


if __name__ == "__main__":
    main()
