"""Fixture portals: small local sites whose markup differs the way real CMSes differ.

Each site module builds a :class:`FixtureSite` from data it owns — the expected articles and,
for every list page, the article links a reader sees there in page order — and renders
its pages from that data. :func:`create_site_app` serves a site on 127.0.0.1 and counts
requests, so tests can bound them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web

__all__ = [
    "REQUESTS",
    "ExpectedArticle",
    "FixtureSite",
    "ListTruth",
    "Page",
    "create_site_app",
]


@dataclass(frozen=True)
class ExpectedArticle:
    path: str  # absolute path (and query) on the site
    title: str
    published: datetime  # aware: what the feed must say, zone included
    category: str | None
    author: str | None = None


@dataclass(frozen=True)
class ListTruth:
    path: str  # the list page's path (and query)
    article_paths: tuple[str, ...]  # the main list, in page order
    next_path: str | None  # the next list page, None on the last


def paged_lists(
    paths: list[str], per_page: int, list_path: Callable[[int], str]
) -> tuple[ListTruth, ...]:
    """The list pages of a site that shows ``per_page`` articles a page, newest first."""
    pages = (len(paths) + per_page - 1) // per_page
    return tuple(
        ListTruth(
            list_path(p),
            tuple(paths[p * per_page : (p + 1) * per_page]),
            list_path(p + 1) if p + 1 < pages else None,
        )
        for p in range(pages)
    )


@dataclass(frozen=True)
class Page:
    body: bytes
    content_type: str  # the full Content-Type header value


@dataclass
class FixtureSite:
    name: str  # also the source id
    title: str
    timezone: str
    lists: tuple[ListTruth, ...]  # first = the source URL; the rest by pagination
    articles: tuple[ExpectedArticle, ...]  # newest first
    render: Callable[[str], Page | None]  # path (with query) → page
    extra_pages: tuple[str, ...] = ()  # non-list paths worth fetching in tests
    served: list[str] = field(default_factory=list)

    @property
    def start_path(self) -> str:
        return self.lists[0].path

    def article(self, path: str) -> ExpectedArticle:
        return next(a for a in self.articles if a.path == path)

    def source_yaml(self, base_url: str, *, with_timezone: bool = True) -> str:
        zone = f"    timezone: {self.timezone}\n" if with_timezone else ""
        return (
            f"  - id: {self.name}\n"
            f"    name: {self.title}\n"
            f"    url: {base_url}{self.start_path}\n"
            "    interval: 15m\n"
            f"{zone}"
            f"    max_pages: {len(self.lists)}\n"
            "    allow_private_networks: true\n"
        )


REQUESTS: web.AppKey[list[str]] = web.AppKey("requests", list[str])


def create_site_app(site: FixtureSite) -> web.Application:
    async def handle(request: web.Request) -> web.StreamResponse:
        path = request.rel_url.path_qs
        site.served.append(path)
        page = site.render(path)
        if page is None:
            return web.Response(status=404, text="not found")
        return web.Response(body=page.body, headers={"Content-Type": page.content_type})

    app = web.Application()
    app[REQUESTS] = site.served
    app.router.add_get("/{tail:.*}", handle)
    return app
