"""The job's scratch file: a private SQLite database next to the error report, deleted at the end.

It holds the keys met so far in the file (to report a duplicate against its first occurrence:
a million credit codes in a Python dict would cost some 130 MB; here a bounded page cache)
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
_hash = hash  # 64-bit, stable within the process that owns the file


class Scratch:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.unlink(missing_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-32768", "temp_store=MEMORY"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE seen (hash INTEGER PRIMARY KEY, row INTEGER NOT NULL)")
        self._db.execute("CREATE TABLE seen_key (row INTEGER, key TEXT, PRIMARY KEY (row, key)) WITHOUT ROWID")

    def create_tables(self, tables: Iterable[sa.Table]) -> None:
        dialect = sqlite.dialect()
        for table in tables:
            self._db.execute(str(sa.schema.CreateTable(table).compile(dialect=dialect)))

    def first_rows(self, keys: Sequence[tuple[str, int]]) -> list[int | None]:
        """Record (key, row) pairs given in file order; for each, the row that had the key first,
        or None when this is its first occurrence.

        The index is keyed by the key's 64-bit hash (small entries, so a million of them stay in
        the page cache); the keys themselves are appended in row order, and a hash met before is
        confirmed against the earlier row's key, so a hash collision is never taken for a repeat.
        (A key whose hash collides with an earlier, different key is not indexed itself; should it
        then repeat, the repeat is caught by the directory's UNIQUE constraints when the import is
        applied, which fails the job and writes nothing. At 64 bits this does not happen in practice.)
        """
        # key -> its first row (in this batch, until an earlier one is found); built in C when no
        # key repeats within the batch, the common case
        first: dict[str, int] = dict(keys)
        repeats: list[tuple[int, str]] = []
        if len(first) != len(keys):
            first = {}
            for i, (key, row) in enumerate(keys):
                if key in first:
                    repeats.append((i, key))
                else:
                    first[key] = row
        out: list[int | None] = [None] * len(keys)
        cursor = self._db.cursor()
        cursor.execute("BEGIN")
        cursor.executemany("INSERT INTO seen_key (key, row) VALUES (?, ?)", first.items())
        cursor.executemany("INSERT OR IGNORE INTO seen (hash, row) VALUES (?, ?)",  # in index order: fewer page moves
                           sorted(zip(map(_hash, first), first.values())))
        if cursor.rowcount != len(first):  # some hashes were met in an earlier batch (or collide)
            for key, row in first.items():
                (earlier,) = cursor.execute("SELECT row FROM seen WHERE hash = ?", (_hash(key),)).fetchone()
                if earlier != row and cursor.execute("SELECT 1 FROM seen_key WHERE row = ? AND key = ?",
                                                     (earlier, key)).fetchone():
                    first[key] = earlier
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

    def release_memory(self) -> None:
        """Drop this connection's page cache (before the apply step, which needs memory of its own)."""
        self._db.execute("PRAGMA shrink_memory")

    def close(self) -> None:
        self._db.close()
        self.path.unlink(missing_ok=True)
