"""Importing the target directory (market entities): rows to checked records to staged changes.

Matching: a row updates the entity holding its credit code, else its registration number, else
its local id (the keys of docs/directory.md); a row with none of the three is refused, since
importing it twice would add it twice. Columns the file does not have keep their stored value;
an empty identifier or status cell keeps the stored one too. Supervision and sub-directory
membership are only ever added by an import (union with what is stored): the importing
department supervises new rows whose 监管部门 cell is empty.

Reach: each row is checked with `access.ensure_may_change_entity` and the sub-directory's
department, exactly as the API checks a create or update by the same caller.
"""
from __future__ import annotations

import functools
import json
import operator
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from backend.directory import rules, standard
from backend.directory.access import ensure_may_change_entity
from backend.directory.importing import cells
from backend.directory.importing.columns import ColumnMap
from backend.directory.importing.model import ENTITY_VALUE_COLUMNS
from backend.directory.importing.rows import Context, Row, RowParser, merge_rule_errors
from backend.directory.importing.strategies import Staging
from backend.directory.model import EntityChange, MarketEntity, SubDirectory, SubDirectoryMember, entity_department
from backend.directory.reference import load_references
from backend.errors import Conflict, Forbidden
from backend.orgs.model import Department
from backend.policy import Scope, ensure, scope_for

KEYS = ("credit_code", "registration_number", "local_id")
# The API's rule for a local id (schemas._LOCAL_ID); tests/unit/test_directory_import_cells.py keeps them equal.
LOCAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
REQUIRED = tuple(c.field for c in standard.ENTITY_COLUMNS if c.required and c.field != "supervising_departments")
_TABLE = MarketEntity.__table__
_LINKS = ("supervising_departments", "sub_directories")
_NONE: frozenset[int] = frozenset()
_KEY_ARRAY = postgresql.ARRAY(sa.String())
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
# A changed entity is staged with every column; a new one without the five that are null for it
# (fewer values to bind per row: most rows of a large file are new).
_STAGED_UPDATE = ("seq", "entity_id", "old_version", "action", *ENTITY_VALUE_COLUMNS, "departments",
                  "sub_directories", "before", "after")
_STAGED_CREATE = ("seq", "new_seq", "action", *ENTITY_VALUE_COLUMNS, "departments", "sub_directories",
                  "latitude_json", "longitude_json")


def _length(column: str) -> int:
    return _TABLE.c[column].type.length  # type: ignore[attr-defined, no-any-return]


def _free_text(column: str) -> Any:
    return functools.partial(cells.free_text, max_length=_length(column))


def _coordinate(low: float, high: float) -> Any:
    def parse(raw: Any) -> float | None:
        if raw.__class__ is str:  # the common case, inline: a CSV cell holding a number in range
            try:
                value = float(raw)
            except ValueError:
                pass
            else:
                if low <= value <= high:
                    return value
        return cells.number(raw, low, high)  # everything else, errors included
    return parse


def _local_id(raw: Any) -> str | None:
    value = cells.code(raw)
    if value is not None and LOCAL_ID.fullmatch(value) is None:
        raise cells.CellError("entity.invalid_local_id", "a local id is 1-40 letters, digits, _ and -")
    return value


def _memo(parse: Any, size: int = 4096) -> Any:
    """A parser of a column with few distinct cells (types, codes, dates), remembering its recent
    answers (cells that cannot be read are not remembered: they raise every time)."""
    return functools.lru_cache(maxsize=size, typed=True)(parse)


def _parsers() -> dict[str, Any]:
    types = cells.label_lookup(standard.ENTITY_TYPE_LABELS)
    statuses = cells.label_lookup(standard.REGISTRATION_STATUS_LABELS)
    sep = standard.LIST_SEPARATORS
    partial = functools.partial
    return {
        "credit_code": cells.code, "registration_number": cells.code, "local_id": _local_id,
        "name": _free_text("name"), "entity_type": _memo(partial(cells.enum, lookup=types)),
        "legal_representative": _free_text("legal_representative"),
        "registered_address": _free_text("registered_address"), "business_address": _free_text("business_address"),
        "division_code": _memo(cells.code), "industry_code": _memo(cells.code),
        "registration_status": _memo(partial(cells.enum, lookup=statuses)),
        # 16,384 days, some 45 years: an LRU smaller than the span of dates a file cycles through never hits
        "registered_on": _memo(cells.day, 16384), "risk_class": _memo(cells.code),
        "longitude": _coordinate(-180, 180), "latitude": _coordinate(-90, 90),
        "supervising_departments": partial(cells.values_list, separators=sep),
        "sub_directories": partial(cells.values_list, separators=sep),
    }


