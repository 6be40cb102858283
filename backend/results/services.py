"""Entering, publishing and correcting results (docs/results.md §2-§4). Each write is one
transaction with its audit entry.

"Whoever inspects, records and publishes" (R5.1): an officer on the approved record enters the
result and publishes it. A published result is a row of the append-only `published_result`;
it is never changed. A correction is proposed with a reason by staff of the responsible
department and takes effect only when that department's head signs it: the signature publishes
version n + 1, which names the version it supersedes (R5.3).
"""
from __future__ import annotations

import hashlib
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.audit import services as audit
from backend.audit.canonical import canonical_json
from backend.db import unit_of_work, utcnow
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.field import reference
from backend.field.model import FollowupOption, ResultCategory
from backend.orgs.model import Department
from backend.policy import Principal
from backend.results import content
from backend.results.clock import china_date, due_on
from backend.results.model import CheckResult, PublishedResult, ResultCorrection
from backend.results.queries import result_view
from backend.review.context import RecordContext, ensure_takes_part, load
from backend.workdays.services import current_calendar


def _ensure_officer(principal: Principal, ctx: RecordContext) -> None:
    if principal.user_id not in ctx.officer_users.values():
        raise Forbidden("Results are entered and published by the officers who did the check.",
                        code="result.not_an_officer")


