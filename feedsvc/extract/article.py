"""Article pages: each field from its own resolver over typed candidates.

Per field, first hit wins among the generic layers: JSON-LD → meta (OpenGraph,
``article:*``, named meta such as ``publishdate``) → ``<time datetime>`` → text patterns
(labelled lines such as ``日期:``/``来源:``, breadcrumbs) → heuristics (h1 vs ``<title>``,
first date near the title, URL date) → readability for the body. Providers (the source's
selectors; a template learned per source) add stronger candidates (``fields``). The
resolvers: ``titles.resolve_title``, ``published``, ``bylines`` (author, source, editor),
``category``, ``body`` (content, summary, image). ``provenance`` records which rule
produced each field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, tzinfo
from typing import TypeVar

from feedsvc.errors import ExtractError
from feedsvc.extract.articlepage import ArticlePage
from feedsvc.extract.authorbio import drop_author_bio
from feedsvc.extract.body import leading_lines, resolve_content, resolve_image, resolve_summary
from feedsvc.extract.bylines import resolve_credits
from feedsvc.extract.category import resolve_category
from feedsvc.extract.dom import absolute_url, parse_html
from feedsvc.extract.fields import (
    Candidate,
    CandidateProvider,
    Fields,
    Strength,
    candidate,
    value,
)
from feedsvc.extract.providers import SelectorProvider
from feedsvc.extract.published import resolve_modified, resolve_published
from feedsvc.extract.titles import first_sentence_title, resolve_title
from feedsvc.models import ExtractedArticle, Selectors
from feedsvc.normalize.text import html_to_text

__all__ = ["extract_article"]

T = TypeVar("T")


def extract_article(
    html: str,
    page_url: str,
    *,
    selectors: Selectors | None,
    tz: tzinfo,
    now: datetime,
    providers: Sequence[CandidateProvider] = (),
) -> ExtractedArticle:
    """Extract an article's fields from a decoded page; raises ExtractError when the page
    has neither a title nor content (or a selector does not compile). ``providers`` add
    candidates beside the source's selectors."""
    try:
        root = parse_html(html)
    except ValueError as exc:
        raise ExtractError(page_url, str(exc)) from exc
    page = ArticlePage(root, page_url, tz, now)
    every = (SelectorProvider(selectors, page_url), *providers)
    for provider in every:
        provider.prepare(page)
    f = Fields()
    f.title = resolve_title(page, _offers(every, lambda p: p.title(page)))
    page.set_title(value(f.title))
    f.published = resolve_published(page, _offers(every, lambda p: p.published(page)))
    f.modified = resolve_modified(page)
    page.fix_images()
    f.category = resolve_category(page, _offers(every, lambda p: p.category(page)))
    f.content_html = resolve_content(page, _offers(every, lambda p: p.content(page, page.title)))
    content_html = value(f.content_html)
    if not page.title and not content_html:
        raise ExtractError(page_url, "no title and no content found")
    text = html_to_text(content_html) if content_html else ""
    # A page that shows no title still has its body: its first sentence, flagged.
    f.title = f.title or first_sentence_title(leading_lines(content_html))
    credits = resolve_credits(page, content_html, text, _offers(every, lambda p: p.author(page)))
    f.author, f.source_name, f.editor = credits.author, credits.source_name, credits.editor
    if f.content_html and f.content_html.strength == Strength.GENERIC:
        # A closing author biography is the writer's, not the article's.
        trimmed = drop_author_bio(f.content_html.value, value(f.author))
        if trimmed != f.content_html.value:
            f.content_html = Candidate(trimmed, f.content_html.rule)
            content_html, text = trimmed, html_to_text(trimmed)
    f.summary = resolve_summary(page, text)
    f.image = resolve_image(page, content_html)
    f.canonical_url = _canonical(page)
    return _article(f, page)


def _offers(
    providers: Iterable[CandidateProvider],
    ask: Callable[[CandidateProvider], Sequence[Candidate[T]]],
) -> list[Candidate[T]]:
    return [found for provider in providers for found in ask(provider)]


def _canonical(page: ArticlePage) -> Candidate[str] | None:
    """The declared canonical outranks JSON-LD's url, which is often the site root."""
    meta = page.meta
    declared = absolute_url(page.url, meta.canonical) or absolute_url(page.url, meta.get("og:url"))
    return candidate(declared, "meta") or candidate(absolute_url(page.url, page.ld.url), "json-ld")


def _article(f: Fields, page: ArticlePage) -> ExtractedArticle:
    provenance = f.provenance()
    lang = page.meta.lang
    if lang:
        provenance["language"] = "meta"
    published, modified = value(f.published), value(f.modified)
    return ExtractedArticle(
        url=page.url,
        title=value(f.title),
        published=published.value if published else None,
        published_has_time=published.has_time if published else False,
        modified=modified.value if modified else None,
        author=value(f.author),
        source_name=value(f.source_name),
        category=value(f.category),
        content_html=value(f.content_html),
        summary=value(f.summary),
        image=value(f.image),
        canonical_url=value(f.canonical_url),
        language=lang,
        provenance=provenance,
        editor=value(f.editor),
    )
