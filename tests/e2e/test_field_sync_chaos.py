"""Chaos: devices whose connections drop at random points sync 200 records with 6 photos each
through gunicorn. At the end every record exists exactly once, is complete, and every stored
photo hashes to the original's SHA-256."""
from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from backend import create_app
from tests.e2e.test_live_server import sign_in
from tests.support.draws import seed_entities
from tests.support.field import Evidence, RecordDraft, checklist_item, make_assignments
from tests.support.sync_client import Flaky, Syncer, noise_jpeg

RECORDS, PHOTOS, ASSIGNMENTS, DEVICES, DROP_RATE = 200, 6, 20, 8, 0.12
DEMO_INSPECTORS = ("inspector1", "inspector2")  # market regulation, linked to directory records by the demo


@pytest.fixture(scope="module")
def live_app(live_server: str, live_env: dict[str, str]) -> Iterator[Flask]:
    """The app in this process, on the live server's database and media (to seed and to check)."""
    yield create_app({"SQLALCHEMY_DATABASE_URL": live_env["DATABASE_URL"], "MEDIA_ROOT": live_env["MEDIA_ROOT"],
                      "AUDIT_SIGNING_KEY": live_env["AUDIT_SIGNING_KEY"]})


def demo_team(app: Flask) -> list[int]:
    from backend.accounts.model import User
    from backend.db import db
    from backend.directory.model import Inspector

    with app.app_context():
        return [db.session.scalar(sa.select(Inspector.id).join(User, User.id == Inspector.user_id)
                                  .where(User.username == name)) for name in DEMO_INSPECTORS]


def drafts(app: Flask) -> list[RecordDraft]:
    team = demo_team(app)
    item = checklist_item(app, "market_regulation")
    assignments = make_assignments(app, seed_entities(app, {"B": ASSIGNMENTS}), team, [item], "market_regulation")
    made = []
    for n in range(RECORDS):
        draft = RecordDraft(assignments[n % ASSIGNMENTS], [item], [f"I{i}" for i in team], photos=PHOTOS)
        draft.pictures = [Evidence(p.id, "photo", noise_jpeg(140), "image/jpeg") for p in draft.pictures]
        made.append(draft)
    return made


def sync(base: str, tokens: dict[str, str], draft: RecordDraft, seed: int) -> Syncer:
    """The app's order: post the record, upload what the server reports missing, post again to confirm."""
    device = Syncer(Flaky(base, DROP_RATE, random.Random(seed)), tokens)
    body = draft.body(party={"present": False, "name": None, "signed": False, "signature_evidence_id": None,
                             "refused": False, "witness": None},
                      evidence=[e.declared(draft.item_codes[0]) for e in draft.evidence if e is not draft.signatures[-1]])
    raw = json.dumps(body, ensure_ascii=False).encode()
    answer = device.post_record(raw)
    assert answer.status in (200, 201), answer.body
    by_id = {e.id: e for e in draft.evidence}
    for missing in json.loads(answer.body)["missing_evidence"]:
        evidence = by_id[missing["id"]]
        device.upload(evidence.data, evidence.media_type, evidence.id, draft.id)
    # Everything the client saw completed counts at once: one upload round, never a second.
    final = device.post_record(raw)
    assert final.status == 200 and json.loads(final.body)["complete"] is True, final.body
    return device


def test_devices_with_dropping_connections_sync_every_record_once_with_intact_photos(
        live_server: str, live_app: Flask, live_env: dict[str, str]) -> None:
    work = drafts(live_app)
    tokens = {name: {"Authorization": f"Bearer {sign_in(live_server, name)[1]['access_token']}"}
              for name in DEMO_INSPECTORS}
    with ThreadPoolExecutor(DEVICES) as pool:
        devices = list(pool.map(lambda n: sync(live_server, tokens[DEMO_INSPECTORS[n % 2]], work[n], n),
                                range(RECORDS)))
    assert sum(d.http.drops for d in devices) > RECORDS  # the network really was bad

    from backend.db import db
    from backend.evidence_store.model import EvidenceItem
    from backend.field.model import CheckRecord, CheckRecordRevision

    ids = [d.id for d in work]
    with live_app.app_context():
        records = {str(i) for i in db.session.scalars(sa.select(CheckRecord.id))} & set(ids)
        revisions = db.session.execute(sa.select(CheckRecordRevision.record_id, sa.func.count())
                                       .group_by(CheckRecordRevision.record_id)).all()
        stored = {str(e.evidence_id): e.blob_sha256 for e in db.session.scalars(sa.select(EvidenceItem))}
    assert records == set(ids)
    assert all(count == 1 for record_id, count in revisions if str(record_id) in records)
    objects = Path(live_env["MEDIA_ROOT"]) / "objects"
    for draft in work:
        for picture in draft.pictures:
            original = hashlib.sha256(picture.data).hexdigest()
            assert stored[picture.id] == original
            path = objects / original[:2] / original[2:4] / original
            assert hashlib.sha256(path.read_bytes()).hexdigest() == original
