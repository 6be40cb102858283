"""Demo data. Every step checks what exists first, so loading twice changes nothing."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from backend.accounts import passwords
from backend.accounts.model import User, UserRole
from backend.accounts.roles import Role
from backend.audit import services as audit
from backend.db import unit_of_work
from backend.orgs.model import Department

DEMO_PASSWORD = "demo-password"

# username, display name, department code, roles
DEMO_ACCOUNTS: tuple[tuple[str, str, str, tuple[Role, ...]], ...] = (
    ("admin", "系统管理员（演示）", "market_regulation", (Role.SYSTEM_ADMIN,)),
    ("lead", "组长（演示）", "market_regulation", (Role.TEAM_LEAD, Role.INSPECTOR)),
    ("inspector1", "检查员一（演示）", "market_regulation", (Role.INSPECTOR,)),
    ("inspector2", "检查员二（演示）", "market_regulation", (Role.INSPECTOR,)),
    ("inspector3", "检查员三（演示）", "ecology", (Role.INSPECTOR,)),
    # the officers of the demo referral case, linked to the inspectors its draw picks (backend/referrals/demo.py)
    ("officer1", "执法人员一（演示）", "market_regulation", (Role.INSPECTOR,)),
    ("officer2", "执法人员二（演示）", "market_regulation", (Role.INSPECTOR,)),
    ("head", "局长（演示）", "market_regulation", (Role.DEPARTMENT_HEAD,)),
    ("auditor", "联席会议办公室（演示）", "market_regulation", (Role.AUDITOR,)),
)


def load_accounts() -> int:
    created = 0
    with unit_of_work() as session:
        depts = {d.code: d.id for d in session.scalars(sa.select(Department))}
        existing = set(session.scalars(sa.select(User.username)))
        n = current_app.config["PASSWORD_SCRYPT_N"]
        for username, name, dept, roles in DEMO_ACCOUNTS:
            if username in existing:
                continue
            user = User(username=username, display_name=name, department_id=depts[dept],
                        password_hash=passwords.hash_password(DEMO_PASSWORD, n=n),
                        roles=[UserRole(role=r.value) for r in roles])
            session.add(user)
            session.flush()
            audit.record("user.create", object_type="user", object_id=user.id, actor="demo",
                         payload={"username": username, "department": dept, "roles": [r.value for r in roles]})
            created += 1
    return created


def load_demo() -> dict[str, int]:
    from backend.directory.demo_data import load_directories
    from backend.demo.catalog_content import load_catalog_demo
    from backend.draws.demo import load_draw_demo
    from backend.referrals.demo import load_referral_demo
    from backend.results.demo import load_results_demo
    from backend.results.demo_recent import load_recent_results_demo

    # accounts first: the demo inspectors are linked to them; the draw needs all the rest; results and
    # the referral case need the draw
    return {"accounts created": load_accounts(), **load_directories(), **load_catalog_demo(), **load_draw_demo(),
            **load_results_demo(), **load_recent_results_demo(), **load_referral_demo()}
