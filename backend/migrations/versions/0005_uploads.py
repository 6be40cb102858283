"""evidence uploads: tus uploads, content-addressed blobs, evidence items, custody events

Revision ID: 0005_uploads
Revises: 0001_foundation
Create Date: 2026-11-26 12:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

from backend.dbtriggers import drop_append_only, make_append_only

revision = '0005_uploads'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None

_LIVE = "state IN ('active', 'completed')"


def upgrade() -> None:
    op.create_table('blob',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('orientation', sa.SmallInteger(), nullable=True),
    sa.Column('captured_at', sa.String(length=32), nullable=True),
    sa.Column('gps_lat', sa.Float(), nullable=True),
    sa.Column('gps_lon', sa.Float(), nullable=True),
    sa.Column('preview_sha256', sa.String(length=64), nullable=True),
    sa.Column('thumbnail_sha256', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_blob'))
    )
    op.create_table('upload',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('length', sa.BigInteger(), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('filetype', sa.String(length=100), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('evidence_id', sa.Uuid(), nullable=False),
    sa.Column('metadata_header', sa.Text(), nullable=False),
    sa.Column('chunks', sa.Integer(), nullable=False),
    sa.Column('failure_code', sa.String(length=64), nullable=True),
    sa.Column('failure_message', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_upload_department_id_department')),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_upload_owner_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_upload'))
    )
    with op.batch_alter_table('upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_upload_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_upload_state_expires_at', ['state', 'expires_at'], unique=False)
        batch_op.create_index('uq_upload_live_evidence_id', ['evidence_id'], unique=True,
                              sqlite_where=sa.text(_LIVE), postgresql_where=sa.text(_LIVE))

    op.create_table('evidence_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Uuid(), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('blob_sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['blob_sha256'], ['blob.sha256'], name=op.f('fk_evidence_item_blob_sha256_blob')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_evidence_item_department_id_department')),
    sa.ForeignKeyConstraint(['uploaded_by'], ['user_account.id'], name=op.f('fk_evidence_item_uploaded_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_item')),
    sa.UniqueConstraint('evidence_id', name=op.f('uq_evidence_item_evidence_id')),
    sa.UniqueConstraint('upload_id', name=op.f('uq_evidence_item_upload_id'))
    )
    with op.batch_alter_table('evidence_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_item_blob_sha256'), ['blob_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_item_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_item_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_item_uploaded_by'), ['uploaded_by'], unique=False)

    op.create_table('custody_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('blob_sha256', sa.String(length=64), nullable=False),
    sa.Column('event', sa.String(length=32), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('upload_id', sa.Uuid(), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_custody_event_actor_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custody_event'))
    )
    with op.batch_alter_table('custody_event', schema=None) as batch_op:
        batch_op.create_index('ix_custody_event_blob_at', ['blob_sha256', 'id'], unique=False)

    make_append_only("custody_event")


def downgrade() -> None:
    drop_append_only("custody_event")
    with op.batch_alter_table('custody_event', schema=None) as batch_op:
        batch_op.drop_index('ix_custody_event_blob_at')

    op.drop_table('custody_event')
    with op.batch_alter_table('evidence_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_item_uploaded_by'))
        batch_op.drop_index(batch_op.f('ix_evidence_item_record_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_item_department_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_item_blob_sha256'))

    op.drop_table('evidence_item')
    with op.batch_alter_table('upload', schema=None) as batch_op:
        batch_op.drop_index('uq_upload_live_evidence_id')
        batch_op.drop_index('ix_upload_state_expires_at')
        batch_op.drop_index(batch_op.f('ix_upload_owner_id'))

    op.drop_table('upload')
    op.drop_table('blob')
