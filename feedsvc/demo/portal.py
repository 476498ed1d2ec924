"""The demo news portal: articles in memory, a clock, and an aiohttp app serving them.

It behaves like a statically generated city portal (DedeCMS/PHPCMS style): a page's bytes
change only when what it shows changes. The sidebars (相关阅读 / 热门文章 / 最新文章) and the
上一篇/下一篇 links are therefore chosen when their page is (re)generated — at publication
for an article, at the latest publication in the category for a list — and kept. So:

* a list page's ETag/Last-Modified move only when an article is published in its category;
* an article page's move only when that article is edited (its ``modified`` time).

Edits never touch the title or the first paragraph, so teasers shown elsewhere stay put.

Charsets: 文化 pages are encoded as GBK (strictly) while declaring ``charset=gb2312`` only in
``<meta http-equiv="Content-Type">``; their HTTP Content-Type is plain ``text/html``. One
文化 article holds a character that is in GBK but not GB2312 (堃/喆/玥), as real portals do,
so a decoder must read gb2312 as GBK/GB18030. Every other page is UTF-8 with the charset
in the HTTP header and a ``<meta charset>``.

Run alone with ``python -m feedsvc.demo.portal --port 8081``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import logging
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from aiohttp import web

from feedsvc.demo.content import (
    CATEGORIES,
    SHANGHAI,
    ArticleWriter,
    Category,
    DemoArticle,
    Quirk,
    category_for,
)
from feedsvc.demo.image import demo_png
from feedsvc.demo.pages import (
    PAGE_SIZE,
    SITE_NAME,
    SideLinks,
    render_article,
    render_home,
    render_list,
    render_not_found,
)

__all__ = ["STATE_KEY", "DemoArticle", "PortalState", "create_portal_app", "main"]

log = logging.getLogger(__name__)

# Where the deliberate oddities sit among the initial articles: (slug, index from newest).
_INITIAL_QUIRKS = {
    ("caijing", 1): Quirk.AMPERSAND_TITLE,
    ("shehui", 1): Quirk.CONTROL_CHAR,
    ("wenhua", 0): Quirk.GBK_ONLY,
}
_INITIAL_TABLE = ("caijing", 2)
_PUBLISHED_IMAGE_SHARE = 0.3
_EDIT_CANDIDATES = 10  # edits pick among the newest articles: those a reader still sees


def _default_now() -> datetime:
    return datetime.now(SHANGHAI)


@dataclass(frozen=True)
class _Picks:
    related: tuple[str, ...]
    hot: tuple[str, ...]
    latest: tuple[str, ...]


class PortalState:
    """The portal's articles and clock. Not thread-safe: use it from one event loop.

    Deterministic: the same ``seed``, clock readings and calls give the same articles.
    """

    def __init__(
        self,
        seed: int = 1,
        now: Callable[[], datetime] | None = None,
        initial_per_category: int = 12,
    ) -> None:
        if initial_per_category < 0:
            raise ValueError(f"initial_per_category must be >= 0, got {initial_per_category}")
        self.seed = seed
        self._now = now or _default_now
        self._rng = random.Random(seed)
        self._writer = ArticleWriter(self._rng)
        self._articles: dict[str, DemoArticle] = {}
        self._order: dict[str, int] = {}  # publication sequence, breaks ties in time
        self._titles: set[str] = set()
        self._neighbours: dict[str, tuple[str | None, str | None]] = {}
        self._article_picks: dict[str, _Picks] = {}
        self._list_picks: dict[str, _Picks] = {}
        self._list_changed: dict[str, datetime] = {}
        self._next_id = 2000 + self._rng.randrange(1000)
        self._build_initial(initial_per_category)

    # ------------------------------------------------------------------ clock
    def now(self) -> datetime:
        value = self._now()
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"PortalState clock returned a naive datetime: {value!r}")
        return value.astimezone(SHANGHAI).replace(microsecond=0)

    @staticmethod
    def _shown(t: datetime, category: Category) -> datetime:
        """The publication time as the article page prints it (the ground truth)."""
        return t if category.shows_seconds else t.replace(second=0)

    # ------------------------------------------------------------------ building
    def _take_id(self) -> str:
        article_id = str(self._next_id)
        self._next_id += 1
        return article_id

    def _add(self, article: DemoArticle) -> None:
        self._articles[article.id] = article
        self._order[article.id] = len(self._order)
        self._titles.add(article.title)

    def _build_initial(self, per_category: int) -> None:
        rng = self._rng
        start = self.now()
        slugs = [c.slug for c in CATEGORIES for _ in range(per_category)]
        rng.shuffle(slugs)
        plan: list[tuple[str, datetime, int]] = []  # newest first
        seen: dict[str, int] = {}
        t = start - timedelta(minutes=rng.randint(3, 20), seconds=rng.randint(0, 59))
        for slug in slugs:
            index = seen.get(slug, 0)
            seen[slug] = index + 1
            plan.append((slug, t, index))
            t -= timedelta(minutes=rng.randint(20, 240), seconds=rng.randint(0, 59))
        # Oldest first, so ids grow with time like a CMS's auto-increment key.
        for slug, when, index in reversed(plan):
            category = category_for(slug)
            article_id = self._take_id()
            self._add(
                self._writer.write(
                    article_id=article_id,
                    category=category,
                    published=self._shown(when, category),
                    image=index % 4 == 0,
                    table=(slug, index) == _INITIAL_TABLE,
                    quirk=_INITIAL_QUIRKS.get((slug, index)),
                    taken_titles=self._titles,
                )
            )
        for category in CATEGORIES:
            chronological = self.articles(category.slug)[::-1]
            for i, article in enumerate(chronological):
                older = chronological[i - 1].id if i > 0 else None
                newer = chronological[i + 1].id if i + 1 < len(chronological) else None
                self._neighbours[article.id] = (older, newer)
            self._list_picks[category.slug] = self._pick_for_list(category.slug)
            self._list_changed[category.slug] = start
        for article_id in self._articles:
            self._article_picks[article_id] = self._pick_for_article(article_id)

    def _pick_for_article(self, article_id: str) -> _Picks:
        everyone = self.articles()
        others = [a.id for a in everyone[:60] if a.id != article_id]
        related = self._rng.sample(others, k=min(4, len(others)))
        rest = [i for i in others if i not in related]
        hot = self._rng.sample(rest, k=min(2, len(rest)))
        return _Picks(tuple(related), tuple(hot), tuple(a.id for a in everyone[:5]))

    def _pick_for_list(self, slug: str) -> _Picks:
        others = [a.id for a in self.articles() if a.category_slug != slug]
        recent = others[:60]
        related = self._rng.sample(recent, k=min(5, len(recent)))
        hot = self._rng.sample(recent, k=min(5, len(recent)))
        return _Picks(tuple(related), tuple(hot), tuple(others[:8]))

    # ------------------------------------------------------------------ public API
    def publish(self, category_slug: str | None = None) -> DemoArticle:
        """Publish a new article (the newest) in ``category_slug``, or a random category."""
        if category_slug is None:
            category = self._rng.choice(CATEGORIES)
        else:
            category = category_for(category_slug)
        now = self.now()
        previous = self.articles(category.slug)
        article = self._writer.write(
            article_id=self._take_id(),
            category=category,
            published=self._shown(now, category),
            image=self._rng.random() < _PUBLISHED_IMAGE_SHARE,
            taken_titles=self._titles,
        )
        self._add(article)
        # Like a static CMS, the older neighbour's page is not regenerated: its 下一篇 stays.
        self._neighbours[article.id] = (previous[0].id if previous else None, None)
        self._article_picks[article.id] = self._pick_for_article(article.id)
        self._list_picks[category.slug] = self._pick_for_list(category.slug)
        self._list_changed[category.slug] = now
        return article

    def edit(self, article_id: str | None = None) -> DemoArticle:
        """Change an article's body (a dated update paragraph) and set ``modified`` to now.

        Without ``article_id`` one of the ten newest articles is chosen.
        """
        if article_id is None:
            candidates = self.articles()[:_EDIT_CANDIDATES]
            if not candidates:
                raise LookupError("demo portal has no articles to edit")
            article = self._rng.choice(candidates)
        else:
            article = self.article(article_id)
        revised = self._writer.revise(article, self.now())
        self._articles[article.id] = revised
        return revised

    def articles(self, category_slug: str | None = None) -> list[DemoArticle]:
        """Articles newest first (publication time, then publication order)."""
        if category_slug is not None:
            category_for(category_slug)  # an unknown slug is a caller bug: say so
        chosen = [
            a
            for a in self._articles.values()
            if category_slug is None or a.category_slug == category_slug
        ]
        return sorted(chosen, key=lambda a: (a.published, self._order[a.id]), reverse=True)

    def article(self, article_id: str) -> DemoArticle:
        try:
            return self._articles[article_id]
        except KeyError:
            raise KeyError(f"no demo article with id {article_id!r}") from None

    # ------------------------------------------------------------------ page inputs
    def list_changed(self, category_slug: str) -> datetime:
        """When the category's list last changed (its Last-Modified)."""
        category_for(category_slug)
        return self._list_changed[category_slug]

    def neighbours(self, article_id: str) -> tuple[DemoArticle | None, DemoArticle | None]:
        older, newer = self._neighbours[article_id]
        return (
            self._articles[older] if older else None,
            self._articles[newer] if newer else None,
        )

    def _resolve(self, picks: _Picks) -> SideLinks:
        def get(ids: tuple[str, ...]) -> tuple[DemoArticle, ...]:
            return tuple(self._articles[i] for i in ids)

        return SideLinks(get(picks.related), get(picks.hot), get(picks.latest))

    def article_sidebars(self, article_id: str) -> SideLinks:
        return self._resolve(self._article_picks[article_id])

    def list_sidebars(self, category_slug: str) -> SideLinks:
        return self._resolve(self._list_picks[category_slug])

    def snapshot(self, base_url: str = "") -> dict[str, object]:
        """The ground truth: every article, newest first, with absolute URLs."""
        base = base_url.rstrip("/")
        return {
            "site": SITE_NAME,
            "seed": self.seed,
            "page_size": PAGE_SIZE,
            "categories": [
                {
                    "slug": c.slug,
                    "name": c.name,
                    "encoding": c.encoding,
                    "declared_charset": "utf-8" if c.encoding == "utf-8" else "gb2312",
                    "list_url": f"{base}/{c.slug}/",
                    "list_changed": self._list_changed[c.slug].isoformat(),
                }
                for c in CATEGORIES
            ],
            "articles": [{**a.to_json(), "url": base + a.url_path} for a in self.articles()],
        }


