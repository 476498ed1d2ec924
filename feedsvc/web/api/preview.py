"""POST /api/v1/preview: what a source with this URL and these selectors would give.

Validated with the sources file's rules (``config.parse_source``), rate-limited per token
(429 + Retry-After), fetched like a refresh (``feedsvc.preview``). Nothing is stored."""

from __future__ import annotations

import math
from typing import Any

from aiohttp import web

from feedsvc.config import SourceProblem, parse_source
from feedsvc.errors import ExtractError, FetchError
from feedsvc.models import SourceConfig
from feedsvc.preview import Preview, PreviewRequest, run_preview
from feedsvc.web.api.auth import actor
from feedsvc.web.api.context import ApiContext, api
from feedsvc.web.api.errors import ApiError, invalid, json_body, read_json_object
from feedsvc.web.api.sources import private_problems
from feedsvc.web.api.views import preview_json

FIELDS = ("url", "selectors", "timezone", "encoding", "allow_private_networks")


def _request(body: dict[str, Any]) -> tuple[PreviewRequest, list[SourceProblem]]:
    problems = [SourceProblem(k, "unknown field") for k in body if k not in FIELDS]
    if "url" not in body:
        problems.append(SourceProblem("url", "missing: the list page to preview"))
    known = {k: v for k, v in body.items() if k in FIELDS}
    parsed = parse_source({"id": "preview", **known}) if "url" in body else []
    if isinstance(parsed, list):
        return PreviewRequest(""), problems + parsed
    req = PreviewRequest(
        url=parsed.urls[0],
        selectors=parsed.selectors,
        timezone=parsed.timezone,
        encoding=parsed.encoding,
        allow_private=bool(parsed.allow_private_networks),
    )
    return req, problems


async def preview_for(ctx: ApiContext, body: dict[str, Any], who: str) -> Preview:
    """Rate-limit ``who``, validate ``body`` and preview it (the API's POST /preview and
    the console's preview form both come here)."""
    wait = ctx.preview_limit.take(who)
    if wait > 0:
        raise ApiError(
            429,
            "too many previews; try again later",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )
    req, problems = _request(body)
    if problems:
        raise invalid(problems, "the preview request")
    probe = SourceConfig(
        id="preview",
        name="preview",
        urls=(req.url,),
        interval_seconds=3600,
        allow_private_networks=req.allow_private or None,
    )
    problems = await private_problems(ctx.settings, probe, "url")
    if problems:
        raise invalid(problems, "the preview request")
    try:
        return await run_preview(ctx.settings, req)
    except (FetchError, ExtractError) as exc:
        message = f"the page could not be previewed: {exc}"
        raise ApiError(422, message, [SourceProblem("url", str(exc))]) from exc


async def preview(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    return json_body(preview_json(await preview_for(api(request), body, actor(request))))
