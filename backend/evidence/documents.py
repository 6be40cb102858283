"""The five documents of a transfer, as PDFs in Chinese, filled from the case's facts.

现场笔录 (on-site record), 电子数据清单 (electronic data list), 涉嫌犯罪案件移送书 (transfer
letter), 调查报告 (investigation report) and 涉案物品清单 (list of items involved), as State
Council Order 310 and the electronic-data rules ask (REFERENCE.md §6). They are printed,
signed and sealed by hand; the package carries the signed scans later as further material.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from backend.evidence.inputs import CaseFacts, Officer
from backend.evidence.pdf import CaseDocument
from backend.evidence.shared_font import SharedFont

BEIJING = timezone(timedelta(hours=8))  # China has one zone and no daylight saving
KIND_LABELS = {"photo": "照片", "signature": "签名", "audio": "录音", "video": "录像", "document": "文档"}
MAX_EMBEDDED_SIGNATURE = 5 * 1024 * 1024


@dataclass(frozen=True)
class ItemRow:
    """One item of the electronic data list, with the digests computed while it was packaged."""

    seq: int
    kind: str
    media_type: str
    size: int
    captured_at: datetime
    gps: tuple[float, float] | None
    captured_by: str
    path: str
    sha256: str
    sm3: str


@dataclass(frozen=True)
class SignatureImage:
    signer: str
    sha256: str
    data: bytes


@dataclass(frozen=True)
class DocumentData:
    case_number: str
    facts: CaseFacts
    made_at: datetime
    rows: Sequence[ItemRow]
    signatures: Sequence[SignatureImage] = ()
    font: SharedFont | None = None  # parsed once for all five documents; None: each parses its own


def beijing(moment: datetime, *, seconds: bool = True) -> str:
    local = moment.astimezone(BEIJING)
    return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def gps_text(gps: tuple[float, float] | None) -> str:
    return "未记录" if gps is None else f"{gps[0]:.6f}, {gps[1]:.6f}"


def officers_text(facts: CaseFacts, officers: tuple[Officer, ...] | None = None) -> str:
    return "、".join(f"{o.name}（执法证号 {o.credential_no}）" for o in (facts.officers if officers is None else officers))


def _party_fields(facts: CaseFacts) -> list[tuple[str, str]]:
    p = facts.party
    return [("当事人", p.name), ("统一社会信用代码", p.credit_code), ("住所（经营场所）", p.address),
            ("法定代表人（负责人）", p.legal_representative)]


def on_site_record(d: DocumentData) -> bytes:
    f = d.facts
    doc = CaseDocument("现场笔录", d.case_number, d.made_at, font=d.font)
    doc.fields([("检查时间", f"{beijing(f.check_started, seconds=False)} 至 {beijing(f.check_ended, seconds=False)}"),
                ("检查地点", f.place), *_party_fields(f), ("执法人员", officers_text(f)),
                ("见证人", f.witness)])
    doc.heading("告知事项")
    doc.paragraph("执法人员出示了执法证件，表明了身份，告知当事人依法享有陈述、申辩的权利；"
                  "认为执法人员与本案有直接利害关系或者其他关系可能影响公正执法的，有权申请回避。")
    doc.heading("现场检查情况")
    doc.paragraph(f.findings)
    doc.heading("现场提取的电子数据")
    doc.paragraph(f"本次检查提取电子数据 {len(d.rows)} 项，类型、格式、校验值等详见《电子数据清单》。")
    doc.heading("签名确认")
    doc.paragraph(f.party_signature)
    for signature in d.signatures:
        doc.paragraph(f"{signature.signer} 的电子签名（SHA-256 {signature.sha256}）：", indent=False)
        if len(signature.data) <= MAX_EMBEDDED_SIGNATURE:
            doc.image(io.BytesIO(signature.data), w=50)
    doc.signature_lines([*(f"执法人员 {o.name}" for o in f.officers), "当事人", "见证人"])
    return doc.render()


def electronic_data_list(d: DocumentData) -> bytes:
    f = d.facts
    doc = CaseDocument("电子数据清单", d.case_number, d.made_at, landscape=True, font=d.font)
    doc.paragraph("本清单列明本案提取的电子数据。每项电子数据在采集设备上计算了完整性校验值；下列 SHA-256 与 "
                  "SM3（GB/T 32905-2016）校验值是生成证据包时对原始文件逐字节重新计算所得，与证据包中 "
                  "manifest-sha256.txt、manifest-sm3.txt 的记录一致。采集时间为北京时间，GPS 为设备记录的 WGS-84 坐标。")
    doc.ln(2)
    rows = [(str(r.seq), KIND_LABELS.get(r.kind, r.kind), r.media_type, f"{r.size:,}", beijing(r.captured_at),
             gps_text(r.gps), r.captured_by, f"SHA-256: {r.sha256}\nSM3: {r.sm3}\n文件: {r.path}")
            for r in d.rows]
    doc.long_grid(("序号", "类型", "格式", "大小（字节）", "采集时间", "GPS（纬度, 经度）", "采集人", "完整性校验值"),
                  rows, (10, 13, 24, 22, 25, 28, 20, 115), size=7)
    doc.paragraph(f"共 {len(d.rows)} 项，合计 {sum(r.size for r in d.rows):,} 字节。当事人：{f.party.name}。",
                  indent=False)
    doc.signature_lines([*(f"提取人（执法人员）{o.name}" for o in f.officers), "电子数据持有人", "见证人"])
    return doc.render()


def transfer_letter(d: DocumentData) -> bytes:
    f = d.facts
    doc = CaseDocument("涉嫌犯罪案件移送书", d.case_number, d.made_at, font=d.font)
    doc.paragraph(f"{f.receiving_authority}：", indent=False)
    credit = f"（统一社会信用代码：{f.party.credit_code}）" if f.party.credit_code else ""
    doc.paragraph(f"经查，{f.party.name}{credit}涉嫌{f.suspected_offence or '犯罪'}。{f.facts}")
    doc.paragraph("根据《行政执法机关移送涉嫌犯罪案件的规定》（国务院令第310号）的规定，现将该案移送你局，"
                  "请依法审查处理，并将处理结果书面告知我局。")
    attachments = ["调查报告", "涉案物品清单", f"电子数据清单及电子数据 {len(d.rows)} 项（电子证据包）", *f.attachments]
    doc.heading("附件")
    for number, name in enumerate(attachments, 1):
        doc.paragraph(f"{number}. {name}")
    if f.contact:
        doc.paragraph(f"联系人：{f.contact}", indent=False)
    doc.ln(8)
    day = f.approved_on or d.made_at.astimezone(BEIJING).date()
    for line in (f.organization, chinese_date(day), "（印章）"):
        doc.cell(0, 8, line, align="R", new_x="LMARGIN", new_y="NEXT")
    return doc.render()


def investigation_report(d: DocumentData) -> bytes:
    f = d.facts
    doc = CaseDocument("调查报告", d.case_number, d.made_at, font=d.font)
    doc.heading("一、案件来源")
    doc.paragraph(f.case_source)
    doc.heading("二、当事人基本情况")
    doc.fields(_party_fields(f))
    doc.heading("三、调查经过")
    doc.paragraph(f.investigation)
    doc.paragraph(f"{beijing(f.check_started, seconds=False)}，执法人员{officers_text(f)}在{f.place}进行现场检查。"
                  f"{f.findings}")
    doc.heading("四、涉嫌犯罪的事实和证据")
    doc.paragraph(f.facts)
    doc.paragraph(f"证据：现场笔录；电子数据 {len(d.rows)} 项（见电子数据清单）；涉案物品 {len(f.items)} 项"
                  "（见涉案物品清单）。")
    doc.heading("五、涉嫌罪名及认定依据")
    doc.paragraph(f"涉嫌罪名：{f.suspected_offence or '—'}。{f.legal_basis}")
    doc.heading("六、处理意见")
    doc.paragraph(f.opinion)
    investigators = f.investigators or f.officers
    doc.heading("调查人员")
    doc.paragraph(officers_text(f, investigators), indent=False)
    doc.heading("负责人审批意见")
    approved = chinese_date(f.approved_on) if f.approved_on else "____年__月__日"
    doc.paragraph(f"同意移送。负责人：{f.approver or '________'}　　{approved}", indent=False)
    doc.signature_lines([f"调查人员 {o.name}" for o in investigators])
    return doc.render()


def involved_items_list(d: DocumentData) -> bytes:
    f = d.facts
    doc = CaseDocument("涉案物品清单", d.case_number, d.made_at, font=d.font)
    doc.fields([("当事人", f.party.name), ("移送机关", f.organization), ("接收机关", f.receiving_authority)])
    doc.ln(2)
    rows = [(str(n), i.name, i.specification, i.quantity, i.unit, i.note) for n, i in enumerate(f.items, 1)]
    doc.grid(("序号", "物品名称", "规格型号", "数量", "单位", "备注"), rows or [("—",) * 6], (12, 45, 40, 20, 15, 38),
             size=10)
    doc.paragraph(f"共 {len(f.items)} 项。", indent=False)
    doc.signature_lines(["移送人", "接收人"])
    return doc.render()


# File name under data/documents/ and the function that makes it, in the order of the list.
DOCUMENTS = (
    ("01-现场笔录.pdf", on_site_record),
    ("02-电子数据清单.pdf", electronic_data_list),
    ("03-涉嫌犯罪案件移送书.pdf", transfer_letter),
    ("04-调查报告.pdf", investigation_report),
    ("05-涉案物品清单.pdf", involved_items_list),
)
