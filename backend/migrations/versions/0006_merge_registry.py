"""Join the branches of the first wave: directory, catalog and plans, working days, uploads.

Revision ID: 0006_merge_registry
Revises: 0002_directory, 0003_catalog_plans, 0004_workdays, 0005_uploads
"""
revision = "0006_merge_registry"
down_revision = ("0002_directory", "0003_catalog_plans", "0004_workdays", "0005_uploads")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
