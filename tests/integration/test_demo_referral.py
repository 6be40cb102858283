"""`demo load` includes one referral case with photos whose evidence package anyone can verify at once."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from backend.db import db
from backend.referrals.model import ReferralCase, ReferralStep


def test_the_demo_referral_case_exports_over_the_cli_and_the_api_and_verifies(app, runner, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    loaded = runner.invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    assert "referral cases: 1" in loaded.output
    listed = runner.invoke(args=["evidence", "list"])
    assert listed.exit_code == 0, listed.output
    [line] = listed.output.splitlines()
    number, state, items, _party = line.split("\t")
    assert (state, items) == ("transferred", "8 items")

    package = tmp_path / "demo.zip"
    exported = runner.invoke(args=["evidence", "export", number, "-o", str(package)])
    assert exported.exit_code == 0, exported.output
    checked = subprocess.run([sys.executable, "-m", "backend.evidence.verify", str(package)],
                             capture_output=True, text=True, cwd=Path(__file__).parents[2], check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "验证通过 VALID" in checked.stdout and "8 项电子数据 items" in checked.stdout

    token = client.post("/api/v1/auth/token", json={"username": "head", "password": "demo-password"}).get_json()
    with app.app_context():
        case = db.session.scalars(sa.select(ReferralCase)).one()
        steps = db.session.scalars(sa.select(ReferralStep.step).where(ReferralStep.case_id == case.id)
                                   .order_by(ReferralStep.id)).all()
    assert steps == ["opened", "verified", "decided", "transferred"]
    resp = client.post(f"/api/v1/referrals/{case.id}/evidence-package", json={"reason": "演示：导出并验证"},
                       headers={"Authorization": f"Bearer {token['access_token']}"})
    assert resp.status_code == 200, resp.get_json()
    (tmp_path / "api.zip").write_bytes(resp.get_data())
    checked = subprocess.run([sys.executable, "-m", "backend.evidence.verify", str(tmp_path / "api.zip")],
                             capture_output=True, text=True, cwd=Path(__file__).parents[2], check=False)
    assert checked.returncode == 0, checked.stdout

    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and "referral cases: 0" in again.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReferralCase)) == 1
