"""item list, rulebooks and annual plans

Revision ID: 0003_catalog_plans
Revises: 0001_foundation
Create Date: 2026-11-25 12:13:16.564792

Only the catalog and plan tables. Versions (item_version, rulebook_version, plan_version) are
append-only, enforced by triggers. The directory's 0002 also descends from 0001; a merge
revision joins the two heads.
"""
from alembic import op
import sqlalchemy as sa

from backend.dbtriggers import drop_append_only, make_append_only


revision = '0003_catalog_plans'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None

APPEND_ONLY = ('item_version', 'rulebook_version', 'plan_version')


def upgrade() -> None:
    op.create_table('check_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('rulebook_version', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_check_item_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_item')),
    sa.UniqueConstraint('code', name=op.f('uq_check_item_code'))
    )
    with op.batch_alter_table('check_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_item_department_id'), ['department_id'], unique=False)

    op.create_table('item_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('subjects', sa.JSON(), nullable=False),
    sa.Column('check_methods', sa.JSON(), nullable=False),
    sa.Column('provincial_item_code', sa.String(length=40), nullable=False),
    sa.Column('provincial_item_name', sa.String(length=200), nullable=False),
    sa.Column('sampling_rules', sa.JSON(), nullable=False),
    sa.Column('change_summary', sa.String(length=1000), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_item_version_created_by_user_account')),
    sa.ForeignKeyConstraint(['item_id'], ['check_item.id'], name=op.f('fk_item_version_item_id_check_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_version')),
    sa.UniqueConstraint('item_id', 'version', name=op.f('uq_item_version_item_id_version'))
    )
    op.create_table('item_filing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('lead_department_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_summary', sa.String(length=1000), nullable=False),
    sa.Column('filed_by', sa.Integer(), nullable=True),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['user_account.id'], name=op.f('fk_item_filing_acknowledged_by_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_item_filing_department_id_department')),
    sa.ForeignKeyConstraint(['filed_by'], ['user_account.id'], name=op.f('fk_item_filing_filed_by_user_account')),
    sa.ForeignKeyConstraint(['item_id'], ['check_item.id'], name=op.f('fk_item_filing_item_id_check_item')),
    sa.ForeignKeyConstraint(['lead_department_id'], ['department.id'], name=op.f('fk_item_filing_lead_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_filing')),
    sa.UniqueConstraint('item_id', 'version', name=op.f('uq_item_filing_item_id_version'))
    )
    with op.batch_alter_table('item_filing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_filing_acknowledged_at'), ['acknowledged_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_filing_department_id'), ['department_id'], unique=False)

    op.create_table('rulebook_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('template', sa.JSON(), nullable=False),
    sa.Column('procedure_steps', sa.JSON(), nullable=False),
    sa.Column('approval', sa.JSON(), nullable=False),
    sa.Column('publication', sa.JSON(), nullable=False),
    sa.Column('archiving', sa.JSON(), nullable=False),
    sa.Column('change_summary', sa.String(length=1000), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_rulebook_version_created_by_user_account')),
    sa.ForeignKeyConstraint(['item_id'], ['check_item.id'], name=op.f('fk_rulebook_version_item_id_check_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rulebook_version')),
    sa.UniqueConstraint('item_id', 'version', name=op.f('uq_rulebook_version_item_id_version'))
    )
    op.create_table('plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filed_version', sa.Integer(), nullable=True),
    sa.Column('filed_by', sa.Integer(), nullable=True),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('filed_days_late', sa.Integer(), nullable=True),
    sa.Column('lead_department_id', sa.Integer(), nullable=True),
    sa.Column('published_version', sa.Integer(), nullable=True),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_plan_created_by_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_plan_department_id_department')),
    sa.ForeignKeyConstraint(['filed_by'], ['user_account.id'], name=op.f('fk_plan_filed_by_user_account')),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['jurisdiction.code'], name=op.f('fk_plan_jurisdiction_code_jurisdiction')),
    sa.ForeignKeyConstraint(['lead_department_id'], ['department.id'], name=op.f('fk_plan_lead_department_id_department')),
    sa.ForeignKeyConstraint(['published_by'], ['user_account.id'], name=op.f('fk_plan_published_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan')),
    sa.UniqueConstraint('department_id', 'year', name=op.f('uq_plan_department_id_year')),
    sa.UniqueConstraint('number', name=op.f('uq_plan_number'))
    )
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_year'), ['year'], unique=False)

    op.create_table('plan_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=True),
    sa.Column('batches', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_plan_version_created_by_user_account')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_version_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_version')),
    sa.UniqueConstraint('plan_id', 'version', name=op.f('uq_plan_version_plan_id_version'))
    )
    for table in APPEND_ONLY:
        make_append_only(table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        drop_append_only(table)
    op.drop_table('plan_version')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_year'))
        batch_op.drop_index(batch_op.f('ix_plan_status'))
        batch_op.drop_index(batch_op.f('ix_plan_department_id'))

    op.drop_table('plan')
    op.drop_table('rulebook_version')
    with op.batch_alter_table('item_filing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_filing_department_id'))
        batch_op.drop_index(batch_op.f('ix_item_filing_acknowledged_at'))

    op.drop_table('item_filing')
    op.drop_table('item_version')
    with op.batch_alter_table('check_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_item_department_id'))

    op.drop_table('check_item')
