"""From a task to the draw's parameters and context (docs/tasks-and-draws.md, "Sampling").

Per stratum the task's own rule wins; otherwise the items' rules for that risk class decide:
full coverage when any item covers the class fully (a key item does for D and E), else the
largest of the items' ratios. Entities without a class (stratum U) follow class B, the
normal ratio (REFERENCE §3). Everything stays an integer fraction.
"""
from __future__ import annotations

from datetime import datetime, timezone
from fractions import Fraction
from typing import Any

from backend.errors import ValidationFailed
from backend.tasks.model import Task
from backend.tasks.validation import UNCLASSIFIED

NORMAL_CLASS = "B"


def utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


def _from_task(rule: dict[str, Any]) -> dict[str, Any]:
    if rule["rule"] == "ratio":
        return {"rule": "ratio", "num": rule["numerator"], "den": rule["denominator"], "cap": False}
    if rule["rule"] == "count":
        return {"rule": "count", "count": rule["count"], "cap": False}
    return {"rule": rule["rule"]}


def _from_items(task: Task, risk_class: str) -> dict[str, Any] | None:
    wanted = NORMAL_CLASS if risk_class == UNCLASSIFIED else risk_class
    rules = [r for row in task.items for r in row.item.current.sampling_rules if r["risk_class"] == wanted]
    if not rules:
        return None
    if any(r.get("full_coverage") for r in rules):
        return {"rule": "full"}
    top = max(Fraction(r["ratio"]["numerator"], r["ratio"]["denominator"]) for r in rules)
    return {"rule": "ratio", "num": top.numerator, "den": top.denominator, "cap": False}


def strata_rules(task: Task, keys: list[str]) -> dict[str, dict[str, Any]]:
    rules, missing = {}, []
    for key in keys:
        explicit = task.sampling["strata"].get(key)
        rule = _from_task(explicit) if explicit else _from_items(task, key)
        if rule is None:
            missing.append(key)
        else:
            rules[key] = rule
    if missing:
        raise ValidationFailed(f"No sampling rule for stratum {', '.join(missing)}: the items have none; "
                               "give one in the task's sampling.", code="draw.no_sampling_rule",
                               errors={"sampling": [f"no rule for {k}" for k in missing]})
    return rules


def draw_params(task: Task, keys: list[str]) -> dict[str, Any]:
    share = task.sampling.get("share_total")
    return {"strata": strata_rules(task, keys), "share": None if share is None else {"total": share, "cap": False},
            "team_size": task.team_size,
            "staffing": {d.department.code: d.min_per_team for d in task.departments if d.min_per_team > 0},
            "workload_cap": task.workload_cap}


def _items(task: Task) -> list[dict[str, Any]]:
    return sorted(({"code": row.item.code, "version": row.item.current_version, "kind": row.item.current.kind,
                    "name_zh": row.item.current.name_zh, "department": row.item.department.code}
                   for row in task.items), key=lambda i: i["code"])


def public_scope(task: Task) -> dict[str, Any]:
    """The scope as the public may see it: never the risk classes (REFERENCE §3), nor sub-directory ids."""
    scope = task.scope
    return {"description_zh": scope["description_zh"], "targeted": task.targeted, "divisions": scope["divisions"],
            "industries": scope["industries"], "entity_types": scope["entity_types"]}


def public_context(task: Task, sequence: int, committed_at: datetime) -> dict[str, Any]:
    return {"task": {"number": task.number, "name_zh": task.name_zh, "kind": task.kind,
                     "initiating_department": task.department.code,
                     "participating_departments": sorted(d.department.code for d in task.participating),
                     "window": {"start": task.window_start.isoformat(), "end": task.window_end.isoformat()}},
            "items": [{k: i[k] for k in ("code", "version", "name_zh", "department")} for i in _items(task)],
            "scope": public_scope(task), "sequence": sequence, "committed_at": utc_text(committed_at)}


def context(task: Task, sequence: int, committed_at: datetime, *, excluded: int, recheck_days: int,
            redraw_reason: str | None) -> dict[str, Any]:
    """Committed with the announcement: how the population was built (restricted record only)."""
    out = public_context(task, sequence, committed_at)
    out["items"] = _items(task)
    out["scope"] = {**task.scope, "targeted": task.targeted}
    out["sampling"] = {"stratify_by": task.sampling["stratify_by"], "unclassified_follow": NORMAL_CLASS}
    out["exclusions"] = {"statuses_never_drawn": ["cancelled", "closed", "deregistered", "moved_out", "revoked"],
                         "recheck_days": recheck_days, "open_tasks_same_item": True, "excluded_count": excluded}
    out["ids"] = {"entities": "credit code, else registration number, else L: + local id",
                  "inspectors": "I + directory id"}
    out["redraw_reason"] = redraw_reason
    return out


def public_view_of_context(committed: dict[str, Any]) -> dict[str, Any]:
    """The public part of a committed context (what public_context gave at the time)."""
    scope = committed["scope"]
    return {"task": committed["task"],
            "items": [{k: i[k] for k in ("code", "version", "name_zh", "department")} for i in committed["items"]],
            "scope": {k: scope[k] for k in ("description_zh", "targeted", "divisions", "industries", "entity_types")},
            "sequence": committed["sequence"], "committed_at": committed["committed_at"]}
