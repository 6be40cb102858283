"""public search: indexes for searching published results by code prefix and listing them by date

Revision ID: 0012_public_search
Revises: 0011_results
Create Date: 2026-11-25 16:00:00

The public search (backend/publicsite/queries.py) finds a credit code or registration number,
whole or by prefix, as a range on a byte-ordered index: SQLite's BINARY collation, and on
PostgreSQL an index `COLLATE "C"` (a database created with another collation would otherwise
order these codes in ways a range cannot use). Listings go newest first by publication time.
"""
from alembic import op


revision = '0012_public_search'
down_revision = '0011_results'
branch_labels = None
depends_on = None

# (name, column); on PostgreSQL the code columns are indexed byte-ordered (COLLATE "C")
INDEXES = (
    ("ix_published_result_credit_code_prefix", "credit_code"),
    ("ix_published_result_registration_number", "registration_number"),
)


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, column in INDEXES:
        if postgresql:
            op.execute(f'CREATE INDEX {name} ON published_result ({column} COLLATE "C")')
        elif column != "credit_code":  # SQLite: 0011's ix_published_result_credit_code is already BINARY
            op.create_index(name, "published_result", [column])
    op.create_index("ix_published_result_published_at", "published_result", ["published_at"])


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.drop_index("ix_published_result_published_at", table_name="published_result")
    for name, column in reversed(INDEXES):
        if postgresql or column != "credit_code":
            op.drop_index(name, table_name="published_result")