def _adopted(ctx: RecordContext, adopted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    declared = {e["id"] for e in ctx.body["evidence"]}
    errors = {f"adopted_conclusions.{i}.evidence_id": ["must be evidence declared on the record"]
              for i, a in enumerate(adopted) if a["evidence_id"] not in declared}
    if errors:
        raise ValidationFailed("An adopted conclusion is attached as evidence of the record.", code="result.invalid",
                               errors={"json": errors})
    return [{**a, "issued_on": a["issued_on"].isoformat() if a.get("issued_on") else None} for a in adopted]


def enter(principal: Principal, record_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    """The approved record becomes the entered result (approved -> entered)."""
    with unit_of_work() as session:
        ctx = load(session, record_id, lock=True)
        _ensure_officer(principal, ctx)
        record = ctx.record
        if record.status != "approved":
            code = "result.already_entered" if record.status in ("entered", "published") else "result.not_approved"
            raise Conflict(f"Only an approved record is entered; this one is {record.status}.", code=code,
                           details={"status": record.status})
        if session.scalar(sa.select(CheckResult.id).where(CheckResult.assignment_id == record.assignment_id)):
            raise Conflict("This target of this task already has a result.", code="result.already_entered",
                           details={"assignment_id": record.assignment_id})
        assert record.ended_on is not None
        now = utcnow()
        result = CheckResult(record_id=record.id, assignment_id=record.assignment_id, task_id=ctx.task.id,
                             entity_id=ctx.assignment.entity_id, department_id=ctx.task.department_id,
                             revision=record.current_revision, ended_on=record.ended_on,
                             parts=content.compose(session, ctx), adopted=_adopted(ctx, body.get("adopted_conclusions", [])),
                             remarks=body.get("remarks", ""), status="entered", entered_by=principal.user_id,
                             entered_at=now)
        session.add(result)
        record.status, record.updated_at = "entered", now
        session.flush()
        audit.record("result.enter", object_type="check_result", object_id=result.id,
                     payload={"record_id": str(record.id), "revision": record.current_revision,
                              "due_on": due_on(current_calendar(), record.ended_on).isoformat(),
                              "parts": result.parts, "adopted": result.adopted, "remarks": result.remarks})
        return result_view(session, result)


def _publish_row(session: Session, result: CheckResult, row: dict[str, Any], *, version: int, fields: list[str],
                 detail: list[dict[str, Any]], principal: Principal, supersedes: int | None = None,
                 correction: ResultCorrection | None = None) -> PublishedResult:
    published = PublishedResult(result_id=result.id, version=version, supersedes_id=supersedes,
                                correction_id=correction.id if correction else None, entity_id=result.entity_id,
                                task_id=result.task_id, department_id=result.department_id, **row,
                                published_fields=fields, detail=detail,
                                correction_reason=correction.reason if correction else None,
                                digest=content.digest({"result_id": result.id, "version": version,
                                                       "supersedes_id": supersedes, **row, "detail": detail}),
                                published_by=principal.user_id, published_at=utcnow())
    session.add(published)
    session.flush()
    result.current_published_id, result.published_version = published.id, version
    return published


def publish(principal: Principal, record_id: uuid.UUID) -> dict[str, Any]:
    """The entered result becomes version 1 of its published result (entered -> published)."""
    with unit_of_work() as session:
        ctx = load(session, record_id, lock=True)
        _ensure_officer(principal, ctx)
        result = session.scalar(sa.select(CheckResult).where(CheckResult.record_id == record_id))
        if result is None or result.status != "entered":
            status = ctx.record.status
            code = "result.already_published" if status == "published" else "result.not_entered"
            raise Conflict(f"Only an approved and entered result is published; the record is {status}.", code=code,
                           details={"status": status})
        fields = content.published_fields(session, ctx.body)
        departments = result.parts["departments"]
        row = content.bulletin_row(session, ctx, departments, result.ended_on, result.remarks, fields)
        published = _publish_row(session, result, row, version=1, fields=fields, detail=departments,
                                 principal=principal)
        now = published.published_at
        result.status, result.first_published_at = "published", now
        ctx.record.status, ctx.record.updated_at = "published", now
        audit.record("result.publish", object_type="check_result", object_id=result.id,
                     payload={"published_id": published.id, "version": 1, "digest": published.digest,
                              "on_time": china_date(now) <= due_on(current_calendar(), result.ended_on)})
        return result_view(session, result)


def _current(session: Session, result: CheckResult) -> PublishedResult:
    published = session.get(PublishedResult, result.current_published_id) if result.current_published_id else None
    if published is None:
        raise Conflict("Only a published result is corrected; before publication the record is amended.",
                       code="correction.not_published", details={"status": result.status})
    return published


def _load_result(session: Session, result_id: int) -> CheckResult:
    result = session.get(CheckResult, result_id)
    if result is None:
        raise NotFound(f"There is no result {result_id}.", code="result.not_found")
    return result


def _check_changes(session: Session, current: PublishedResult, department: Department,
                   changes: dict[str, Any]) -> None:
    part = next((p for p in current.detail if p["department"] == department.code), None)
    if part is None:
        raise Forbidden("A department corrects only its own part of a result.", code="correction.not_your_part")
    own = {i["code"] for i in part["items"]}
    ref = reference.load(session)
    errors: dict[str, list[str]] = {}
    for code, categories in changes.get("result_categories", {}).items():
        key = f"result_categories.{code}"
        if code not in own:
            errors[key] = ["not an item of your department's part of this result"]
        elif not categories or len(set(categories)) != len(categories):
            errors[key] = ["give one or more distinct categories"]
        elif unknown := [c for c in categories if c not in ref.result_codes]:
            errors[key] = [f"unknown categories: {', '.join(unknown)}"]
        elif "no_problem" in categories and len(categories) > 1:
            errors[key] = ["no_problem stands alone"]
    if "remarks" in changes and "remarks" not in current.published_fields:
        errors["remarks"] = ["the rulebooks of this result do not publish remarks"]
    if not changes.get("result_categories") and "remarks" not in changes:
        errors["result_categories"] = ["a correction changes result categories or remarks"]
    if errors:
        raise ValidationFailed("The correction is not valid.", code="correction.invalid", errors={"json": errors})


def propose_correction(principal: Principal, result_id: int, body: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work() as session:
        result = _load_result(session, result_id)
        ctx = load(session, result.record_id)
        ensure_takes_part(principal, "results.correct", ctx.department_ids)
        current = _current(session, result)
        department = session.get(Department, principal.department_id)
        assert department is not None
        changes = {k: body[k] for k in ("result_categories", "remarks") if k in body}
        _check_changes(session, current, department, changes)
        proposal = {"result_id": result.id, "base_version": current.version, "department": department.code,
                    "reason": body["reason"], "changes": changes}
        correction = ResultCorrection(result_id=result.id, base_version=current.version, department_id=department.id,
                                      reason=body["reason"], changes=changes,
                                      digest=hashlib.sha256(canonical_json(proposal)).hexdigest(), status="pending",
                                      proposed_by=principal.user_id, proposed_at=utcnow())
        session.add(correction)
        session.flush()
        audit.record("result.correction_propose", object_type="result_correction", object_id=correction.id,
                     payload={**proposal, "digest": correction.digest})
        return correction_view(correction)


def correction_view(c: ResultCorrection) -> dict[str, Any]:
    return {"id": c.id, "result_id": c.result_id, "base_version": c.base_version, "department_id": c.department_id,
            "reason": c.reason, "changes": c.changes, "digest": c.digest, "status": c.status,
            "proposed_by": c.proposed_by, "proposed_at": c.proposed_at.isoformat(), "decided_by": c.decided_by,
            "decided_at": c.decided_at.isoformat() if c.decided_at else None, "comment": c.decision_comment}


def _corrected(current: PublishedResult, changes: dict[str, Any], names: dict[str, str]
               ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The detail and bulletin columns of the corrected version."""
    detail = [{**part, "items": [dict(item) for item in part["items"]]} for part in current.detail]
    new_categories = changes.get("result_categories", {})
    for part in detail:
        for item in part["items"]:
            if item["code"] in new_categories:
                item["result_categories"] = [{"code": c, "name": names.get(c, c)} for c in new_categories[item["code"]]]
    row = {k: getattr(current, k) for k in ("plan_number", "plan_name", "task_number", "task_name", "check_type",
                                            "inspecting_authority", "entity_name", "credit_code",
                                            "registration_number", "completion_date", "remarks")}
    row["result"] = content.result_text(detail)
    if "remarks" in changes:
        row["remarks"] = changes["remarks"] or None
    return detail, row


def decide_correction(principal: Principal, correction_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """The department head signs (publishing version n + 1) or rejects a pending correction."""
    with unit_of_work() as session:
        correction = session.get(ResultCorrection, correction_id, with_for_update=True)
        if correction is None:
            raise NotFound(f"There is no correction {correction_id}.", code="correction.not_found")
        if correction.department_id != principal.department_id or "department_head" not in principal.roles:
            raise Forbidden("A correction is signed by the head of the responsible department.",
                            code="auth.out_of_scope", details={"permission": "results.sign_correction"})
        if correction.status != "pending":
            raise Conflict(f"This correction is already {correction.status}.", code="correction.decided",
                           details={"status": correction.status})
        if body.get("digest") and body["digest"] != correction.digest:
            raise Conflict("The correction is not the one you read.", code="correction.digest_mismatch",
                           details={"digest": correction.digest})
        result = session.get(CheckResult, correction.result_id, with_for_update=True)
        assert result is not None
        current = _current(session, result)
        now = utcnow()
        correction.decided_by, correction.decided_at = principal.user_id, now
        correction.decision_comment = body.get("comment") or None
        if body["decision"] == "reject":
            correction.status = "rejected"
            audit.record("result.correction_reject", object_type="result_correction", object_id=correction.id,
                         payload={"digest": correction.digest, "comment": correction.decision_comment})
            return correction_view(correction)
        if current.version != correction.base_version:
            raise Conflict("The result was corrected since this correction was proposed; propose it again.",
                           code="correction.stale", details={"current_version": current.version})
        names = dict(session.execute(sa.select(ResultCategory.code, ResultCategory.name_zh)).all())
        detail, row = _corrected(current, correction.changes, names)
        correction.status = "signed"
        published = _publish_row(session, result, row, version=current.version + 1,
                                 fields=list(current.published_fields), detail=detail, principal=principal,
                                 supersedes=current.id, correction=correction)
        audit.record("result.correction_sign", object_type="result_correction", object_id=correction.id,
                     payload={"digest": correction.digest, "result_id": result.id, "published_id": published.id,
                              "version": published.version, "supersedes_id": current.id,
                              "published_digest": published.digest})
        return correction_view(correction)


def update_followup(principal: Principal, result_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Follow-up supervision (R5.4): the actions' done flags and dates, after entry and after
    publication alike. They are not part of the bulletin, so no published row changes."""
    with unit_of_work() as session:
        result = _load_result(session, result_id)
        ctx = load(session, result.record_id)
        ensure_takes_part(principal, "results.followup", ctx.department_ids)
        known = reference.load(session).followup_codes
        names = dict(session.execute(sa.select(FollowupOption.code, FollowupOption.name_zh)).all())
        errors = {}
        for i, action in enumerate(body["actions"]):
            if action["code"] not in known:
                errors[f"actions.{i}.code"] = ["unknown follow-up option"]
            elif action["done"] and action.get("date") is None:
                errors[f"actions.{i}.date"] = ["a done action has the date it was done"]
        if errors:
            raise ValidationFailed("The follow-up actions are not valid.", code="result.invalid", errors={"json": errors})
        before = result.parts["followup"]
        after = [{"code": a["code"], "name": names[a["code"]], "done": a["done"],
                  "date": a["date"].isoformat() if a.get("date") else None, "note": a.get("note", "")}
                 for a in body["actions"]]
        result.parts = {**result.parts, "followup": after}
        audit.record("result.followup_update", object_type="check_result", object_id=result.id,
                     payload={"before": before, "after": after})
        session.flush()
        return result_view(session, result)
