"""Cell values: from what a CSV or XLSX cell holds to the value of a field, and back to CSV safely.

Formula cells. A cell starting with `=`, `+`, `-` or `@` (and, per OWASP, a tab or carriage
return) is what a spreadsheet would evaluate. Nothing here evaluates anything: an XLSX formula
arrives as its text (`=1+1`), never as a computed result. In a key or code field such a cell is
refused (`import.formula`); in a free-text field (name, addresses, legal representative) it is
kept as literal text. Every CSV this platform writes passes cells through `csv_safe`, which puts
a single quote before such a cell so that a spreadsheet shows it as text.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Multi-valued cells (监管部门, 分库, 专长): standard.LIST_SEPARATORS as a pattern
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


class CellError(ValueError):
    """A cell that cannot become a field value; `code` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def is_formula(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def csv_safe(value: Any) -> str:
    """A value as CSV cell text that no spreadsheet will evaluate (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def text(raw: Any) -> str | None:
    """The cell as trimmed text; None when empty. XLSX numbers become their digits (no `.0`)."""
    if raw.__class__ is str:
        return raw.strip() or None
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw.strip() or None
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e16:
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw)


def code(raw: Any) -> str | None:
    """A key or code cell: formula cells are refused, never evaluated or kept."""
    value = raw.strip() if raw.__class__ is str else text(raw)
    if not value:
        return None
    if value[0] in "=+-@":  # a tab or CR at the start went with strip()
        raise CellError("import.formula", f"the cell starts with {value[0]!r}, like a spreadsheet formula; "
                                          "formulas are never evaluated: write the value itself")
    return value


def free_text(raw: Any, max_length: int) -> str | None:
    """Free text (names, addresses) is kept literally, formula-like or not."""
    value = (raw.strip() or None) if raw.__class__ is str else text(raw)
    if value is not None and len(value) > max_length:
        raise CellError("import.too_long", f"at most {max_length} characters, got {len(value)}")
    return value


def enum(raw: Any, lookup: Mapping[str, str]) -> str | None:
    """An enumerated value as its code or its Chinese label (`lookup` from `label_lookup`).

    An unknown value is returned as written, so that the rules report it with their own code.
    """
    value = code(raw)
    if value is None:
        return None
    return lookup.get(value.lower(), value)


def label_lookup(labels: Mapping[str, str]) -> dict[str, str]:
    """code -> label as a lookup of code, label, and each part of a label such as 存续（在营）
    (so 存续 and 在营 both mean operating); keys are lower case."""
    table: dict[str, str] = {}
    for value, label in labels.items():
        table[value.lower()] = value
        table[label.lower()] = value
        for part in re.split(r"[（）()]", label):
            if part.strip():
                table.setdefault(part.strip().lower(), value)
    return table


def values_list(raw: Any, separators: str) -> list[str]:
    """A multi-valued cell as its values, in order, without blanks or repeats."""
    value = code(raw)
    if value is None:
        return []
    parts = (p.strip() for p in re.split(f"[{re.escape(separators)}]", value))
    return list(dict.fromkeys(p for p in parts if p))


def day(raw: Any) -> date | None:
    """2024-01-31, 2024/1/31, 2024.1.31, 2024年1月31日, 20240131, or an XLSX date cell."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    value = code(raw)
    if value is None:
        return None
    if len(value) == 10 and value[4] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    match = _DATE.fullmatch(value) or _COMPACT_DATE.fullmatch(value)
    if match is not None:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellError("import.invalid_date", f"not a date: {value!r} (write 2024-01-31)")


def number(raw: Any, low: float, high: float) -> float | None:
    """A decimal number within [low, high]; a leading minus sign is a sign here, not a formula."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = float(raw)
    else:
        cell = text(raw)
        if cell is None:
            return None
        try:
            value = float(cell)
        except ValueError:
            code(cell)  # a formula-like cell is refused as such
            raise CellError("import.invalid_number", f"not a number: {cell!r}") from None
    if not low <= value <= high:
        raise CellError("import.out_of_range", f"{value} is outside {low:g} to {high:g}")
    return value
