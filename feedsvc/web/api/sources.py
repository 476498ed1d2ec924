"""Sources: list, get, create, merge-patch, delete (soft), enable/disable, refresh now.

A body is validated by ``config.parse_source``, the sources file's own rules; the ETag is
the store's (config + enabled state) and If-Match is checked again inside the write."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from feedsvc.adminmodels import AdminSource, SourceChange
from feedsvc.config import Settings, SourceProblem, parse_source, source_fields
from feedsvc.fetch.guard import host_blocked_reason
from feedsvc.models import FetchRun, SourceConfig
from feedsvc.web.api.auth import actor
from feedsvc.web.api.context import ApiContext, api
from feedsvc.web.api.errors import ApiError, invalid, json_body, read_json_object
from feedsvc.web.api.views import run_json, source_json, source_url


async def find_source(ctx: ApiContext, source_id: str) -> AdminSource:
    found = await ctx.store.admin_sources(source_id)
    if not found:
        raise ApiError(404, f"no source {source_id!r}")
    return found[0]


def _one(source: AdminSource, status: int = 200, **headers: str) -> web.Response:
    return json_body(source_json(source), status, headers={"ETag": source.etag, **headers})


def merge_patch(target: object, patch: object) -> object:
    """RFC 7396 JSON merge patch: objects merge, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result: dict[str, object] = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


async def private_problems(
    settings: Settings, config: SourceConfig, url_field: str
) -> list[SourceProblem]:
    """A private-network URL needs the source's opt-in, which needs the server's."""
    if config.allow_private_networks and not settings.allow_private_networks:
        message = "not allowed: the server's allow_private_networks setting is off"
        return [SourceProblem("allow_private_networks", message)]
    if config.allow_private_networks:
        return []
    problems = []
    for index, url in enumerate(config.urls):
        reason = await host_blocked_reason(urlsplit(url).hostname or "")
        if reason:
            where = url_field if url_field == "url" else f"urls[{index}]"
            message = f"a private-network address ({reason}); add allow_private_networks: true"
            problems.append(SourceProblem(where, message))
    return problems


async def _validated(ctx: ApiContext, body: dict[str, Any]) -> SourceConfig:
    parsed = parse_source(body)  # ``enabled`` included: the file's key
    if isinstance(parsed, list):
        raise invalid(parsed)
    problems = await private_problems(ctx.settings, parsed, "url" if "url" in body else "urls")
    if problems:
        raise invalid(problems)
    return parsed


def _if_match(request: web.Request) -> str | None:
    value = request.headers.get("If-Match")
    return None if value is None or value.strip() == "*" else value.strip()


async def list_sources(request: web.Request) -> web.Response:
    sources = await api(request).store.admin_sources()
    return json_body({"sources": [source_json(s) for s in sources]})


async def get_source(request: web.Request) -> web.Response:
    return _one(await find_source(api(request), request.match_info["source_id"]))


async def create_from(ctx: ApiContext, body: dict[str, Any], who: str) -> AdminSource:
    """Validate ``body`` (the file's fields, ``enabled`` included) and store it as a new
    source; the API's POST and the console's form both come here."""
    config = await _validated(ctx, dict(body))
    await ctx.store.create_source(config, enabled=config.enabled, actor=who, now=ctx.now())
    return await find_source(ctx, config.id)


async def update_from(
    ctx: ApiContext, current: AdminSource, patch: dict[str, Any], if_match: str | None, who: str
) -> AdminSource:
    """Apply a JSON merge patch to ``current`` (412 when ``if_match`` is stale); the API's
    PATCH and the console's edit form both come here."""
    if if_match is not None and if_match != current.etag:
        raise ApiError(412, f"If-Match {if_match} is stale: the source is now {current.etag}")
    if "id" in patch and patch["id"] != current.config.id:
        raise invalid([SourceProblem("id", "cannot be changed; create a new source instead")])
    base: dict[str, Any] = {**source_fields(current.config), "enabled": current.enabled}
    if "url" in patch:
        base.pop("urls", None)  # the patch names the one list page instead of the list
    merged = merge_patch(base, patch)
    assert isinstance(merged, dict)
    config = await _validated(ctx, merged)
    change = SourceChange(
        "source.update",
        who,
        ctx.now(),
        config=config,
        enabled=config.enabled,
        if_match=if_match or current.etag,  # nobody may have written since we read
    )
    await ctx.store.change_source(current.config.id, change)
    return await find_source(ctx, current.config.id)


