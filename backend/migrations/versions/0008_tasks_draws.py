"""tasks, their departments and items; draws (commitment, reveal, cancellation); assignments

Revision ID: 0008_tasks_draws
Revises: 0006_merge_registry
Create Date: 2026-11-25 14:00:00

Commitments, reveals, cancellations, assignments and their members are append-only (database
triggers): a redraw adds a cancellation and keeps everything else. 0007_imports descends from
the same parent; a merge revision joins the two heads.
"""
from alembic import op
import sqlalchemy as sa

from backend.dbtriggers import drop_append_only, make_append_only


revision = '0008_tasks_draws'
down_revision = '0006_merge_registry'
branch_labels = None
depends_on = None

APPEND_ONLY = ('draw_commitment', 'draw_reveal', 'draw_cancellation', 'assignment', 'assignment_member')


def upgrade() -> None:
    op.create_table('task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('basis', sa.String(length=1000), nullable=True),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.String(length=20), nullable=True),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('sampling', sa.JSON(), nullable=False),
    sa.Column('team_size', sa.Integer(), nullable=False),
    sa.Column('workload_cap', sa.Integer(), nullable=True),
    sa.Column('recuse_previous', sa.Boolean(), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=False),
    sa.Column('names_public', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_task_created_by_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_task_department_id_department')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_task_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task')),
    sa.UniqueConstraint('number', name=op.f('uq_task_number'))
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_status'), ['status'], unique=False)

    op.create_table('draw_commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('algorithm', sa.String(length=20), nullable=False),
    sa.Column('announcement_head', sa.Text(), nullable=False),
    sa.Column('population_gz', sa.LargeBinary(), nullable=False),
    sa.Column('population_bytes', sa.Integer(), nullable=False),
    sa.Column('announcement_tail', sa.Text(), nullable=False),
    sa.Column('announcement_digest', sa.String(length=64), nullable=False),
    sa.Column('population_digest', sa.String(length=64), nullable=False),
    sa.Column('commitment', sa.String(length=64), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('frame_gz', sa.LargeBinary(), nullable=False),
    sa.Column('randomness_kind', sa.String(length=16), nullable=False),
    sa.Column('randomness_source', sa.String(length=300), nullable=False),
    sa.Column('randomness_available_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('eligible_count', sa.Integer(), nullable=False),
    sa.Column('excluded_count', sa.Integer(), nullable=False),
    sa.Column('target_count', sa.Integer(), nullable=False),
    sa.Column('stratum_count', sa.Integer(), nullable=False),
    sa.Column('inspector_count', sa.Integer(), nullable=False),
    sa.Column('committed_by', sa.Integer(), nullable=True),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['committed_by'], ['user_account.id'], name=op.f('fk_draw_commitment_committed_by_user_account')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_draw_commitment_task_id_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draw_commitment')),
    sa.UniqueConstraint('commitment', name=op.f('uq_draw_commitment_commitment')),
    sa.UniqueConstraint('task_id', 'sequence', name=op.f('uq_draw_commitment_task_id_sequence'))
    )
    with op.batch_alter_table('draw_commitment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draw_commitment_task_id'), ['task_id'], unique=False)

    op.create_table('task_department',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('min_per_team', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_task_department_department_id_department')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_task_department_task_id_task')),
    sa.PrimaryKeyConstraint('task_id', 'department_id', name=op.f('pk_task_department'))
    )
    with op.batch_alter_table('task_department', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_department_department_id'), ['department_id'], unique=False)

    op.create_table('task_item',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['check_item.id'], name=op.f('fk_task_item_item_id_check_item')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_task_item_task_id_task')),
    sa.PrimaryKeyConstraint('task_id', 'item_id', name=op.f('pk_task_item'))
    )
    with op.batch_alter_table('task_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_item_item_id'), ['item_id'], unique=False)

    op.create_table('draw_cancellation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('cancelled_by', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cancelled_by'], ['user_account.id'], name=op.f('fk_draw_cancellation_cancelled_by_user_account')),
    sa.ForeignKeyConstraint(['commitment_id'], ['draw_commitment.id'], name=op.f('fk_draw_cancellation_commitment_id_draw_commitment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draw_cancellation')),
    sa.UniqueConstraint('commitment_id', name=op.f('uq_draw_cancellation_commitment_id'))
    )
    op.create_table('draw_reveal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('randomness_value', sa.String(length=500), nullable=False),
    sa.Column('witnesses', sa.JSON(), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('record_tail', sa.Text(), nullable=False),
    sa.Column('record_sha256', sa.String(length=64), nullable=False),
    sa.Column('record_bytes', sa.Integer(), nullable=False),
    sa.Column('target_count', sa.Integer(), nullable=False),
    sa.Column('team_count', sa.Integer(), nullable=False),
    sa.Column('revealed_by', sa.Integer(), nullable=True),
    sa.Column('revealed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['draw_commitment.id'], name=op.f('fk_draw_reveal_commitment_id_draw_commitment')),
    sa.ForeignKeyConstraint(['revealed_by'], ['user_account.id'], name=op.f('fk_draw_reveal_revealed_by_user_account')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_draw_reveal_task_id_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draw_reveal')),
    sa.UniqueConstraint('commitment_id', name=op.f('uq_draw_reveal_commitment_id'))
    )
    with op.batch_alter_table('draw_reveal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draw_reveal_task_id'), ['task_id'], unique=False)

    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('reveal_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=60), nullable=False),
    sa.Column('stratum', sa.String(length=16), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('draw_index', sa.Integer(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_assignment_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['reveal_id'], ['draw_reveal.id'], name=op.f('fk_assignment_reveal_id_draw_reveal')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_assignment_task_id_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment')),
    sa.UniqueConstraint('reveal_id', 'entity_id', name=op.f('uq_assignment_reveal_id_entity_id'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_reveal_id'), ['reveal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_task_id'), ['task_id'], unique=False)

    op.create_table('assignment_member',
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_assignment_member_assignment_id_assignment')),
    sa.ForeignKeyConstraint(['inspector_id'], ['inspector.id'], name=op.f('fk_assignment_member_inspector_id_inspector')),
    sa.PrimaryKeyConstraint('assignment_id', 'inspector_id', name=op.f('pk_assignment_member'))
    )
    with op.batch_alter_table('assignment_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_member_inspector_id'), ['inspector_id'], unique=False)

    for table in APPEND_ONLY:
        make_append_only(table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        drop_append_only(table)
    with op.batch_alter_table('assignment_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_member_inspector_id'))

    op.drop_table('assignment_member')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_task_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_reveal_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_entity_id'))

    op.drop_table('assignment')
    with op.batch_alter_table('draw_reveal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draw_reveal_task_id'))

    op.drop_table('draw_reveal')
    op.drop_table('draw_cancellation')
    with op.batch_alter_table('task_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_item_item_id'))

    op.drop_table('task_item')
    with op.batch_alter_table('task_department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_department_department_id'))

    op.drop_table('task_department')
    with op.batch_alter_table('draw_commitment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draw_commitment_task_id'))

    op.drop_table('draw_commitment')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_status'))
        batch_op.drop_index(batch_op.f('ix_task_plan_id'))
        batch_op.drop_index(batch_op.f('ix_task_department_id'))

    op.drop_table('task')
