"""Read operations of the results API, each in one short transaction, with the sharing rule:
every department that took part in a task sees its results (R5.5)."""
from __future__ import annotations

from typing import Any

from backend.db import unit_of_work
from backend.directory.model import MarketEntity
from backend.errors import NotFound
from backend.policy import Principal, ensure
from backend.results import feed as feed_format
from backend.results import queries
from backend.results.model import CheckResult
from backend.review.context import ensure_takes_part


def get(principal: Principal, result_id: int) -> dict[str, Any]:
    with unit_of_work() as session:
        result = session.get(CheckResult, result_id)
        if result is None:
            raise NotFound(f"There is no result {result_id}.", code="result.not_found")
        ensure_takes_part(principal, "results.read", queries.task_departments(session, result.task_id))
        return queries.result_view(session, result)


def listing(principal: Principal, query: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work() as session:
        return {"results": queries.list_results(session, principal, query)}


def entity_record(entity_id: int) -> dict[str, Any]:
    with unit_of_work() as session:
        if session.get(MarketEntity, entity_id) is None:
            raise NotFound(f"There is no entity {entity_id}.", code="entity.not_found")
        return {"entity_id": entity_id, "results": queries.entity_record(session, entity_id)}


def due(principal: Principal, query: dict[str, Any]) -> dict[str, Any]:
    department_id = query.get("department_id", principal.department_id)
    ensure(principal, "results.read", department_id)
    with unit_of_work() as session:
        return queries.due_list(session, principal, department_id, query["state"], query.get("as_of"),
                                query["limit"])


def feed(query: dict[str, Any]) -> dict[str, Any] | str:
    with unit_of_work() as session:
        items = feed_format.rows(session, query["after"], query["limit"])
    return feed_format.as_csv(items) if query["format"] == "csv" else feed_format.as_json(items, query["after"])
