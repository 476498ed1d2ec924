"""``feedsvc check``: what feedsvc would extract from a URL or a saved page. Writes nothing."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from feedsvc.config import Settings
from feedsvc.extract import extract_article, extract_list
from feedsvc.fetch import Fetcher, decode_html
from feedsvc.models import ListItem, NormalizedArticle, Selectors, SourceConfig
from feedsvc.normalize import html_to_text, normalize_article
from feedsvc.runtime import utc_now


@dataclass
class CheckResult:
    list_url: str | None
    rule: str | None
    items: list[ListItem] = field(default_factory=list)
    next_page_url: str | None = None
    article: NormalizedArticle | None = None
    article_error: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        art = self.article
        return {
            "items": [
                {"url": i.url, "title": i.title, "published": iso(i.published)} for i in self.items
            ],
            "rule": self.rule,
            "next_page_url": self.next_page_url,
            "article": None
            if art is None
            else {
                "url": art.canonical_url,
                "title": art.title,
                "published": iso(art.published),
                "author": art.author,
                "category": art.category,
                "content_html": art.content_html,
                "content_text": html_to_text(art.content_html),
                "summary": art.summary,
                "image": art.image,
                "id": art.entry_id,
            },
            "article_error": self.article_error,
            "provenance": self.provenance,
        }

    def to_text(self) -> str:
        lines: list[str] = []
        if self.list_url:
            lines.append(f"list page: {self.list_url}")
            lines.append(f"rule: {self.rule}  ({len(self.items)} items)")
            for n, item in enumerate(self.items, 1):
                when = item.published.isoformat() if item.published else "-"
                lines.append(f"  {n:3}. {when:25}  {item.title or '(no title)'}")
                lines.append(f"       {item.url}")
            if self.next_page_url:
                lines.append(f"next page: {self.next_page_url}")
        art = self.article
        if art is not None:
            text = html_to_text(art.content_html)
            lines += [
                "",
                f"article: {art.canonical_url}",
                f"  id:        {art.entry_id}",
                f"  title:     {art.title}",
                f"  published: {art.published.isoformat()}"
                + ("  (fallback: none on the page)" if art.published_is_fallback else ""),
                f"  author:    {art.author}",
                f"  category:  {art.category}",
                f"  image:     {art.image}",
                f"  summary:   {art.summary}",
                f"  content:   {len(text)} characters: {text[:300]}…",
                "  provenance: "
                + ", ".join(f"{k}={v}" for k, v in sorted(self.provenance.items())),
            ]
        elif self.article_error:
            lines.append(f"article: could not extract: {self.article_error}")
        return "\n".join(lines)


async def run_check(
    settings: Settings,
    target: str,
    *,
    selectors: Selectors | None = None,
    article_only: bool = False,
    base_url: str | None = None,
) -> CheckResult:
    """Fetch (or read) ``target`` and extract it like a refresh would, without storing."""
    now = utc_now()
    tz = ZoneInfo(settings.timezone)
    source = SourceConfig(
        id="check", name="check", urls=(target,), interval_seconds=3600, selectors=selectors
    )
    saved = await asyncio.to_thread(_read_saved_page, target)
    async with Fetcher(settings) as fetcher:
        if saved is not None:
            # Links on a saved page resolve against --base-url (a placeholder host otherwise).
            page_url = base_url or f"http://localhost/{Path(target).name}"
            text = decode_html(saved, None).text
            fetch = None
        else:
            fetch = await fetcher.fetch(target, allow_private=settings.allow_private_networks)
            page_url, text = fetch.final_url, fetch.text
        if article_only:
            return _article_result(text, page_url, source, tz, now, fetch, None, list_url=None)
        page = extract_list(text, page_url, selectors=selectors, tz=tz, now=now)
        result = CheckResult(
            list_url=page_url,
            rule=page.rule,
            items=list(page.items),
            next_page_url=page.next_page_url,
        )
        if page.items:
            first = page.items[0]
            try:
                art_fetch = await fetcher.fetch(
                    first.url, allow_private=settings.allow_private_networks
                )
            except Exception as exc:
                result.article_error = str(exc)
                return result
            art = _article_result(
                art_fetch.text, art_fetch.final_url, source, tz, now, art_fetch, first, page_url
            )
            result.article, result.article_error = art.article, art.article_error
            result.provenance = art.provenance
        return result


def _read_saved_page(target: str) -> bytes | None:
    path = Path(target)
    return path.read_bytes() if path.is_file() else None


def _article_result(
    text: str,
    url: str,
    source: SourceConfig,
    tz: ZoneInfo,
    now: datetime,
    fetch: Any,
    item: ListItem | None,
    list_url: str | None,
) -> CheckResult:
    result = CheckResult(list_url=list_url, rule=None)
    try:
        extracted = extract_article(text, url, selectors=source.selectors, tz=tz, now=now)
        result.provenance = dict(extracted.provenance)
        result.article = normalize_article(
            extracted, link_url=url, list_item=item, fetch=fetch, source=source, now=now
        )
    except Exception as exc:
        result.article_error = str(exc)
    return result


def dumps(result: CheckResult) -> str:
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2)
