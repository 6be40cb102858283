"""A task's content checked against the registry: departments, items, scope, sampling, staffing, plan.

`check_content` turns a loaded request body into column values or raises one 422 `task.invalid`
whose `errors` are keyed by JSON Pointer into the body, like the plans' batch checks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.catalog.model import CheckItem
from backend.directory.model import SubDirectory
from backend.directory.reference import load_references
from backend.errors import ValidationFailed
from backend.orgs.model import Department
from backend.plans.model import Plan

UNCLASSIFIED = "U"  # the stratum of entities without a risk class
WHOLE = "ALL"  # the single stratum when a task is not stratified


@dataclass
class Content:
    participating: list[Department] = field(default_factory=list)
    items: list[CheckItem] = field(default_factory=list)
    columns: dict[str, Any] = field(default_factory=dict)
    minimums: dict[int, int] = field(default_factory=dict)  # department id -> members per team


class _Problems:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, where: str, message: str) -> None:
        self.errors.setdefault(where, []).append(message)

    def raise_any(self) -> None:
        if self.errors:
            first = next(iter(self.errors.values()))[0]
            raise ValidationFailed(f"The task is not valid: {first}.", code="task.invalid", errors=self.errors)


def _departments(session: Session, initiating: Department, codes: list[str], out: _Problems) -> list[Department]:
    found = {d.code: d for d in session.scalars(sa.select(Department).where(Department.code.in_(codes)))}
    for i, code in enumerate(codes):
        if code not in found:
            out.add(f"/participating_departments/{i}", f"no department {code!r}")
        elif code == initiating.code:
            out.add(f"/participating_departments/{i}", "the initiating department does not also participate")
    return [found[c] for c in codes if c in found and c != initiating.code]


def _items(session: Session, codes: list[str], departments: dict[int, str], out: _Problems) -> list[CheckItem]:
    found = {i.code: i for i in session.scalars(sa.select(CheckItem).where(CheckItem.code.in_(codes)))}
    for i, code in enumerate(codes):
        item = found.get(code)
        if item is None:
            out.add(f"/items/{i}", f"no item {code!r} in the list")
        elif item.department_id not in departments:
            out.add(f"/items/{i}", f"item {code!r} belongs to {item.department.code}, which does not take part")
    return [found[c] for c in codes if c in found and found[c].department_id in departments]


def _scope(session: Session, scope: dict[str, Any], out: _Problems) -> dict[str, Any]:
    refs = load_references(session)
    divisions = []
    for i, code in enumerate(scope["divisions"]):
        if code in refs.divisions:
            divisions.append(refs.divisions[code])  # legacy codes are mapped, as in the directory
        else:
            out.add(f"/scope/divisions/{i}", f"no division {code!r}")
    for i, prefix in enumerate(scope["industries"]):
        if not any(code.startswith(prefix) for code in refs.industries):
            out.add(f"/scope/industries/{i}", f"no industry under {prefix!r}")
    known = set(session.scalars(sa.select(SubDirectory.id).where(SubDirectory.id.in_(scope["sub_directories"]))))
    for i, sub in enumerate(scope["sub_directories"]):
        if sub not in known:
            out.add(f"/scope/sub_directories/{i}", f"no sub-directory {sub}")
    for i, risk in enumerate(scope["risk_classes"]):
        if risk not in refs.risk_classes:
            out.add(f"/scope/risk_classes/{i}", f"{risk!r} is not a class of the active risk scheme")
    return {**scope, "divisions": sorted(set(divisions))}


def stratum_keys(sampling: dict[str, Any], scope: dict[str, Any], classes: frozenset[str]) -> list[str]:
    """The strata of a draw: the scope's risk classes, else every class of the active scheme and U."""
    if sampling["stratify_by"] == "none":
        return [WHOLE]
    return sorted(scope["risk_classes"]) if scope["risk_classes"] else sorted(classes) + [UNCLASSIFIED]


def _sampling(session: Session, sampling: dict[str, Any], scope: dict[str, Any], out: _Problems) -> dict[str, Any]:
    keys = stratum_keys(sampling, scope, load_references(session).risk_classes)
    for key in sampling["strata"]:
        if key not in keys:
            out.add(f"/sampling/strata/{key}", f"no stratum {key!r}; the strata are {', '.join(keys)}")
    if sampling["stratify_by"] == "none" and WHOLE not in sampling["strata"]:
        out.add("/sampling/strata", f"an unstratified task needs a rule for {WHOLE}")
    shared = any(r["rule"] == "share" for r in sampling["strata"].values())
    if shared != (sampling["share_total"] is not None):
        out.add("/sampling/share_total", "give share_total exactly when a stratum's rule is share")
    return sampling


def _staffing(staffing: dict[str, Any], departments: dict[int, str], out: _Problems) -> tuple[dict, dict[int, int]]:
    by_code = {code: dept_id for dept_id, code in departments.items()}
    for code in staffing["minimums"]:
        if code not in by_code:
            out.add(f"/staffing/minimums/{code}", f"{code!r} does not take part in the task")
    minimums = {d: staffing["minimums"].get(code, 1) for d, code in departments.items()}
    team_size = staffing["team_size"] or max(2, sum(minimums.values()))
    if sum(minimums.values()) > team_size:
        out.add("/staffing/team_size", f"the departments' minimums need {sum(minimums.values())} members per team")
    columns = {"team_size": team_size, "workload_cap": staffing["workload_cap"],
               "recuse_previous": staffing["recuse_previous"]}
    return columns, minimums


def _plan(session: Session, ref: dict[str, str] | None, out: _Problems) -> dict[str, Any]:
    if ref is None:
        return {"plan_id": None, "batch_id": None}
    plan = session.scalar(sa.select(Plan).where(Plan.number == ref["number"]))
    if plan is None:
        out.add("/plan/number", f"no plan {ref['number']!r}")
    elif ref["batch"] not in {b["id"] for b in plan.current.batches}:
        out.add("/plan/batch", f"plan {plan.number} has no batch {ref['batch']!r}")
    return {"plan_id": plan.id if plan else None, "batch_id": ref["batch"]}


def check_content(session: Session, initiating: Department, data: dict[str, Any]) -> Content:
    out = _Problems()
    participating = _departments(session, initiating, data["participating_departments"], out)
    departments = {initiating.id: initiating.code, **{d.id: d.code for d in participating}}
    items = _items(session, data["items"], departments, out)
    if data["kind"] == "special" and not data.get("basis"):
        out.add("/basis", "a special task names the leads it follows (basis)")
    scope = _scope(session, data["scope"], out)
    sampling = _sampling(session, data["sampling"], scope, out)
    staffing, minimums = _staffing(data["staffing"], departments, out)
    columns = {"name_zh": data["name_zh"], "name_en": data.get("name_en"), "kind": data["kind"],
               "basis": data.get("basis"), "scope": scope, "sampling": sampling, **staffing,
               "window_start": data["window"]["start"], "window_end": data["window"]["end"],
               "names_public": data["names_public"], **_plan(session, data.get("plan"), out)}
    out.raise_any()
    return Content(participating, items, columns, minimums)
