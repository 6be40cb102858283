"""Phone-size screenshots of the field app into docs/screenshots/ (Playwright, Debian's Chromium).

    .venv/bin/python pwa/scripts/screenshots.py http://127.0.0.1:8123

Needs a running server with the demo data (`flask demo load`) and a built app. The demo accounts
may have no assignment (the demo draw is random per database), so the browser is given a stand-in
task packet (docs/field-api.md §1 shape) built from the demo directory (real entities and
inspectors, read through the API as `admin`) and the demo rulebooks' checklist templates.
Everything else, sign-in included, goes to the real server.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
import urllib.request
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

RESULT_CATEGORIES = [
    {"code": "no_problem", "name_zh": "未发现问题", "name_en": "No problem found", "children": []},
    {"code": "problem_found", "name_zh": "发现问题", "name_en": "Problems found", "children": [
        {"code": "corrected_on_site", "name_zh": "发现问题已责令改正", "name_en": "Ordered to correct", "children": []},
        {"code": "case_filed", "name_zh": "发现问题待后续处理", "name_en": "Further action", "children": []}]},
    {"code": "not_found", "name_zh": "未发现开展本项目经营活动", "name_en": "Activity not found", "children": []},
    {"code": "absent", "name_zh": "通过登记的住所（经营场所）无法联系", "name_en": "Cannot be reached at its address", "children": []},
]
CHECK_METHODS = [{"code": c, "name_zh": zh, "name_en": en} for c, zh, en in [
    ("on_site", "实地检查", "On-site check"), ("written", "书面检查", "Written check"),
    ("online_monitoring", "网络监测", "Online monitoring"), ("testing", "检验检测", "Testing")]]
FOLLOWUP = [{"code": c, "name_zh": zh, "name_en": en} for c, zh, en in [
    ("none", "无需后续处置", "No follow-up needed"), ("order_to_correct", "责令限期改正", "Order to correct"),
    ("case_filed", "立案调查", "Open a case"), ("transfer", "移送其他部门", "Transfer to another department")]]


def sample_photo(n: int) -> Path:
    """A 4:3 JPEG standing in for a phone photo (Pillow)."""
    from PIL import Image, ImageDraw

    path = Path("/tmp") / f"ssgk-sample-{n}.jpg"
    img = Image.new("RGB", (1600, 1200), (40 + 60 * n, 110, 160))
    draw = ImageDraw.Draw(img)
    for i in range(0, 1600, 80):
        draw.rectangle((i, 700 + (i * n) % 300, i + 60, 1200), fill=(200, 180 - 30 * n, 90))
    img.save(path, "JPEG", quality=85)
    return path


def api(base: str, path: str, token: str | None = None, body: dict | None = None) -> dict:
    req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body else None,
                                 headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)


def stand_in_packet(base: str) -> dict:
    token = api(base, "/api/v1/auth/token", body={"username": "admin", "password": "demo-password"})["access_token"]
    entities = [e for e in api(base, "/api/v1/entities?page_size=100", token) if e["industry_code"][:1] in "FH"][:3]
    inspectors = [i for i in api(base, "/api/v1/inspectors?page_size=20", token) if i["department"] == "market_regulation"][:3]
    catalog = json.loads((ROOT / "backend/demo/catalog_content.json").read_text(encoding="utf-8"))
    items = {i["code"]: i for i in catalog["items"]}
    today = dt.date.today()
    me = {"inspector_id": f"I{inspectors[0]['id']}", "name": inspectors[0]["name"], "department": "market_regulation"}
    team = [me] + [{"inspector_id": f"I{i['id']}", "name": i["name"], "department": i["department"]} for i in inspectors[1:]]
    plans = [("SCJG-SP-001", today - dt.timedelta(days=3), today + dt.timedelta(days=10)),
             ("SCJG-GS-001", today - dt.timedelta(days=1), today + dt.timedelta(days=20)),
             ("SCJG-SP-001", today + dt.timedelta(days=5), today + dt.timedelta(days=30))]
    assignments = []
    for n, (entity, (code, start, end)) in enumerate(zip(entities, plans)):
        item = items[code]
        assignments.append({
            "id": 1001 + n, "status": "open",
            "task": {"number": f"SSGK-{today.year}-{n + 3:04d}", "name": item["name_zh"], "kind": "routine", "joint": False,
                     "initiating_department": "market_regulation"},
            "window": {"start": start.isoformat(), "end": end.isoformat()},
            "target": {"id": entity["id"], "name": entity["name"], "credit_code": entity["credit_code"],
                       "registration_number": entity["registration_number"], "entity_type": entity["entity_type"],
                       "legal_representative": entity["legal_representative"], "registered_address": entity["registered_address"],
                       "business_address": entity["business_address"], "division_code": entity["division_code"],
                       "industry": {"code": entity["industry_code"], "name": entity["industry_name"]},
                       "latitude": entity["latitude"], "longitude": entity["longitude"], "prior_results": []},
            "team": team[:2],
            "items": [{"code": code, "name": item["name_zh"], "department": "market_regulation", "template": f"{code}@1",
                       "legal_basis": item["legal_basis"], "check_methods": item["check_methods"]}],
        })
    return {"version": 1, "generated_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "inspector": {"id": me["inspector_id"], "name": me["name"], "department": "market_regulation", "user_id": None},
            "assignments": assignments,
            "templates": {f"{c}@1": items[c]["rulebook"]["template"] for c in ("SCJG-SP-001", "SCJG-GS-001")},
            "result_categories": RESULT_CATEGORIES, "check_methods": CHECK_METHODS, "followup_options": FOLLOWUP}


async def lead_screens(browser, base: str, errors: list[str]) -> None:  # type: ignore[no-untyped-def]
    """The team lead's phone: the review queue with the publication deadlines, then one record.

    The demo's recent special check (backend/results/demo_recent.py) keeps a submitted record
    in the queue and an overdue one in the deadline list, so these come from the real server."""
    ctx = await browser.new_context(**PHONE, locale="zh-CN")
    page = await ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(base + "/")
    await page.fill("input[name=username]", "lead")
    await page.fill("input[name=password]", "demo-password")
    await page.click("button[type=submit]")
    await page.click(".tabs >> text=审核")
    await page.wait_for_selector("ul.queue a.card")
    await page.wait_for_selector(".due .meta.warn")
    await page.screenshot(path=str(OUT / "lead-queue.png"))
    await page.evaluate("document.querySelector('.due').scrollIntoView()")
    await page.screenshot(path=str(OUT / "lead-deadlines.png"))
    await page.evaluate("window.scrollTo(0, 0)")
    await page.click("ul.queue a.card >> nth=0")
    await page.wait_for_selector(".record")
    await page.locator(".record img[src^=blob]").first.wait_for()  # thumbnails are fetched with the token
    await page.wait_for_timeout(500)
    await page.screenshot(path=str(OUT / "lead-record.png"))
    await ctx.close()


async def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    packet = stand_in_packet(base)
    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for lang in ("zh-CN", "en"):
            ctx = await browser.new_context(**PHONE, locale=lang, geolocation={"latitude": 36.19012, "longitude": 117.12034, "accuracy": 8},
                                            permissions=["geolocation"])
            await ctx.route("**/api/v1/field/packet*", lambda route: route.fulfill(
                status=200, content_type="application/json", headers={"ETag": '"p1"'}, body=json.dumps(packet, ensure_ascii=False)))
            page = await ctx.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            suffix = "" if lang == "zh-CN" else "-en"
            await page.goto(base + "/")
            await page.wait_for_selector("form.signin")
            if lang == "en":
                await page.click("button[lang=en]")
                await page.wait_for_selector("text=Sign in")
            await page.screenshot(path=str(OUT / f"signin{suffix}.png"))
            await page.fill("input[name=username]", "inspector1")
            await page.fill("input[name=password]", "demo-password")
            await page.click("button[type=submit]")
            await page.wait_for_selector(".card")
            await page.wait_for_timeout(800)
            await page.screenshot(path=str(OUT / f"assignments{suffix}.png"))
            if lang == "en":
                await ctx.close()
                continue
            await page.click(".card")
            await page.wait_for_selector("text=开始检查")
            await page.screenshot(path=str(OUT / "assignment.png"))
            await page.click("text=开始检查")
            await page.wait_for_selector(".question")
            await page.click(".question >> nth=0 >> label:has-text('是')")
            await page.click("label:has-text('餐饮服务')")
            await page.evaluate("window.scrollTo(0, 0)")
            await page.wait_for_timeout(300)
            await page.screenshot(path=str(OUT / "checklist.png"))
            photos = page.locator("[data-qid=premises_photos]")
            await photos.locator("input[type=file][multiple]").set_input_files([str(sample_photo(n)) for n in (1, 2)])
            await photos.locator("img").nth(1).wait_for()
            await photos.scroll_into_view_if_needed()
            await page.evaluate("window.scrollBy(0, -120)")
            await page.screenshot(path=str(OUT / "photos.png"))
            await page.click("text=下一步")
            await page.wait_for_selector("text=检查方式")
            await page.click("text=下一步")
            await page.wait_for_selector("text=执法检查人员签名")
            await page.click("text=下一步")
            await page.wait_for_selector(".problems")
            await page.screenshot(path=str(OUT / "review.png"))
            await page.goto(base + "/#/sync")
            await page.wait_for_selector("text=本机存储")
            await page.wait_for_timeout(500)
            await page.screenshot(path=str(OUT / "sync.png"))
            await ctx.close()
            await lead_screens(browser, base, errors)
        await browser.close()
    for f in sorted(OUT.glob("*.png")):
        print(f.relative_to(ROOT))
    if errors:
        print("page errors:", *errors, sep="\n  ")
        sys.exit(1)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8123"))
