"""The roles a user may hold. Stored as strings; this enum is the closed set."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SYSTEM_ADMIN = "system_admin"
    DEPARTMENT_ADMIN = "department_admin"
    INSPECTOR = "inspector"
    TEAM_LEAD = "team_lead"
    DEPARTMENT_HEAD = "department_head"  # the only role that signs corrections of published results
    AUDITOR = "auditor"  # read-only oversight, e.g. the joint-meeting office


ALL_ROLES: tuple[Role, ...] = tuple(Role)
