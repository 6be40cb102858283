"""Rendering helpers of the public pages: caching headers, the content security policy, paging,
and the display filters (Beijing time, Chinese labels)."""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, make_response, render_template, request

from backend.db import db
from backend.publicsite import queries

STATIC = Path(__file__).parent / "static"
BEIJING = timezone(timedelta(hours=8))
PAGE_SIZE = 20
MAX_PAGE = 10_000
PAGE_MAX_AGE = 60  # seconds: a bulletin that changes is seen within a minute; ETags make revalidation cheap
YEAR = 365 * 24 * 3600

# Pages need no script at all: none may run, and nothing loads from another origin.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                           "base-uri 'none'; frame-ancestors 'none'")

LABELS: dict[str, dict[str, str]] = {
    "task_kind": {"routine": "日常抽查", "special": "专项抽查"},
    "task_status": {"committed": "已公布抽取承诺", "drawn": "已抽取", "closed": "已结束"},
    "draw_status": {"committed": "已承诺，待揭示", "drawn": "已揭示", "cancelled": "已作废"},
    "names_public": {"at_draw": "抽取后即公布检查对象名单", "after_checks": "检查结束后公布检查对象名单"},
    "randomness_kind": {"lottery": "公开开奖号码", "witnesses": "见证人现场给出的数字", "beacon": "公共随机信标"},
    "entity_type": {"enterprise": "企业", "individual_business": "个体工商户", "cooperative": "农民专业合作社",
                    "other": "其他"},
}


def label(value: Any, kind: str) -> str:
    if value is None:
        return ""
    return LABELS[kind].get(str(value), str(value))


def beijing(value: datetime | date | str | None, with_time: bool = True) -> str:
    """A UTC instant as Beijing time (the bulletins' readers are in UTC+8); a date as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, datetime):
        local = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(BEIJING)
        return local.strftime("%Y-%m-%d %H:%M") if with_time else local.strftime("%Y-%m-%d")
    return value.isoformat()


@cache
def _asset_hash(filename: str) -> str:
    return hashlib.sha256((STATIC / filename).read_bytes()).hexdigest()[:12]


def asset_url(filename: str) -> str:
    """A stylesheet's URL with its content hash: cached for a year, a changed file has a new URL."""
    return f"/public/static/{filename}?v={_asset_hash(filename)}"


def asset_is_current(filename: str, version: str | None) -> bool:
    return (STATIC / filename).is_file() and version == _asset_hash(filename)


@dataclass(frozen=True)
class Paged:
    items: list[Any]
    total: int  # at most the limit paged through
    page: int
    size: int
    more: bool = False  # more matches than the limit

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))


def page_number() -> int:
    """`?page=N` (1-based); anything else, or out of range, is page 1."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= MAX_PAGE else 1


def paged(stmt: sa.Select[Any], page: int, size: int | None = None) -> Paged:
    """One page of `stmt`, counted."""
    size = size or PAGE_SIZE
    total = queries.count(stmt, None)
    if (page - 1) * size >= total:
        return Paged([], total, page, size)
    return Paged(list(db.session.scalars(stmt.offset((page - 1) * size).limit(size))), total, page, size)


def paged_search(stmt: sa.Select[tuple[int]], page: int, size: int | None = None) -> Paged:
    """One page of a search's ids: only the first SEARCH_LIMIT matches are counted and paged through."""
    size = size or PAGE_SIZE
    ids, more = queries.matching_ids(stmt)
    return Paged(ids[(page - 1) * size:page * size], len(ids), page, size, more)


def page(template: str, status: int = 200, *, max_age: int = PAGE_MAX_AGE, **context: Any) -> Response:
    """Render a page with the headers every public page carries; a matching If-None-Match gets 304."""
    response = make_response(render_template(template, **context), status)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Content-Language"] = "zh-CN"
    if status == 200:
        response.headers["Cache-Control"] = f"public, max-age={max_age}"
        response.add_etag()
        response.make_conditional(request)
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.filters["beijing"] = beijing
    app.jinja_env.filters["label"] = label
    app.jinja_env.globals["asset_url"] = asset_url
