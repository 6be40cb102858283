"""Join review, results and the public search indexes with referral cases.

Revision ID: 0014_merge_results_referrals
Revises: 0012_public_search, 0013_referrals
"""
revision = "0014_merge_results_referrals"
down_revision = ("0012_public_search", "0013_referrals")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
