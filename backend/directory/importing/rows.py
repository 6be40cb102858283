"""What the two importers share: the import's context, a row on its way through the checks,
and turning cells into values with the column map."""
from __future__ import annotations

import operator
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from backend.directory.importing.cells import CellError
from backend.directory.importing.columns import ColumnMap
from backend.directory.standard import Column
from backend.errors import Forbidden
from backend.policy import Principal

Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class Context:
    job_id: uuid.UUID
    principal: Principal  # whose reach the rows are checked against
    department_id: int | None  # the importing department (default supervisor / department)
    now: datetime

    @property
    def actor(self) -> str:
        """History rows name the job; the job names who started it."""
        return f"import:{self.job_id}"


@dataclass(slots=True)
class Row:
    number: int
    names: tuple[str, ...]  # the fields the file has, in the order of `raw`
    raw: tuple[Any, ...]  # their cells as written (for the report: see `cell`)
    values: dict[str, Any]  # field -> value, for the columns the file has
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (field or "", code, reason)
    plan: str | None = None  # create | update | status_change | unchanged
    work: Any = None  # what the importer needs to write the row

    def fail(self, field_name: str, code: str, message: str) -> None:
        self.errors.append((field_name, code, message))

    def cell(self, field_name: str) -> Any:
        """The cell of a field as written; None when the file has no such column."""
        try:
            return self.raw[self.names.index(field_name)]
        except ValueError:
            return None

    def failed(self, field_name: str) -> bool:
        return bool(self.errors) and any(f == field_name for f, _, _ in self.errors)

    def forbid(self, field_name: str, exc: Forbidden) -> None:
        self.fail(field_name, exc.code, exc.message)


class RowParser:
    """Cells -> values through each field's parser; a cell that cannot be read is a row error."""

    def __init__(self, columns: ColumnMap, parsers: Mapping[str, Parser]) -> None:
        self.names = tuple(columns.index)
        self.parse_cell = [parsers[name] for name in self.names]
        self.pick = operator.itemgetter(*columns.index.values())
        self.width = columns.width
        self.needed = max(columns.index.values()) + 1

    def __call__(self, number: int, cells: Sequence[Any]) -> Row:
        if len(cells) < self.needed:
            cells = [*cells, *([None] * (self.needed - len(cells)))]
        picked = self.pick(cells)
        if len(self.names) == 1:
            picked = (picked,)
        names = self.names
        try:  # the common case: every cell reads (map with operator.call: the loop runs in C)
            row = Row(number, names, picked, dict(zip(names, map(operator.call, self.parse_cell, picked))))
        except CellError:
            row = Row(number, names, picked, {})
            for name, parse, raw in zip(names, self.parse_cell, picked):
                try:
                    row.values[name] = parse(raw)
                except CellError as exc:
                    row.values[name] = None
                    row.fail(name, exc.code, exc.message)
        if len(cells) > self.width and any(c not in (None, "") for c in cells[self.width:]):
            row.fail("", "import.too_many_cells", f"the row has cells beyond the {self.width} named columns")
        return row


def merge_rule_errors(row: Row, errors: Mapping[str, list[dict[str, Any]]]) -> None:
    """Add the rules' errors, except for fields whose cell was already reported unreadable."""
    unreadable = {f for f, _, _ in row.errors}
    for name, items in errors.items():
        if name in unreadable:
            continue
        for item in items:
            row.fail(name, item["code"], item.get("message_zh") and f"{item['message']} ({item['message_zh']})"
                     or item["message"])


class Importer(Protocol):
    """What both importers do in the check pass."""

    columns: tuple[Column, ...]
    defaulted: frozenset[str]
    staged: bool  # True: a StagedImporter; False: a RecheckingImporter

    parse: Callable[[int, Sequence[Any]], Row]  # set by use_columns

    def use_columns(self, columns: ColumnMap) -> None: ...

    def keys(self, row: Row) -> list[tuple[str, str]]: ...  # (field, key) that must be unique in the file

    def check(self, session: Session, rows: list[Row]) -> None: ...


class StagedImporter(Importer, Protocol):
    """The check pass stages the checked rows; the apply step moves them (entities)."""

    def use_staging(self, staging: Any) -> None: ...

    def stage(self, session: Session, rows: list[Row]) -> None: ...

    def apply(self, session: Session, counts: Mapping[str, int]) -> None: ...


class RecheckingImporter(Importer, Protocol):
    """The apply step checks the file again inside its transaction and writes it (inspectors)."""

    def write(self, session: Session, rows: list[Row]) -> None: ...
