"""What a package is built from: plain dataclasses, filled by whoever owns the case.

The referral-case module fills a `PackageInput` from its check records, reviews and evidence;
the builder needs nothing else (no database, no app), so tests and benchmarks build one by hand.
Times are timezone-aware datetimes; hashes are lowercase hex.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, BinaryIO

KINDS = ("photo", "signature", "audio", "video", "document")


@dataclass(frozen=True)
class Party:
    """The entity checked (当事人)."""

    name: str
    credit_code: str = ""  # 统一社会信用代码
    address: str = ""
    legal_representative: str = ""  # 法定代表人（负责人）


@dataclass(frozen=True)
class Officer:
    """A law-enforcement officer on the case (执法人员) and their credential number."""

    name: str
    credential_no: str


@dataclass(frozen=True)
class InvolvedItem:
    """One line of the list of items involved (涉案物品清单)."""

    name: str
    specification: str
    quantity: str
    unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class CaseFacts:
    """The facts the five documents are filled from."""

    organization: str  # the transferring authority, e.g. 泰安市市场监督管理局
    receiving_authority: str  # e.g. 泰安市公安局
    party: Party
    place: str  # where the on-site check happened
    check_started: datetime
    check_ended: datetime
    officers: tuple[Officer, ...]  # at least two
    findings: str  # what happened on site (现场检查情况)
    party_signature: str  # e.g. "当事人签字确认" or "当事人拒绝签字，由见证人签字"
    witness: str = ""
    case_source: str = ""  # 案件来源, e.g. the draw and task it came from
    investigation: str = ""  # 调查经过
    suspected_offence: str = ""  # 涉嫌罪名
    facts: str = ""  # 涉嫌犯罪的事实
    legal_basis: str = ""  # 认定依据
    opinion: str = ""  # 处理意见
    approver: str = ""  # the head who approved the transfer
    approved_on: date | None = None
    contact: str = ""  # contact person and phone of the transferring authority
    items: tuple[InvolvedItem, ...] = ()
    attachments: tuple[str, ...] = ()  # further material, e.g. 检验报告
    investigators: tuple[Officer, ...] = ()  # who verified the case (调查人员), when not the officers on site


@dataclass(frozen=True)
class CustodyEvent:
    """One platform custody event of an item (backend.evidence_store custody_event row)."""

    event: str  # upload_started, upload_completed, accessed, ...
    at: datetime
    actor: str | None
    upload_id: str | None
    details: dict[str, Any]
    audit_index: int  # the audit entry that recorded it (action custody.<event>)


@dataclass(frozen=True)
class EvidenceItem:
    """One original to package. `open` returns a fresh binary stream of its bytes."""

    item_id: str  # the client's evidence UUID
    sha256: str  # the content address; checked again while streaming
    open: Callable[[], BinaryIO]
    media_type: str
    size: int
    kind: str  # one of KINDS
    captured_at: datetime  # on the device
    captured_by: str
    gps: tuple[float, float] | None = None  # WGS-84 latitude, longitude as the device recorded it
    device_time: str = ""  # the capture time exactly as the device wrote it (EXIF)
    filename: str = ""  # display name only
    description: str = ""
    custody: tuple[CustodyEvent, ...] = ()


@dataclass(frozen=True)
class AuditEntry:
    """The eight fields of one audit entry (docs/audit-log.md §2) and its inclusion proof."""

    index: int
    time: str
    actor: str | None
    action: str
    object_type: str | None
    object_id: str | None
    request_id: str | None
    payload_sha256: str
    proof: tuple[str, ...]  # hex hashes, leaf level first, for the checkpoint's tree size


@dataclass(frozen=True)
class SignedCheckpoint:
    origin: str
    tree_size: int
    root_hash: str  # hex
    timestamp: str
    key_id: str
    signature: str  # base64
    public_key: str  # base64 of the raw 32-byte Ed25519 key


@dataclass(frozen=True)
class AuditProofs:
    checkpoint: SignedCheckpoint
    entries: tuple[AuditEntry, ...]  # every entry the package refers to, each proven


@dataclass(frozen=True)
class PackageInput:
    case_number: str  # becomes External-Identifier
    facts: CaseFacts
    items: tuple[EvidenceItem, ...]
    audit: AuditProofs
    exported_by: str  # who makes the export
    case_audit_indexes: tuple[int, ...] = ()  # the case's own audit entries (records, review, decision)
    exported_at: datetime | None = None  # default: now
    package_id: str | None = None  # default: a new UUID
    extra_info: dict[str, str] = field(default_factory=dict)  # more bag-info.txt fields
