"""The package's PDFs: Chinese text that can be extracted again, from an embedded font subset."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.support.evidence_packages import (  # noqa: F401  (fixture)
    ENTITY,
    Built,
    built_package_fixture,
    members,
)

TITLES = {
    "01-现场笔录.pdf": "现场笔录",
    "02-电子数据清单.pdf": "电子数据清单",
    "03-涉嫌犯罪案件移送书.pdf": "涉嫌犯罪案件移送书",
    "04-调查报告.pdf": "调查报告",
    "05-涉案物品清单.pdf": "涉案物品清单",
}


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize("name, title", TITLES.items(), ids=TITLES.values())
def test_each_document_reads_back_with_its_title_the_case_number_and_the_entity(built_package: Built, name: str,
                                                                                 title: str) -> None:
    text = text_of(members(built_package.package)[f"data/documents/{name}"])
    assert title in text
    assert "泰市监移〔2026〕7号" in text
    assert ENTITY in text


def test_the_electronic_data_list_gives_each_items_hashes_gps_and_capture_time(built_package: Built) -> None:
    files = members(built_package.package)
    text = text_of(files["data/documents/02-电子数据清单.pdf"])
    manifest_sm3 = dict(reversed(line.split("  ")) for line in files["manifest-sm3.txt"].decode().splitlines())
    for item in built_package.input.items:
        assert item.sha256 in text
        path = next(p for p in manifest_sm3 if item.sha256 in p)
        assert manifest_sm3[path] in text
    assert "36.180100,117.091200" in text and "2026-11-2009:30:00" in text  # Beijing time, whitespace removed
    assert "照片" in text and "签名" in text


def test_the_other_documents_carry_the_facts_they_are_filled_from(built_package: Built) -> None:
    files = members(built_package.package)
    facts = built_package.input.facts
    record = text_of(files["data/documents/01-现场笔录.pdf"])
    assert "张明" in record and "37091000456" in record and "回避" in record and "320袋" in record
    letter = text_of(files["data/documents/03-涉嫌犯罪案件移送书.pdf"])
    assert "泰安市公安局：" in letter and "国务院令第310号" in letter and "2026年11月24日" in letter
    report = text_of(files["data/documents/04-调查报告.pdf"])
    assert "生产、销售不符合安全标准的食品罪" in report and facts.approver in report
    items = text_of(files["data/documents/05-涉案物品清单.pdf"])
    assert "熟肉制品（酱牛肉）" in items and "250克/袋" in items


@pytest.mark.parametrize("name", TITLES)
def test_the_font_is_embedded_as_a_small_subset(built_package: Built, name: str) -> None:
    pdf = members(built_package.package)[f"data/documents/{name}"]
    reader = PdfReader(io.BytesIO(pdf))
    fonts = [f["/DescendantFonts"][0].get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert fonts and all(re.match(r"/[A-Z]{6}\+", str(f["/BaseFont"])) for f in fonts)  # subset tag
    assert all("/FontFile2" in f["/FontDescriptor"] for f in fonts)  # embedded
    assert len(pdf) < 150_000  # a subset of the 5 MB font
