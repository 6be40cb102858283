"""Demo: one referral case with photos, ready to export and verify, made through the real services.

A special check (专项检查) of food businesses after a complaint: a task of one target drawn three
days ago with a team of two market-regulation officers, whose directory entries are linked to the
demo accounts `officer1` and `officer2` unless the draw picked inspectors already linked to other
demo accounts. Yesterday they found expired cooked meat on sale; their check record (follow-up:
transfer) is submitted and its five photos and three signatures uploaded through the tus upload
service, so every item has a real custody trail. The case is opened, verified by both officers,
approved by the demo head and transferred to the city police, whose receipt is still awaited.

Times are relative to the moment of loading (a package refuses a capture dated after its upload).
Each step is skipped when its result exists, so loading twice changes nothing.
"""
from __future__ import annotations

import base64
import hashlib
import io
import uuid
from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from PIL import ExifTags, Image, ImageDraw

from backend.accounts.model import User
from backend.db import db, utcnow
from backend.demo.catalog_content import _admin
from backend.directory import confirmations
from backend.directory.inspectors import update_inspector
from backend.directory.model import Inspector, SubDirectory
from backend.draws import services as draws
from backend.field import assignments, records
from backend.field.validation import digest_of
from backend.policy import Principal
from backend.referrals import services as referrals
from backend.referrals.deadlines import BEIJING
from backend.referrals.model import ReferralCase
from backend.tasks import services as tasks
from backend.tasks.model import Assignment, Task
from backend.tasks.schemas import TaskCreateSchema
from backend.uploads import append
from backend.uploads import services as uploads

NUMBER = "SCJG-2026-ZX07"
ITEM = "SCJG-SP-001"
RECORD_ID = uuid.UUID("7d1f3c52-6a0e-4b8e-9c41-2f5d8e0a6b17")
OFFICER_ACCOUNTS = ("officer1", "officer2")
WITNESSES = [{"name": "赵某林（演示）", "capacity": "12315 投诉人代表"}, {"name": "钱某芳（演示）", "capacity": "社会监督员"}]
REPORT = {
    "investigation": "执法人员现场检查了冷藏柜和仓库，清点了过期熟肉制品，调取了进货台账，询问了当事人。",
    "suspected_offence": "生产、销售不符合安全标准的食品罪",
    "facts": "当事人在冷藏柜中陈列销售超过保质期的酱牛肉 320 袋，标签保质期至 2026 年 10 月，货值金额约 1.6 万元。",
    "legal_basis": "《中华人民共和国食品安全法》第三十四条；《中华人民共和国刑法》第一百四十三条。",
    "opinion": "当事人涉嫌犯罪，建议移送泰安市公安局依法处理。",
    "contact": "执法人员一（演示） 0538-0000000",
    "items": [{"name": "熟肉制品（酱牛肉）", "specification": "250 克/袋", "quantity": "320", "unit": "袋",
               "note": "已先行登记保存"}],
    "attachments": ["现场检查笔录", "进货台账复印件"],
}


def _principal(user: User) -> Principal:
    return Principal(user.id, user.username, user.department_id, None, frozenset(user.role_names))


def _user(username: str) -> User:
    return db.session.scalars(sa.select(User).where(User.username == username)).one()


def _draw(admin: Principal, now: datetime) -> Task:
    """The special task, drawn (one target, a team of two) through the task and draw services."""
    task = db.session.scalar(sa.select(Task).where(Task.number == NUMBER))
    created = now - timedelta(days=3)
    if task is None:
        food = db.session.scalar(sa.select(SubDirectory.id).where(SubDirectory.code == "food_business"))
        start = created.astimezone(BEIJING).date()
        task = tasks.create_task(admin, TaskCreateSchema().load({
            "number": NUMBER, "name_zh": "熟肉制品经营专项检查（投诉线索，演示）", "kind": "special",
            "basis": "12315 投诉：某超市销售过期熟肉制品（演示）", "department": "market_regulation",
            "items": [ITEM], "names_public": "after_checks",
            "scope": {"description_zh": "食品经营分库中的经营者", "sub_directories": [food]},
            "sampling": {"stratify_by": "none", "strata": {"ALL": {"rule": "count", "count": 1}}},
            "staffing": {"team_size": 2},
            "window": {"start": start.isoformat(), "end": (start + timedelta(days=30)).isoformat()}}), now=created)
    if task.status == "draft":
        draws.commit(admin, task.id, {"randomness": {
            "kind": "lottery", "source": "福彩3D 演示期开奖号码", "available_at": created + timedelta(hours=12)}},
            now=created + timedelta(hours=1))
        task = db.session.get(Task, task.id, populate_existing=True)
    if task.status == "committed":
        commitment = draws.current_commitment(db.session, task.id)
        draws.reveal(admin, task.id, {"commitment": commitment.commitment, "value": "3 0 7", "witnesses": WITNESSES},
                     now=created + timedelta(hours=13))
        task = db.session.get(Task, task.id, populate_existing=True)
    return task


