"""Run history per source and the per-source health summary."""

from __future__ import annotations

from aiohttp import web

from feedsvc.config import SourceProblem
from feedsvc.store.templates import TemplateState
from feedsvc.web.api.context import api
from feedsvc.web.api.errors import ApiError, invalid, json_body
from feedsvc.web.api.views import run_json, source_json

MAX_LIMIT = 200


def int_param(request: web.Request, name: str, default: int, high: int) -> int:
    text = request.query.get(name)
    if text is None:
        return default
    if not text.isdigit() or not 1 <= int(text) <= high:
        raise invalid([SourceProblem(name, f"expected an integer 1-{high}, got {text!r}")], name)
    return int(text)


async def source_runs(request: web.Request) -> web.Response:
    ctx = api(request)
    source_id = request.match_info["source_id"]
    limit = int_param(request, "limit", 20, MAX_LIMIT)
    if not await ctx.store.admin_sources(source_id):
        raise ApiError(404, f"no source {source_id!r}")
    runs = await ctx.store.recent_runs(source_id, limit)
    return json_body({"runs": [run_json(r) for r in runs]})


async def source_template(request: web.Request) -> web.Response:
    """The template learned from the source's article pages, with its evidence; or how
    far learning has come ("not learned yet: 2 of 3 pages observed")."""
    ctx = api(request)
    source_id = request.match_info["source_id"]
    if not await ctx.store.admin_sources(source_id):
        raise ApiError(404, f"no source {source_id!r}")
    state = await ctx.store.template_state(source_id) or TemplateState(source_id)
    return json_body(state.summary())


async def health(request: web.Request) -> web.Response:
    """Every source's health at a glance; ``status`` is "degraded" when an enabled source
    is failing or drifting."""
    sources = await api(request).store.admin_sources()
    failing = [
        s.config.id
        for s in sources
        if s.enabled and (s.health.consecutive_failures or s.health.drift)
    ]
    summary = [
        {k: v for k, v in source_json(s).items() if k in ("id", "name", "enabled", "health")}
        for s in sources
    ]
    return json_body(
        {
            "status": "degraded" if failing else "ok",
            "failing": failing,
            "sources": summary,
        }
    )
