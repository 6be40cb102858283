"""The field app in Chromium: it opens offline, processes photos fast enough, and takes a check
from start to a finalized record whose evidence reaches the real server over tus."""
from __future__ import annotations

import hashlib
import io
import json
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from backend.field.canonical import canonical_json
from backend.results.demo_recent import NUMBER as RECENT_TASK
from tests.pwa.conftest import FieldInspector, TeamLead
from tests.pwa.field_stub import FieldStub

PASSWORD = "demo-password"


def sign_in(page: Page, url: str, username: str = "inspector1", password: str = PASSWORD) -> None:
    page.goto(url + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("我的检查任务")


def eventually(page: Page, script: str, timeout_s: float = 15) -> None:
    """Poll an async page expression until it is truthy (evaluate awaits promises; wait_for_function does not)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"never true: {script}"
        page.wait_for_timeout(100)


def jpeg(width: int, height: int) -> bytes:
    img = Image.effect_noise((width // 8, height // 8), 60).convert("RGB").resize((width, height))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88)
    return out.getvalue()


def test_the_app_opens_offline_once_it_has_been_loaded(context: BrowserContext, page: Page, app_url: str) -> None:
    page.goto(app_url + "/")
    expect(page.locator("form.signin")).to_be_visible()
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now controlled by the worker
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    try:
        page.reload()
        expect(page.locator("form.signin")).to_be_visible()
        assert "sign in" not in (page.locator("h1").text_content() or "").lower()
    finally:
        context.set_offline(False)


def test_a_signed_in_inspector_gets_the_app_offline_without_the_password(context: BrowserContext, page: Page,
                                                                        app_url: str) -> None:
    FieldStub(app_url).install(context)
    sign_in(page, app_url)
    expect(page.locator(".card")).to_have_count(1)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    try:
        page.reload()
        expect(page.locator("h1")).to_have_text("我的检查任务")
        expect(page.locator(".card h2")).to_have_text("泰安市岱岳区丰渡餐饮有限公司")
        expect(page.locator(".pill")).to_have_text("离线")
    finally:
        context.set_offline(False)


def test_a_12_megapixel_photo_is_hashed_and_thumbnailed_in_the_browser(page: Page, app_url: str, built_app: Path) -> None:
    # How fast is bench/pwa.py's business (a figure, not a timed test); here: the right hash and a small thumbnail.
    data = jpeg(4000, 3000)
    manifest = json.loads((built_app / ".vite" / "manifest.json").read_text())
    module = "/" + manifest["src/capture/photo.js"]["file"]
    page.route("**/test-photo.jpg", lambda route: route.fulfill(status=200, content_type="image/jpeg", body=data))
    page.goto(app_url + "/")
    expect(page.locator("form.signin")).to_be_visible()
    result = page.evaluate("""async (module) => {
        const { processPhoto } = await import(module);
        const blob = await (await fetch('/test-photo.jpg')).blob();
        const file = new File([blob], 'p.jpg', { type: 'image/jpeg' });
        const out = await processPhoto(file);
        return { sha256: out.sha256, size: out.size, thumb: out.thumb.size, type: out.mediaType };
    }""", module)
    assert result["sha256"] == hashlib.sha256(data).hexdigest()
    assert (result["size"], result["type"]) == (len(data), "image/jpeg")
    assert 0 < result["thumb"] < 100_000


def draw_signature(page: Page) -> None:
    pad = page.locator("canvas.sigpad")
    expect(pad).to_be_visible()
    box = pad.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 40, box["y"] + 80)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(box["x"] + 40 + i * 20, box["y"] + 80 + (30 if i % 2 else -30))
    page.mouse.up()
    page.click("dialog >> text=确认签名")
    expect(page.locator("dialog")).to_have_count(0)


def do_the_demo_check(page: Page, field_inspector: FieldInspector, photos: list[str]) -> None:
    """From the assignment list to a finalized record: every page of the demo joint check, five photos
    (from four files), both officers' and the party's signatures."""
    page.click("text=待开始")
    page.locator(".card", has_text=field_inspector.target).click()
    page.click("text=开始检查")
    q = lambda qid: page.locator(f"[data-qid={qid}]")  # noqa: E731

    expect(page.locator("h1")).to_have_text("特种设备抽查")
    q("equipment_types").locator("label", has_text="电梯").click()
    expect(q("elevator_notices")).to_be_visible()  # show_if on a multiple choice
    q("equipment_count").locator("input").fill("3")
    for qid in ("use_registered", "operators_certified", "technical_files", "elevator_notices"):
        q(qid).locator("label", has_text="是").first.click()
    q("inspection_current").locator("label", has_text="否").click()
    expect(q("inspection_current").locator(".finding")).to_be_visible()
    q("overdue_photos").locator("input[multiple]").set_input_files(photos[:1])
    q("equipment_photos").locator("input[multiple]").set_input_files(photos[1:3])
    expect(q("equipment_photos").locator("img")).to_have_count(2)
    q("party_status").locator("label", has_text="在场并签字").click()
    page.click("text=下一步")

    expect(page.locator("h1")).to_have_text("排污许可证执行情况检查")
    q("permit_class").locator("label", has_text="重点管理").click()
    q("permit_number").locator("input").fill("91370902MA3XXXX001P")
    for qid in ("outlets_match", "self_monitoring", "execution_reports", "ledger_kept", "online_monitoring_ok"):
        q(qid).locator("label", has_text="是").first.click()
    q("cod_concentration").locator("input").fill("12.3")
    q("outlet_photos").locator("input[multiple]").set_input_files([photos[3], photos[0]])
    expect(q("outlet_photos").locator("img")).to_have_count(2)
    q("party_status").locator("label", has_text="在场并签字").click()
    page.click("text=下一步")

    expect(page.locator("h1")).to_have_text("检查结果")
    page.locator("fieldset", has_text="特种设备抽查").locator("label", has_text="发现问题已责令改正").click()
    page.locator("fieldset", has_text="排污许可证").locator("label", has_text="未发现问题").click()
    page.locator("fieldset", has_text="后续处置").get_by_text("责令改正", exact=True).click()
    page.click("text=下一步")

    expect(page.locator("h1")).to_have_text("签名确认")
    page.locator(".officer").first.locator("button", has_text="签名").click()
    draw_signature(page)
    page.click("text=添加检查人员")
    page.locator(".officer").nth(1).locator("select").select_option(field_inspector.partner_id)
    page.locator(".officer").nth(1).locator("button", has_text="签名").click()
    draw_signature(page)
    page.click("label:has-text('在场')")
    page.fill("input[autocomplete=off][maxlength='100']", "李某峰")
    page.click("label:has-text('签字确认')")
    page.locator("fieldset", has_text="当事人").locator("button", has_text="签名").click()
    draw_signature(page)
    page.click("text=下一步")

    expect(page.locator("h1")).to_have_text("核对并完成")
    expect(page.locator(".problems")).to_have_count(0)
    expect(page.locator(".note.ok")).to_be_visible()
    page.click("button:has-text('完成检查')")
    page.click("dialog >> button:has-text('完成检查')")


def test_a_check_done_offline_reaches_the_server_once_byte_for_byte_and_the_lead_approves_it_in_the_app(
        browser: Browser, browser_context_args: dict, context: BrowserContext, page: Page, app_url: str,
        tmp_path: Path, field_inspector: FieldInspector, team_lead: TeamLead) -> None:
    """The whole flow with no stand-ins: the real packet, offline work, a reload, sync over tus, review."""
    photos = photo_files(tmp_path)
    records: list[str] = []
    page.on("response", lambda r: r.request.method == "POST" and r.url.endswith("/api/v1/field/records")
            and records.append(f"{r.status}"))
    sign_in(page, app_url, field_inspector.username, field_inspector.password)
    page.click("text=待开始")
    expect(page.locator(".card", has_text=field_inspector.target)).to_be_visible()  # the packet is on the phone
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    context.set_offline(True)  # from here on there is no signal
    try:
        do_the_demo_check(page, field_inspector, photos)
        expect(page.locator(".status-box .chip")).to_have_text("等待网络")
        page.reload()
        expect(page.locator(".status-box .chip")).to_have_text("等待网络")
        stored = page.evaluate("""(id) => new Promise((resolve) => {
            const open = indexedDB.open('ssgk-field');
            open.onsuccess = () => {
                const req = open.result.transaction('evidence').objectStore('evidence').index('by_record')
                    .getAll(id);
                req.onsuccess = () => resolve(req.result.filter((e) => e.blob instanceof Blob).length);
            };
        })""", page.evaluate("location.hash").rsplit("/", 1)[1])
        assert stored == 8  # five photos and three signatures, all still on the phone after the reload
    finally:
        context.set_offline(False)
    expect(page.locator(".status-box .chip")).to_have_text("已同步", timeout=90_000)
    assert records == ["201"]  # accepted the first time: digest and every rule of docs/field-api.md §2

    record_id = page.evaluate("location.hash").rsplit("/", 1)[1]
    status = server_record(page, app_url, record_id)
    assert status["complete"] is True and status["missing_evidence"] == []
    record = status["record"]
    digest = record.pop("digest")
    assert hashlib.sha256(canonical_json(record)).hexdigest() == digest  # the server's canonical JSON
    tz = record["answers"]["SCJG-TZ-001"]
    assert tz["equipment_count"] == 3 and tz["inspection_current"] == "no" and len(tz["overdue_photos"]) == 1
    assert record["answers"]["ST-PW-001"]["cod_concentration"] == 12.3
    assert record["result_categories"] == {"SCJG-TZ-001": ["corrected"], "ST-PW-001": ["no_problem"]}
    assert [f["code"] for f in record["followup"]] == ["order_to_correct"]
    assert [o["inspector_id"] for o in record["officers"]] == [field_inspector.inspector_id, field_inspector.partner_id]
    assert sorted(e["kind"] for e in record["evidence"]) == ["photo"] * 5 + ["signature"] * 3
    assert {g["purpose"] for g in record["gps"]} == {"start", "photo"}
    sent = {hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in photos}
    held = {e["sha256"] for e in record["evidence"] if e["kind"] == "photo"}
    assert held == sent
    headers = {"Authorization": f"Bearer {stored_token(page)}"}
    for sha256 in sorted(held):  # the server's bytes, not just its word for them
        body = page.request.get(f"{app_url}/api/v1/evidence/{sha256}", headers=headers).body()
        assert hashlib.sha256(body).hexdigest() == sha256
    # Only now are the originals gone from the phone; thumbnails stay.
    left = page.evaluate("""async (id) => new Promise((resolve) => {
        const open = indexedDB.open('ssgk-field');
        open.onsuccess = () => {
            const req = open.result.transaction('evidence').objectStore('evidence').index('by_record').getAll(id);
            req.onsuccess = () => resolve(req.result.map((e) => [e.blob === null, e.thumb instanceof Blob]));
        };
    })""", record_id)
    assert len(left) == 8 and all(gone and thumb for gone, thumb in left)

    lead = lead_page(browser, browser_context_args, app_url, team_lead)
    # the department's deadline lists sit under the queue: the demo's recent special check has a result
    # overdue today and one due soon, whatever day the demo was loaded (backend/results/demo_recent.py)
    expect(lead.locator("#due-title")).to_have_text("公示期限（20个工作日）")
    overdue, due_soon = lead.locator(".due ul").nth(0), lead.locator(".due ul").nth(1)
    expect(overdue.locator(".card", has_text=RECENT_TASK).locator(".warn")).to_contain_text("公示期限")
    expect(due_soon.locator(".card", has_text=RECENT_TASK)).to_have_count(1)
    lead.locator(".card", has_text=field_inspector.target).click()
    expect(lead.locator(".record img.thumb").first).to_have_attribute("src", re.compile("^blob:"))  # photos from the server
    lead.go_back()
    decide_in_app(lead, field_inspector.target, "通过")
    expect(lead.locator(".card", has_text=field_inspector.target)).to_have_count(0)
    review = review_of(lead, app_url, record_id)
    assert review["status"] in ("approved", "lead_approved")
    assert [(d["stage"], d["decision"]) for d in review["decisions"]] == [("lead", "approve")]


def lead_page(browser: Browser, browser_context_args: dict, app_url: str, lead: TeamLead) -> Page:
    """The team lead's own phone: another browser context, signed in, on the review tab."""
    page = browser.new_context(**browser_context_args).new_page()
    sign_in(page, app_url, lead.username, lead.password)
    page.click(".tabs >> text=审核")
    expect(page.locator("h1")).to_have_text("待审核记录")
    return page


def decide_in_app(page: Page, target: str, decision: str, comment: str = "") -> None:
    page.locator(".card", has_text=target).click()
    expect(page.locator("h1")).to_have_text("审核检查记录")
    expect(page.locator(".record")).to_be_visible()
    if comment:
        page.fill("textarea", comment)
    page.click(f".actions >> button:has-text('{decision}')")
    expect(page.locator("h1")).to_have_text("待审核记录")


def review_of(page: Page, app_url: str, record_id: str) -> dict:
    headers = {"Authorization": f"Bearer {stored_token(page)}"}
    return page.request.get(f"{app_url}/api/v1/review/records/{record_id}", headers=headers).json()


def stored_token(page: Page) -> str:
    return page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open('ssgk-field');
        open.onsuccess = () => { const r = open.result.transaction('kv').objectStore('kv').get('auth');
                                 r.onsuccess = () => resolve(r.result.value.accessToken); };
    })""")


def server_record(page: Page, app_url: str, record_id: str) -> dict:
    headers = {"Authorization": f"Bearer {stored_token(page)}"}
    return page.request.get(f"{app_url}/api/v1/field/records/{record_id}", headers=headers).json()


def photo_files(tmp_path: Path, count: int = 4) -> list[str]:
    paths = []
    for n in range(count):
        path = tmp_path / f"photo-{n}.jpg"
        path.write_bytes(jpeg(1200 + n * 16, 900))
        paths.append(str(path))
    return paths


@pytest.fixture
def without_worker(browser: Browser, browser_context_args: dict) -> Iterator[tuple[BrowserContext, Page]]:
    """A context whose pages no service worker controls. Playwright's routes do not see the requests
    of a controlled page (its "Service Workers" guide), and the app's worker claims its page at a
    moment that races the first upload: the faults a test injects would then sometimes never
    happen. The worker never handles API requests (pwa/src/sw/logic.js), so sync is the same."""
    context = browser.new_context(**browser_context_args, service_workers="block")
    yield context, context.new_page()
    context.close()


def test_on_a_flaky_network_a_record_syncs_once_and_a_returned_one_is_amended_and_approved_again(
        browser: Browser, browser_context_args: dict, without_worker: tuple[BrowserContext, Page], app_url: str,
        tmp_path: Path, field_inspector: FieldInspector, team_lead: TeamLead) -> None:
    context, page = without_worker
    photos = photo_files(tmp_path)
    coin = random.Random(20261125)  # seeded: a failing run can be replayed; not alternating, which would
    tried: list[bool] = []           # lock step with the app's request cycles and fail the same request forever

    def half_fail(route: Route) -> None:  # half of the upload requests die mid-air
        tried.append(coin.random() < 0.5)
        if tried[-1]:
            route.abort("connectionreset")
        else:
            route.continue_()

    created: list[int] = []
    page.on("response", lambda r: r.request.method == "POST" and r.url.endswith("/api/v1/field/records")
            and created.append(r.status))
    sign_in(page, app_url, field_inspector.username, field_inspector.password)
    context.route("**/api/v1/uploads**", half_fail)
    do_the_demo_check(page, field_inspector, photos)
    expect(page.locator(".status-box .chip")).to_have_text("已同步", timeout=180_000)
    assert sum(tried) >= 3, "the network never failed"
    assert created.count(201) == 1 and set(created) <= {200, 201}  # later tries were answered as replays
    status = server_record(page, app_url, page.evaluate("location.hash").rsplit("/", 1)[1])
    assert status["complete"] is True and status["missing_evidence"] == []
    assert status["revision"] == 1
    assert len(status["record"]["evidence"]) == 8

    record_id = page.evaluate("location.hash").rsplit("/", 1)[1]
    lead = lead_page(browser, browser_context_args, app_url, team_lead)
    decide_in_app(lead, field_inspector.target, "退回修改", comment="请补充检查备注。")
    page.reload()  # opening the record asks the server how its review goes
    expect(page.locator(".status-box .chip")).to_have_text("已退回")
    expect(page.locator(".status-box .note")).to_contain_text("请补充检查备注。")
    page.click("button:has-text('修改并重新提交')")
    expect(page).to_have_url(re.compile(f"#/check/{record_id}"))
    expect(page.locator(".stepper")).to_be_visible()  # the draft again, as revision 2
    page.goto(f"{app_url}/#/check/{record_id}/review")  # answers, photos and signatures are kept: straight to review
    expect(page.locator("h1")).to_have_text("核对并完成")
    expect(page.locator(".problems")).to_have_count(0)
    page.click("button:has-text('完成检查')")
    page.click("dialog >> button:has-text('完成检查')")
    expect(page.locator(".status-box .chip")).to_have_text("已同步", timeout=180_000)
    assert server_record(page, app_url, record_id)["revision"] == 2

    lead.reload()
    decide_in_app(lead, field_inspector.target, "通过")
    review = review_of(lead, app_url, record_id)
    assert review["revision"] == 2
    assert [(d["revision"], d["decision"]) for d in review["decisions"]] == [(1, "return"), (2, "approve")]


def test_signing_out_with_an_unsent_draft_warns_first(context: BrowserContext, page: Page, app_url: str) -> None:
    FieldStub(app_url).install(context)
    sign_in(page, app_url)
    page.click(".card")
    page.click("text=开始检查")
    expect(page.locator(".question").first).to_be_visible()
    page.goto(app_url + "/#/settings")
    page.click("button:has-text('退出登录')")
    expect(page.locator("dialog")).to_contain_text("本机还有 1 条记录未同步")
    page.click("dialog >> text=取消")
    expect(page.locator("h1")).to_have_text("设置")


def test_a_draft_can_be_discarded_with_its_photos(context: BrowserContext, page: Page, app_url: str, tmp_path: Path) -> None:
    FieldStub(app_url).install(context)
    photo = tmp_path / "p.jpg"
    photo.write_bytes(jpeg(800, 600))
    sign_in(page, app_url)
    page.click(".card")
    page.click("text=开始检查")
    page.locator("[data-qid=premises_photos] input[multiple]").set_input_files([str(photo)])
    expect(page.locator("[data-qid=premises_photos] img")).to_have_count(1)
    page.click("text=暂存退出")
    page.click("text=放弃草稿")
    page.click("dialog >> button.danger")
    expect(page.locator("text=开始检查")).to_be_visible()
    counts = page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open('ssgk-field');
        open.onsuccess = () => {
            const tx = open.result.transaction(['records', 'evidence']);
            const r = tx.objectStore('records').count();
            const e = tx.objectStore('evidence').count();
            tx.oncomplete = () => resolve([r.result, e.result]);
        };
    })""")
    assert counts == [0, 0]


