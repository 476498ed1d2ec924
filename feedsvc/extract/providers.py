"""Candidate providers beside the generic layers: the source's selectors.

A provider is one more source of :class:`~feedsvc.extract.fields.Candidate` values for
an article page's fields (see ``fields.CandidateProvider``); a template learned per source
plugs in the same way, at ``Strength.TEMPLATE``.
"""

from __future__ import annotations

from collections.abc import Sequence

from feedsvc.extract.articlepage import ArticlePage
from feedsvc.extract.content import selected_content
from feedsvc.extract.dateassembly import ParsedTime
from feedsvc.extract.fields import Candidate, CandidateProvider, Strength, candidate
from feedsvc.extract.published import parse_time
from feedsvc.extract.selecting import source_selector
from feedsvc.models import Selectors

__all__ = ["SelectorProvider"]


class SelectorProvider(CandidateProvider):
    """The operator's selectors (``article_title``, ``article_date``, ``author``,
    ``content``): the strongest candidates, provenance ``selector``."""

    def __init__(self, selectors: Selectors | None, page_url: str) -> None:
        self._title = source_selector(selectors, "article_title", page_url)
        self._author = source_selector(selectors, "author", page_url)
        self._date = source_selector(selectors, "article_date", page_url)
        self._content = source_selector(selectors, "content", page_url)

    def title(self, page: ArticlePage) -> Sequence[Candidate[str]]:
        return _one(self._title.first(page.root) if self._title else None)

    def author(self, page: ArticlePage) -> Sequence[Candidate[str]]:
        return _one(self._author.first(page.root) if self._author else None)

    def published(self, page: ArticlePage) -> Sequence[Candidate[ParsedTime]]:
        if self._date is None:
            return ()
        found = candidate(
            parse_time(self._date.first(page.root), page.tz, page.now),
            "selector",
            Strength.SELECTOR,
        )
        return (found,) if found else ()

    def content(self, page: ArticlePage, title: str | None) -> Sequence[Candidate[str]]:
        if self._content is None:
            return ()
        return _one(selected_content(self._content.elements(page.root), title))


def _one(value: str | None) -> Sequence[Candidate[str]]:
    found = candidate(value, "selector", Strength.SELECTOR)
    return (found,) if found else ()
