"""A learned template as a candidate provider: pinned paths instead of full scoring.

``TemplateProvider.prepare`` pins the template on a parsed page: it finds the body (and the
headline, the region, the category label) at their learned paths, drops the teaser blocks
and the boilerplate blocks the template knows (inside the region: a bio box, a 相关阅读
list with its ``本报讯（记者 X）`` summaries), and narrows the page to the region so credits
are read there only. Its candidates are ``Strength.TEMPLATE``: above the generic layers,
so readability's scoring never runs on a pinned page; below the operator's selectors.

Drift: when a learned path no longer matches (no body, several headlines, a body with no
text left), ``drift`` says what failed and the provider offers nothing, so the page is
extracted by the generic layers alone. The refresh counts drifted pages and relearns.
"""

from __future__ import annotations

from collections.abc import Sequence

import lxml.html

from feedsvc.extract.articlepage import ArticlePage
from feedsvc.extract.content import selected_content
from feedsvc.extract.dom import short_text, text_of
from feedsvc.extract.dompath import element_path, find_by_tail, find_many, rebase
from feedsvc.extract.fields import Candidate, CandidateProvider, Strength
from feedsvc.extract.stripping import drop
from feedsvc.extract.template import Template, fingerprint

__all__ = ["RULE", "TemplateProvider"]

RULE = "template"
_MIN_BODY = 20  # characters of text the pinned body must keep
_MAX_CATEGORY = 20


class TemplateProvider(CandidateProvider):
    """The source's learned template. One provider per page (it keeps the pinned elements)."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.drift: str | None = None
        self.pinned = False
        self._body: lxml.html.HtmlElement | None = None
        self._title: lxml.html.HtmlElement | None = None
        self._category: lxml.html.HtmlElement | None = None

    def prepare(self, page: ArticlePage) -> None:
        t = self.template
        blocks = [key.partition("@")[2] for key in t.boilerplate]
        wanted = [t.body, *t.teasers, *blocks, *(p for p in (t.title, t.region, t.category) if p)]
        at = find_many(page.root, wanted)
        bodies = at[t.body]
        if not bodies:
            # A wrapper more or less above the article: its path's last steps still name
            # it, and the other parts' paths move with it.
            bodies = find_by_tail(page.root, t.body)
            if len(bodies) == 1:
                moved = {p: rebase(p, t.body, element_path(bodies[0])) for p in wanted}
                found = find_many(page.root, moved.values())
                at = {p: found[moved[p]] for p in wanted}
        if not bodies:
            self.drift = f"body path {t.body} matches nothing"
            return
        body = max(bodies, key=lambda el: len(el.text_content()))
        if len(text_of(body)) < _MIN_BODY:
            self.drift = f"body path {t.body} holds no text"
            return
        title = None
        if t.title:
            titles = at[t.title]
            if len(titles) != 1:
                self.drift = f"title path {t.title} matches {len(titles)} elements"
                return
            title = titles[0]
        region = _region(at[t.region] if t.region else [], body, title)
        teasers = [el for path in t.teasers for el in at[path] if not _holds(el, body)]
        for el in teasers + _boilerplate(at, region, body, t.boilerplate):
            if title is None or not _holds(el, title):  # never the page's own headline
                drop(el)
        self._body, self._title = body, title
        categories = at[t.category] if t.category else []
        self._category = categories[0] if len(categories) == 1 else None
        page.narrow(region)
        self.pinned = True

    def title(self, page: ArticlePage) -> Sequence[Candidate[str]]:
        if self._title is None:
            return ()
        text = text_of(self._title)
        return (Candidate(text, RULE, Strength.TEMPLATE),) if text else ()

    def category(self, page: ArticlePage) -> Sequence[Candidate[str]]:
        if self._category is None:
            return ()
        text = short_text(self._category, _MAX_CATEGORY)
        return (Candidate(text, RULE, Strength.TEMPLATE),) if text else ()

    def content(self, page: ArticlePage, title: str | None) -> Sequence[Candidate[str]]:
        if self._body is None:
            return ()
        html = selected_content([self._body], title)
        return (Candidate(html, RULE, Strength.TEMPLATE),) if html else ()


def _region(
    found: list[lxml.html.HtmlElement],
    body: lxml.html.HtmlElement,
    title: lxml.html.HtmlElement | None,
) -> lxml.html.HtmlElement:
    """The region: the element at its path that holds the body (a path such as ``table``
    may name several), else the smallest one holding both headline and body."""
    holding = [el for el in found if _holds(el, body)]
    if holding:
        return holding[-1]
    if title is None:
        return body
    mine = {body, *body.iterancestors()}
    return next((el for el in (title, *title.iterancestors()) if el in mine), body)


def _holds(outer: lxml.html.HtmlElement, inner: lxml.html.HtmlElement) -> bool:
    return outer is inner or any(a is outer for a in inner.iterancestors())


def _boilerplate(
    found: dict[str, list[lxml.html.HtmlElement]],
    region: lxml.html.HtmlElement,
    body: lxml.html.HtmlElement,
    known: frozenset[str],
) -> list[lxml.html.HtmlElement]:
    """The region's blocks at a boilerplate block's path whose text is that block's (each
    element fingerprinted once, however many blocks share its path)."""
    prints: dict[str, set[str]] = {}
    for key in known:
        print_, _, path = key.partition("@")
        prints.setdefault(path, set()).add(print_)
    return [
        el
        for path, wanted in prints.items()
        for el in found.get(path, ())
        if not _holds(el, body) and _holds(region, el) and fingerprint(el) in wanted
    ]
