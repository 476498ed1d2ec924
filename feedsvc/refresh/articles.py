"""The article stage of a refresh: fetch NEW article pages, plus known ones re-checked for
edits (conditional GET: a few per interval, or on a manual refresh the recent ones still on
the list, up to ``manual_recheck_max``), and extract + normalize each off the event loop in
one round trip. A failure of one article page is recorded and that article retried next time."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from feedsvc.config import Settings
from feedsvc.errors import ExtractError, FetchError
from feedsvc.extract.template import Template
from feedsvc.extract.templated import extract_templated
from feedsvc.models import (
    DroppedLink,
    ExtractedArticle,
    FetchResult,
    KnownArticle,
    ListItem,
    NormalizedArticle,
    PageValidators,
    SourceConfig,
    SourceState,
)
from feedsvc.normalize import normalize_article
from feedsvc.pause_points import pause_point
from feedsvc.redact import redact_credentials
from feedsvc.refresh.context import RefreshContext, allow_private, extract_in_pool, page_zone
from feedsvc.refresh.pagelog import PageLog
from feedsvc.refresh.templating import PageTemplating, advance, load_template
from feedsvc.store.templates import TemplateState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProcessedArticle:
    article: NormalizedArticle
    templating: PageTemplating


def process_article(
    fetch: FetchResult,
    link_url: str,
    list_item: ListItem | None,
    source: SourceConfig,
    zone_name: str,
    now: datetime,
    first_seen: datetime | None,
    max_content_bytes: int,
    template: Template | None = None,
) -> ProcessedArticle:
    """Extract (pinned by the source's template when it matches) and normalize one article
    page in a single trip off the event loop."""
    pause_point("extract")  # inert outside the crash tests
    found = extract_templated(
        fetch.text,
        fetch.final_url,
        selectors=source.selectors,
        tz=ZoneInfo(zone_name),
        now=now,
        template=template,
    )
    article = normalize_article(
        found.article,
        link_url=link_url,
        list_item=list_item,
        fetch=fetch,
        source=source,
        now=now,
        first_seen=first_seen,
        max_content_bytes=max_content_bytes,
    )
    return ProcessedArticle(article, PageTemplating(found.pinned, found.drift, found.observation))


def article_from_list_item(
    item: ListItem, link_url: str, source: SourceConfig, now: datetime, max_content_bytes: int
) -> NormalizedArticle:
    """For sources with ``full_text: false``: the list item is all there is."""
    extracted = ExtractedArticle(
        url=item.url,
        title=item.title,
        published=item.published,
        published_has_time=item.published_has_time,
        summary=item.summary,
        image=item.image,
        provenance={"title": "list", "published": "list"},
    )
    return normalize_article(
        extracted,
        link_url=link_url,
        list_item=item,
        fetch=None,
        source=source,
        now=now,
        max_content_bytes=max_content_bytes,
    )


@dataclass
class Collected:
    """What the article stage found: articles to save, known ones re-checked unchanged,
    known ones on the list (to link to this source), per-article errors."""

    articles: list[NormalizedArticle] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    templating: list[PageTemplating] = field(default_factory=list)
    template_state: TemplateState | None = None  # to write with the save (None: unchanged)
    template_note: str | None = None
    rechecked: int = 0  # known articles re-fetched that answered (304 or a page)


Job = tuple[str, ListItem | None, KnownArticle | None]  # link, list item, what is stored


async def scheduled_rechecks(
    ctx: RefreshContext, source: SourceConfig, links: list[tuple[str, ListItem]], now: datetime
) -> list[Job]:
    """A scheduled refresh's re-checks: ``recheck_per_refresh`` of the source's articles
    first seen within ``recheck_hours``, least recently checked first, each at most once
    per interval."""
    settings = ctx.settings
    if settings.recheck_per_refresh <= 0:
        return []
    since = now - timedelta(hours=settings.recheck_hours)
    min_gap = timedelta(seconds=source.interval_seconds)
    on_list = dict(links)
    return [
        (art.link_url, on_list.get(art.link_url), art)
        for art in await ctx.store.articles_to_recheck(
            source.id, since, settings.recheck_per_refresh
        )
        if art.last_checked_at <= now - min_gap
    ]


def manual_rechecks(
    settings: Settings,
    links: list[tuple[str, ListItem]],
    known: dict[str, KnownArticle],
    now: datetime,
) -> list[Job]:
    """A manual refresh's re-checks: the known articles on the list page first seen within
    ``recheck_hours``, newest first, up to ``manual_recheck_max``, however recently checked
    (an article no longer listed is left alone)."""
    since = now - timedelta(hours=settings.recheck_hours)
    recent: dict[str, tuple[KnownArticle, str, ListItem]] = {}  # by canonical URL
    for link, item in links:
        art = known.get(link)
        if art is not None and art.first_seen > since:
            recent.setdefault(art.canonical_url, (art, link, item))
    newest = sorted(recent.values(), key=lambda found: found[0].published, reverse=True)
    return [(link, item, art) for art, link, item in newest[: settings.manual_recheck_max]]


async def fetch_and_process(
    ctx: RefreshContext,
    source: SourceConfig,
    link_url: str,
    item: ListItem | None,
    known: KnownArticle | None,
    now: datetime,
    pages: PageLog,
    template: Template | None = None,
) -> ProcessedArticle | None:
    """One article: None means "checked, unchanged" (304)."""
    validators = (
        PageValidators(etag=known.etag, last_modified=known.last_modified) if known else None
    )
    fetch = await pages.fetch(
        "article",
        item.url if item else link_url,
        validators=validators,
        allow_private=allow_private(source, ctx.settings),
        encoding=source.encoding,
    )
    if fetch.not_modified:
        return None
    return await extract_in_pool(
        ctx,
        fetch.final_url,
        process_article,
        fetch,
        link_url,
        item,
        source,
        page_zone(source, ctx.settings, fetch).name,
        now,
        known.first_seen if known else None,
        ctx.settings.max_content_bytes,
        template,
    )


async def collect_articles(
    ctx: RefreshContext,
    state: SourceState,
    links: list[tuple[str, ListItem]],
    now: datetime,
    deadline: float,
    dropped: list[DroppedLink],
    pages: PageLog,
    *,
    manual: bool = False,
) -> Collected:
    source = state.config
    settings = ctx.settings
    known = await ctx.store.known_articles([link for link, _ in links])
    new_links = [(link, item) for link, item in links if link not in known]
    found = Collected(listed=[link for link, _ in links if link in known])
    if not source.full_text:
        cap = settings.max_content_bytes
        found.articles = [
            article_from_list_item(i, link, source, now, cap) for link, i in new_links
        ]
        return found

    jobs: list[Job] = [
        (link, item, None) for link, item in new_links[: settings.max_new_per_refresh]
    ]
    dropped.extend(
        DroppedLink(link, f"deferred: over max_new_per_refresh ({settings.max_new_per_refresh})")
        for link, _ in new_links[settings.max_new_per_refresh :]
    )
    if manual:
        jobs.extend(manual_rechecks(settings, links, known, now))
    else:
        jobs.extend(await scheduled_rechecks(ctx, source, links, now))

    if not jobs:
        return found  # nothing to fetch: the template is neither read nor advanced
    errors = found.errors
    tstate = await load_template(ctx.store, source.id)

    async def run(link: str, item: ListItem | None, prior: KnownArticle | None) -> None:
        if time.monotonic() > deadline:
            postponed = f"{link}: postponed, refresh ran out of its lease time"
            errors.append(redact_credentials(postponed))
            dropped.append(DroppedLink(link, "postponed: the refresh ran out of its lease time"))
            return
        try:
            done = await fetch_and_process(
                ctx, source, link, item, prior, now, pages, tstate.template
            )
        except (FetchError, ExtractError) as exc:
            errors.append(str(exc))
            dropped.append(DroppedLink(link, f"{type(exc).__name__}: {exc}"))
            log.warning("source %s: article skipped: %s", source.id, exc)
            return
        except Exception as exc:  # a bug in one page's handling must not sink the source
            errors.append(redact_credentials(f"{link}: {type(exc).__name__}: {exc}"))
            dropped.append(
                DroppedLink(link, redact_credentials(f"unexpected {type(exc).__name__}"))
            )
            log.exception("source %s: unexpected error on %s", source.id, link)
            return
        if prior is not None:
            found.rechecked += 1
        if done is None:
            found.checked.append(link)
        else:
            found.articles.append(done.article)
            found.templating.append(done.templating)

    await asyncio.gather(*(run(*job) for job in jobs))
    found.template_state, found.template_note = advance(tstate, found.templating, now)
    return found
