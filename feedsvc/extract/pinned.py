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
from feedsvc.extract.dompath import find
from feedsvc.extract.fields import Candidate, CandidateProvider, Strength
from feedsvc.extract.stripping import drop
from feedsvc.extract.template import MAX_BLOCK, MIN_BLOCK, Template, fingerprint

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
        bodies = find(page.root, t.body)
        if not bodies:
            self.drift = f"body path {t.body} matches nothing"
            return
        body = max(bodies, key=lambda el: len(el.text_content()))
        title = None
        if t.title:
            titles = find(page.root, t.title)
            if len(titles) != 1:
                self.drift = f"title path {t.title} matches {len(titles)} elements"
                return
            title = titles[0]
        # The region path may name several elements (``table``): the one holding the body.
        holding = [el for el in find(page.root, t.region) if _holds(el, body)] if t.region else []
        region = holding[-1] if holding else body
        _drop_known(page.root, region, body, t)
        if len(text_of(body)) < _MIN_BODY:
            self.drift = f"body path {t.body} holds no text"
            return
        self._body, self._title = body, title
        self._category = _one(page.root, t.category) if t.category else None
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


def _one(root: lxml.html.HtmlElement, path: str) -> lxml.html.HtmlElement | None:
    found = find(root, path)
    return found[0] if len(found) == 1 else None


def _holds(outer: lxml.html.HtmlElement, inner: lxml.html.HtmlElement) -> bool:
    return outer is inner or any(a is outer for a in inner.iterancestors())


def _drop_known(
    root: lxml.html.HtmlElement,
    region: lxml.html.HtmlElement,
    body: lxml.html.HtmlElement,
    t: Template,
) -> None:
    """Drop the template's teaser blocks and, inside the region, its boilerplate blocks
    (never the body or an element holding it)."""
    doomed = [el for path in t.teasers for el in find(root, path) if not _holds(el, body)]
    if t.boilerplate:
        doomed += _boilerplate(region, body, t.boilerplate)
    for el in doomed:
        drop(el)


def _boilerplate(
    region: lxml.html.HtmlElement, body: lxml.html.HtmlElement, known: frozenset[str]
) -> list[lxml.html.HtmlElement]:
    """The outermost blocks of the region whose fingerprint the template knows."""
    found: list[lxml.html.HtmlElement] = []
    stack = [c for c in region if isinstance(c.tag, str)]
    while stack:
        el = stack.pop()
        size = len(el.text_content())
        if size < MIN_BLOCK:
            continue  # nor can any child be long enough
        if size <= MAX_BLOCK * 4 and fingerprint(el) in known and not _holds(el, body):
            found.append(el)
            continue
        stack.extend(c for c in el if isinstance(c.tag, str))
    return found
