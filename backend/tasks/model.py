"""Random-check tasks (抽查任务) and the assignments their draws produce.

A task is single-department or joint: an initiating department plus participating
departments, each bringing its items (`task_item`) and inspectors (`task_department`, with
the minimum members it contributes to every team). It fixes the target scope, the sampling
per stratum, the staffing plan and the planned window. Its life: draft → committed (the
draw's commitment is published) → drawn (assignments exist) → closed; a redraw, with a
reason, voids the current commitment and returns the task to draft (docs/tasks-and-draws.md).

Assignments are never changed: a redraw leaves them in place, attached to the voided draw.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.catalog.model import CheckItem
from backend.db import Base, UTCDateTime, utcnow
from backend.orgs.model import Department

TASK_KINDS = ("routine", "special")  # 日常 / 专项 (e.g. from complaint leads, R6)
TASK_STATUSES = ("draft", "committed", "drawn", "closed")
NAMES_PUBLIC = ("at_draw", "after_checks")  # when the drawn entities' names reach the bulletin
DEPARTMENT_ROLES = ("initiating", "participating")
STRATIFY_BY = ("risk_class", "none")


class Task(Base):
    __tablename__ = "task"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str | None] = mapped_column(sa.String(300))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)  # initiating
    kind: Mapped[str] = mapped_column(sa.String(12))
    basis: Mapped[str | None] = mapped_column(sa.String(1000))  # special tasks: the leads they follow
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plan.id"), index=True)
    batch_id: Mapped[str | None] = mapped_column(sa.String(20))
    # {"description_zh", "divisions", "industries", "entity_types", "sub_directories", "registration_statuses",
    #  "risk_classes"}; empty lists mean no filter
    scope: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # {"stratify_by": "risk_class" | "none", "strata": {key: rule}, "share_total": int | None}
    sampling: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    team_size: Mapped[int] = mapped_column(default=2)
    workload_cap: Mapped[int | None] = mapped_column()  # most teams one inspector joins in this draw
    recuse_previous: Mapped[bool] = mapped_column(default=False)  # who checked the entity last time stays away
    window_start: Mapped[date] = mapped_column(sa.Date)
    window_end: Mapped[date] = mapped_column(sa.Date)
    names_public: Mapped[str] = mapped_column(sa.String(16), default="after_checks")
    status: Mapped[str] = mapped_column(sa.String(12), default="draft", index=True)
    version: Mapped[int] = mapped_column(default=1)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    department: Mapped[Department] = relationship(lazy="joined")
    departments: Mapped[list[TaskDepartment]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="TaskDepartment.department_id")
    items: Mapped[list[TaskItem]] = relationship(lazy="selectin", cascade="all, delete-orphan",
                                                 order_by="TaskItem.item_id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def targeted(self) -> bool:
        """定向 when any filter narrows the scope; 不定向 (the whole directory) otherwise."""
        return any(self.scope.get(k) for k in ("divisions", "industries", "entity_types", "sub_directories",
                                               "registration_statuses", "risk_classes"))

    @property
    def department_ids(self) -> list[int]:
        return [d.department_id for d in self.departments]

    @property
    def participating(self) -> list[TaskDepartment]:
        return [d for d in self.departments if d.role == "participating"]


class TaskDepartment(Base):
    __tablename__ = "task_department"

    task_id: Mapped[int] = mapped_column(sa.ForeignKey("task.id"), primary_key=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(sa.String(16))
    min_per_team: Mapped[int] = mapped_column(default=1)  # members this department puts on every team
    department: Mapped[Department] = relationship(lazy="joined")


class TaskItem(Base):
    __tablename__ = "task_item"

    task_id: Mapped[int] = mapped_column(sa.ForeignKey("task.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("check_item.id"), primary_key=True, index=True)
    item: Mapped[CheckItem] = relationship(lazy="joined")


class Assignment(Base):
    """A drawn target with its team, items and planned window. Append-only."""

    __tablename__ = "assignment"
    __table_args__ = (sa.UniqueConstraint("reveal_id", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("task.id"), index=True)
    reveal_id: Mapped[int] = mapped_column(sa.ForeignKey("draw_reveal.id"), index=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("market_entity.id"), index=True)
    target: Mapped[str] = mapped_column(sa.String(60))  # the entity's id in the draw record
    stratum: Mapped[str] = mapped_column(sa.String(16))  # a risk class: never public
    rank: Mapped[int] = mapped_column()  # 1-based place in its stratum's selection
    draw_index: Mapped[int] = mapped_column()  # 1-based place in the draw order
    items: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)  # [{"code", "version"}]
    window_start: Mapped[date] = mapped_column(sa.Date)
    window_end: Mapped[date] = mapped_column(sa.Date)
    members: Mapped[list[AssignmentMember]] = relationship(lazy="selectin", order_by="AssignmentMember.position")


class AssignmentMember(Base):
    """One inspector of an assignment's team, in the order the draw took them. Append-only."""

    __tablename__ = "assignment_member"

    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignment.id"), primary_key=True)
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("inspector.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column()
