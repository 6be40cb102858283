"""Reading a year's schedule from CSV. Pure: bytes in, rows and per-line errors out.

Columns `date,kind,name` or their Chinese names `日期,类型,名称` (a note in brackets after the
name, as in `类型(放假/调休上班)`, is ignored). `kind` is holiday / 放假 / 休 or
makeup_workday / 调休上班 / 上班 / 班. Dates are 2027-10-01 or 2027/10/1 (as Excel writes them).
UTF-8 (with or without BOM) or GB18030 (Excel's "CSV" on Chinese Windows). Line 1 is the header.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from backend.workdays.calendar import DayKind, ScheduleDay
from backend.workdays.validation import RowErrors

MAX_BYTES = 64 * 1024
MAX_ROWS = 366
NAME_MAX = 60
_COLUMNS = {"date": "date", "日期": "date", "kind": "kind", "类型": "kind", "name": "name", "名称": "name"}
_KINDS = {"holiday": DayKind.HOLIDAY, "放假": DayKind.HOLIDAY, "休": DayKind.HOLIDAY,
          "makeup_workday": DayKind.MAKEUP_WORKDAY, "调休上班": DayKind.MAKEUP_WORKDAY,
          "上班": DayKind.MAKEUP_WORKDAY, "班": DayKind.MAKEUP_WORKDAY}
_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")


@dataclass
class ParsedCsv:
    rows: list[tuple[str, ScheduleDay]] = field(default_factory=list)  # keyed by line number
    row_errors: RowErrors = field(default_factory=dict)
    file_errors: list[str] = field(default_factory=list)


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _column(header: str) -> str | None:
    name = re.split(r"[(（]", header.strip(), maxsplit=1)[0].strip().lower()
    return _COLUMNS.get(name)


def _parse_date(text: str) -> date | None:
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _row(values: dict[str, str]) -> tuple[ScheduleDay | None, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    day = _parse_date(values.get("date", ""))
    if day is None:
        errors["date"] = [f"not a date: {values.get('date', '')!r} (write 2027-10-01)"]
    kind = _KINDS.get(values.get("kind", "").strip().lower())
    if kind is None:
        errors["kind"] = [f"not a kind: {values.get('kind', '')!r} (放假 or 调休上班)"]
    name = values.get("name", "").strip()
    if len(name) > NAME_MAX:
        errors["name"] = [f"longer than {NAME_MAX} characters"]
    if errors or day is None or kind is None:
        return None, errors
    return ScheduleDay(day, kind, name), {}


def parse_schedule_csv(data: bytes) -> ParsedCsv:
    parsed = ParsedCsv()
    text = _decode(data) if len(data) <= MAX_BYTES else None
    if text is None:
        parsed.file_errors.append(f"not a UTF-8 or GB18030 text file of at most {MAX_BYTES // 1024} KiB")
        return parsed
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        columns = [_column(h) for h in header]
        unknown = [h for h, c in zip(header, columns, strict=True) if c is None]
        missing = [c for c in ("date", "kind") if c not in columns]
        if unknown or missing or len(set(columns)) != len(columns):
            parsed.file_errors.append("the header must name the columns date,kind,name (日期,类型,名称)"
                                      + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                                      + (f"; missing: {', '.join(missing)}" if missing else ""))
            return parsed
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            key = str(reader.line_num)
            if len(cells) > len(columns):
                parsed.row_errors[key] = {"row": [f"{len(cells)} cells, but the header has {len(columns)}"]}
                continue
            day, errors = _row(dict(zip(columns, cells, strict=False)))  # type: ignore[arg-type]
            if day is None:
                parsed.row_errors[key] = errors
            else:
                parsed.rows.append((key, day))
    except csv.Error as exc:
        parsed.file_errors.append(f"not a readable CSV file: {exc}")
        return parsed
    if len(parsed.rows) + len(parsed.row_errors) > MAX_ROWS:
        parsed.file_errors.append(f"more than {MAX_ROWS} rows")
    elif not parsed.rows and not parsed.row_errors:
        parsed.file_errors.append("no rows after the header")
    return parsed
