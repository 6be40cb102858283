"""A small referral case to package: real JPEGs in a LocalStorage, custody events recorded in a
real (in-memory) audit tree built with backend.audit, and a signed checkpoint over it."""
from __future__ import annotations

import base64
import io
import random
import re
import uuid
import zipfile
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from PIL import Image

from backend.audit import merkle
from backend.audit.canonical import (
    audit_leaf_bytes,
    canonical_json,
    sha256_hex,
    utc_timestamp,
)
from backend.audit.checkpoint import (
    checkpoint_body,
    key_id,
    load_private_key,
    public_key_b64,
)
from backend.evidence.inputs import (
    AuditEntry,
    AuditProofs,
    CaseFacts,
    CustodyEvent,
    EvidenceItem,
    InvolvedItem,
    Officer,
    PackageInput,
    Party,
    SignedCheckpoint,
)
from backend.evidence_store.storage import LocalStorage

# RFC 8032 §7.1 TEST 1: a published key, for tests only.
TEST_KEY_B64 = base64.b64encode(bytes.fromhex(
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")).decode()
CASE_NUMBER = "泰市监移〔2026〕7号"
ENTITY = "泰安市岱岳区鲜味源食品有限公司"
T0 = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # 09:30 in Tai'an


def sample_key() -> Ed25519PrivateKey:
    return load_private_key(TEST_KEY_B64)


def make_jpeg(seed: int, size: tuple[int, int] = (64, 48)) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", size)
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(size[0] * size[1])])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def make_png_signature(seed: int) -> bytes:
    image = Image.new("L", (120, 40), 255)
    for x in range(10, 110):
        image.putpixel((x, 20 + (x * seed) % 9 - 4), 0)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@dataclass
class AuditLog:
    """Entries appended like backend.audit.services does, without a database."""

    entries: list[dict[str, Any]] = field(default_factory=list)

    def record(self, action: str, object_type: str | None, object_id: str | None, payload: Any,
               actor: str | None, at: datetime) -> int:
        index = len(self.entries)
        self.entries.append({"index": index, "time": utc_timestamp(at), "actor": actor, "action": action,
                             "object_type": object_type, "object_id": object_id, "request_id": None,
                             "payload_sha256": sha256_hex(canonical_json(payload))})
        return index

    def proofs(self, indexes: set[int], key: Ed25519PrivateKey, origin: str = "taian-inspection/audit") -> AuditProofs:
        leaves = [merkle.leaf_hash(audit_leaf_bytes(**e)) for e in self.entries]
        root = merkle.root_from_leaf_hashes(leaves)
        stamp = self.entries[-1]["time"]
        body = checkpoint_body(origin, len(leaves), root, stamp)
        checkpoint = SignedCheckpoint(origin, len(leaves), root.hex(), stamp, key_id(key.public_key()),
                                      base64.b64encode(key.sign(body)).decode(), public_key_b64(key))
        entries = tuple(AuditEntry(**self.entries[i], proof=tuple(p.hex() for p in merkle.inclusion_proof(i, leaves)))
                        for i in sorted(indexes))
        return AuditProofs(checkpoint, entries)


def custody_events(log: AuditLog, sha256: str, size: int, uploader: str, at: datetime,
                   filename: str) -> list[CustodyEvent]:
    """upload_started, upload_completed and one access, each recorded in `log` as the platform does."""
    upload_id = str(uuid.uuid4())
    steps = [
        ("upload_started", at, {"size": size, "filetype": "image/jpeg", "filename": filename}),
        ("upload_completed", at + timedelta(seconds=4), {"sha256_verified": True, "size": size,
                                                         "media_type": "image/jpeg", "chunks": 1}),
        ("accessed", at + timedelta(hours=20), {"variant": "original", "range": None}),
    ]
    events = []
    for name, when, details in steps:
        payload = {"event": name, "blob_sha256": sha256, "upload_id": upload_id, "details": details}
        index = log.record(f"custody.{name}", "blob", sha256, payload, uploader, when)
        events.append(CustodyEvent(name, when, uploader, upload_id, details, index))
    return events


def store_item(store: LocalStorage, tmp: Path, data: bytes) -> str:
    sha256 = sha256_hex(data)
    source = tmp / f"incoming-{sha256}"
    source.write_bytes(data)
    store.put_file(source, sha256)
    source.unlink()
    return sha256


def facts() -> CaseFacts:
    return CaseFacts(
        organization="泰安市市场监督管理局", receiving_authority="泰安市公安局",
        party=Party(ENTITY, "91370911MA3C7X2Q5L", "山东省泰安市岱岳区粥店街道泰山大街 88 号", "王某某"),
        place="泰安市岱岳区泰山大街 88 号生产车间", check_started=T0, check_ended=T0 + timedelta(hours=2),
        officers=(Officer("张明", "37091000123"), Officer("李华", "37091000456")),
        findings="现场发现标注生产日期为 2026 年 12 月 1 日的熟肉制品 320 袋，当事人无法提供进货查验记录。",
        party_signature="当事人王某某在笔录上签字确认。", witness="赵某（车间主任）",
        case_source="2026 年第四季度双随机抽查（任务 SJ-2026-0412）。",
        investigation="执法人员调取了当事人的进销存记录并询问了相关人员。",
        suspected_offence="生产、销售不符合安全标准的食品罪",
        facts="当事人生产的熟肉制品经检验菌落总数超标 30 倍，货值金额约 4.2 万元。",
        legal_basis="《中华人民共和国刑法》第一百四十三条。", opinion="建议移送公安机关依法处理。",
        approver="孙局长", approved_on=date(2026, 11, 24), contact="张明 0538-1234567",
        items=(InvolvedItem("熟肉制品（酱牛肉）", "250 克/袋", "320", "袋", "已先行登记保存"),),
        attachments=("检验报告（泰检字〔2026〕第 1188 号）",),
    )