def snapshot(values: Mapping[str, Any], departments: Sequence[str], sub_directories: Sequence[str]) -> dict[str, Any]:
    """The record as `history.entity_snapshot` writes it, from plain values."""
    registered_on = values["registered_on"]
    return {
        "credit_code": values["credit_code"], "registration_number": values["registration_number"],
        "local_id": values["local_id"], "name": values["name"], "entity_type": values["entity_type"],
        "legal_representative": values["legal_representative"], "registered_address": values["registered_address"],
        "business_address": values["business_address"], "division_code": values["division_code"],
        "industry_code": values["industry_code"], "registration_status": values["registration_status"],
        "registered_on": None if registered_on is None else registered_on.isoformat(),
        "risk_scheme": values["risk_scheme"], "risk_class": values["risk_class"],
        "latitude": values["latitude"], "longitude": values["longitude"],
        "supervising_departments": sorted(departments), "sub_directories": sorted(sub_directories),
    }


class EntityImporter:
    columns = standard.ENTITY_COLUMNS
    defaulted = frozenset({"supervising_departments"})
    staged = True

    def __init__(self, session: Session, ctx: Context) -> None:
        self.ctx = ctx
        self.refs = load_references(session)
        self.department_code = {i: c for c, i in self.refs.departments.items()}
        subs = session.execute(sa.select(SubDirectory.id, SubDirectory.department_id, SubDirectory.code,
                                         Department.code).join(Department))
        self.sub_by_label: dict[str, tuple[int, int]] = {}
        self.sub_label: dict[int, str] = {}
        for sub_id, department_id, code, department in subs:
            self.sub_by_label[f"{department}/{code}"] = (sub_id, department_id)
            self.sub_label[sub_id] = f"{department}/{code}"
        # a system-wide caller passes every reach check: skip them (the rule says so itself)
        self.system_wide = scope_for(ctx.principal, "directory.manage") is Scope.ANY
        own = self.department_code.get(ctx.department_id) if ctx.department_id is not None else None
        self.default_departments = [own] if own else []
        self.parsers = _parsers()
        self.new_entities = 0
        self._ids_of: dict[tuple[str, ...], frozenset[int]] = {}

    def use_columns(self, columns: ColumnMap) -> None:
        self.parse = RowParser(columns, self.parsers)
        self.written = frozenset(columns.index) - set(_LINKS)

    def use_staging(self, staging: Staging) -> None:
        self.staging = staging

    def keys(self, row: Row) -> list[tuple[str, str]]:
        values = row.values
        return [(f, key) for f in KEYS if (key := values.get(f))]

    # ------------------------------------------------------------------ checking

    def check(self, session: Session, rows: list[Row]) -> None:
        wanted = {f: {key for row in rows if (key := row.values.get(f))} for f in KEYS}
        # each key list is one parameter, not 5,000 (an expanding IN is compiled anew per batch):
        # an array on PostgreSQL, a JSON array read by json_each on SQLite
        postgres = session.get_bind().dialect.name == "postgresql"
        conditions = [_TABLE.c[f] == sa.any_(sa.bindparam(f"wanted_{f}", sorted(values), type_=_KEY_ARRAY))
                      if postgres else _TABLE.c[f].in_(_json_each(f"wanted_{f}", values))
                      for f, values in wanted.items() if values]
        found: dict[int, dict[str, Any]] = {}
        if conditions:
            query = sa.select(_TABLE.c.id, _TABLE.c.version, *(_TABLE.c[c] for c in ENTITY_VALUE_COLUMNS))
            found = {r.id: dict(r._mapping) for r in session.execute(query.where(sa.or_(*conditions)))}
        by_key = {f: {r[f]: r for r in found.values() if r[f] is not None} for f in KEYS}
        departments: dict[int, set[int]] = defaultdict(set)
        memberships: dict[int, set[int]] = defaultdict(set)
        ids = sorted(found)
        for start in range(0, len(ids), 1000):
            chunk = ids[start:start + 1000]
            for entity_id, department_id in session.execute(sa.select(
                    entity_department.c.entity_id, entity_department.c.department_id)
                    .where(entity_department.c.entity_id.in_(chunk))):
                departments[entity_id].add(department_id)
            for entity_id, sub_id in session.execute(sa.select(
                    SubDirectoryMember.entity_id, SubDirectoryMember.sub_directory_id)
                    .where(SubDirectoryMember.entity_id.in_(chunk))):
                memberships[entity_id].add(sub_id)
        for row in rows:
            self._check_row(row, by_key, departments, memberships)

    def _check_row(self, row: Row, by_key: dict[str, dict[str, dict[str, Any]]],
                   departments: dict[int, set[int]], memberships: dict[int, set[int]]) -> None:
        values = row.values
        keys = [(f, values[f]) for f in KEYS if values.get(f)]
        if not keys and not any(row.failed(f) for f in KEYS):
            row.fail("credit_code", "import.key_required",
                     "the row needs a credit code, registration number or local id (本地编号), so that "
                     "importing it again updates the entity instead of adding it twice")
        holders = [(f, key, by_key[f].get(key)) for f, key in keys]
        match = next((holder for _, _, holder in holders if holder is not None), None)
        for f, key, holder in holders:
            if holder is not None and holder is not match:
                row.fail(f, f"entity.duplicate_{f}",
                         f"{key} already belongs to another entity (id {holder['id']}, {holder['name']})")
            elif match is not None and holder is None and match[f] is not None:
                row.fail(f, "import.identifier_mismatch",
                         f"the entity this row matches (id {match['id']}) has {f} {match[f]}; an import may fill "
                         "a missing identifier but never change one")
        given = values.get("supervising_departments") or self.default_departments
        if match is None:
            merged = dict.fromkeys(rules.ENTITY_FIELDS)  # fields the file lacks are None
            merged.update(values)
            merged["registration_status"] = merged["registration_status"] or "operating"
            merged["supervising_departments"] = given
            fields = None
            before_departments: set[int] | frozenset[int] = _NONE
            before_subs: set[int] | frozenset[int] = _NONE
        else:
            merged = {f: match[f] for f in ENTITY_VALUE_COLUMNS}
            for f in self.written:
                value = values.get(f)
                if (value is None and (f in KEYS or f == "registration_status")) or row.failed(f):
                    continue
                merged[f] = value
            before_departments = departments[match["id"]]
            before_subs = memberships[match["id"]]
            current = [self.department_code[d] for d in before_departments]
            merged["supervising_departments"] = sorted(set(current) | set(given))
            fields = self.written | {"supervising_departments"}
        for f in REQUIRED:
            if merged[f] is None and not row.failed(f):
                row.fail(f, "import.required", "a value is required")
        out, errors = rules.check_entity(merged, self.refs, fields)
        if errors:
            merge_rule_errors(row, errors)
        after_departments = self._department_ids(tuple(out["supervising_departments"]))
        after_subs: frozenset[int] | set[int] = before_subs or _NONE
        labels = values.get("sub_directories")
        if labels:
            after_subs = set(before_subs)
            for label in labels:
                sub = self.sub_by_label.get(label)
                if sub is None:
                    row.fail("sub_directories", "sub_directory.unknown", f"no sub-directory {label!r} (write "
                             "department/code, e.g. market_regulation/food_business)")
                elif sub[0] not in after_subs:
                    after_subs.add(sub[0])
                    self._check_sub_directory(row, label, sub[1], after_departments)
        if row.errors:
            return
        if match is None:
            row.plan = "create"
            row.work = (out, None, None, after_departments, after_subs)
            self._check_reach(row, set(), set(after_departments), False)
            return
        before = snapshot(match, [self.department_code[d] for d in before_departments],
                          [self.sub_label[s] for s in before_subs])
        after = snapshot(out, out["supervising_departments"], [self.sub_label[s] for s in after_subs])
        if before == after:
            row.plan = "unchanged"
            return
        others_changed = any(before[k] != after[k] for k in before if k not in _LINKS)
        self._check_reach(row, set(before_departments), set(after_departments), others_changed)
        row.plan = "status_change" if before["registration_status"] != after["registration_status"] else "update"
        row.work = (out, match, (before, after), after_departments - before_departments, after_subs - before_subs)

    def _department_ids(self, codes: tuple[str, ...]) -> frozenset[int]:
        """Most rows name the same departments: look their ids up once."""
        ids = self._ids_of.get(codes)
        if ids is None:
            known = self.refs.departments
            ids = self._ids_of[codes] = frozenset(known[c] for c in codes if c in known)
        return ids

    def _check_sub_directory(self, row: Row, label: str, department_id: int, supervisors: set[int]) -> None:
        if department_id not in supervisors:
            row.fail("sub_directories", "sub_directory.entity_not_supervised",
                     f"{label}: its department does not supervise the entity (add it to 监管部门)")
            return
        try:
            ensure(self.ctx.principal, "directory.manage", department_id)
        except Forbidden as exc:
            row.forbid("sub_directories", exc)

    def _check_reach(self, row: Row, before: set[int], after: set[int], others_changed: bool) -> None:
        if self.system_wide:
            return
        try:
            ensure_may_change_entity(self.ctx.principal, before, after, others_changed)
        except Forbidden as exc:
            row.forbid("supervising_departments", exc)
            row.plan = None

    # ------------------------------------------------------------------ staging and applying

    def stage(self, session: Session, rows: list[Row]) -> None:
        day, labels = self.staging.day, self.sub_label
        created: list[tuple[Any, ...]] = []
        changed: list[tuple[Any, ...]] = []
        links: list[tuple[Any, ...]] = []
        new = self.new_entities
        for row in rows:
            if row.plan is None or row.plan == "unchanged":
                continue
            out, match, snapshots, new_departments, new_subs = row.work
            number = row.number
            if match is None:
                new += 1
                latitude, longitude = out["latitude"], out["longitude"]
                created.append((number, new, "create", *_PLAIN(out), day(out["registered_on"]), *_AFTER_DAY(out),
                                _json_list(out["supervising_departments"]),  # sorted, as snapshot() sorts
                                _json_list([labels[s] for s in new_subs]) if new_subs else "[]",
                                None if latitude is None else repr(latitude),
                                None if longitude is None else repr(longitude)))
            else:
                before, after = snapshots
                changed.append((number, match["id"], match["version"], row.plan, *_PLAIN(out),
                                day(out["registered_on"]), *_AFTER_DAY(out),
                                _json_list(after["supervising_departments"]), _json_list(after["sub_directories"]),
                                _encode(before), _encode(after)))
            for d in new_departments:
                links.append((number, "department", d))
            for s in new_subs:
                links.append((number, "sub_directory", s))
        self.new_entities = new
        self.staging.write(session, self.staging.entity, _STAGED_CREATE, created)
        self.staging.write(session, self.staging.entity, _STAGED_UPDATE, changed)
        self.staging.write(session, self.staging.link, ("seq", "kind", "target_id"), links)

    def apply(self, session: Session, counts: Mapping[str, int]) -> None:
        """Move the staged rows into the directory: one statement per table, in this transaction."""
        staging, now = self.staging, self.ctx.now
        s, link, of_job = staging.entity, staging.link, staging.of_job
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres:  # no other writer may add an entity (or take an id) until this commits
            session.execute(sa.text("LOCK TABLE market_entity IN SHARE ROW EXCLUSIVE MODE"))
        base = session.scalar(sa.select(sa.func.coalesce(sa.func.max(_TABLE.c.id), 0)))
        at = sa.literal(now, MarketEntity.created_at.type)
        values = [s.c[c] for c in ENTITY_VALUE_COLUMNS]
        inserted = session.execute(sa.insert(_TABLE).from_select(
            ["id", *ENTITY_VALUE_COLUMNS, "version", "created_at", "updated_at"],
            sa.select(s.c.new_seq + base, *values, sa.literal(1), at, at)
            .where(of_job(s), s.c.new_seq.is_not(None))),
            execution_options={"preserve_rowcount": True}).rowcount
        if postgres:
            session.execute(sa.text("SELECT setval(pg_get_serial_sequence('market_entity', 'id'), "
                                    "(SELECT COALESCE(MAX(id), 1) FROM market_entity))"))
        updated = session.execute(
            sa.update(_TABLE).values({**{c: s.c[c] for c in ENTITY_VALUE_COLUMNS},
                                      "version": s.c.old_version + 1, "updated_at": now})
            .where(of_job(s), s.c.entity_id == _TABLE.c.id, _TABLE.c.version == s.c.old_version)).rowcount
        if inserted != counts["created"] or updated != counts["updated"]:
            raise Conflict("The directory changed while the file was being imported; nothing was written. "
                           "Import the file again.", code="import.directory_changed")
        entity_id = sa.func.coalesce(s.c.entity_id, s.c.new_seq + base)
        linked = link.join(s, sa.and_(of_job(s), s.c.seq == link.c.seq))
        session.execute(sa.insert(entity_department).from_select(
            ["entity_id", "department_id"],
            sa.select(entity_id, link.c.target_id).select_from(linked)
            .where(of_job(link), link.c.kind == "department")))
        session.execute(sa.insert(SubDirectoryMember.__table__).from_select(
            ["sub_directory_id", "entity_id", "added_at"],
            sa.select(link.c.target_id, entity_id, at).select_from(linked)
            .where(of_job(link), link.c.kind == "sub_directory")))
        session.execute(sa.insert(EntityChange.__table__).from_select(
            ["entity_id", "version", "action", "actor", "at", "before", "after"],
            sa.select(entity_id, sa.func.coalesce(s.c.old_version, 0) + 1, s.c.action,
                      sa.literal(self.ctx.actor), at, s.c.before,
                      sa.func.coalesce(s.c.after, _snapshot_sql(s, postgres))).where(of_job(s))))
        staging.discard(session)