async def create_source(request: web.Request) -> web.Response:
    created = await create_from(api(request), await read_json_object(request), actor(request))
    return _one(created, 201, Location=source_url(created.config.id))


async def patch_source(request: web.Request) -> web.Response:
    ctx = api(request)
    current = await find_source(ctx, request.match_info["source_id"])
    patch = await read_json_object(request)
    return _one(await update_from(ctx, current, patch, _if_match(request), actor(request)))


async def delete_source(request: web.Request) -> web.Response:
    """Soft: disabled and hidden from the lists; its articles stay in the feeds."""
    ctx = api(request)
    source_id = request.match_info["source_id"]
    change = SourceChange(
        "source.delete", actor(request), ctx.now(), delete=True, if_match=_if_match(request)
    )
    await ctx.store.change_source(source_id, change)
    return web.Response(status=204)


async def set_enabled(
    ctx: ApiContext, source_id: str, enabled: bool, who: str, if_match: str | None = None
) -> AdminSource:
    """Resume or pause a source (the API's enable/disable and the console's button)."""
    action = "source.enable" if enabled else "source.disable"
    change = SourceChange(action, who, ctx.now(), enabled=enabled, if_match=if_match)
    await ctx.store.change_source(source_id, change)
    return await find_source(ctx, source_id)


async def _set_enabled(request: web.Request, enabled: bool) -> web.Response:
    source_id = request.match_info["source_id"]
    ctx, who = api(request), actor(request)
    return _one(await set_enabled(ctx, source_id, enabled, who, _if_match(request)))


async def enable_source(request: web.Request) -> web.Response:
    return await _set_enabled(request, True)


async def disable_source(request: web.Request) -> web.Response:
    return await _set_enabled(request, False)


RefreshOutcome = tuple[str, FetchRun | None]  # "queued" | "running" | "done", the run


async def refresh(ctx: ApiContext, source_id: str, who: str) -> RefreshOutcome:
    """Refresh now through the scheduler's code, waiting up to ``refresh_wait`` seconds; a
    web-only process makes the source due instead, for the next worker tick ("queued").
    Either way the request is stored with the source, so the process whose claim serves it
    runs a manual refresh (recent articles still on the list re-checked for edits)."""
    change = SourceChange(
        "source.refresh",
        who,
        ctx.now(),
        run_now=ctx.refresh_now is None,
        request_refresh=True,
    )
    await ctx.store.change_source(source_id, change)
    if ctx.refresh_now is None:
        return "queued", None
    task = asyncio.create_task(ctx.refresh_now(source_id), name=f"api-refresh-{source_id}")
    ctx.tasks.add(task)
    task.add_done_callback(ctx.tasks.discard)
    done, _ = await asyncio.wait({task}, timeout=ctx.refresh_wait)
    if task not in done:
        return "running", None
    if not task.result():
        raise ApiError(409, f"source {source_id!r} is being refreshed by another process")
    runs = await ctx.store.recent_runs(source_id, 1)
    return "done", runs[0] if runs else None


async def refresh_source(request: web.Request) -> web.Response:
    """The run when it ends within ``refresh_wait`` seconds, else 202 with the runs URL."""
    source_id = request.match_info["source_id"]
    runs_url = f"{source_url(source_id)}/runs"
    status, run = await refresh(api(request), source_id, actor(request))
    if status != "done":
        return json_body({"status": status, "runs": runs_url}, 202, headers={"Location": runs_url})
    return json_body({"status": "done", "run": run_json(run) if run else None})
