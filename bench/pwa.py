"""Field app (pwa/) benchmarks: first-load bytes, Lighthouse scores, photo processing time.

    .venv/bin/python bench/pwa.py [URL] [--build] [--runs 3] [--skip-lighthouse] [--skip-photo]

1. **First load**: the JavaScript and CSS a phone downloads to show the app the first time, read
   from the files `backend/static/app/index.html` references (module scripts, stylesheets,
   modulepreload links), raw and gzipped (zlib level 6, the usual server setting). Chunks loaded
   later (tus-js-client, the photo module, the signature pad) are listed separately. Goal: at most
   150 KB gzipped.
2. **Lighthouse 12.8.2** (`npx lighthouse@12.8.2`, `CHROME_PATH=/usr/bin/chromium`, its default
   mobile preset with simulated throttling): performance and accessibility of URL, median of
   `--runs`. Needs a running server (`make run`, or `flask --app backend run -p 8123`).
3. **Photo**: hashing (SHA-256) and thumbnailing a 12-megapixel JPEG with the app's own
   `processPhoto` in headless Chromium (Playwright), median of 5 after one warm-up. Goal: < 1 s.
   Without URL the built files are served to the page by Playwright itself.

The app is built first when it is missing (or with --build): `npm ci` when pwa/node_modules is
missing, then `npm run build`. Results also go to bench/out/pwa.json.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import mimetypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PWA = ROOT / "pwa"
DIST = ROOT / "backend" / "static" / "app"
OUT = ROOT / "bench" / "out"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LIGHTHOUSE = "lighthouse@12.8.2"
BUDGET_GZIP = 150 * 1024


def build(force: bool) -> None:
    if (DIST / "index.html").exists() and not force:
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed to build the app (Node 20 and npm)")
    if not (PWA / "node_modules").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PWA, check=True)
    subprocess.run([npm, "run", "build"], cwd=PWA, check=True)


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.files: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.files.append(a["src"] or "")
        if tag == "link" and a.get("rel") in ("stylesheet", "modulepreload") and a.get("href"):
            self.files.append(a["href"] or "")


def first_load() -> dict:
    parser = _Refs()
    parser.feed((DIST / "index.html").read_text(encoding="utf-8"))
    files = [f for f in dict.fromkeys(parser.files) if f.endswith((".js", ".css"))]
    rows = []
    for ref in files:
        data = (DIST / ref.lstrip("/")).read_bytes()
        rows.append({"file": ref, "bytes": len(data), "gzip": len(gzip.compress(data, 6))})
    later = []
    for path in sorted((DIST / "assets").glob("*.js")):
        ref = "/" + str(path.relative_to(DIST))
        if ref not in files:
            data = path.read_bytes()
            later.append({"file": ref, "bytes": len(data), "gzip": len(gzip.compress(data, 6))})
    total = sum(r["gzip"] for r in rows)
    return {"files": rows, "bytes": sum(r["bytes"] for r in rows), "gzip": total,
            "budget_gzip": BUDGET_GZIP, "within_budget": total <= BUDGET_GZIP, "loaded_later": later}


def lighthouse(url: str, runs: int) -> dict:
    npx = shutil.which("npx")
    if npx is None:
        return {"error": "npx not found"}
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    perf: list[float] = []
    a11y: list[float] = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "report.json"
            proc = subprocess.run(
                [npx, "--yes", LIGHTHOUSE, url, "--quiet", "--output=json", f"--output-path={report}",
                 "--only-categories=performance,accessibility", f"--chrome-flags={' '.join(CHROME_FLAGS)}"],
                env=env, capture_output=True, text=True, timeout=300)
            if proc.returncode != 0 or not report.exists():
                return {"error": (proc.stderr or proc.stdout)[-2000:]}
            cats = json.loads(report.read_text())["categories"]
            perf.append(round(cats["performance"]["score"] * 100))
            a11y.append(round(cats["accessibility"]["score"] * 100))
    return {"runs": runs, "performance": statistics.median(perf), "accessibility": statistics.median(a11y),
            "performance_runs": perf, "accessibility_runs": a11y, "preset": "mobile (Lighthouse default)"}


def sample_jpeg(width: int = 4000, height: int = 3000) -> bytes:
    from PIL import Image

    img = Image.effect_noise((width // 8, height // 8), 60).convert("RGB").resize((width, height))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def photo(url: str | None, repeats: int = 5) -> dict:
    from playwright.sync_api import Route, sync_playwright

    manifest = json.loads((DIST / ".vite" / "manifest.json").read_text())
    module = "/" + manifest["src/capture/photo.js"]["file"]
    data = sample_jpeg()
    origin = url.rstrip("/") if url else "http://localhost:8765"

    def serve_dist(route: Route) -> None:
        path = route.request.url.split(origin, 1)[1].split("?")[0]
        file = DIST / ("index.html" if path == "/" else path.lstrip("/"))
        if file.is_file():
            route.fulfill(status=200, body=file.read_bytes(),
                          content_type=mimetypes.guess_type(file.name)[0] or "application/octet-stream")
        else:
            route.fulfill(status=404, body="")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS)
        page = browser.new_page()
        if url is None:
            page.route(f"{origin}/**", serve_dist)  # localhost is a secure context: crypto.subtle works
        # registered last, so it wins over the route above
        page.route("**/bench-photo.jpg", lambda route: route.fulfill(status=200, body=data, content_type="image/jpeg"))
        page.goto(origin + "/")
        times = page.evaluate("""async ([module, repeats]) => {
            const { processPhoto } = await import(module);
            const blob = await (await fetch('/bench-photo.jpg')).blob();
            const file = new File([blob], 'photo.jpg', { type: 'image/jpeg' });
            const out = [];
            let sha = null;
            for (let i = 0; i <= repeats; i += 1) {
                const t0 = performance.now();
                const r = await processPhoto(file);
                if (i > 0) out.push(performance.now() - t0);  // the first run warms up the decoder
                sha = r.sha256;
            }
            return { times: out, sha };
        }""", [module, repeats])
        browser.close()
    if times["sha"] != hashlib.sha256(data).hexdigest():
        return {"error": "the page computed a different SHA-256"}
    ms = sorted(times["times"])
    return {"megapixels": 12, "jpeg_bytes": len(data), "runs_ms": [round(t) for t in ms],
            "median_ms": round(statistics.median(ms)), "best_ms": round(ms[0]), "goal_ms": 1000,
            "within_goal": statistics.median(ms) < 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", nargs="?", help="a running server, e.g. http://127.0.0.1:8123 (for Lighthouse)")
    parser.add_argument("--build", action="store_true", help="build the app even if it is built")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs (median)")
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--skip-photo", action="store_true")
    args = parser.parse_args()

    build(args.build)
    results: dict = {"first_load": first_load()}
    fl = results["first_load"]
    print("first load (JS + CSS referenced by index.html):")
    for r in fl["files"]:
        print(f"  {r['file']:<44} {r['bytes'] / 1024:8.1f} KB  gzip {r['gzip'] / 1024:6.1f} KB")
    print(f"  {'total':<44} {fl['bytes'] / 1024:8.1f} KB  gzip {fl['gzip'] / 1024:6.1f} KB"
          f"  ({'within' if fl['within_budget'] else 'OVER'} the {BUDGET_GZIP // 1024} KB budget)")
    print("loaded later, when needed:")
    for r in fl["loaded_later"]:
        print(f"  {r['file']:<44} {r['bytes'] / 1024:8.1f} KB  gzip {r['gzip'] / 1024:6.1f} KB")

    if args.url and not args.skip_lighthouse:
        print(f"lighthouse {LIGHTHOUSE.split('@')[1]} on {args.url} ({args.runs} runs, mobile)...", flush=True)
        results["lighthouse"] = lh = lighthouse(args.url, args.runs)
        if "error" in lh:
            print("  failed:", lh["error"])
        else:
            print(f"  performance {lh['performance']} (runs {lh['performance_runs']}), "
                  f"accessibility {lh['accessibility']} (runs {lh['accessibility_runs']})")
    elif not args.skip_lighthouse:
        print("lighthouse: skipped (give the URL of a running server)")

    if not args.skip_photo:
        results["photo"] = ph = photo(args.url)
        if "error" in ph:
            print("photo:", ph["error"])
        else:
            print(f"12-megapixel JPEG ({ph['jpeg_bytes'] / 1e6:.1f} MB) hash + thumbnail: median {ph['median_ms']} ms, "
                  f"best {ph['best_ms']} ms, runs {ph['runs_ms']} ({'under' if ph['within_goal'] else 'OVER'} 1 s)")

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "pwa.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
