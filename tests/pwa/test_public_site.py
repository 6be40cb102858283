"""The public pages (/public/) in Chromium against the live server with the demo data: search by
name, the entity page, the task bulletin, and the print stylesheet; no script, nothing from
another origin."""
from __future__ import annotations

import re
from urllib.parse import quote

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from backend import create_app
from tests.support.published import publish


def published_entity(live_database_url: str) -> tuple[str, str, str]:
    """(name, credit code, task number) of a result the demo published, else one published here."""
    from backend.db import db
    from backend.results.model import PublishedResult
    from backend.tasks.model import Assignment

    app = create_app({"SQLALCHEMY_DATABASE_URL": live_database_url})
    try:
        with app.app_context():
            row = db.session.execute(sa.select(PublishedResult.entity_name, PublishedResult.credit_code,
                                               PublishedResult.task_number)
                                     .where(PublishedResult.credit_code.is_not(None)).limit(1)).first()
            if row is None:
                assignment = db.session.scalar(sa.select(Assignment.id).order_by(Assignment.id).limit(1))
        if row is None:
            publish(app, assignment, result="发现问题已责令改正", authority="泰安市市场监督管理局")
            return published_entity(live_database_url)
        return row[0], row[1], row[2]
    finally:
        app.extensions["ssgk.engine"].dispose()


def test_a_citizen_searches_opens_an_entity_and_a_task_bulletin_and_prints_it(
        page: Page, live_server: str, live_database_url: str) -> None:
    name, code, task_number = published_entity(live_database_url)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server}/public/")
    expect(page.locator("h1")).to_have_text("“双随机、一公开”监管信息公示")

    fragment = name[2:]  # a fragment: not the start of the name
    page.fill("main input[name=q]", fragment)
    page.click("main form.search button[type=submit]")
    expect(page).to_have_url(f"{live_server}/public/search?q={quote(fragment)}", timeout=10_000)
    expect(page.locator("main table.results")).to_be_visible()

    page.click(f"main a[href='/public/entities/{code}']")
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("h2")).to_have_text("抽查检查结果信息")
    expect(page.locator("main table.results tbody tr").first).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))

    page.click(f"main a[href='/public/tasks/{task_number}/results']")
    expect(page.locator(".kicker")).to_have_text("抽查结果公告")
    page.click(f"main a[href='/public/tasks/{task_number}']")
    expect(page.locator("h2").first).to_have_text("随机抽取过程（可公开验证）")
    expect(page.locator("main a[href='/api/v1/public/draws/verifier.py']")).to_be_visible()

    # On screen: navigation and search shown, the print note hidden; printed: the reverse, links spelled out.
    def style(selector: str, prop: str, pseudo: str | None = None) -> str:
        return page.evaluate("([s, p, ps]) => getComputedStyle(document.querySelector(s), ps).getPropertyValue(p)",
                             [selector, prop, pseudo])

    assert style(".site-nav", "display") != "none" and style("header form.search", "display") != "none"
    assert style("footer .print-only", "display") == "none"
    page.emulate_media(media="print")
    assert style(".site-nav", "display") == "none" and style("header form.search", "display") == "none"
    assert style("footer .print-only", "display") == "block"
    assert style("header.site", "background-color") in ("rgba(0, 0, 0, 0)", "transparent")
    assert "/api/v1/public/draws/verifier.py" in style(".verifier a", "content", "::after")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    page.emulate_media(media="screen")

    assert page.evaluate("document.scripts.length") == 0
    assert requests and all(url.startswith(live_server) for url in requests), requests


def test_an_unknown_entity_gets_the_chinese_not_found_page(page: Page, live_server: str) -> None:
    response = page.goto(f"{live_server}/public/entities/91370902MA00000000")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_contain_text("未找到")
