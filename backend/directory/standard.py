"""The common data standard of both directories in machine-readable form (docs/directory.md).

Bulk files carry Chinese column headers; the English field name is always accepted as an alias.
Enumerated values may be written as the code or the Chinese label. The bulk importer reads its
column mapping from here, so the API, the importer and the documentation cannot drift apart.
"""
from __future__ import annotations

from typing import NamedTuple


class Column(NamedTuple):
    field: str  # API field name, also accepted as a header
    header_zh: str
    required: bool


ENTITY_COLUMNS: tuple[Column, ...] = (
    Column("credit_code", "统一社会信用代码", False),
    Column("registration_number", "注册号", False),
    Column("local_id", "本地编号", False),
    Column("name", "名称", True),
    Column("entity_type", "主体类型", True),
    Column("legal_representative", "法定代表人", False),
    Column("registered_address", "住所", False),
    Column("business_address", "经营场所", False),
    Column("division_code", "行政区划代码", True),
    Column("industry_code", "行业代码", True),
    Column("registration_status", "登记状态", False),
    Column("registered_on", "成立日期", False),
    Column("risk_class", "风险等级", False),
    Column("longitude", "经度", False),
    Column("latitude", "纬度", False),
    Column("supervising_departments", "监管部门", True),
    Column("sub_directories", "分库", False),
)

INSPECTOR_COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True),
    Column("department", "所属部门", True),
    Column("jurisdiction", "所属区域", False),
    Column("certificate_number", "执法证号", True),
    Column("certificate_valid_from", "有效期起", True),
    Column("certificate_valid_until", "有效期止", True),
    Column("staff_category", "人员类别", True),
    Column("specialties", "专长", False),
    Column("status", "状态", False),
    Column("status_from", "状态起始日期", False),
)

ENTITY_TYPE_LABELS = {"enterprise": "企业", "individual_business": "个体工商户",
                      "cooperative": "农民专业合作社", "other": "其他"}
REGISTRATION_STATUS_LABELS = {"operating": "存续（在营）", "in_liquidation": "清算中", "closed": "停业（歇业）",
                              "deregistered": "注销", "revoked": "吊销", "cancelled": "撤销", "moved_out": "迁出"}
STAFF_CATEGORY_LABELS = {"enforcement_civil_servant": "执法公务员", "certified_staff": "持执法证人员",
                         "routine_supervision": "日常监管人员", "county_enforcement_team": "县级综合执法队伍"}
INSPECTOR_STATUS_LABELS = {"active": "在岗", "on_leave": "休假", "seconded": "借调", "transferred": "调离",
                           "retired": "退休"}

# Multi-valued cells (监管部门, 分库, 专长) separate values with these characters.
LIST_SEPARATORS = ";；,，、"
