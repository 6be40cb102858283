"""Demo: one finished joint draw, market regulation with ecology, loaded through the real services.

Special equipment (特种设备) and pollutant discharge permits (排污许可): both departments' key items,
the two sub-directories as the scope, one inspector of each department per team, targets named
at the draw. Committed on 22 February 2027 to the 福彩3D draw of that evening, revealed the next
morning before two witnesses. The server secret is random, so each fresh demo database draws
differently; loading twice changes nothing.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from backend.db import db
from backend.demo.catalog_content import _admin
from backend.directory.model import SubDirectory
from backend.draws import services as draws
from backend.errors import DomainError
from backend.tasks import services as tasks
from backend.tasks.model import Task
from backend.tasks.schemas import TaskCreateSchema

BEIJING = timezone(timedelta(hours=8))
NUMBER = "SCJG-2027-LH01"
COMMITTED_AT = datetime(2027, 2, 22, 9, 0, tzinfo=BEIJING)
RANDOMNESS = {"kind": "lottery", "source": "福彩3D 第2027047期开奖号码",
              "available_at": datetime(2027, 2, 22, 21, 15, tzinfo=BEIJING)}
REVEALED_AT = datetime(2027, 2, 23, 9, 30, tzinfo=BEIJING)
WITNESSES = [{"name": "孙某华（演示）", "capacity": "社会监督员"},
             {"name": "周某宁（演示）", "capacity": "市生态环境局代表"}]


def _body() -> dict:
    subs = db.session.scalars(sa.select(SubDirectory.id).where(
        SubDirectory.code.in_(("special_equipment", "pollutant_discharge"))).order_by(SubDirectory.id)).all()
    return {"number": NUMBER, "name_zh": "2027年第一季度特种设备与排污许可联合抽查（演示）",
            "name_en": "Joint check of special equipment and pollutant discharge permits, Q1 2027 (demo)",
            "department": "market_regulation", "participating_departments": ["ecology"],
            "items": ["SCJG-TZ-001", "ST-PW-001"], "names_public": "at_draw",
            "scope": {"description_zh": "特种设备使用单位和排污许可重点管理单位（企业）",
                      "entity_types": ["enterprise"], "sub_directories": list(subs)},
            "window": {"start": "2027-03-01", "end": "2027-04-30"}}


def load_draw_demo() -> dict[str, int]:
    admin = _admin()
    task = db.session.scalar(sa.select(Task).where(Task.number == NUMBER))
    try:
        if task is None:
            task = tasks.create_task(admin, TaskCreateSchema().load(_body()), now=COMMITTED_AT - timedelta(days=3))
        if task.status == "draft":
            draws.commit(admin, task.id, {"randomness": RANDOMNESS}, now=COMMITTED_AT)
            task = db.session.get(Task, task.id, populate_existing=True)
        if task.status == "committed":
            commitment = draws.current_commitment(db.session, task.id)
            draws.reveal(admin, task.id, {"commitment": commitment.commitment, "value": "5 1 8",
                                          "witnesses": WITNESSES}, now=REVEALED_AT)
            return {"tasks drawn": 1}
    except DomainError as exc:  # e.g. the demo confirmations are older than the configured age
        print(f"demo draw skipped: {exc.message}")
    return {"tasks drawn": 0}