def build_input(tmp_path: Path, *, photos: int = 3, key: Ed25519PrivateKey | None = None) -> PackageInput:
    """A case with `photos` photos and one signature, all stored in a LocalStorage under tmp_path."""
    key = key or sample_key()
    store = LocalStorage(tmp_path / "media")
    log = AuditLog()
    case_entry = log.record("check_record.create", "check_record", "r-1", {"entity": ENTITY}, "17", T0)
    items = []
    for n in range(photos + 1):
        is_signature = n == photos
        data = make_png_signature(3) if is_signature else make_jpeg(n)
        sha256 = store_item(store, tmp_path, data)
        captured = T0 + timedelta(minutes=10 * n)
        uploaded = captured + timedelta(hours=3)
        events = custody_events(log, sha256, len(data), "17", uploaded, f"IMG_{n:04d}.jpg")
        items.append(EvidenceItem(
            item_id=str(uuid.UUID(int=n + 1)), sha256=sha256, open=lambda s=sha256: store.open(s),
            media_type="image/png" if is_signature else "image/jpeg", size=len(data),
            kind="signature" if is_signature else "photo", captured_at=captured,
            captured_by="王某某" if is_signature else "张明", gps=None if is_signature else (36.1801 + n / 1000, 117.0912),
            device_time=captured.astimezone(timezone(timedelta(hours=8))).strftime("%Y:%m:%d %H:%M:%S"),
            filename=f"IMG_{n:04d}.jpg", custody=tuple(events)))
    review = log.record("review.approve", "check_record", "r-1", {"decision": "transfer"}, "21", T0 + timedelta(days=2))
    indexes = {case_entry, review} | {e.audit_index for i in items for e in i.custody}
    return PackageInput(case_number=CASE_NUMBER, facts=facts(), items=tuple(items), audit=log.proofs(indexes, key),
                        exported_by="张明", case_audit_indexes=(case_entry, review),
                        exported_at=T0 + timedelta(days=4), package_id="6f1c1a52-8d0e-4c56-9a7e-3f4f2b1a0c01")


def with_items(input: PackageInput, items: tuple[EvidenceItem, ...]) -> PackageInput:
    return replace(input, items=items)


# ---------------------------------------------------------------- taking packages apart
def members(package: bytes) -> dict[str, bytes]:
    """Path inside the bag -> content, in archive order."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        base = archive.namelist()[0].split("/", 1)[0] + "/"
        return {n[len(base):]: archive.read(n) for n in archive.namelist()}


def repack(files: dict[str, bytes], base: str = "evidence-2026-7") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path, data in files.items():
            archive.writestr(f"{base}/{path}", data)
    return out.getvalue()


def _sm3(data: bytes) -> str:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def reseal(files: dict[str, bytes], key: Ed25519PrivateKey) -> dict[str, bytes]:
    """Recompute every manifest, Payload-Oxum, both tag manifests and the signature after a change,
    as someone who rewrote the package with `key` would."""
    files = dict(files)
    payload = sorted(p for p in files if p.startswith("data/"))
    for name, digest in (("manifest-sha256.txt", sha256_hex), ("manifest-sm3.txt", _sm3)):
        files[name] = "".join(f"{digest(files[p])}  {p}\n" for p in payload).encode()
    oxum = f"{sum(len(files[p]) for p in payload)}.{len(payload)}"
    info = re.sub(r"(?m)^Payload-Oxum: .*$", f"Payload-Oxum: {oxum}", files["bag-info.txt"].decode())
    files["bag-info.txt"] = info.encode()
    raw = base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
    files["signature/public-key.txt"] = re.sub(
        r"(?m)^(Key-Id: .*|Public-Key: .*)$",
        lambda m: f"Key-Id: {key_id(key.public_key())}" if m.group(0).startswith("Key-Id") else f"Public-Key: {raw}",
        files["signature/public-key.txt"].decode()).encode()
    files["bag-info.txt"] = re.sub(r"(?m)^Signature-Key-Id: .*$", f"Signature-Key-Id: {key_id(key.public_key())}",
                                   files["bag-info.txt"].decode()).encode()
    tags = [p for p in files if not p.startswith("data/") and not p.startswith("tagmanifest-")
            and p != "signature/tagmanifest-sha256.txt.sig"]
    for name, digest in (("tagmanifest-sha256.txt", sha256_hex), ("tagmanifest-sm3.txt", _sm3)):
        files[name] = "".join(f"{digest(files[p])}  {p}\n" for p in tags).encode()
    files["signature/tagmanifest-sha256.txt.sig"] = key.sign(files["tagmanifest-sha256.txt"])
    return files


@dataclass(frozen=True)
class Built:
    input: PackageInput
    package: bytes
    result: Any


@pytest.fixture(scope="session", name="built_package")
def built_package_fixture(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """One package of the sample case, built once per session (making its PDFs takes seconds)."""
    from backend.evidence.package import export_package

    tmp = tmp_path_factory.mktemp("evidence")
    package_input = build_input(tmp)
    sink = io.BytesIO()
    result = export_package(package_input, sink, signing_key=sample_key())
    return Built(package_input, sink.getvalue(), result)
