"""field work: result categories, check methods and follow-up options (seeded); check records
and their append-only revisions; task packet versions

Revision ID: 0009_field_records
Revises: 0008_tasks_draws
Create Date: 2026-11-26 09:00:00

The three reference tables are data, not code: an administrator may add rows (or deactivate
them) without a release. The seed follows docs REFERENCE §4; codes are stable, names are what
records and bulletins print.
"""
from alembic import op
import sqlalchemy as sa

from backend.dbtriggers import drop_append_only, make_append_only


revision = '0009_field_records'
down_revision = '0008_tasks_draws'
branch_labels = None
depends_on = None

RESULT_CATEGORIES = [
    # (code, parent, name_zh, name_en)
    ("no_problem", None, "未发现问题", "No problem found"),
    ("info_not_published", None, "未按规定公示应当公示的信息", "Did not publish required information"),
    ("info_false", None, "公示信息隐瞒真实情况、弄虚作假", "Published information is false"),
    ("unreachable", None, "通过登记的住所（经营场所）无法联系", "Cannot be reached at the registered address"),
    ("corrected", None, "发现问题已责令改正", "Problem found, ordered to correct, corrected"),
    ("pending_followup", None, "发现问题待后续处理", "Problem found, pending follow-up"),
    ("pending_market_regulation", "pending_followup", "违反市场监管领域相关规定", "Violates market regulation rules"),
    ("pending_food_drug", "pending_followup", "违反食品药品监管领域相关规定", "Violates food and drug rules"),
    ("pending_quality_technical", "pending_followup", "违反质量技术监督领域相关规定",
     "Violates quality and technical supervision rules"),
    ("pending_other_departments", "pending_followup", "违反其他部门监管领域相关规定",
     "Violates other departments' rules"),
    ("pending_public_security", "pending_followup", "涉嫌违反公安机关监管领域相关规定",
     "Falls under public security"),
    ("no_relevant_business", None, "未发现开展本次抽查涉及的经营活动", "No business activity relevant to this check"),
    ("closed_or_liquidating", None, "已关闭停业或正在组织清算", "Closed, suspended or in liquidation"),
    ("refused_cooperation", None, "不配合检查情节严重", "Serious refusal to cooperate"),
    ("deregistered", None, "已注销", "Deregistered"),
    ("revoked", None, "已被吊销", "Licence revoked"),
    ("cancelled", None, "已被撤销", "Registration cancelled"),
    ("moved_out", None, "已迁出", "Moved out"),
]
CHECK_METHODS = [
    ("on_site", "实地检查", "On-site check"),
    ("written", "书面检查", "Written check"),
    ("online_monitoring", "网络监测", "Online monitoring"),
    ("testing", "检验检测", "Testing"),
    ("adopt_other", "采用其他部门检查结果或专业意见", "Adopting another body's conclusion or a professional opinion"),
    ("commissioned", "委托专业机构辅助", "Assisted by a commissioned professional body"),
]
FOLLOWUP_OPTIONS = [
    ("none", "无需后续处置", "No follow-up needed"),
    ("routine_supervision", "转入日常监管", "Hand back to routine supervision"),
    ("order_to_correct", "责令改正", "Order to correct"),
    ("case_transfer", "发现案件线索，固定证据，移交办案机构", "Case leads found, evidence secured, transferred to the case-handling unit"),
    ("copy_to_competent", "抄告相关主管部门", "Copied to the competent department"),
    ("other", "其他", "Other"),
]


def _reference_columns() -> list[sa.Column]:
    return [sa.Column('code', sa.String(length=40), nullable=False),
            sa.Column('name_zh', sa.String(length=100), nullable=False),
            sa.Column('name_en', sa.String(length=150), nullable=False),
            sa.Column('position', sa.Integer(), nullable=False),
            sa.Column('active', sa.Boolean(), nullable=False)]


def upgrade() -> None:
    result_category = op.create_table('result_category', *_reference_columns(),
    sa.Column('parent_code', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['parent_code'], ['result_category.code'],
                            name=op.f('fk_result_category_parent_code_result_category')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_result_category'))
    )
    with op.batch_alter_table('result_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_category_parent_code'), ['parent_code'], unique=False)
    check_method = op.create_table('check_method', *_reference_columns(),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_check_method'))
    )
    followup_option = op.create_table('followup_option', *_reference_columns(),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_followup_option'))
    )
    op.bulk_insert(result_category, [
        {"code": c, "parent_code": p, "name_zh": zh, "name_en": en, "position": i, "active": True}
        for i, (c, p, zh, en) in enumerate(RESULT_CATEGORIES, 1)])
    for table, rows in ((check_method, CHECK_METHODS), (followup_option, FOLLOWUP_OPTIONS)):
        op.bulk_insert(table, [{"code": c, "name_zh": zh, "name_en": en, "position": i, "active": True}
                               for i, (c, zh, en) in enumerate(rows, 1)])

    op.create_table('check_record',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('current_revision', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_check_record_assignment_id_assignment')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_check_record_created_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_record'))
    )
    with op.batch_alter_table('check_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_record_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_record_status'), ['status'], unique=False)

    op.create_table('check_record_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('base_revision', sa.Integer(), nullable=True),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('submitted_by', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['check_record.id'], name=op.f('fk_check_record_revision_record_id_check_record')),
    sa.ForeignKeyConstraint(['submitted_by'], ['user_account.id'],
                            name=op.f('fk_check_record_revision_submitted_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_record_revision')),
    sa.UniqueConstraint('record_id', 'revision', name=op.f('uq_check_record_revision_record_id_revision'))
    )
    with op.batch_alter_table('check_record_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_record_revision_digest'), ['digest'], unique=False)
    make_append_only('check_record_revision')

    op.create_table('field_packet_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('assignments', sa.JSON(), nullable=False),
    sa.Column('templates', sa.JSON(), nullable=False),
    sa.Column('reference_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['inspector_id'], ['inspector.id'], name=op.f('fk_field_packet_version_inspector_id_inspector')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_packet_version')),
    sa.UniqueConstraint('inspector_id', 'version', name=op.f('uq_field_packet_version_inspector_id_version'))
    )


def downgrade() -> None:
    op.drop_table('field_packet_version')
    drop_append_only('check_record_revision')
    with op.batch_alter_table('check_record_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_record_revision_digest'))
    op.drop_table('check_record_revision')
    with op.batch_alter_table('check_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_record_status'))
        batch_op.drop_index(batch_op.f('ix_check_record_assignment_id'))
    op.drop_table('check_record')
    op.drop_table('followup_option')
    op.drop_table('check_method')
    with op.batch_alter_table('result_category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_category_parent_code'))
    op.drop_table('result_category')