def _officers(admin: Principal, assignment: Assignment) -> list[User]:
    """The team's accounts: an inspector not yet linked is linked to a free demo officer account."""
    free = [u for u in map(_user, OFFICER_ACCOUNTS)
            if db.session.scalar(sa.select(Inspector.id).where(Inspector.user_id == u.id)) is None]
    users, linked = [], False
    for member in assignment.members:
        inspector = db.session.get(Inspector, member.inspector_id, populate_existing=True)
        if inspector.user_id is None:
            account = free.pop(0)
            inspector = update_inspector(admin, inspector.id, inspector.version, {"user_id": account.id})
            linked = True
        users.append(db.session.get(User, inspector.user_id))
    if linked:  # the inspectors' directory changed: confirm it again, as its administrator would
        confirmations.confirm(admin, {"department": "market_regulation", "kind": "inspectors",
                                      "note": "演示：执法人员账号关联"})
    return users


def _uuid4(name: str) -> str:
    """A fixed UUID of the form the app makes (version 4), so loading again finds the same evidence."""
    return str(uuid.UUID(bytes=uuid.uuid5(RECORD_ID, name).bytes, version=4))


def photo(n: int, captured: datetime) -> bytes:
    image = Image.new("RGB", (1024, 768), (180 - 20 * n, 160, 120 + 15 * n))
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 120, 944, 648), outline=(255, 255, 255), width=8)
    draw.text((100, 140), f"DEMO EVIDENCE {n}  {captured:%Y-%m-%d %H:%M}", fill=(255, 255, 255))
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = captured.strftime("%Y:%m:%d %H:%M:%S")
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitude], gps[ExifTags.GPS.GPSLatitudeRef] = (36.0, 11.0, 48.36 + n), "N"
    gps[ExifTags.GPS.GPSLongitude], gps[ExifTags.GPS.GPSLongitudeRef] = (117.0, 7.0, 28.2), "E"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def signature(name: str) -> bytes:
    """A scribble, different for each signer."""
    seed = hashlib.sha256(name.encode()).digest()
    image = Image.new("RGB", (360, 120), "white")
    ImageDraw.Draw(image).line([(20 + 40 * i, 20 + seed[i] % 80) for i in range(9)], fill="black", width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _evidence(start: datetime, team: list[str]) -> list[dict[str, Any]]:
    items = []
    for n in range(5):
        captured = start + timedelta(minutes=5 + 6 * n)
        items.append({"id": _uuid4(f"photo-{n}"), "kind": "photo", "data": photo(n, captured),
                      "media_type": "image/jpeg", "captured_at": captured, "captured_by": team[n % 2],
                      "question_id": "expired_food_photos" if n < 3 else "premises_photos"})
    for n, who in enumerate(("officer-1", "officer-2", "party")):
        items.append({"id": _uuid4(f"signature-{who}"), "kind": "signature",
                      "data": signature(who), "media_type": "image/png", "captured_at": start + timedelta(minutes=44),
                      "captured_by": team[0], "question_id": None})
    return items


def _body(assignment: Assignment, team: list[str], evidence: list[dict[str, Any]], start: datetime) -> dict[str, Any]:
    views, _ = assignments.build(db.session, [assignment.id])
    templates = {i["code"]: i["template"] for i in views[0]["items"]}
    photos, signatures = evidence[:5], evidence[5:]
    answers = {"licence_valid": "yes", "business_format": "retail", "staff_health": "yes", "purchase_records": "no",
               "expired_food_found": "yes", "expired_food_count": 320,
               "expired_food_photos": [p["id"] for p in photos[:3]], "premises_photos": [p["id"] for p in photos[3:]],
               "party_status": "signed", "party_signature": signatures[2]["id"],
               "inspector_signature_1": signatures[0]["id"], "inspector_signature_2": signatures[1]["id"]}
    body = {
        "id": str(RECORD_ID), "assignment_id": assignment.id, "templates": templates, "answers": {ITEM: answers},
        "result_categories": {ITEM: ["pending_market_regulation"]}, "check_methods": ["on_site"],
        "followup": [{"code": "case_transfer", "done": False, "date": None,
                      "note": "涉嫌销售过期食品，证据已固定，移交办案机构"}],
        "notes": "冷藏柜中陈列销售超过保质期的酱牛肉 320 袋（250 克/袋），已先行登记保存；当事人在场并签字确认。",
        "started_at": start.isoformat(), "ended_at": (start + timedelta(minutes=47)).isoformat(), "elapsed_ms": 2820000,
        "gps": [{"lat": 36.1801, "lon": 117.1245, "accuracy_m": 6.0, "at": start.isoformat(), "purpose": "start",
                 "evidence_id": None}],
        "officers": [{"inspector_id": key, "signature_evidence_id": s["id"]} for key, s in zip(team, signatures)],
        "party": {"present": True, "name": "李某（演示）", "signed": True, "signature_evidence_id": signatures[2]["id"],
                  "refused": False, "witness": None},
        "evidence": [{"id": e["id"], "kind": e["kind"], "sha256": hashlib.sha256(e["data"]).hexdigest(),
                      "size": len(e["data"]), "media_type": e["media_type"], "item_code": ITEM,
                      "question_id": e["question_id"], "captured_at": e["captured_at"].isoformat(),
                      "captured_by": e["captured_by"]} for e in evidence],
    }
    body["digest"] = digest_of(body)
    return body


def upload(officer: Principal, evidence: dict[str, Any], sha256: str, record_id: uuid.UUID = RECORD_ID) -> None:
    """One evidence file of a record, sent through tus as the app sends it (skipped when received)."""
    from backend.evidence_store.model import EvidenceItem

    if db.session.scalar(sa.select(EvidenceItem.id).where(EvidenceItem.evidence_id == uuid.UUID(evidence["id"]))):
        return  # received by an earlier, interrupted load
    filename = f"{evidence['kind']}-{evidence['id'][:8]}.{'jpg' if evidence['kind'] == 'photo' else 'png'}"
    meta = {"filename": filename, "filetype": evidence["media_type"], "sha256": sha256,
            "record_id": str(record_id), "evidence_id": evidence["id"]}
    header = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())
    upload, _ = uploads.create(officer, length=len(evidence["data"]), metadata=meta, metadata_header=header)
    if upload.offset < upload.length:
        append.patch(officer, upload.id, offset=upload.offset, stream=io.BytesIO(evidence["data"][upload.offset:]),
                     content_length=upload.length - upload.offset, checksum=None)


