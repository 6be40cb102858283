"""The demo item list, rulebooks and 2027 plans load through the services, once."""
from __future__ import annotations

import sqlalchemy as sa


def load(app) -> dict[str, int]:
    from backend.demo.catalog_content import load_catalog_demo
    from backend.demo.services import load_accounts

    with app.app_context():
        load_accounts()
        return load_catalog_demo()


def test_the_demo_catalog_loads_and_loading_it_again_changes_nothing(app) -> None:
    first = load(app)
    assert first == {"items created": 8, "rulebooks written": 8, "filings acknowledged": 8, "plans created": 2}
    assert load(app) == {"items created": 0, "rulebooks written": 0, "filings acknowledged": 0, "plans created": 0}


def test_the_demo_2027_plans_are_filed_on_time_and_published(app, client) -> None:
    load(app)
    listed = client.get("/api/v1/public/plans", query_string={"year": 2027}).get_json()
    assert sorted(p["department"]["code"] for p in listed) == ["ecology", "market_regulation"]
    from backend.db import db
    from backend.plans.model import Plan

    with app.app_context():
        rows = db.session.execute(sa.select(Plan.number, Plan.status, Plan.filed_days_late)).all()
    assert sorted(rows) == [("SCJG-2027-01", "published", 0), ("ST-2027-01", "published", 0)]


def test_the_demo_item_list_covers_five_departments_publicly(app, client) -> None:
    load(app)
    listed = client.get("/api/v1/public/items", query_string={"page_size": 50}).get_json()
    assert len(listed) == 8
    assert {i["department"]["code"] for i in listed} == {"market_regulation", "ecology", "culture_tourism", "health",
                                                         "emergency"}
