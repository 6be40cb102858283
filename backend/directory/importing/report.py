"""The per-row error report: one CSV line per problem, written as the file is checked.

Columns `row, column, field, code, reason, value`: the spreadsheet row (empty for a problem of
the whole file), the column as the file names it, the standard's field, a stable code, the
reason, and the cell as written. UTF-8 with a BOM, so that Excel on Chinese Windows opens it
correctly; every cell passes `cells.csv_safe`, so nothing in it is ever evaluated as a formula.
"""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

from backend.directory.importing.cells import csv_safe

REPORT_COLUMNS = ("row", "column", "field", "code", "reason", "value")


class ErrorReport:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._file = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._file)
        self._writer.writerow(REPORT_COLUMNS)

    def add(self, row: int | None, column: str, field: str, code: str, reason: str, value: Any = None) -> None:
        self._writer.writerow([csv_safe(row), csv_safe(column), csv_safe(field), csv_safe(code), csv_safe(reason),
                               csv_safe(value)])
        self.count += 1

    def close(self) -> str:
        """Finish the file; returns its SHA-256 (recorded in the audit entry of the job)."""
        if not self._file.closed:
            self._file.close()
        digest = hashlib.sha256()
        with self.path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
