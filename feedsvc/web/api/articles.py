"""Articles: search with keyset paging; hide (a tombstone) and unhide."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime

from aiohttp import web

from feedsvc.adminmodels import ArticleFilter, ArticleSummary
from feedsvc.config import SourceProblem
from feedsvc.web.api.auth import actor
from feedsvc.web.api.context import ApiContext, api
from feedsvc.web.api.errors import ApiError, invalid, json_body
from feedsvc.web.api.runs import int_param
from feedsvc.web.api.views import PREFIX, article_json

DEFAULT_LIMIT, MAX_LIMIT = 50, 200
URN_UUID = "urn:uuid:"


def encode_cursor(published: datetime, article_id: str) -> str:
    raw = f"{published.isoformat()}|{article_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        when, _, article_id = raw.partition("|")
        published = datetime.fromisoformat(when)
        if published.tzinfo is None:
            raise ValueError("naive time")
        return published, URN_UUID + str(uuid.UUID(article_id))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        problem = SourceProblem("before", f"not a cursor from a 'next' link ({exc})")
        raise invalid([problem], "before") from exc


def _text(request: web.Request, name: str) -> str | None:
    value = request.query.get(name, "").strip()
    return value or None


async def list_articles(request: web.Request) -> web.Response:
    ctx = api(request)
    limit = int_param(request, "limit", DEFAULT_LIMIT, MAX_LIMIT)
    before = request.query.get("before")
    query = ArticleFilter(
        source=_text(request, "source"),
        category=_text(request, "category"),
        text=_text(request, "q"),
        limit=limit,
        after=decode_cursor(before) if before else None,
    )
    found = await ctx.store.list_articles(query)
    next_url = None
    if len(found) == limit:
        last = found[-1]
        params = {k: v for k, v in request.query.items() if k != "before"}
        params["before"] = encode_cursor(last.published, last.id)
        next_url = str(request.url.with_path(f"{PREFIX}/articles").with_query(params).relative())
        next_url = ctx.settings.effective_public_url + next_url
    return json_body({"articles": [article_json(a) for a in found], "next": next_url})


async def set_hidden(ctx: ApiContext, text: str, hidden: bool, who: str) -> ArticleSummary:
    """Hide (a tombstone) or unhide the article whose UUID is ``text``."""
    try:
        article_id = str(uuid.UUID(text))
    except ValueError:
        raise ApiError(404, f"no article {text!r} (ids are UUIDs)") from None
    return await ctx.store.set_article_hidden(article_id, hidden, actor=who, now=ctx.now())


async def _set_hidden(request: web.Request, hidden: bool) -> web.Response:
    text = request.match_info["article_id"]
    article = await set_hidden(api(request), text, hidden, actor(request))
    return json_body({"article": article_json(article)})


async def hide_article(request: web.Request) -> web.Response:
    return await _set_hidden(request, True)


async def unhide_article(request: web.Request) -> web.Response:
    return await _set_hidden(request, False)
