"""A stand-in task packet (docs/field-api.md §1) for browser tests of screens and drafts.

The live server's demo data has one assignment (for `lead`); a test that submits a record uses
it for real. Tests that only start, edit or discard drafts get this packet instead, built from a
demo checklist template, so they neither depend on nor change the server's assignments.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Route

ROOT = Path(__file__).resolve().parents[2]


def demo_template(code: str = "SCJG-SP-001") -> dict[str, Any]:
    catalog = json.loads((ROOT / "backend/demo/catalog_content.json").read_text(encoding="utf-8"))
    return next(i for i in catalog["items"] if i["code"] == code)["rulebook"]["template"]


def packet() -> dict[str, Any]:
    today = dt.date.today()
    team = [{"inspector_id": "I1", "name": "卢某伟", "department": "market_regulation"},
            {"inspector_id": "I2", "name": "王某", "department": "market_regulation"}]
    return {
        "version": 7, "generated_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "inspector": {"id": "I1", "name": "卢某伟", "department": "market_regulation", "user_id": None},
        "assignments": [{
            "id": 1001, "status": "open",
            "task": {"number": "SSGK-2027-0003", "name": "食品经营抽查", "kind": "routine", "joint": False,
                     "initiating_department": "market_regulation"},
            "window": {"start": (today - dt.timedelta(days=1)).isoformat(), "end": (today + dt.timedelta(days=9)).isoformat()},
            "target": {"id": 553, "name": "泰安市岱岳区丰渡餐饮有限公司", "credit_code": "91370911MA3C7XQ21K",
                       "registration_number": None, "entity_type": "enterprise", "legal_representative": "王某",
                       "registered_address": "泰安市岱岳区样本西大街323号", "business_address": "泰安市岱岳区样本西大街323号",
                       "division_code": "370911", "industry": {"code": "H62", "name": "餐饮业"},
                       "latitude": 36.19, "longitude": 117.12, "prior_results": []},
            "team": team,
            "items": [{"code": "SCJG-SP-001", "name": "食品经营抽查", "department": "market_regulation",
                       "template": "SCJG-SP-001@1", "legal_basis": "《中华人民共和国食品安全法》", "check_methods": ["on_site"]}],
        }],
        "templates": {"SCJG-SP-001@1": demo_template()},
        "result_categories": [{"code": "no_problem", "name_zh": "未发现问题", "name_en": "No problem found", "children": []},
                              {"code": "problem_found", "name_zh": "发现问题", "name_en": "Problems found", "children": [
                                  {"code": "corrected_on_site", "name_zh": "已责令改正", "name_en": "Ordered to correct",
                                   "children": []}]}],
        "check_methods": [{"code": "on_site", "name_zh": "实地检查", "name_en": "On-site check"}],
        "followup_options": [{"code": "none", "name_zh": "无需后续处置", "name_en": "No follow-up needed"}],
    }


@dataclass
class FieldStub:
    """Answers GET /api/v1/field/packet with `packet()`: an assignment the tests may start and
    abandon freely, without touching the demo's real assignments on the live server."""

    server: str
    calls: list[str] = field(default_factory=list)

    def handle(self, route: Route) -> None:
        self.calls.append(route.request.url)
        route.fulfill(status=200, content_type="application/json", headers={"ETag": '"p7"'},
                      body=json.dumps(packet(), ensure_ascii=False))

    def install(self, context: BrowserContext) -> None:
        context.route("**/api/v1/field/packet*", self.handle)
