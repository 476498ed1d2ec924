"""The body of an article page: its content HTML, summary and lead image.

Content: provider (a ``content`` selector) → readability-lxml's pick of the chrome-stripped
page (``content.main_content``). Summary: the content's start, else the description.
Image: JSON-LD → ``og:image``/``twitter:image`` (not the site's stock picture) → the
content's first illustrating picture.
"""

from __future__ import annotations

from collections.abc import Sequence

import lxml.etree

from feedsvc.extract.articlepage import ArticlePage
from feedsvc.extract.content import main_content
from feedsvc.extract.dom import block_lines
from feedsvc.extract.fields import Candidate, candidate, first, pick
from feedsvc.extract.images import declared_image, first_image
from feedsvc.normalize.text import SUMMARY_CHARS, cut_at_space
from feedsvc.safehtml import fragment

__all__ = ["leading_lines", "resolve_content", "resolve_image", "resolve_summary"]

_DESCRIPTION_META = ("og:description", "description", "twitter:description")
_IMAGE_META = (
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "twitter:image",
    "twitter:image:src",
)
_LEAD_CHARS = 3000  # enough of the content's HTML for its first lines


def resolve_content(
    page: ArticlePage, provided: Sequence[Candidate[str]] = ()
) -> Candidate[str] | None:
    return pick(
        provided,
        first(lambda: candidate(main_content(page.stripped, page.url, page.title), "readability")),
    )


def resolve_summary(page: ArticlePage, text: str) -> Candidate[str] | None:
    """The content's first 200 characters (``cut_at_space``), else the description."""
    if text:
        return Candidate(cut_at_space(text, SUMMARY_CHARS), "readability")
    return candidate(page.ld.description or page.meta.get(*_DESCRIPTION_META), "meta")


def resolve_image(page: ArticlePage, content_html: str | None) -> Candidate[str] | None:
    return pick(
        (),
        first(
            lambda: candidate(declared_image(page.url, page.ld.image), "json-ld"),
            lambda: candidate(declared_image(page.url, page.meta.get(*_IMAGE_META)), "meta"),
            lambda: candidate(first_image(content_html, page.url), "heuristic"),
        ),
    )


def leading_lines(content_html: str | None) -> list[str]:
    """The first few block lines of the content (only its start is parsed)."""
    if not content_html:
        return []
    try:
        frag = fragment(content_html[:_LEAD_CHARS])
    except (ValueError, lxml.etree.ParserError):
        return []
    return block_lines(frag)[:4]
