"""Factories for item, rulebook, template and plan request bodies (plain data, no database)."""
from __future__ import annotations

import copy
from typing import Any

RATIOS = {"A": (1, 50), "B": (1, 20), "C": (1, 10), "D": (1, 1), "E": (1, 1)}


def sampling_rules(**overrides: tuple[int, int]) -> list[dict[str, Any]]:
    """A 2%, B 5%, C 10%, D and E fully covered, once a year; `C=(1, 5)` changes one class."""
    rows = []
    for risk_class, (num, den) in {**RATIOS, **overrides}.items():
        rows.append({"risk_class": risk_class, "ratio": {"numerator": num, "denominator": den},
                     "frequency_per_year": 1, "full_coverage": num == den})
    return rows


def item_body(code: str = "T-ITEM-001", **overrides: Any) -> dict[str, Any]:
    body = {
        "code": code, "name_zh": "食品经营抽查", "name_en": "Food business check", "kind": "key",
        "legal_basis": "《中华人民共和国食品安全法》第三十五条",
        "subjects": {"entity_types": ["enterprise", "individual_business"], "industry_codes": ["F5212", "H6210"]},
        "check_methods": ["on_site", "testing"],
        "provincial_item": {"code": "SD-SCJG-021", "name_zh": "食品经营者的监督检查"},
        "sampling_rules": sampling_rules(),
    }
    body.update(overrides)
    return body


def _text(zh: str, en: str | None = None) -> dict[str, str]:
    return {"zh": zh, **({"en": en} if en else {})}


def template() -> dict[str, Any]:
    """A small valid checklist: a yes/no question, a photo shown only on 'no', a choice, a signature."""
    return copy.deepcopy({
        "format": "checklist/1",
        "title": _text("食品经营监督检查表", "Food business checklist"),
        "sections": [
            {"id": "licence", "title": _text("许可", "Licence"), "questions": [
                {"id": "licence_valid", "type": "yes_no_na", "label": _text("是否持有有效许可证", "Valid licence?"),
                 "required": True, "compliant_answer": "yes", "legal_basis": "《中华人民共和国食品安全法》第三十五条"},
                {"id": "licence_photos", "type": "photo", "label": _text("现场照片"), "required": True,
                 "min_count": 1, "show_if": {"question": "licence_valid", "equals": "no"}},
                {"id": "business_format", "type": "single_choice", "label": _text("经营业态"),
                 "options": [{"value": "retail", "label": _text("食品销售")},
                             {"value": "catering", "label": _text("餐饮服务")}]},
                {"id": "fridge_temp", "type": "number", "label": _text("冷藏温度"), "unit": "℃",
                 "minimum": -30, "maximum": 20, "decimals": 1,
                 "show_if": {"question": "business_format", "in": ["catering"]}},
            ]},
            {"id": "confirmation", "title": _text("现场确认"), "questions": [
                {"id": "inspector_signature", "type": "signature", "label": _text("检查人员签名"), "required": True,
                 "signer": "inspector"},
            ]},
        ],
    })


def rulebook_body(tmpl: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    body = {
        "template": template() if tmpl is None else tmpl,
        "procedure_steps": [{"title_zh": "随机抽取", "title_en": "Random draw"}, {"title_zh": "实施检查"}],
        "approval": {"authority": "team_lead"},
        "publication": {"fields": ["entity_name", "credit_code", "result", "completion_date"]},
        "archiving": {"years": 10},
    }
    body.update(overrides)
    return body


def batch(items: list[str], year: int, batch_id: str = "B1", **overrides: Any) -> dict[str, Any]:
    body = {"id": batch_id, "name_zh": "食品经营环节监督检查", "items": items, "target_count": 100,
            "scope": {"description_zh": "全市餐饮服务经营者", "targeted": True, "industry_codes": ["H6210"],
                      "subdirectory_codes": ["food-catering"]},
            "window": {"start": f"{year}-03-01", "end": f"{year}-10-31"}}
    body.update(overrides)
    return body


def plan_body(year: int, items: list[str], number: str | None = None, **overrides: Any) -> dict[str, Any]:
    body = {"number": number or f"SCJG-{year}-01", "year": year, "name_zh": f"{year}年度抽查工作计划",
            "batches": [batch(items, year)]}
    body.update(overrides)
    return body
