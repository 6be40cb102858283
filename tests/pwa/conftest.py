"""Browser tests of the field app (pwa/): Debian's Chromium through Playwright, against the live
gunicorn of the e2e tier (its fixtures are reused), with the app built into backend/static/app/.

One test takes the demo's assignment (of `lead`) through the real packet, records API and tus;
tests of screens and drafts get a stand-in packet (tests/pwa/field_stub.py) so they neither
depend on nor change the server's assignments. Everything else goes to the real server.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from backend.draws.demo import NUMBER as DEMO_TASK
from tests.e2e.conftest import *  # noqa: F401,F403  (live_server and its fixtures)

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "backend" / "static" / "app"
CHROMIUM = "/usr/bin/chromium"


PWA = ROOT / "pwa"


def npm_with_packages(why: str) -> str:
    """npm, with pwa/node_modules installed from the lock file (npm ci) when missing; skips `why` without npm."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(why)
    if not (PWA / "node_modules").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PWA, check=True, capture_output=True)
    return npm


@pytest.fixture(scope="session")
def built_app() -> Path:
    """The built app; built here (npm ci, npm run build) when missing and npm is available."""
    if not (APP / "index.html").exists():
        npm = npm_with_packages("the field app is not built and npm is not installed")
        subprocess.run([npm, "run", "build"], cwd=PWA, check=True, capture_output=True)
    return APP


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):  # type: ignore[no-untyped-def]
    """A cheap Android phone: 360 x 740 CSS pixels, touch, Chinese."""
    return {**browser_context_args, "viewport": {"width": 360, "height": 740}, "device_scale_factor": 2,
            "is_mobile": True, "has_touch": True, "locale": "zh-CN",
            "geolocation": {"latitude": 36.19012, "longitude": 117.12034, "accuracy": 8}, "permissions": ["geolocation"]}


@pytest.fixture
def app_url(live_server: str, built_app: Path) -> str:
    return live_server


@pytest.fixture(scope="session")
def base_url() -> None:
    """Replaces pytest-playwright's own, defined on a class, which pytest 9 warns about (an error here)."""
    return None


def _call(url: str, method: str = "GET", body: dict | None = None, token: str | None = None,
          headers: dict[str, str] | None = None) -> tuple[dict | list, dict[str, str]]:
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})})
    with urllib.request.urlopen(request) as resp:
        text = resp.read()
        return (json.loads(text) if text else {}), dict(resp.headers)


def _admin_token(live_server: str) -> str:
    return _call(f"{live_server}/api/v1/auth/token", "POST", {"username": "admin", "password": "demo-password"})[0]["access_token"]


@dataclass(frozen=True)
class FieldInspector:
    username: str
    password: str
    inspector_id: str  # as in the packet: "I<id>"
    partner_id: str  # the other officer of the team
    target: str


@pytest.fixture
def field_inspector(live_server: str) -> FieldInspector:
    """A new account linked to the market-regulation officer of a team the demo draw made.

    The demo draws anew in every fresh database, so the demo accounts may have no assignment;
    this links a fresh account (through the API, as `admin`) to someone who has one.
    """
    admin = _admin_token(live_server)
    # the demo's joint task (the referral demo draws another, single-item one)
    task = next(t for t in _call(f"{live_server}/api/v1/tasks", token=admin)[0] if t["number"] == DEMO_TASK)
    assignments = _call(f"{live_server}/api/v1/tasks/{task['id']}/assignments", token=admin)[0]
    # An assignment nobody has checked yet: the demo's results and earlier tests used some. Its officer's
    # account link moves to the new account (this server's database lives only for the test session).
    assignment = next((a for a in assignments if a["check_status"] == "open"), None)
    if assignment is None:
        pytest.fail("the demo draw has no unchecked assignment left")
    me = next(m for m in assignment["team"] if m["department"] == "market_regulation")
    _, headers = _call(f"{live_server}/api/v1/inspectors/{me['inspector_id']}", token=admin)
    partner = next(m for m in assignment["team"] if m is not me)
    username = f"pwa-{uuid.uuid4().hex[:8]}"
    password = "pwa-test-password"
    user = _call(f"{live_server}/api/v1/users", "POST", {"username": username, "display_name": "现场测试", "password": password,
                                                         "department": "market_regulation", "roles": ["inspector"]}, admin)[0]
    _call(f"{live_server}/api/v1/inspectors/{me['inspector_id']}", "PATCH", {"user_id": user["id"]}, admin,
          {"If-Match": headers["ETag"]})
    return FieldInspector(username, password, f"I{me['inspector_id']}", f"I{partner['inspector_id']}", assignment["entity_name"])



@dataclass(frozen=True)
class TeamLead:
    username: str
    password: str


@pytest.fixture
def team_lead(live_server: str) -> TeamLead:
    """A fresh market-regulation team lead, on no team: free to review any record of the demo draw."""
    admin = _admin_token(live_server)
    username, password = f"lead-{uuid.uuid4().hex[:8]}", "pwa-test-password"
    _call(f"{live_server}/api/v1/users", "POST", {"username": username, "display_name": "审核组长", "password": password,
                                                  "department": "market_regulation", "roles": ["team_lead"]}, admin)
    return TeamLead(username, password)
