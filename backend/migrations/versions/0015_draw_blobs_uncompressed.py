"""draw commitments: the gzipped population and frame are stored out of line, not compressed again

Revision ID: 0015_draw_blobs_uncompressed
Revises: 0014_merge_results_referrals
Create Date: 2026-12-07 13:00:00

A commitment stores a million-entity population as about 5 MB of gzip and its frame (the
directory ids) as about 3 MB of zlib. PostgreSQL's default storage for bytea (EXTENDED) runs
its own compressor over every value above 2 kB before moving it out of line: on bytes that
are compressed already it gains nothing and cost the commit's INSERT 0.11-0.22 s (three runs)
where EXTERNAL (out of line, uncompressed) takes 0.04-0.07 s. SQLite has no such setting.
"""
from alembic import op

revision = "0015_draw_blobs_uncompressed"
down_revision = "0014_merge_results_referrals"
branch_labels = None
depends_on = None

COLUMNS = ("population_gz", "frame_gz")


def _set_storage(storage: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE draw_commitment "
                   + ", ".join(f"ALTER COLUMN {c} SET STORAGE {storage}" for c in COLUMNS))


def upgrade() -> None:
    _set_storage("EXTERNAL")


def downgrade() -> None:
    _set_storage("EXTENDED")
