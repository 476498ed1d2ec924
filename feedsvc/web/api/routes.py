"""The API's routes, declared once: registered on the sub-application and described in
the OpenAPI document from the same table (so the two cannot drift apart)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from feedsvc.admintokens import Scope
from feedsvc.web.api import articles, preview, runs, sources

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    kind: str = "string"  # "string" | "integer"


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # below /api/v1
    handler: Handler
    scope: Scope
    summary: str
    body: str | None = None  # components/schemas name of the JSON body
    ok: tuple[int, str | None] = (200, None)  # success status and its schema
    errors: tuple[int, ...] = ()  # besides 401 (and 403 on writes)
    query: tuple[Param, ...] = ()
    etag: bool = False  # the success response carries an ETag; If-Match is honoured


SOURCE_ID = "{source_id}"
ROUTES: tuple[Route, ...] = (
    Route("GET", "/sources", sources.list_sources, "read", "List sources",
          ok=(200, "SourceList")),
    Route("POST", "/sources", sources.create_source, "write", "Create a source",
          body="SourceInput", ok=(201, "Source"), errors=(400, 409, 422), etag=True),
    Route("GET", f"/sources/{SOURCE_ID}", sources.get_source, "read", "Get a source",
          ok=(200, "Source"), errors=(404,), etag=True),
    Route("PATCH", f"/sources/{SOURCE_ID}", sources.patch_source, "write",
          "Change a source (JSON merge patch; If-Match honoured)", body="SourcePatch",
          ok=(200, "Source"), errors=(400, 404, 412, 422), etag=True),
    Route("DELETE", f"/sources/{SOURCE_ID}", sources.delete_source, "write",
          "Delete a source (disabled and hidden; its articles are kept)",
          ok=(204, None), errors=(404, 412)),
    Route("POST", f"/sources/{SOURCE_ID}/enable", sources.enable_source, "write",
          "Enable a source", ok=(200, "Source"), errors=(404, 412)),
    Route("POST", f"/sources/{SOURCE_ID}/disable", sources.disable_source, "write",
          "Pause a source", ok=(200, "Source"), errors=(404, 412)),
    Route("POST", f"/sources/{SOURCE_ID}/refresh", sources.refresh_source, "write",
          "Refresh a source now (the run, or 202 with the runs URL)",
          ok=(200, "RefreshResult"), errors=(202, 404, 409)),
    Route("GET", f"/sources/{SOURCE_ID}/runs", runs.source_runs, "read",
          "A source's refresh runs, newest first", ok=(200, "RunList"), errors=(404, 422),
          query=(Param("limit", "at most this many runs (1-200, default 20)", "integer"),)),
    Route("GET", f"/sources/{SOURCE_ID}/template", runs.source_template, "read",
          "The page template learned from a source's articles, with its evidence",
          ok=(200, "SourceTemplate"), errors=(404,)),
    Route("GET", "/health", runs.health, "read", "Every source's health",
          ok=(200, "HealthSummary")),
    Route("GET", "/articles", articles.list_articles, "read",
          "Search articles, newest first, with keyset paging", ok=(200, "ArticleList"),
          errors=(422,),
          query=(
              Param("source", "only this source's articles"),
              Param("category", "only this category"),
              Param("q", "title or summary contains this text"),
              Param("limit", "page size (1-200, default 50)", "integer"),
              Param("before", "the cursor of a 'next' link"),
          )),
    Route("POST", "/articles/{article_id}/hide", articles.hide_article, "write",
          "Hide an article from every feed (it never comes back)", ok=(200, "ArticleResult"),
          errors=(404,)),
    Route("POST", "/articles/{article_id}/unhide", articles.unhide_article, "write",
          "Show a hidden article again", ok=(200, "ArticleResult"), errors=(404,)),
    Route("POST", "/preview", preview.preview, "write",
          "What a source would extract from a URL (nothing stored)", body="PreviewInput",
          ok=(200, "Preview"), errors=(400, 422, 429)),
)  # fmt: skip


def add_routes(
    app: web.Application, routes: tuple[Route, ...] = ROUTES
) -> dict[tuple[str, str], Scope]:
    """Register ``routes``; the scope each (method, path) needs, for the auth middleware."""
    scopes: dict[tuple[str, str], Scope] = {}
    for route in routes:
        app.router.add_route(route.method, route.path, route.handler)
        scopes[(route.method, route.path)] = route.scope
    return scopes
