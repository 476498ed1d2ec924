"""What every feed format derives the same way from stored articles, so that the Atom,
RSS and JSON renderings of one feed always agree: order, author, language, times."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from feedsvc.feeds.xmltext import xml_safe_or_none
from feedsvc.langtag import common_language, language_tag
from feedsvc.models import StoredArticle

T = TypeVar("T")

log = logging.getLogger(__name__)


def newest_first(entries: Sequence[StoredArticle]) -> list[StoredArticle]:
    """The store's keyset order (published, then entry id, descending), whatever the
    input order: the same data always renders the same bytes, and a page cut by the
    store shows its entries in the order its cursor assumes."""
    return sorted(entries, key=lambda a: (utc(a.published), a.entry_id), reverse=True)


def entry_author(article: StoredArticle) -> str | None:
    """The byline, else the source's name, else its id: every entry names someone."""
    return (
        xml_safe_or_none(article.author)
        or xml_safe_or_none(article.source_name)
        or xml_safe_or_none(article.source_id)
    )


def entry_contributor(article: StoredArticle) -> str | None:
    """The editor (责任编辑) credited beside the byline; None when it is the name the
    entry already gives as its author."""
    editor = xml_safe_or_none(article.editor)
    return editor if editor and editor != entry_author(article) else None


def entry_outlet(article: StoredArticle) -> str | None:
    """The outlet (来源: 新华社, Reuters) beside the reporter; None when the entry already
    names it, as its author or its editor."""
    outlet = xml_safe_or_none(article.outlet)
    named = (entry_author(article), entry_contributor(article))
    return outlet if outlet and outlet not in named else None


def entry_contributors(article: StoredArticle) -> list[str]:
    """Who the entry credits beside its author, in order: the editor, then the outlet
    (Atom ``<contributor>``, RSS ``dc:contributor``)."""
    return [name for name in (entry_contributor(article), entry_outlet(article)) if name]


def feed_language(declared: str | None, entries: Sequence[StoredArticle]) -> str | None:
    """The feed's language: the declared one (the sources'), else the one language every
    entry carries."""
    return language_tag(declared) or (
        common_language(a.language for a in entries) if entries else None
    )


def utc(value: datetime) -> datetime:
    # Stages never hand out naive times; treating a stray one as UTC beats dropping it.
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def rfc3339(value: datetime) -> str:
    """RFC 3339 with an explicit offset, always UTC: ``2024-05-18T02:20:00+00:00``."""
    return utc(value).isoformat()


def build_entries(
    feed: object, fmt: str, ordered: Sequence[StoredArticle], build: Callable[[StoredArticle], T]
) -> list[T]:
    """Each article built into an entry; one that cannot be built is logged and left out,
    because one bad article must never take the whole feed down."""
    built: list[T] = []
    for article in ordered:
        try:
            built.append(build(article))
        except Exception as exc:
            log.warning(
                "feed %s (%s): skipping entry %r (%s): %s",
                feed,
                fmt,
                article.entry_id,
                article.canonical_url,
                exc,
            )
    return built