def test_a_team_lead_is_told_when_a_server_does_not_serve_reviews(
        context: BrowserContext, page: Page, app_url: str) -> None:
    FieldStub(app_url).install(context)
    context.route("**/api/v1/review/**", lambda route: route.fulfill(status=404, content_type="application/problem+json",
                                                                     body='{"code": "not_found", "status": 404}'))
    sign_in(page, app_url, "lead")
    page.click(".tabs >> text=审核")
    expect(page.locator("h1")).to_have_text("待审核记录")
    # The queue's own message; the due lists below load on their own and say their own thing.
    expect(page.locator("ul.queue .empty")).to_have_text("服务器尚未提供审核功能。")


def test_a_new_version_waits_while_a_draft_is_open_and_applies_when_the_user_agrees(
        context: BrowserContext, page: Page, app_url: str, built_app: Path) -> None:
    FieldStub(app_url).install(context)
    # The first registration gets an older build (another byte); the update check then finds the
    # real built worker on the server (Chromium's update checks are not routed through Playwright).
    older = (built_app / "sw.js").read_bytes() + b"\n// an older build\n"
    served = []

    def first_only(route: Route) -> None:
        if served:
            route.continue_()
            return
        served.append(1)
        route.fulfill(status=200, content_type="text/javascript", headers={"Cache-Control": "no-cache"}, body=older)

    context.route("**/sw.js", first_only)
    sign_in(page, app_url)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.click(".card")
    page.click("text=开始检查")
    expect(page.locator(".question").first).to_be_visible()

    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    eventually(page, "navigator.serviceWorker.getRegistration().then((r) => r.waiting !== null)")
    expect(page.locator(".banner", has_text="有新版本")).to_have_count(0)
    # Even asked directly, the waiting worker refuses while a window has a draft open.
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.waiting.postMessage({type: 'SKIP_WAITING'}))")
    page.wait_for_timeout(1000)
    assert page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.waiting !== null)")

    page.click("text=暂存退出")  # the draft is saved and closed
    banner = page.locator(".banner", has_text="有新版本")
    expect(banner).to_be_visible()
    with page.expect_navigation():
        banner.locator("button").click()
    expect(page.locator("h1")).to_be_visible()
    eventually(page, "navigator.serviceWorker.getRegistration().then((r) => r.waiting === null && r.active !== null)")
