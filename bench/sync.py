#!/usr/bin/env python3
"""Benchmark of field sync through gunicorn on loopback, against a raw-upload baseline.

    .venv/bin/python bench/sync.py                       # 100 inspectors, SQLite
    .venv/bin/python bench/sync.py --inspectors 50 \\
        --database-url postgresql+psycopg://app@127.0.0.1:55432/postgres

Each simulated inspector (one thread, one account, one assignment shared with a partner) syncs
one check record with 6 photos of about 400 KB and 3 signatures, as the app does: POST the
record, upload what the server reports missing through tus (creation with the whole file as
its body), POST the record again, which must answer complete. The baseline, in the same run
on the same server: the same photo bytes, one POST each, to a bench-only endpoint
(backend/field/bench.py, registered only under SSGK_BENCH=1) that authenticates, streams the
body to a file while hashing it and fsyncs.

Goals: sync throughput at least half the baseline's; p95 of record POSTs under 300 ms.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent


def environment(args: argparse.Namespace, work: Path) -> dict[str, str]:
    from backend.audit.checkpoint import generate_private_key_b64

    url = args.database_url or f"sqlite:///{work / 'bench.db'}"
    if args.database_url:  # a fresh database on the given server
        import sqlalchemy as sa

        name = f"ssgk_bench_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(args.database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = sa.make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
    return {**os.environ, "APP_ENV": "development", "DATABASE_URL": url, "MEDIA_ROOT": str(work / "media"),
            "SECRET_KEY": secrets.token_hex(32), "JWT_KEYS": json.dumps({"bench": secrets.token_urlsafe(48)}),
            "AUDIT_SIGNING_KEY": generate_private_key_b64(), "PASSWORD_SCRYPT_N": "256",
            "SSGK_BENCH": "1", "WEB_CONCURRENCY": str(args.workers), "ACCESS_TOKEN_TTL": "3600",
            "GUNICORN_THREADS": str(args.threads), "LOG_LEVEL": "INFO"}


def seed(env: dict[str, str], count: int):  # type: ignore[no-untyped-def]
    """Accounts, linked inspectors, a checklist item and one assignment per inspector (with a partner)."""
    os.environ.update(env)
    from backend import create_app
    from backend.accounts import users
    from backend.policy import Principal
    from tests.support.draws import seed_entities, seed_inspectors
    from tests.support.field import RecordDraft, checklist_item, make_assignments

    app = create_app()
    system = Principal(0, "bench", 0, None, frozenset({"system_admin"}))
    inspectors = []
    for n in range(count):
        with app.test_request_context():
            user = users.create_user(system, {"username": f"bench{n}", "display_name": f"Bench {n}",
                                              "password": "bench-password", "department": "market_regulation",
                                              "roles": ["inspector"], "jurisdiction": None})
        inspectors.append(seed_inspectors(app, "market_regulation", 1, user_id=user.id)[0])
    item = checklist_item(app, "market_regulation")
    entities = seed_entities(app, {"B": count})
    drafts = []
    for n in range(count):
        team = [inspectors[n], inspectors[(n + 1) % count]]
        [assignment] = make_assignments(app, entities[n:n + 1], team, [item], "market_regulation")
        drafts.append(RecordDraft(assignment, [item], [f"I{i}" for i in team], photos=6))
    return drafts


def serve(env: dict[str, str], work: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (work / "gunicorn.log").open("wb")
    proc = subprocess.Popen([str(BIN / "gunicorn"), "-c", "backend/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                             "backend:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    import urllib.request

    for _ in range(150):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"gunicorn did not start; see {work / 'gunicorn.log'}")


def server_times(work: Path) -> dict[str, list[float]]:
    """Request durations as the server logged them (JSON access log: time in the app, no queueing),
    by kind of request."""
    kinds: dict[str, list[float]] = {}
    for line in (work / "gunicorn.log").read_text("utf-8", "replace").splitlines():
        if '"ssgk.request"' not in line:
            continue
        try:
            entry = json.loads(line)
            path = entry["path"]
            kind = f"{entry['method']} {path if not path.startswith('/api/v1/uploads/') else '/api/v1/uploads/<id>'}"
            kinds.setdefault(kind, []).append(float(entry["duration_ms"]))
        except (ValueError, KeyError):
            pass
    return kinds


def server_cpu(proc: subprocess.Popen[bytes]) -> float:
    """CPU seconds (user + system) used so far by gunicorn's master and its workers."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if proc.pid in (pid, ppid):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def timed(proc: subprocess.Popen[bytes], run):  # type: ignore[no-untyped-def]
    """`run()`'s result with the CPU seconds it cost the server and this (client) process."""
    server, client = server_cpu(proc), time.process_time()
    result = run()
    return result, server_cpu(proc) - server, time.process_time() - client


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inspectors", type=int, default=100)
    parser.add_argument("--photo-side", type=int, default=630, help="pixels; 630 makes about 400 KB of noise JPEG")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker (as GUNICORN_THREADS)")
    parser.add_argument("--database-url", help="a PostgreSQL server URL; a fresh database is made on it")
    args = parser.parse_args()

    from tests.support.field import Evidence
    from tests.support.sync_client import Flaky, Syncer, noise_jpeg

    with tempfile.TemporaryDirectory(prefix="ssgk-bench-") as tmp:
        work = Path(tmp)
        env = environment(args, work)
        subprocess.run([str(BIN / "flask"), "--app", "backend", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        t0 = time.perf_counter()
        drafts = seed(env, args.inspectors)
        for draft in drafts:
            draft.pictures = [Evidence(p.id, "photo", noise_jpeg(args.photo_side), "image/jpeg")
                              for p in draft.pictures]
        print(f"seeded {args.inspectors} inspectors in {time.perf_counter() - t0:.1f} s")
        proc, base = serve(env, work)
        try:
            devices = []
            for n, draft in enumerate(drafts):
                client = Flaky(base)
                answer = client.call("POST", "/api/v1/auth/token", {"Content-Type": "application/json"},
                                     json.dumps({"username": f"bench{n}", "password": "bench-password"}).encode())
                devices.append(Syncer(client, {"Authorization": f"Bearer {json.loads(answer.body)['access_token']}"}))
            baseline = timed(proc, lambda: run_baseline(devices, drafts))
            synced = timed(proc, lambda: run_sync(devices, drafts))
            report(baseline[0], synced[0], args, server_times(work))
            photos = sum(len(d.evidence) for d in drafts)
            for name, (_, server, client) in (("baseline", baseline), ("sync", synced)):
                print(f"CPU, {name:8}: server {server:5.1f} s ({server / photos * 1000:4.1f} ms per file), "
                      f"client {client:5.1f} s")
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def run_baseline(devices, drafts) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    def one(n: int) -> int:
        sent = 0
        for picture in drafts[n].evidence:
            answer = devices[n].http.call("POST", "/api/v1/bench/raw", {**devices[n].auth,
                                          "Content-Type": "application/octet-stream"}, picture.data)
            assert answer.status == 201, answer
            sent += len(picture.data)
        return sent

    started = time.perf_counter()
    with ThreadPoolExecutor(len(devices)) as pool:
        total = sum(pool.map(one, range(len(devices))))
    return total, time.perf_counter() - started


def run_sync(devices, drafts) -> tuple[int, float, list[list[float]]]:  # type: ignore[no-untyped-def]
    def one(n: int) -> int:
        device, draft = devices[n], drafts[n]
        raw = json.dumps(draft.body(), ensure_ascii=False).encode()
        answer = device.post_record(raw)
        assert answer.status == 201, answer.body
        by_id = {e.id: e for e in draft.evidence}
        for missing in json.loads(answer.body)["missing_evidence"]:
            e = by_id[missing["id"]]
            device.upload(e.data, e.media_type, e.id, draft.id)
        final = device.post_record(raw)
        assert json.loads(final.body)["complete"] is True, final.body
        return sum(len(e.data) for e in draft.evidence)

    started = time.perf_counter()
    with ThreadPoolExecutor(len(devices)) as pool:
        total = sum(pool.map(one, range(len(devices))))
    return total, time.perf_counter() - started, [list(d.record_latencies) for d in devices]


def report(baseline: tuple[int, float], synced: tuple[int, float, list[list[float]]], args: argparse.Namespace,
           in_app: dict[str, list[float]]) -> None:
    base_rate = baseline[0] / baseline[1] / 1e6
    sync_rate = synced[0] / synced[1] / 1e6
    latencies = [t * 1000 for device in synced[2] for t in device]
    p50, p95 = statistics.median(latencies), percentile(latencies, 95)
    # The first POSTs arrive all at once; the second ones each after their inspector's uploads.
    firsts, seconds = ([device[n] * 1000 for device in synced[2] if len(device) > 1] for n in (0, -1))
    print(f"inspectors {args.inspectors}, gunicorn {args.workers} workers x {args.threads} threads, "
          f"{'PostgreSQL' if args.database_url else 'SQLite'}")
    print(f"baseline (raw POST)  {baseline[0] / 1e6:8.1f} MB in {baseline[1]:6.2f} s = {base_rate:7.2f} MB/s")
    print(f"sync (records + tus) {synced[0] / 1e6:8.1f} MB in {synced[1]:6.2f} s = {sync_rate:7.2f} MB/s "
          f"({sync_rate / base_rate:.0%} of baseline; goal >= 50%)")
    print(f"record POSTs: {len(latencies)}, p50 {p50:.0f} ms, p95 {p95:.0f} ms at the client (goal p95 < 300 ms)")
    if firsts:
        print(f"  first POSTs (all at once) p50 {statistics.median(firsts):.0f} ms, p95 {percentile(firsts, 95):.0f} ms;"
              f" second POSTs (after the uploads) p50 {statistics.median(seconds):.0f} ms,"
              f" p95 {percentile(seconds, 95):.0f} ms")
    print("in the app (access log, no queueing):")
    for kind, times in sorted(in_app.items(), key=lambda kv: -sum(kv[1])):
        print(f"  {kind:32} {len(times):5} requests, p50 {statistics.median(times):6.0f} ms, "
              f"p95 {percentile(times, 95):6.0f} ms, total {sum(times) / 1000:6.1f} s")


if __name__ == "__main__":
    main()
