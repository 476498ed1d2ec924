"""What a source would give, without storing anything: the admin API's preview.

Fetches the list page through a :class:`~feedsvc.fetch.Fetcher` (the same private-network
guard, robots.txt, size caps and timeouts as a refresh), finds the list (pinned selectors,
else automatic detection with its candidates), explains every link on the page
(``extract.linkreasons``), and extracts the first few articles with each field's
provenance. Parsing runs in a thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from feedsvc.config import Settings
from feedsvc.errors import ExtractError, FeedsvcError
from feedsvc.extract import extract_article, extract_list
from feedsvc.extract.dom import parse_html
from feedsvc.extract.linkreasons import LinkVerdict, explain_links
from feedsvc.extract.listdetect import Candidate, ListDetection, detect_in_tree
from feedsvc.fetch import Fetcher
from feedsvc.models import (
    ExtractedArticle,
    FetchResult,
    NormalizedArticle,
    Selectors,
    SourceConfig,
)
from feedsvc.normalize import normalize_article
from feedsvc.refresh.context import page_zone

ARTICLES_SHOWN = 3


@dataclass(frozen=True)
class PreviewRequest:
    url: str
    selectors: Selectors | None = None
    timezone: str | None = None
    encoding: str | None = None
    allow_private: bool = False  # already checked against the server's setting


@dataclass(frozen=True)
class PreviewArticle:
    url: str
    article: NormalizedArticle | None = None
    extracted: ExtractedArticle | None = None
    error: str | None = None


@dataclass
class Preview:
    url: str  # the list page's final URL
    found: ListDetection
    links: list[LinkVerdict]
    articles: list[PreviewArticle] = field(default_factory=list)


def _uses_selectors(selectors: Selectors | None) -> bool:
    return selectors is not None and any((selectors.item, selectors.link, selectors.title))


def _analyse(text: str, url: str, req: PreviewRequest, zone: str, now: datetime) -> Preview:
    tz = ZoneInfo(zone)
    root = parse_html(text)
    if _uses_selectors(req.selectors):
        assert req.selectors is not None
        listed = extract_list(text, url, selectors=req.selectors, tz=tz, now=now)
        pinned = Candidate(
            rule=listed.rule, score=0.0, selector_suggestion=req.selectors, items=listed.items
        )
        found = ListDetection(pinned, (pinned,), listed.next_page_url)
    else:
        found = detect_in_tree(root, url, tz=tz, now=now)
    return Preview(url=url, found=found, links=explain_links(root, url, found))


def _article(
    fetched: FetchResult, source: SourceConfig, zone: str, now: datetime, max_bytes: int
) -> PreviewArticle:
    url = fetched.final_url
    try:
        extracted = extract_article(
            fetched.text, url, selectors=source.selectors, tz=ZoneInfo(zone), now=now
        )
        article = normalize_article(
            extracted,
            link_url=url,
            list_item=None,
            fetch=fetched,
            source=source,
            now=now,
            max_content_bytes=max_bytes,
        )
    except (FeedsvcError, ValueError) as exc:
        return PreviewArticle(url, error=str(exc))
    return PreviewArticle(url, article=article, extracted=extracted)


async def run_preview(settings: Settings, req: PreviewRequest) -> Preview:
    """Raises FetchError when the list page cannot be fetched, ExtractError when it is not
    a page at all; an article that fails is reported in its entry instead."""
    now = datetime.now(UTC)
    source = SourceConfig(
        id="preview",
        name="preview",
        urls=(req.url,),
        interval_seconds=3600,
        timezone=req.timezone,
        selectors=req.selectors,
        encoding=req.encoding,
    )
    async with Fetcher(settings) as fetcher:
        page = await fetcher.fetch(req.url, allow_private=req.allow_private, encoding=req.encoding)
        try:
            zone = page_zone(source, settings, page).name  # configured, else from evidence
            preview = await asyncio.to_thread(_analyse, page.text, page.final_url, req, zone, now)
        except ValueError as exc:
            raise ExtractError(page.final_url, str(exc)) from exc
        winner = preview.found.winner
        firsts = [item.url for item in (winner.items if winner else ())][:ARTICLES_SHOWN]

        async def one(url: str) -> PreviewArticle:
            try:
                fetched = await fetcher.fetch(
                    url, allow_private=req.allow_private, encoding=req.encoding
                )
            except FeedsvcError as exc:
                return PreviewArticle(url, error=str(exc))
            zone = page_zone(source, settings, fetched).name
            return await asyncio.to_thread(
                _article, fetched, source, zone, now, settings.max_content_bytes
            )

        preview.articles = list(await asyncio.gather(*(one(u) for u in firsts)))
    return preview
