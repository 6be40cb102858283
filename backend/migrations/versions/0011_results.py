"""results: review decisions, entered results, published results (append-only) and corrections;
the check's end date on check records

Revision ID: 0011_results
Revises: 0010_merge_field
Create Date: 2026-11-25 15:35:19

`published_result` and `review_decision` carry the append-only triggers of backend/dbtriggers.py:
a published result cannot be changed or deleted, by the application or by anyone with SQL (R5.3).
`check_record.ended_on` is filled from each record's current revision (its `ended_at` as a
date in China, UTC+8).
"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa

from backend.dbtriggers import drop_append_only, make_append_only

CHINA = timezone(timedelta(hours=8))


revision = '0011_results'
down_revision = '0010_merge_field'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('check_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=False),
    sa.Column('parts', sa.JSON(), nullable=False),
    sa.Column('adopted', sa.JSON(), nullable=False),
    sa.Column('remarks', sa.String(length=1000), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('entered_by', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('current_published_id', sa.Integer(), nullable=True),
    sa.Column('published_version', sa.Integer(), nullable=True),
    sa.Column('first_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('entered', 'published')", name=op.f('ck_check_result_status')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_check_result_assignment_id_assignment')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_check_result_department_id_department')),
    sa.ForeignKeyConstraint(['entered_by'], ['user_account.id'], name=op.f('fk_check_result_entered_by_user_account')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_check_result_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['record_id'], ['check_record.id'], name=op.f('fk_check_result_record_id_check_record')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_check_result_task_id_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_result')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_check_result_assignment_id')),
    sa.UniqueConstraint('record_id', name=op.f('uq_check_result_record_id'))
    )
    with op.batch_alter_table('check_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_result_current_published_id'), ['current_published_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_result_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_result_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_result_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_result_task_id'), ['task_id'], unique=False)

    op.create_table('review_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=12), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('role', sa.String(length=24), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=2000), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('review', 'approve', 'return')", name=op.f('ck_review_decision_action')),
    sa.CheckConstraint("stage IN ('lead', 'authority')", name=op.f('ck_review_decision_stage')),
    sa.ForeignKeyConstraint(['decided_by'], ['user_account.id'], name=op.f('fk_review_decision_decided_by_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_review_decision_department_id_department')),
    sa.ForeignKeyConstraint(['record_id'], ['check_record.id'], name=op.f('fk_review_decision_record_id_check_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_decision'))
    )
    with op.batch_alter_table('review_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_decision_record_id'), ['record_id'], unique=False)

    op.create_table('result_correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('proposed_by', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_comment', sa.String(length=1000), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'signed', 'rejected')", name=op.f('ck_result_correction_status')),
    sa.ForeignKeyConstraint(['decided_by'], ['user_account.id'], name=op.f('fk_result_correction_decided_by_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_result_correction_department_id_department')),
    sa.ForeignKeyConstraint(['proposed_by'], ['user_account.id'], name=op.f('fk_result_correction_proposed_by_user_account')),
    sa.ForeignKeyConstraint(['result_id'], ['check_result.id'], name=op.f('fk_result_correction_result_id_check_result')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_correction'))
    )
    with op.batch_alter_table('result_correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_correction_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_correction_result_id'), ['result_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_correction_status'), ['status'], unique=False)

    op.create_table('published_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('correction_id', sa.Integer(), nullable=True),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('plan_number', sa.String(length=40), nullable=True),
    sa.Column('plan_name', sa.String(length=200), nullable=True),
    sa.Column('task_number', sa.String(length=40), nullable=True),
    sa.Column('task_name', sa.String(length=200), nullable=True),
    sa.Column('check_type', sa.String(length=40), nullable=True),
    sa.Column('inspecting_authority', sa.String(length=400), nullable=True),
    sa.Column('entity_name', sa.String(length=200), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('registration_number', sa.String(length=15), nullable=True),
    sa.Column('completion_date', sa.Date(), nullable=True),
    sa.Column('result', sa.String(length=1000), nullable=False),
    sa.Column('remarks', sa.String(length=1000), nullable=True),
    sa.Column('published_fields', sa.JSON(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('correction_reason', sa.String(length=1000), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('published_by', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['correction_id'], ['result_correction.id'], name=op.f('fk_published_result_correction_id_result_correction')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_published_result_department_id_department')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_published_result_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['published_by'], ['user_account.id'], name=op.f('fk_published_result_published_by_user_account')),
    sa.ForeignKeyConstraint(['result_id'], ['check_result.id'], name=op.f('fk_published_result_result_id_check_result')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['published_result.id'], name=op.f('fk_published_result_supersedes_id_published_result')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_published_result_task_id_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_result')),
    sa.UniqueConstraint('result_id', 'version', name=op.f('uq_published_result_result_id_version'))
    )
    with op.batch_alter_table('published_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_result_credit_code'), ['credit_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_published_result_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_published_result_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_published_result_entity_name'), ['entity_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_published_result_result_id'), ['result_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_published_result_task_id'), ['task_id'], unique=False)

    with op.batch_alter_table('check_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ended_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_check_record_ended_on'), ['ended_on'], unique=False)
        batch_op.create_index('ix_check_record_status_ended_on', ['status', 'ended_on'], unique=False)
    _fill_ended_on()
    make_append_only('published_result')
    make_append_only('review_decision')


def _fill_ended_on() -> None:
    bind = op.get_bind()
    record = sa.table('check_record', sa.column('id', sa.Uuid()), sa.column('current_revision', sa.Integer()),
                      sa.column('ended_on', sa.Date()))
    revision = sa.table('check_record_revision', sa.column('record_id', sa.Uuid()),
                        sa.column('revision', sa.Integer()), sa.column('body', sa.JSON()))
    rows = bind.execute(sa.select(record.c.id, revision.c.body).join(revision, sa.and_(
        revision.c.record_id == record.c.id, revision.c.revision == record.c.current_revision))).all()
    for record_id, body in rows:
        ended = datetime.fromisoformat(body["ended_at"]).astimezone(CHINA).date()
        bind.execute(record.update().where(record.c.id == record_id).values(ended_on=ended))



def downgrade() -> None:
    drop_append_only('review_decision')
    drop_append_only('published_result')
    with op.batch_alter_table('check_record', schema=None) as batch_op:
        batch_op.drop_index('ix_check_record_status_ended_on')
        batch_op.drop_index(batch_op.f('ix_check_record_ended_on'))
        batch_op.drop_column('ended_on')

    with op.batch_alter_table('published_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_result_task_id'))
        batch_op.drop_index(batch_op.f('ix_published_result_result_id'))
        batch_op.drop_index(batch_op.f('ix_published_result_entity_name'))
        batch_op.drop_index(batch_op.f('ix_published_result_entity_id'))
        batch_op.drop_index(batch_op.f('ix_published_result_department_id'))
        batch_op.drop_index(batch_op.f('ix_published_result_credit_code'))

    op.drop_table('published_result')
    with op.batch_alter_table('result_correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_correction_status'))
        batch_op.drop_index(batch_op.f('ix_result_correction_result_id'))
        batch_op.drop_index(batch_op.f('ix_result_correction_department_id'))

    op.drop_table('result_correction')
    with op.batch_alter_table('review_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_decision_record_id'))

    op.drop_table('review_decision')
    with op.batch_alter_table('check_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_result_task_id'))
        batch_op.drop_index(batch_op.f('ix_check_result_status'))
        batch_op.drop_index(batch_op.f('ix_check_result_entity_id'))
        batch_op.drop_index(batch_op.f('ix_check_result_department_id'))
        batch_op.drop_index(batch_op.f('ix_check_result_current_published_id'))

    op.drop_table('check_result')
