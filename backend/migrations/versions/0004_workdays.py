"""working-day calendar: holiday schedules per year, seeded from chinese-calendar

Revision ID: 0004_workdays
Revises: 0001_foundation
Create Date: 2026-11-26 09:00:00.000000
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

from backend.db import UTCDateTime
from backend.dbtriggers import drop_append_only, make_append_only
from backend.workdays.library import library_label, library_schedules
from backend.workdays.validation import supported_year


revision = '0004_workdays'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('holiday_schedule',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('notice', sa.String(length=200), nullable=True),
    sa.Column('seeded_from', sa.String(length=60), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("source IN ('library', 'admin', 'import')", name=op.f('ck_holiday_schedule_source')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_holiday_schedule_version_positive')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'],
                            name=op.f('fk_holiday_schedule_created_by_user_account')),
    sa.PrimaryKeyConstraint('year', 'version', name=op.f('pk_holiday_schedule'))
    )
    op.create_table('holiday_schedule_day',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.CheckConstraint("kind IN ('holiday', 'makeup_workday')", name=op.f('ck_holiday_schedule_day_kind')),
    sa.ForeignKeyConstraint(['year', 'version'], ['holiday_schedule.year', 'holiday_schedule.version'],
                            name='fk_holiday_schedule_day_schedule'),
    sa.PrimaryKeyConstraint('year', 'version', 'date', name=op.f('pk_holiday_schedule_day'))
    )
    # Versions are history: a new version is added, an old one is never changed or removed.
    make_append_only('holiday_schedule')
    make_append_only('holiday_schedule_day')
    _seed_from_library()


def _seed_from_library() -> None:
    """Every year chinese-calendar knows becomes version 1 of that year (docs/working-days.md)."""
    schedule = sa.table('holiday_schedule', sa.column('year', sa.Integer()), sa.column('version', sa.Integer()),
                        sa.column('source', sa.String()), sa.column('seeded_from', sa.String()),
                        sa.column('created_at', UTCDateTime()))
    day = sa.table('holiday_schedule_day', sa.column('year', sa.Integer()), sa.column('version', sa.Integer()),
                   sa.column('date', sa.Date()), sa.column('kind', sa.String()), sa.column('name', sa.String()))
    years = {y: days for y, days in library_schedules().items() if supported_year(y)}
    now, label = datetime.now(timezone.utc), library_label()
    op.bulk_insert(schedule, [{'year': y, 'version': 1, 'source': 'library', 'seeded_from': label, 'created_at': now}
                              for y in years])
    op.bulk_insert(day, [{'year': y, 'version': 1, 'date': d.date, 'kind': d.kind.value, 'name': d.name}
                         for y, days in years.items() for d in days])


def downgrade() -> None:
    drop_append_only('holiday_schedule_day')
    drop_append_only('holiday_schedule')
    op.drop_table('holiday_schedule_day')
    op.drop_table('holiday_schedule')
