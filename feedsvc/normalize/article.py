"""Article assembly: extracted fields (and the list's) into a storable article."""

from __future__ import annotations

import html as htmllib
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from feedsvc.errors import ExtractError
from feedsvc.htmlcap import DEFAULT_MAX_CONTENT_BYTES, cap_html, precut
from feedsvc.models import (
    GUESSED_TITLE_RULE,
    ExtractedArticle,
    FetchResult,
    ListItem,
    NormalizedArticle,
    SourceConfig,
)
from feedsvc.normalize.fingerprint import content_hash
from feedsvc.normalize.sanitize import sanitize_html
from feedsvc.normalize.text import SUMMARY_CHARS, clean_text, html_to_text, summarize
from feedsvc.normalize.urls import absolute_http_url, canonical_url, entry_id_for, normalize_url

FUTURE_TOLERANCE = timedelta(minutes=10)


def _aware(value: datetime | None, zone: tzinfo) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=zone)


def _pick_published(
    extracted: ExtractedArticle,
    list_item: ListItem | None,
    zone: tzinfo,
) -> datetime | None:
    """The article page's time, refined by the list's when the page shows only the date."""
    page = _aware(extracted.published, zone)
    listed = _aware(list_item.published, zone) if list_item else None
    listed_has_time = bool(list_item and list_item.published_has_time)
    if page is None:
        return listed
    if extracted.published_has_time or listed is None or not listed_has_time:
        return page
    # Only refine when both name the same calendar day; otherwise the page is the authority.
    page_zone = page.tzinfo or zone
    if listed.astimezone(page_zone).date() == page.date():
        return listed
    return page


def _summary_html(summary: str | None) -> str:
    text = clean_text(summary)
    return f"<p>{htmllib.escape(text, quote=False)}</p>" if text else ""


def _has_content(html: str) -> bool:
    return bool(html_to_text(html)) or "<img" in html


def normalize_article(
    extracted: ExtractedArticle,
    *,
    link_url: str,
    list_item: ListItem | None,
    fetch: FetchResult | None,
    source: SourceConfig,
    now: datetime,
    first_seen: datetime | None = None,
    default_tz: tzinfo | None = None,
    max_content_bytes: int = DEFAULT_MAX_CONTENT_BYTES,
) -> NormalizedArticle:
    """Turn extracted fields into a storable article.

    ``now`` must be aware. ``first_seen`` (when the article is already known) keeps a
    fallback publication time stable across re-checks. ``default_tz`` (else the source's
    zone, else UTC) only applies to naive times, which extraction should not produce.
    Content longer than ``max_content_bytes`` is cut and marked (``htmlcap``).
    Raises ExtractError when neither the page nor the list gives a title.
    """
    page_url = fetch.final_url if fetch is not None else extracted.url
    canonical = canonical_url(page_url, extracted.canonical_url)
    link = normalize_url(link_url)
    page_title = clean_text(extracted.title)
    list_title = clean_text(list_item.title if list_item else None)
    # The list's link text beats a title guessed from the body's first sentence.
    guessed = extracted.provenance.get("title") == GUESSED_TITLE_RULE
    title = (list_title or page_title) if guessed else (page_title or list_title)
    if title is None:
        raise ExtractError(page_url, "no title on the article page or in the list")
    zone: tzinfo = default_tz or (ZoneInfo(source.timezone) if source.timezone else ZoneInfo("UTC"))

    published = _pick_published(extracted, list_item, zone)
    is_fallback = published is None
    if published is None:
        published = first_seen or now
    if published > now + FUTURE_TOLERANCE:
        published = now

    content, cut = "", False
    if source.full_text and extracted.content_html:
        raw, cut = precut(extracted.content_html, max_content_bytes)
        # Relative URLs resolve against the document's own address, not its canonical one.
        content = cap_html(sanitize_html(raw, page_url), max_content_bytes, canonical, cut=cut)
    if not _has_content(content):
        content = _summary_html(list_item.summary if list_item else None) or _summary_html(
            extracted.summary
        )
        content = cap_html(content, max_content_bytes, canonical)
    # The article's own text beats the list's teaser, which is often cut mid-sentence.
    summary_source = clean_text(extracted.summary) or html_to_text(content)
    image = absolute_http_url(extracted.image, page_url) or (
        absolute_http_url(list_item.image, page_url) if list_item else None
    )
    # The reporter is the author and the outlet (来源) is carried beside; with no reporter
    # the outlet is the author, named once.
    author, outlet = clean_text(extracted.author), clean_text(extracted.source_name)
    return NormalizedArticle(
        canonical_url=canonical,
        link_url=link,
        entry_id=entry_id_for(canonical),
        title=title,
        published=published,
        published_is_fallback=is_fallback,
        author=author or outlet,
        outlet=outlet if author and outlet != author else None,
        editor=clean_text(extracted.editor),
        category=clean_text(source.category)
        or clean_text(extracted.category)
        or clean_text(list_item.category if list_item else None),
        content_html=content,
        summary=summarize(summary_source, SUMMARY_CHARS),
        image=image,
        content_hash=content_hash(title, content),
        language=source.language or clean_text(extracted.language),
        etag=fetch.etag if fetch is not None else None,
        last_modified=fetch.last_modified if fetch is not None else None,
    )
