"""The sources table, a source's page (runs, drops, articles, its learned page template,
read only) and its buttons: pause,
resume, refresh, hide and unhide. Every write is the API's own function (same store call,
same audit row with the token's name)."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from yarl import URL

from feedsvc.adminmodels import AdminSource, ArticleFilter
from feedsvc.store.templates import TemplateState
from feedsvc.web.admin.context import BASE, admin, session
from feedsvc.web.admin.health import badge
from feedsvc.web.admin.labels import labels_context, request_language, translator
from feedsvc.web.api import articles, sources
from feedsvc.web.api.views import article_json, run_json

RUNS_SHOWN, ARTICLES_SHOWN = 20, 100


def _matches(source: AdminSource, q: str) -> bool:
    config = source.config
    fields = (config.id, config.name, config.category or "", *config.urls)
    return any(q in f.casefold() for f in fields)


def page(request: web.Request, **values: Any) -> dict[str, Any]:
    """What every page's template gets: the session's CSRF token and scope."""
    current = session(request)
    return {
        **labels_context(request),
        "csrf": current.csrf,
        "who": current.token.name,
        "can_write": current.token.allows("write"),
        "base": BASE,
        **values,
    }


@aiohttp_jinja2.template("sources.html")
async def sources_page(request: web.Request) -> dict[str, Any]:
    q = request.query.get("q", "").strip()
    found = await admin(request).api.store.admin_sources()
    shown = [s for s in found if _matches(s, q.casefold())] if q else found
    rows = [{"source": s, "badge": badge(s)} for s in shown]
    return page(request, rows=rows, q=q, total=len(found))


@aiohttp_jinja2.template("source.html")
async def source_page(request: web.Request) -> dict[str, Any]:
    ctx = admin(request).api
    source = await source_or_404(request)
    source_id = source.config.id
    runs = await ctx.store.recent_runs(source_id, RUNS_SHOWN)
    listed = await ctx.store.list_articles(ArticleFilter(source=source_id, limit=ARTICLES_SHOWN))
    learned = await ctx.store.template_state(source_id) or TemplateState(source_id)
    return page(
        request,
        source=source,
        badge=badge(source),
        template=learned.summary(),
        runs=[run_json(r) for r in runs],
        articles=[article_json(a) for a in listed],
        notice=request.query.get("notice"),
    )


async def source_or_404(request: web.Request) -> AdminSource:
    found = await admin(request).api.store.admin_sources(request.match_info["source_id"])
    if not found:
        raise web.HTTPNotFound(text="no such source")
    return found[0]


def _back(request: web.Request, source_id: str, notice: str, **values: str) -> web.HTTPSeeOther:
    """Back to the source's page, saying ``notice`` in the admin's language."""
    said = translator(request_language(request))(notice, **values)
    return web.HTTPSeeOther(URL(f"{BASE}/sources/{source_id}").with_query(notice=said).human_repr())


async def pause(request: web.Request) -> web.Response:
    source = await source_or_404(request)
    who = session(request).token.name
    await sources.set_enabled(admin(request).api, source.config.id, False, who)
    raise _back(request, source.config.id, "Paused: it is not refreshed until you resume it.")


async def resume(request: web.Request) -> web.Response:
    source = await source_or_404(request)
    who = session(request).token.name
    await sources.set_enabled(admin(request).api, source.config.id, True, who)
    raise _back(request, source.config.id, "Resumed.")


async def refresh(request: web.Request) -> web.Response:
    source = await source_or_404(request)
    who = session(request).token.name
    status, _ = await sources.refresh(admin(request).api, source.config.id, who)
    notice = {"done": "Refreshed.", "running": "Refreshing…", "queued": "Queued for refresh."}
    raise _back(request, source.config.id, notice[status])


async def _set_hidden(request: web.Request, hidden: bool) -> web.Response:
    who = session(request).token.name
    article = await articles.set_hidden(
        admin(request).api, request.match_info["article_id"], hidden, who
    )
    notice = "Hidden: {title}" if hidden else "Shown again: {title}"
    raise _back(request, article.source, notice, title=article.title)


async def hide(request: web.Request) -> web.Response:
    return await _set_hidden(request, True)


async def unhide(request: web.Request) -> web.Response:
    return await _set_hidden(request, False)
