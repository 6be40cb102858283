"""Join bulk imports with tasks, draws and field records.

Revision ID: 0010_merge_field
Revises: 0007_imports, 0009_field_records
"""
revision = "0010_merge_field"
down_revision = ("0007_imports", "0009_field_records")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
