"""directory imports: tracked import jobs, and the staging tables of entity imports

Revision ID: 0007_imports
Revises: 0006_merge_registry
Create Date: 2026-11-25 13:13:41.342600
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_imports'
down_revision = '0006_merge_registry'
branch_labels = None
depends_on = None


def _staging_prefixes() -> list[str]:
    # Staged rows are worthless after a crash (the job is then failed and they are deleted), so
    # PostgreSQL need not write them to its WAL. SQLite has no such table kind.
    return ["UNLOGGED"] if op.get_bind().dialect.name == "postgresql" else []


def upgrade() -> None:
    op.create_table('import_job',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('file_format', sa.String(length=8), nullable=True),
    sa.Column('encoding', sa.String(length=16), nullable=True),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('phase', sa.String(length=16), nullable=True),
    sa.Column('rows_total', sa.Integer(), nullable=True),
    sa.Column('rows_total_estimated', sa.Boolean(), nullable=False),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('valid', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('failure_code', sa.String(length=64), nullable=True),
    sa.Column('failure_message', sa.String(length=500), nullable=True),
    sa.Column('report_path', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_import_job_created_by_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_import_job_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_job'))
    )
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.create_index('ix_import_job_department_created', ['department_id', 'created_at'], unique=False)
        batch_op.create_index('ix_import_job_status', ['status'], unique=False)

    op.create_table('import_staged_entity',
    sa.Column('job_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('new_seq', sa.Integer(), nullable=True),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('old_version', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('registration_number', sa.String(length=15), nullable=True),
    sa.Column('local_id', sa.String(length=40), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('entity_type', sa.String(length=24), nullable=False),
    sa.Column('legal_representative', sa.String(length=100), nullable=True),
    sa.Column('registered_address', sa.String(length=300), nullable=True),
    sa.Column('business_address', sa.String(length=300), nullable=True),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('industry_code', sa.String(length=8), nullable=False),
    sa.Column('registration_status', sa.String(length=24), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('risk_scheme', sa.String(length=32), nullable=True),
    sa.Column('risk_class', sa.String(length=4), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('departments', sa.Text(), nullable=False),
    sa.Column('sub_directories', sa.Text(), nullable=False),
    sa.Column('latitude_json', sa.Text(), nullable=True),
    sa.Column('longitude_json', sa.Text(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('job_id', 'seq', name=op.f('pk_import_staged_entity')),
    prefixes=_staging_prefixes(),
    )
    op.create_table('import_staged_link',
    sa.Column('job_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('job_id', 'seq', 'kind', 'target_id', name=op.f('pk_import_staged_link')),
    prefixes=_staging_prefixes(),
    )


def downgrade() -> None:
    op.drop_table('import_staged_link')
    op.drop_table('import_staged_entity')
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.drop_index('ix_import_job_status')
        batch_op.drop_index('ix_import_job_department_created')
    op.drop_table('import_job')
