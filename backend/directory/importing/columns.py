"""Which column of the file is which field of the data standard (backend/directory/standard.py).

A header cell is the Chinese column name or the English field name (any case); a note in
brackets after it (`名称（必填）`, `name (required)`) and `*` marks are ignored. Unknown, missing
required, repeated and unnamed columns are file-level errors that list every offender.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from backend.directory.importing.sources import FileRejected
from backend.directory.standard import Column

_NOTE = re.compile(r"[(（【\[].*$")


@dataclass(frozen=True)
class ColumnMap:
    index: dict[str, int]  # field -> position of its cell
    headers: dict[str, str]  # field -> the header as the file writes it
    width: int  # named columns; cells beyond are reported when not empty

    def header_of(self, field: str, columns: Sequence[Column]) -> str:
        """The column's name in the file, or the standard's Chinese name when the file lacks it."""
        if field in self.headers:
            return self.headers[field]
        return next((c.header_zh for c in columns if c.field == field), field)


def normalise(header: str) -> str:
    name = _NOTE.sub("", header.replace("\ufeff", "").strip()).strip().strip("*＊").strip()
    return name.lower()


def map_columns(header: Sequence[str], columns: Sequence[Column], defaulted: Collection[str] = ()) -> ColumnMap:
    """Map a header row to fields; `defaulted` are required fields the import may fill itself."""
    names = {c.header_zh.lower(): c.field for c in columns} | {c.field.lower(): c.field for c in columns}
    cells = list(header)
    while cells and not str(cells[-1]).strip():
        cells.pop()  # spreadsheets often carry empty columns after the last one
    index: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown, unnamed, repeated = [], [], []
    for position, cell in enumerate(cells):
        written = str(cell).strip()
        if not written:
            unnamed.append(str(position + 1))
            continue
        field = names.get(normalise(written))
        if field is None:
            unknown.append(written)
        elif field in index:
            repeated.append(written)
        else:
            index[field], headers[field] = position, written
    missing = [c.header_zh for c in columns if c.required and c.field not in index and c.field not in defaulted]
    problems = []
    if unknown:
        problems.append(("import.unknown_columns", f"unknown columns: {', '.join(unknown)}"))
    if missing:
        problems.append(("import.missing_columns", f"missing required columns: {', '.join(missing)}"))
    if repeated:
        problems.append(("import.duplicate_columns", f"columns given twice: {', '.join(repeated)}"))
    if unnamed:
        problems.append(("import.unnamed_columns", f"columns without a name in row 1: {', '.join(unnamed)}"))
    if problems:
        expected = "、".join(f"{c.header_zh} ({c.field})" for c in columns)
        raise FileRejected(problems[0][0] if len(problems) == 1 else "import.bad_header",
                           "; ".join(m for _, m in problems) + f". The columns of the standard are: {expected}", 1)
    return ColumnMap(index, headers, len(cells))
