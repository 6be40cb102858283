#!/usr/bin/env python3
"""Benchmark of the directory import against a bare executemany of the same rows.

    .venv/bin/python bench/import.py --rows 1000000                     # SQLite
    .venv/bin/python bench/import.py --rows 1000000 \\
        --pg-url postgresql+psycopg://app@127.0.0.1:55432/postgres      # and PostgreSQL

Writes N synthetic market entities (valid credit codes, real division and industry codes) as a
CSV with the standard's Chinese headers, then, for each engine, in two fresh migrated databases
and each in its own process:

* baseline: the CSV read with the csv module and inserted into `market_entity` with one DBAPI
  `executemany` in one transaction; no checks, no history, no supervision links;
* import: `flask directory import entities FILE --department market_regulation`, in process
  (services.import_from_cli): the whole job, both passes, history rows and links included.

Prints rows per second, peak resident memory (ru_maxrss of each process) and the process's own CPU
time side by side (the machine's load moves the wall times; the CPU time moves much less).
Goal: the import at least 1/3 of the baseline's rate, its peak memory under 300 MB.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = ["统一社会信用代码", "名称", "主体类型", "法定代表人", "住所", "经营场所", "行政区划代码", "行业代码",
          "登记状态", "成立日期", "风险等级", "经度", "纬度", "监管部门"]
COLUMNS = ["credit_code", "name", "entity_type", "legal_representative", "registered_address", "business_address",
           "division_code", "industry_code", "registration_status", "registered_on", "risk_class", "longitude",
           "latitude"]
DIVISIONS = ("370902", "370911", "370921", "370923", "370982", "370983")
TYPES = (("enterprise", "1"), ("individual_business", "2"), ("cooperative", "3"))
STATUSES = ("operating",) * 18 + ("closed", "deregistered")
TRADES = ("鑫", "泰", "岱", "汇", "诚", "福", "安", "宏", "华", "丰", "盛", "源")
SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴")


# ------------------------------------------------------------------ the synthetic file


def generate(path: Path, rows: int) -> None:
    from backend.directory.identifiers import CREDIT_CODE_CHARSET, credit_code_check_char, org_code_check_char
    from backend.directory.reference import seed_data

    industries = [i["code"] for i in seed_data()["industries"]]
    rng = random.Random(2027)
    start = date(1995, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for i in range(rows):
            n = i * 7919 + 13  # unique per i below 31**6, spread over the code space
            body = "MA"
            for _ in range(6):
                body += CREDIT_CODE_CHARSET[n % 31]
                n //= 31
            division = DIVISIONS[i % len(DIVISIONS)]
            entity_type, digit = TYPES[0] if i % 3 else TYPES[1 + (i // 3) % 2]
            first17 = "9" + digit + division + body + org_code_check_char(body)
            street = f"泰安市模拟{TRADES[i % 12]}路{i % 997 + 1}号"
            out.writerow([
                first17 + credit_code_check_char(first17),
                f"泰安{TRADES[i % 12]}{TRADES[(i // 12) % 12]}测试商贸有限公司{i}",
                entity_type, SURNAMES[i % 10] + "某" + TRADES[(i // 7) % 12], street, street, division,
                industries[i % len(industries)], STATUSES[i % len(STATUSES)],
                (start + timedelta(days=i % 10000)).isoformat(), "ABCDE"[rng.randrange(5)],
                f"{116.6 + rng.random():.6f}", f"{35.8 + rng.random() * 0.6:.6f}", "",
            ])


# ------------------------------------------------------------------ the two measured runs (child processes)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """This process's CPU time (user + system): on a shared machine the wall time depends on the
    other work running, this much less (on PostgreSQL the server's own CPU time is not in it)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_baseline(url: str, path: Path) -> dict[str, float]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    now = datetime.now(timezone.utc)
    stamp = now.isoformat(sep=" ") if url.startswith("sqlite") else now
    names = [*COLUMNS, "risk_scheme", "version", "created_at", "updated_at"]
    marks = ", ".join(("?" if url.startswith("sqlite") else "%s") for _ in names)
    statement = f"INSERT INTO market_entity ({', '.join(names)}) VALUES ({marks})"
    started, cpu = time.perf_counter(), _cpu_seconds()
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        rows = (tuple(r[:13]) + ("shandong", 1, stamp, stamp) for r in reader)
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.executemany(statement, rows)
            raw.commit()
        finally:
            raw.close()
    elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    with engine.connect() as conn:
        count = conn.scalar(sa.text("SELECT COUNT(*) FROM market_entity"))
    return {"rows": count, "seconds": elapsed, "cpu": cpu, "peak_mb": _peak_mb()}


def run_import(url: str, path: Path, media: Path) -> dict[str, float]:
    import sqlalchemy as sa

    from backend import create_app
    from backend.directory.importing.services import import_from_cli

    app = create_app({"SQLALCHEMY_DATABASE_URL": url, "MEDIA_ROOT": str(media)})
    with app.app_context():
        started, cpu = time.perf_counter(), _cpu_seconds()
        job = import_from_cli("entities", path, False, "market_regulation")
        elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
        from backend.db import db

        count = db.session.scalar(sa.text("SELECT COUNT(*) FROM market_entity"))
        history = db.session.scalar(sa.text("SELECT COUNT(*) FROM entity_change"))
    assert job.status == "succeeded", (job.status, job.failure_message)
    return {"rows": count, "history": history, "seconds": elapsed, "cpu": cpu, "peak_mb": _peak_mb(),
            "status": job.status}


# ------------------------------------------------------------------ orchestration


def _fresh_database(kind: str, pg_url: str | None, work: Path, name: str) -> str:
    from backend.migrate import upgrade

    if kind == "sqlite":
        db_path = work / f"{name}.db"
        db_path.unlink(missing_ok=True)
        url = f"sqlite:///{db_path}"
    else:
        import sqlalchemy as sa

        assert pg_url is not None
        admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        url = sa.make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    return url


def _drop_database(pg_url: str, name: str) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _child(mode: str, url: str, path: Path, work: Path) -> dict[str, float]:
    env = {**os.environ, "APP_ENV": "development", "LOG_LEVEL": "WARNING"}
    cmd = [sys.executable, __file__, "--child", mode, "--url", url, "--file", str(path), "--work", str(work)]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pg-url", help="PostgreSQL server URL; the bench creates and drops its own databases")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--work", type=Path, help="folder for the CSV and SQLite files (default: a temporary one)")
    parser.add_argument("--child", choices=("baseline", "import"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        result = (run_baseline(args.url, args.file) if args.child == "baseline"
                  else run_import(args.url, args.file, args.work / "media"))
        print(json.dumps(result))
        return

    work = args.work or Path(tempfile.mkdtemp(prefix="ssgk-bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"entities-{args.rows}.csv"
    if not path.exists():
        started = time.perf_counter()
        generate(path, args.rows)
        print(f"wrote {args.rows} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.0f} s: "
              f"{path}")
    engines = ([] if args.skip_sqlite else ["sqlite"]) + (["postgresql"] if args.pg_url else [])
    print(f"{'engine':<11} {'run':<9} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'peak MB':>8} {'client CPU s':>13}")
    for kind in engines:
        results = {}
        for mode in ("baseline", "import"):
            name = f"ssgk_bench_{mode}_{os.getpid()}"
            url = _fresh_database(kind, args.pg_url, work, name)
            try:
                results[mode] = r = _child(mode, url, path, work)
            finally:
                if kind == "postgresql":
                    _drop_database(args.pg_url, name)
                else:
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{work / name}.db{suffix}").unlink(missing_ok=True)
            print(f"{kind:<11} {mode:<9} {r['rows']:>9} {r['seconds']:>8.1f} {r['rows'] / r['seconds']:>9.0f} "
                  f"{r['peak_mb']:>8.0f} {r.get('cpu', float('nan')):>13.1f}", flush=True)
        ratio = (results["import"]["rows"] / results["import"]["seconds"]) / \
                (results["baseline"]["rows"] / results["baseline"]["seconds"])
        print(f"{kind:<11} import/baseline rate {ratio:.2f} (goal >= 0.33); import peak "
              f"{results['import']['peak_mb']:.0f} MB (goal < 300)", flush=True)


if __name__ == "__main__":
    main()