def _record(assignment: Assignment, officers: list[User], now: datetime) -> None:
    from backend.field.model import CheckRecord

    if db.session.get(CheckRecord, RECORD_ID) is not None:
        return
    start = datetime.combine((now - timedelta(days=1)).astimezone(BEIJING).date(), time(9, 30), BEIJING)
    team = [f"I{m.inspector_id}" for m in assignment.members]
    evidence = _evidence(start, team)
    body = _body(assignment, team, evidence, start)
    submitter = _principal(officers[0])
    for declared, item in zip(body["evidence"], evidence):
        upload(submitter, item, declared["sha256"])
    records.submit(submitter, body)


def _case(officers: list[User], head: User) -> int:
    case = db.session.scalar(sa.select(ReferralCase).where(ReferralCase.record_id == RECORD_ID))
    first, second = (_principal(u) for u in officers)
    if case is None:
        case = referrals.open_case(first, {"record_id": RECORD_ID, "receiving_authority": "泰安市公安局",
                                           "reason": "现场发现超过保质期的熟肉制品 320 袋，货值较大，涉嫌犯罪"})
    if case.state == "verifying":
        case = referrals.verify(first, case.id, {"handlers": [first.user_id, second.user_id], "report": REPORT})
    if case.state == "awaiting_decision":
        case = referrals.decide(_principal(head), case.id, {"decision": "approve", "reason": ""})
    if case.state == "approved":
        referrals.transfer(second, case.id, {"note": "移送书及证据材料当面移交泰安市公安局"})
        return 1
    return 0


def load_referral_demo() -> dict[str, int]:
    if db.session.scalar(sa.select(ReferralCase.state).where(ReferralCase.record_id == RECORD_ID)) == "transferred":
        return {"referral cases": 0}
    admin, now = _admin(), utcnow()
    task = _draw(admin, now)
    assignment = db.session.scalars(sa.select(Assignment).where(Assignment.task_id == task.id)).one()
    officers = _officers(admin, assignment)
    _record(assignment, officers, now)
    return {"referral cases": _case(officers, _user("head"))}
