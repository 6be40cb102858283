"""Reading import files: what a file is, its encoding, its rows, its header, and file-level errors."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from backend.directory import standard
from backend.directory.importing import sources
from backend.directory.importing.columns import map_columns
from backend.directory.importing.scratch import Scratch
from backend.directory.importing.sources import FileRejected, open_source
from tests.support.directory_imports import csv_bytes, english, entity_row, xlsx_bytes


def read(tmp_path: Path, data: bytes, name: str = "f.csv") -> tuple[sources.Source, list[tuple[int, list]]]:
    path = tmp_path / name
    path.write_bytes(data)
    source = open_source(path)
    try:
        return source, list(source.rows)
    finally:
        source.close()


def rejected(tmp_path: Path, data: bytes) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        read(tmp_path, data)
    return caught.value


@pytest.mark.parametrize(("encoding", "bom", "detected"), [
    ("utf-8", False, "utf-8"), ("utf-8", True, "utf-8"), ("gb18030", False, "gb18030")])
def test_utf8_with_or_without_bom_and_gb18030_csv_read_the_same(tmp_path, encoding, bom, detected):
    source, rows = read(tmp_path, csv_bytes([entity_row(1), entity_row(2)], encoding=encoding, bom=bom))
    assert source.format == "csv" and source.encoding == detected
    assert source.header[:2] == ["统一社会信用代码", "名称"]
    assert [(n, cells[1]) for n, cells in rows] == [(2, "泰安市测试1商贸有限公司"), (3, "泰安市测试2商贸有限公司")]


def test_gb18030_is_recognised_even_after_a_megabyte_of_plain_ascii(tmp_path):
    plain = {"name": "Test Trading Co", "entity_type": "enterprise", "legal_representative": "Wang",
             "registered_address": "1 Test Road", "business_address": "1 Test Road", "registration_status": "operating"}
    rows = english([entity_row(n, **plain) for n in range(1, 8001)] + [entity_row(8001)])
    data = csv_bytes(rows, encoding="gb18030")
    assert data.index("泰".encode("gb18030")) > 1 << 20
    source, rows = read(tmp_path, data)
    assert source.encoding == "gb18030" and rows[-1][1][1] == "泰安市测试8001商贸有限公司"


def test_invalid_bytes_in_the_middle_are_a_file_error_naming_the_line(tmp_path):
    data = csv_bytes([entity_row(n) for n in range(1, 5)]).replace("测试3".encode(), b"\xff\xfe\xfd", 1)
    error = rejected(tmp_path, data)
    assert error.code == "import.encoding" and error.line == 4
    assert "line 4" in error.message


def test_a_utf8_file_with_a_gb18030_line_added_later_names_that_line(tmp_path):
    utf8 = csv_bytes([entity_row(n) for n in range(1, 8000)])
    assert len(utf8) > 1 << 20
    tail = "9137,泰安某公司\r\n".encode("gb18030")
    error = rejected(tmp_path, utf8 + tail)
    assert error.code == "import.encoding" and error.line == 8001


@pytest.mark.parametrize(("data", "code"), [
    (b"", "import.empty_file"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "import.not_a_spreadsheet"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "import.unsupported_format"),
    ("统一社会信用代码,名称\r\n".encode("utf-16"), "import.unsupported_format"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "import.not_a_spreadsheet"),
    (bytes(range(256)) * 4, "import.not_a_spreadsheet"),
    (b"\x8f\x8f\x8f\x8f\xfe\xfe\xff\x80\x80", "import.not_a_spreadsheet"),
])
def test_files_that_are_not_csv_or_xlsx_are_refused_with_a_reason(tmp_path, data, code):
    assert rejected(tmp_path, data).code == code


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert rejected(tmp_path, buffer.getvalue()).code == "import.not_a_spreadsheet"


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_truncated_xlsx_is_refused_as_damaged(tmp_path, keep):
    data = xlsx_bytes([entity_row(n) for n in range(1, 200)])
    assert rejected(tmp_path, data[:int(len(data) * keep)]).code == "import.damaged"


def test_a_csv_cut_inside_a_quoted_cell_is_refused_as_truncated(tmp_path):
    data = csv_bytes([entity_row(1), entity_row(2, name='泰安"引号"公司')])
    error = rejected(tmp_path, data[:data.rindex(b'\xe5\x85\xac')])  # cut inside the quoted name
    assert error.code == "import.damaged" and error.line == 3 and "truncated" in error.message


def test_a_header_only_file_reads_no_rows_and_an_empty_first_row_is_no_header(tmp_path):
    source, rows = read(tmp_path, "统一社会信用代码,名称\r\n".encode())
    assert rows == []
    assert rejected(tmp_path, "\r\n统一社会信用代码,名称\r\n".encode()).code == "import.no_header"


def test_xlsx_rows_come_with_their_spreadsheet_row_numbers_and_formulas_as_text(tmp_path):
    data = xlsx_bytes([entity_row(1), {"名称": ""}, entity_row(3, name="=1+1")])
    source, rows = read(tmp_path, data, "f.xlsx")
    assert source.format == "xlsx" and source.encoding is None
    assert [n for n, _ in rows] == [2, 4]
    assert rows[1][1][1] == "=1+1"


def test_blank_csv_lines_keep_the_row_numbers_a_spreadsheet_shows(tmp_path):
    data = csv_bytes([entity_row(1)]) + b"\r\n,,\r\n" + csv_bytes([entity_row(4)]).split(b"\r\n", 1)[1]
    _, rows = read(tmp_path, data)
    assert [n for n, _ in rows] == [2, 5]


def test_headers_may_be_chinese_or_english_in_any_case_with_notes():
    header = ["统一社会信用代码", "NAME", "主体类型（必填）", "*division_code", "行业代码", ""]
    columns = map_columns(header, standard.ENTITY_COLUMNS, {"supervising_departments"})
    assert columns.index == {"credit_code": 0, "name": 1, "entity_type": 2, "division_code": 3, "industry_code": 4}
    assert columns.header_of("name", standard.ENTITY_COLUMNS) == "NAME"
    assert columns.header_of("supervising_departments", standard.ENTITY_COLUMNS) == "监管部门"


@pytest.mark.parametrize(("header", "code", "named"), [
    (["名称", "主体类型", "行政区划代码", "行业代码", "电话"], "import.unknown_columns", "电话"),
    (["名称", "主体类型", "行政区划代码"], "import.missing_columns", "行业代码"),
    (["名称", "name", "主体类型", "行政区划代码", "行业代码"], "import.duplicate_columns", "name"),
    (["名称", "", "主体类型", "行政区划代码", "行业代码"], "import.unnamed_columns", "2"),
    (["名称", "电话", "主体类型"], "import.bad_header", "电话"),
])
def test_a_header_that_does_not_match_the_standard_lists_every_offender(header, code, named):
    with pytest.raises(FileRejected) as caught:
        map_columns(header, standard.ENTITY_COLUMNS, {"supervising_departments"})
    assert caught.value.code == code and named in caught.value.message


def test_repeated_keys_point_at_their_first_row_within_and_across_batches(tmp_path):
    scratch = Scratch(tmp_path / "scratch.sqlite")
    try:
        assert scratch.first_rows([("a", 2), ("b", 3), ("a", 4)]) == [None, None, 2]
        assert scratch.first_rows([("c", 5), ("b", 6), ("b", 7), ("a", 8)]) == [None, 3, 3, 2]
    finally:
        scratch.close()
    assert not (tmp_path / "scratch.sqlite").exists()


def test_keys_whose_hashes_collide_are_not_taken_for_repeats(tmp_path, monkeypatch):
    monkeypatch.setattr("backend.directory.importing.scratch._hash", lambda key: 7)
    scratch = Scratch(tmp_path / "scratch.sqlite")
    try:
        assert scratch.first_rows([("a", 2), ("b", 3)]) == [None, None]
        assert scratch.first_rows([("c", 4), ("a", 5)]) == [None, 2]
    finally:
        scratch.close()
