"""The job's scratch file: a private SQLite database next to the error report, deleted at the end.

It holds the keys met so far in the file (to report a duplicate against its first occurrence:
a million credit codes in a Python dict would cost some 130 MB; here a few MB of page cache)
and, when the directory itself lives in SQLite, the staged rows: the apply transaction then
ATTACHes this file and moves them with INSERT ... SELECT, so the check pass writes nothing to
the application database but its progress. It is never synced to disk (journal and sync off):
after a crash it is worthless anyway.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

SCHEMA = "import_scratch"  # the name it is attached under
_IN_CHUNK = 500


class Scratch:
    def __init__(self, path: Path, tables: Sequence[sa.Table] = ()) -> None:
        self.path = path
        path.unlink(missing_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-16384", "temp_store=MEMORY"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID")
        dialect = sqlite.dialect()
        for table in tables:
            self._db.execute(str(sa.schema.CreateTable(table).compile(dialect=dialect)))

    def first_rows(self, keys: Sequence[tuple[str, int]]) -> list[int | None]:
        """Record (key, row) pairs given in file order; for each, the row that had the key first,
        or None when this is its first occurrence."""
        first: dict[str, int] = {}  # key -> its first row (in this batch, until an earlier one is found)
        repeats: list[tuple[int, str]] = []
        for i, (key, row) in enumerate(keys):
            if key in first:
                repeats.append((i, key))
            else:
                first[key] = row
        out: list[int | None] = [None] * len(keys)
        cursor = self._db.cursor()
        cursor.execute("BEGIN")
        cursor.executemany("INSERT OR IGNORE INTO seen (key, row) VALUES (?, ?)", first.items())
        if cursor.rowcount != len(first):  # some keys were met in an earlier batch
            fresh = list(first)
            for start in range(0, len(fresh), _IN_CHUNK):
                chunk = fresh[start:start + _IN_CHUNK]
                for key, row in cursor.execute(f"SELECT key, row FROM seen WHERE key IN ({','.join('?' * len(chunk))})",
                                               chunk).fetchall():
                    if row != first[key]:
                        first[key] = row
            for i, (key, row) in enumerate(keys):
                if first[key] != row:
                    out[i] = first[key]
        else:
            for i, key in repeats:
                out[i] = first[key]
        cursor.execute("COMMIT")
        return out

    def insert(self, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Append rows (values already in SQLite's storage form) to a staged table of this file."""
        quote = sqlite.dialect().identifier_preparer.quote
        names = ", ".join(quote(c) for c in columns)
        placeholders = ", ".join("?" * len(columns))
        cursor = self._db.cursor()
        cursor.execute("BEGIN")
        cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({placeholders})", rows)
        cursor.execute("COMMIT")

    def close(self) -> None:
        self._db.close()
        self.path.unlink(missing_ok=True)
