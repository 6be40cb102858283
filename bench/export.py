"""Benchmark: export an evidence package of ~2 GB of photos, beside `zip -0` of the same files.

    .venv/bin/python -m bench.export --size-gb 2 [--verify] [--dir /var/tmp]

Generates JPEG-sized originals (a JFIF header and random bytes, 2-8 MB each) into a temporary
LocalStorage, then in child processes (so each has its own peak RSS, read with wait4):
  1. `zip -0 -q -r` of the same files (Python's zipfile with ZIP_STORED when zip is missing),
  2. export_package() of a case holding them all, into a file,
  3. with --verify, the standalone verifier on the package.
Prints throughput (MB/s of originals) and peak memory, and whether the goals hold: peak RSS
under 200 MB, throughput at least half of zip -0's. "export process" is the child's whole life
(interpreter start, imports, building the case's custody and audit proofs in memory);
"export_package" is the call alone, which the throughput goal is judged on. Dirty pages are
flushed before every run. Everything generated is deleted.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MB = 1_000_000
JFIF = bytes.fromhex("ffd8ffe000104a46494600010100000100010000")
GOAL_RSS_MB = 200
GOAL_RATIO = 0.5


def generate(root: Path, total: int, seed: int) -> list[dict[str, object]]:
    """Originals in a LocalStorage under root/media; returns [{sha256, size}]."""
    from backend.evidence_store.storage import LocalStorage

    store, rng, items, made = LocalStorage(root / "media"), random.Random(seed), [], 0
    incoming = root / "incoming.jpg"
    while made < total:
        size = min(rng.randrange(2 * MB, 8 * MB), max(total - made, len(JFIF) + 2))
        digest = hashlib.sha256()
        with open(incoming, "wb") as f:
            for block in (JFIF, os.urandom(size - len(JFIF) - 2), b"\xff\xd9"):
                digest.update(block)
                f.write(block)
        store.put_file(incoming, digest.hexdigest())
        items.append({"sha256": digest.hexdigest(), "size": size})
        made += size
    incoming.unlink()
    return items


def run_child(args: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """Run a command after flushing dirty pages (so no run pays for the last one's writeback);
    (seconds, peak RSS in MB, stdout)."""
    os.sync()
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, cwd=cwd)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{args[:3]} failed with exit status {proc.returncode}")
    return seconds, usage.ru_maxrss / 1024, out  # ru_maxrss is in KiB on Linux


def child_export(root: Path, out: Path) -> None:
    """In the child: build the case around the generated originals and export it."""
    from datetime import timedelta

    from backend.evidence.inputs import EvidenceItem, PackageInput
    from backend.evidence.package import export_package
    from backend.evidence_store.storage import LocalStorage
    from tests.support.evidence_packages import (
        T0,
        AuditLog,
        custody_events,
        facts,
        sample_key,
    )

    store = LocalStorage(root / "media")
    log, items = AuditLog(), []
    for n, entry in enumerate(json.loads((root / "items.json").read_text())):
        sha256, size = str(entry["sha256"]), int(entry["size"])
        events = custody_events(log, sha256, size, "17", T0 + timedelta(hours=3, seconds=n), f"IMG_{n:05d}.jpg")
        items.append(EvidenceItem(f"item-{n}", sha256, lambda s=sha256: store.open(s), "image/jpeg", size, "photo",
                                  T0 + timedelta(seconds=n), "张明", (36.18, 117.09), custody=tuple(events)))
    indexes = {e.audit_index for i in items for e in i.custody}
    package_input = PackageInput("泰市监移〔2026〕99号", facts(), tuple(items), log.proofs(indexes, sample_key()),
                                 "bench", exported_at=T0 + timedelta(days=4))
    start = time.perf_counter()
    with open(out, "wb") as sink:
        result = export_package(package_input, sink, signing_key=sample_key())
    print(json.dumps({"payload_oxum": result.payload_oxum, "seconds": time.perf_counter() - start}))


def child_zip(files: Path, out: Path) -> None:
    """Fallback baseline when Debian's zip is missing: zipfile, ZIP_STORED, 1 MiB blocks."""
    import zipfile

    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for path in sorted(files.rglob("*")):
            if path.is_file():
                with open(path, "rb") as src, archive.open(str(path.relative_to(files)), "w", force_zip64=True) as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-gb", type=float, default=2.0, help="gigabytes (10^9 bytes) of originals")
    parser.add_argument("--dir", default=None, help="where to put the temporary files (default: $TMPDIR)")
    parser.add_argument("--seed", type=int, default=8493)
    parser.add_argument("--runs", type=int, default=2, help="alternating baseline/export runs (default 2)")
    parser.add_argument("--verify", action="store_true", help="also time the standalone verifier")
    parser.add_argument("--child", nargs=3, metavar=("WHAT", "ROOT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, root, out = args.child
        (child_export if what == "export" else child_zip)(Path(root), Path(out))
        return

    root = Path(tempfile.mkdtemp(prefix="ssgk-bench-", dir=args.dir))
    try:
        t0 = time.perf_counter()
        items = generate(root, int(args.size_gb * 1e9), args.seed)
        (root / "items.json").write_text(json.dumps(items))
        total = sum(int(i["size"]) for i in items)  # type: ignore[call-overload]
        print(f"originals: {total / 1e9:.2f} GB in {len(items)} files of 2-8 MB "
              f"(generated in {time.perf_counter() - t0:.0f} s)")
        me = [sys.executable, "-m", "bench.export", "--child"]
        results = {}
        zip_bin = shutil.which("zip")
        baseline = "zip -0" if zip_bin else "zipfile ZIP_STORED (zip not installed)"
        baseline_cmd = [zip_bin, "-0", "-q", "-r", str(root / "baseline.zip"), "objects"] if zip_bin else \
            [*me, "zip", str(root / "media" / "objects"), str(root / "baseline.zip")]
        for run in range(1, args.runs + 1):  # alternate, so drift in the disk's speed hits both alike
            seconds, rss, _ = run_child(baseline_cmd, cwd=root / "media")
            (root / "baseline.zip").unlink()
            results[f"{baseline} #{run}"] = (seconds, rss)
            seconds, rss, out = run_child([*me, "export", str(root), str(root / "package.zip")])
            results[f"export process #{run}"] = (seconds, rss)  # with interpreter start and input building
            results[f"export_package #{run}"] = (json.loads(out)["seconds"], rss)
            package_size = (root / "package.zip").stat().st_size
            if run < args.runs:
                (root / "package.zip").unlink()
        if args.verify:
            seconds, rss, _ = run_child([sys.executable, "-m", "backend.evidence.verify", str(root / "package.zip")])
            results["verify.py"] = (seconds, rss)
        print(f"{'':24}{'seconds':>9}{'MB/s':>9}{'peak RSS MB':>13}")
        for name, (seconds, rss) in results.items():
            print(f"{name:24}{seconds:9.1f}{total / MB / seconds:9.0f}{rss:13.0f}")
        export_s = [s for name, (s, _) in results.items() if name.startswith("export_package")]
        zip_s = [s for name, (s, _) in results.items() if name.startswith(baseline)]
        ratio = sum(zip_s) / sum(export_s)  # throughput ratio over all runs
        peak = max(r for name, (_, r) in results.items() if name.startswith("export_package"))
        print(f"package: {package_size / 1e9:.3f} GB; export/{baseline} throughput ratio {ratio:.2f} over {args.runs} run(s)")
        print(f"goal peak RSS < {GOAL_RSS_MB} MB: {'met' if peak < GOAL_RSS_MB else 'MISSED'} ({peak:.0f} MB); "
              f"goal throughput >= {GOAL_RATIO} x {baseline}: {'met' if ratio >= GOAL_RATIO else 'MISSED'}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