# ---------------------------------------------------------------------- HTTP

STATE_KEY = web.AppKey("feedsvc_demo_state", PortalState)


def _http_date(t: datetime) -> str:
    return format_datetime(t.astimezone(UTC), usegmt=True)


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    # Weak comparison (RFC 9110 13.1.2): W/ prefixes are ignored for If-None-Match.
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag in tags


def _not_modified(request: web.Request, etag: str, last_modified: datetime | None) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
        return _etag_matches(if_none_match, etag)
    since = request.if_modified_since
    return last_modified is not None and since is not None and last_modified <= since


def _conditional(
    request: web.Request,
    body: bytes,
    content_type: str,
    last_modified: datetime | None,
    status: int = 200,
) -> web.Response:
    """A response with validators derived from the bytes, or 304 when the client has them."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
    headers = {"ETag": etag}
    if last_modified is not None:
        headers["Last-Modified"] = _http_date(last_modified)
    if status == 200 and _not_modified(request, etag, last_modified):
        return web.Response(status=304, headers=headers)
    headers["Content-Type"] = content_type
    return web.Response(status=status, body=body, headers=headers)


def _html(
    request: web.Request,
    text: str,
    category: Category | None,
    last_modified: datetime | None,
    status: int = 200,
) -> web.Response:
    if category is not None and category.encoding != "utf-8":
        # The charset is declared only in the page's <meta>, as on real GBK portals.
        return _conditional(
            request, text.encode(category.encoding), "text/html", last_modified, status
        )
    return _conditional(
        request, text.encode("utf-8"), "text/html; charset=utf-8", last_modified, status
    )


def _not_found(request: web.Request) -> web.Response:
    body = render_not_found(request.path).encode("utf-8")
    return web.Response(status=404, body=body, content_type="text/html", charset="utf-8")


def _category_or_none(slug: str) -> Category | None:
    try:
        return category_for(slug)
    except ValueError:
        return None


async def _home(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    everything = state.articles()
    blocks = [(c, state.articles(c.slug)[:6]) for c in CATEGORIES]
    changed = max((a.changed for a in everything), default=None)
    return _html(request, render_home(everything[0] if everything else None, blocks), None, changed)


async def _category_redirect(request: web.Request) -> web.StreamResponse:
    if _category_or_none(request.match_info["slug"]) is None:
        return _not_found(request)
    raise web.HTTPMovedPermanently(f"/{request.match_info['slug']}/")


async def _list(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    category = _category_or_none(request.match_info["slug"])
    if category is None:
        return _not_found(request)
    name = request.match_info.get("page", "index.html")
    page = 1 if name == "index.html" else int(name.removeprefix("index_").removesuffix(".html"))
    items = state.articles(category.slug)
    pages = max(1, -(-len(items) // PAGE_SIZE))
    if page < 1 or page > pages or name == "index_1.html":
        return _not_found(request)
    html = render_list(
        category,
        items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        page=page,
        pages=pages,
        total=len(items),
        side=state.list_sidebars(category.slug),
    )
    return _html(request, html, category, state.list_changed(category.slug))


async def _article(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    category = _category_or_none(request.match_info["slug"])
    try:
        article = state.article(request.match_info["id"])
    except KeyError:
        return _not_found(request)
    if category is None or article.url_path != request.path:
        return _not_found(request)
    previous, following = state.neighbours(article.id)
    html = render_article(
        article,
        category,
        previous=previous,
        following=following,
        side=state.article_sidebars(article.id),
    )
    return _html(request, html, category, article.changed)


async def _image(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    try:
        article = state.article(request.match_info["id"])
    except KeyError:
        return _not_found(request)
    if article.image_path != request.path:
        return _not_found(request)
    return _conditional(request, demo_png(article.id), "image/png", article.published)


async def _logo(request: web.Request) -> web.Response:
    return _conditional(request, demo_png("logo"), "image/png", None)


_CSS = b"body{font:14px/1.8 'Microsoft YaHei',SimSun,sans-serif}.wrap{width:1000px;margin:0 auto}"
_JS = b"/* share bar and statistics */\n"


async def _css(request: web.Request) -> web.Response:
    return _conditional(request, _CSS, "text/css", None)


async def _js(request: web.Request) -> web.Response:
    return _conditional(request, _JS, "application/javascript", None)


async def _robots(request: web.Request) -> web.Response:
    return web.Response(text="User-agent: *\nDisallow: /_demo/\n", content_type="text/plain")


async def _state_json(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    base = f"{request.scheme}://{request.host}"
    body = json.dumps(state.snapshot(base), ensure_ascii=False, indent=2)
    return web.Response(text=body, content_type="application/json")


async def _fallback(request: web.Request) -> web.Response:
    return _not_found(request)


async def _control_publish(request: web.Request) -> web.Response:
    """Publish one article now (``?category=slug`` or a random category): lets a test that
    runs the portal as a subprocess decide exactly when something new appears."""
    state = request.app[STATE_KEY]
    slug = request.query.get("category")
    try:
        article = state.publish(slug)
    except ValueError as exc:  # an unknown category slug
        return web.Response(status=400, text=f"{exc}\n")
    base = f"{request.scheme}://{request.host}"
    body = json.dumps({**article.to_json(), "url": base + article.url_path}, ensure_ascii=False)
    return web.Response(text=body, content_type="application/json")


def _every(
    seconds: float, action: Callable[[], object], what: str
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        async def loop() -> None:
            while True:
                await asyncio.sleep(seconds)
                try:
                    action()
                except LookupError as exc:  # e.g. an edit before anything exists
                    log.warning("demo portal: %s skipped: %s", what, exc)

        task = asyncio.create_task(loop(), name=f"demo-portal-{what}")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return context


def create_portal_app(
    state: PortalState,
    *,
    auto_publish_every: float | None = None,
    auto_edit_every: float | None = None,
    control: bool = False,
) -> web.Application:
    """The portal as an aiohttp app; optional background publishing and editing.

    ``control`` adds ``POST /_demo/publish``; without it that route does not exist.
    """
    for name, value in (
        ("auto_publish_every", auto_publish_every),
        ("auto_edit_every", auto_edit_every),
    ):
        if value is not None and value <= 0:
            raise ValueError(f"{name} must be a positive number of seconds, got {value}")
    app = web.Application()
    app[STATE_KEY] = state
    app.router.add_get("/", _home)
    app.router.add_get("/index.html", _home)
    app.router.add_get("/robots.txt", _robots)
    app.router.add_get("/_demo/state.json", _state_json)
    if control:
        app.router.add_post("/_demo/publish", _control_publish)
    app.router.add_get("/static/css/style.css", _css)
    app.router.add_get("/static/js/common.js", _js)
    app.router.add_get("/static/images/logo.png", _logo)
    app.router.add_get("/uploadfile/{y:[0-9]{4}}/{md:[0-9]{4}}/{id:[0-9]+}.png", _image)
    app.router.add_get("/{slug:[a-z]+}", _category_redirect)
    app.router.add_get("/{slug:[a-z]+}/", _list)
    app.router.add_get(r"/{slug:[a-z]+}/{page:index(?:_[0-9]+)?\.html}", _list)
    app.router.add_get("/{slug:[a-z]+}/{y:[0-9]{4}}/{md:[0-9]{4}}/{id:[0-9]+}.html", _article)
    app.router.add_get("/{tail:.*}", _fallback)
    if auto_publish_every is not None:
        app.cleanup_ctx.append(_every(auto_publish_every, state.publish, "publish"))
    if auto_edit_every is not None:
        app.cleanup_ctx.append(_every(auto_edit_every, state.edit, "edit"))
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m feedsvc.demo.portal",
        description=f"Run the {SITE_NAME} demo news portal alone.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8081, help="port to bind (8081)")
    parser.add_argument("--seed", type=int, default=1, help="content seed (1)")
    parser.add_argument(
        "--publish-every", type=float, default=60.0, help="seconds between new articles (60)"
    )
    parser.add_argument(
        "--edit-every", type=float, default=300.0, help="seconds between edits (300)"
    )
    parser.add_argument(
        "--control",
        action="store_true",
        help="enable POST /_demo/publish[?category=slug] to publish an article on demand",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = create_portal_app(
        PortalState(seed=args.seed),
        auto_publish_every=args.publish_every,
        auto_edit_every=args.edit_every,
        control=args.control,
    )
    print(f"demo portal: http://{args.host}:{args.port}/  (ground truth: /_demo/state.json)")
    web.run_app(app, host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
