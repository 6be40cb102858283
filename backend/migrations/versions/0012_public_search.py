"""public search: covering indexes for searching published results by name, code and date

Revision ID: 0012_public_search
Revises: 0011_results
Create Date: 2026-11-25 16:00:00

The public search (backend/publicsite/queries.py) first finds, counts and orders the ids of
the current versions that match, then loads one page of rows. These indexes answer the first
step without reading the table: each holds its key plus the result id, the version and the
publication time (and the row id: SQLite's rowid, INCLUDE on PostgreSQL), so

- a name fragment (LIKE '%…%', which no B-tree can seek) scans the small name index;
- a credit code or registration number, whole or a prefix, is a range on a byte-ordered
  index (SQLite's BINARY; on PostgreSQL COLLATE "C", since a database created with another
  collation orders these codes in ways a range cannot use);
- on PostgreSQL, where the pg_trgm extension can be had (it is "trusted": a role that may
  create objects in the database may install it), a trigram GIN index finds a name fragment
  of three characters or more without a scan (pg_trgm handles CJK characters); without it,
  or for two-character fragments, the name index is scanned as on SQLite;
- the newest-first listing walks the publication-time index, which also carries the name and
  codes: a common name fragment stops after one page of matches, a rare one scans this index
  rather than looking up every row in the table.
"""
import logging

from alembic import op

log = logging.getLogger("alembic.runtime.migration")

revision = '0012_public_search'
down_revision = '0011_results'
branch_labels = None
depends_on = None

# name -> (key column, byte-ordered on PostgreSQL, the columns carried along)
INDEXES = {
    "ix_published_result_search_name": ("entity_name", False, ("result_id", "version", "published_at")),
    "ix_published_result_search_credit_code": ("credit_code", True, ("result_id", "version", "published_at")),
    "ix_published_result_search_registration": ("registration_number", True,
                                                ("result_id", "version", "published_at")),
    # newest first, filtering on the way without touching the table: a common fragment stops after a page
    "ix_published_result_search_published_at": ("published_at", False, ("result_id", "version", "entity_name",
                                                                        "credit_code", "registration_number")),
}


TRIGRAM_INDEX = "ix_published_result_search_name_trgm"


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    for name, (key, byte_ordered, carried) in INDEXES.items():
        if postgresql:
            collate = ' COLLATE "C"' if byte_ordered else ""
            op.execute(f"CREATE INDEX {name} ON published_result ({key}{collate}) INCLUDE ({', '.join(carried)}, id)")
        else:
            op.create_index(name, "published_result", [key, *carried])
    if postgresql and bind.exec_driver_sql(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").scalar() is not None:
        try:
            with bind.begin_nested():  # a role that may not install it leaves the search without this index
                bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                bind.exec_driver_sql(f"CREATE INDEX {TRIGRAM_INDEX} ON published_result "
                                     "USING gin (entity_name gin_trgm_ops)")
        except Exception as exc:  # noqa: BLE001  (e.g. insufficient privilege: the savepoint is rolled back)
            log.warning("public search without the trigram index on entity names: %s", exc)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")  # the extension stays: other objects may use it
    for name in reversed(INDEXES):
        op.drop_index(name, table_name="published_result")
