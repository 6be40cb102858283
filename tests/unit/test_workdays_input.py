"""Checking an administrator's schedule, and reading it from CSV (no database)."""
from __future__ import annotations

from datetime import date

import pytest

from backend.workdays.calendar import DayKind, ScheduleDay
from backend.workdays.csvfile import MAX_BYTES, parse_schedule_csv
from backend.workdays.validation import validate_days

H, W = DayKind.HOLIDAY, DayKind.MAKEUP_WORKDAY


def rows(*days: tuple[str, DayKind]) -> list[tuple[str, ScheduleDay]]:
    return [(str(i), ScheduleDay(date.fromisoformat(d), k, "")) for i, (d, k) in enumerate(days)]


def test_a_valid_table_has_no_errors_and_a_holiday_may_fall_on_a_weekend():
    assert validate_days(2027, rows(("2027-10-01", H), ("2027-10-02", H), ("2027-10-09", W))) == {}


@pytest.mark.parametrize(("days", "expected"), [
    pytest.param([("2027-10-01", H), ("2026-12-31", H)], {"1": {"date": ["2026-12-31 is not in 2027"]}},
                 id="date outside the year"),
    pytest.param([("2027-10-01", H), ("2027-10-01", H)],
                 {"1": {"date": ["2027-10-01 is listed twice (also at row 0)"]}}, id="duplicate date"),
    pytest.param([("2027-10-09", W), ("2027-10-09", H)],
                 {"1": {"kind": ["2027-10-09 cannot be both a holiday and a make-up working day (see row 0)"]}},
                 id="holiday and make-up on one date"),
    pytest.param([("2027-10-08", W)],
                 {"0": {"kind": ["a make-up working day must be a Saturday or Sunday; 2027-10-08 is a Friday"]}},
                 id="make-up working day on a weekday"),
])
def test_each_bad_row_is_reported_where_it_is(days, expected):
    assert validate_days(2027, rows(*days)) == expected


def test_every_bad_row_is_reported_not_only_the_first():
    errors = validate_days(2027, rows(("2028-01-01", H), ("2027-10-04", W), ("2027-10-02", H), ("2027-10-02", W)))
    assert sorted(errors) == ["0", "1", "3"]


def csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def test_a_csv_with_english_columns_reads_into_rows_keyed_by_line():
    parsed = parse_schedule_csv(csv("date,kind,name\n2027-10-01,holiday,国庆节\n\n2027-10-09,makeup_workday,国庆节\n"))
    assert (parsed.file_errors, parsed.row_errors) == ([], {})
    assert parsed.rows == [("2", ScheduleDay(date(2027, 10, 1), H, "国庆节")),
                           ("4", ScheduleDay(date(2027, 10, 9), W, "国庆节"))]


def test_a_csv_saved_by_excel_on_chinese_windows_reads_with_chinese_columns_and_kinds():
    text = "日期,类型(放假/调休上班),名称\r\n2027/10/1,放假,国庆节\r\n2027/10/9,调休上班,国庆节\r\n"
    parsed = parse_schedule_csv(csv(text, "gb18030"))
    assert [(k, d.date, d.kind, d.name) for k, d in parsed.rows] == [
        ("2", date(2027, 10, 1), H, "国庆节"), ("3", date(2027, 10, 9), W, "国庆节")]


def test_a_utf8_csv_with_a_byte_order_mark_and_full_width_brackets_reads():
    parsed = parse_schedule_csv(csv("\ufeff日期,类型（放假/调休上班）,名称\n2027-10-01,休,国庆节\n2027-10-09,班,\n"))
    assert [d.kind for _, d in parsed.rows] == [H, W]
    assert parsed.file_errors == []


def test_the_name_column_is_optional():
    parsed = parse_schedule_csv(csv("kind,date\nholiday,2027-10-01\n"))
    assert parsed.rows == [("2", ScheduleDay(date(2027, 10, 1), H, ""))]


def test_bad_cells_are_reported_by_line_and_column_and_good_lines_still_read():
    parsed = parse_schedule_csv(csv("date,kind,name\n2027-02-30,holiday,x\n2027-10-01,vacation,x\n"
                                    "2027-10-02,holiday,x\n2027-10-03,holiday,x,extra\n"))
    assert set(parsed.row_errors) == {"2", "3", "5"}
    assert list(parsed.row_errors["2"]) == ["date"]
    assert list(parsed.row_errors["3"]) == ["kind"]
    assert list(parsed.row_errors["5"]) == ["row"]
    assert [k for k, _ in parsed.rows] == ["4"]


@pytest.mark.parametrize("content", [
    pytest.param(b"", id="empty file"),
    pytest.param(b"date,kind,name\n", id="header only"),
    pytest.param(b"date,name\n2027-10-01,x\n", id="kind column missing"),
    pytest.param(b"date,kind,remark\n2027-10-01,holiday,x\n", id="unknown column"),
    pytest.param(b"date,kind,date\n2027-10-01,holiday,2027-10-02\n", id="a column twice"),
    pytest.param(b"\xff\xfe\xff\x00", id="not text"),
    pytest.param(b"date,kind\n" + b"2027-10-01,holiday\n" * (MAX_BYTES // 19 + 1), id="too large"),
    pytest.param(b"date,kind\n" + b"2027-10-01,holiday\n" * 367, id="too many rows"),
])
def test_a_file_that_is_not_a_schedule_table_is_refused_as_a_whole(content):
    parsed = parse_schedule_csv(content)
    assert parsed.file_errors