_PLAIN = operator.itemgetter(*ENTITY_VALUE_COLUMNS[:ENTITY_VALUE_COLUMNS.index("registered_on")])
_AFTER_DAY = operator.itemgetter(*ENTITY_VALUE_COLUMNS[ENTITY_VALUE_COLUMNS.index("registered_on") + 1:])


def _json_each(name: str, values: set[str]) -> sa.Select[Any]:
    """SQLite: the values of one JSON-array parameter as a subquery."""
    return sa.select(sa.column("value")).select_from(
        sa.func.json_each(sa.bindparam(name, _encode(sorted(values)), type_=sa.String())))


@functools.lru_cache(maxsize=256)
def _json_tuple(values: tuple[str, ...]) -> str:
    return _encode(sorted(values))


def _json_list(values: Sequence[str]) -> str:
    """The values as a sorted JSON list. Most rows carry the same few lists (the importing
    department, no sub-directory): each is sorted and encoded once."""
    return _json_tuple(tuple(values))


def _snapshot_sql(s: sa.Table, postgres: bool) -> sa.ColumnElement[Any]:
    """The `after` of a new entity, built by the database from the staged columns (the same
    document as `snapshot`; tests compare it with history.entity_snapshot of the stored record)."""
    as_json = (lambda c: sa.cast(c, sa.JSON)) if postgres else sa.func.json
    pairs: list[Any] = []
    for c in ENTITY_VALUE_COLUMNS:  # keys are our own constants: SQL literals, not parameters
        pairs += [sa.literal_column(f"'{c}'"), as_json(s.c[f"{c}_json"]) if c in ("latitude", "longitude") else s.c[c]]
    pairs += [sa.literal_column("'supervising_departments'"), as_json(s.c.departments),
              sa.literal_column("'sub_directories'"), as_json(s.c.sub_directories)]
    return sa.func.json_build_object(*pairs) if postgres else sa.func.json_object(*pairs)
