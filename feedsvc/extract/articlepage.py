"""One parsed article page and the views of it that several field resolvers share.

``ArticlePage`` parses once and computes each view on first use: JSON-LD, metas, the
page's block lines, the header region around the title (where bylines and datelines
live), and the copy with chrome stripped that the body is picked from.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import cached_property

import lxml.html

from feedsvc.extract.content import fix_lazy_images
from feedsvc.extract.dom import block_lines
from feedsvc.extract.images import drop_decorations
from feedsvc.extract.metadata import JsonLd, PageMeta, read_json_ld, read_meta
from feedsvc.extract.stripping import strip_chrome

_TITLE_WINDOW = 12  # lines after the title searched for the date/byline line
ABOVE_TITLE = 2  # lines above the title that belong to its header


@dataclass
class ArticlePage:
    """A parsed page with the context its fields are read in (URL, zone, ``now``)."""

    root: lxml.html.HtmlElement
    url: str
    tz: tzinfo
    now: datetime
    _title: str | None = field(default=None, init=False)
    _images_fixed: bool = field(default=False, init=False)
    scope: lxml.html.HtmlElement | None = field(default=None, init=False)

    def narrow(self, scope: lxml.html.HtmlElement) -> None:
        """Read lines, credits and the stripped copy inside ``scope`` only (the article's
        region of a learned template); metas and JSON-LD stay the page's."""
        self.scope = scope
        for view in ("lines", "title_index", "stripped", "clean_lines"):
            self.__dict__.pop(view, None)

    @cached_property
    def ld(self) -> JsonLd:
        return read_json_ld(self.root)

    @cached_property
    def meta(self) -> PageMeta:
        return read_meta(self.root)

    @cached_property
    def lines(self) -> list[str]:
        """The page's block lines (read before any clean-up), of its scope when narrowed."""
        if self.scope is not None:
            return block_lines(self.scope)
        body = self.root.find("body")
        return block_lines(body if body is not None else self.root)

    def set_title(self, title: str | None) -> None:
        """The resolved headline: the header region is found around it."""
        self._title = title
        self.__dict__.pop("title_index", None)

    @property
    def title(self) -> str | None:
        return self._title

    @cached_property
    def title_index(self) -> int | None:
        return title_index(self.lines, self._title)

    def fix_images(self) -> None:
        """Lazy images get their real ``src`` (idempotent). Titles and dates are read
        before; bylines, breadcrumbs, selectors and the content after."""
        if not self._images_fixed:
            fix_lazy_images(self.root)
            self._images_fixed = True

    @cached_property
    def stripped(self) -> lxml.html.HtmlElement:
        """A copy without chrome, decorations or lazy-image placeholders (the original keeps
        its chrome for bylines and breadcrumbs, but gets the lazy images fixed)."""
        self.fix_images()
        stripped = copy.deepcopy(self.scope if self.scope is not None else self.root)
        # Icons and template pictures are no content: a feed reader would show a 13×12
        # marker or a share button as a picture. Their sizes are read here, before
        # readability-lxml drops width and height.
        drop_decorations(stripped)
        strip_chrome(stripped)
        return stripped

    @cached_property
    def clean_lines(self) -> list[str]:
        """Block lines of the stripped copy."""
        body = self.stripped.find("body")
        return block_lines(body if body is not None else self.stripped)


def title_index(lines: list[str], title: str | None, start: int = 0) -> int | None:
    """The line that shows the headline, from ``start`` on."""
    if not title:
        return None
    key = title.replace(" ", "")
    for i in range(start, len(lines)):
        compact = lines[i].replace(" ", "")
        if compact == key or (len(key) >= 6 and key in compact and len(compact) <= len(key) * 2):
            return i
    return None


def near_title(lines: list[str], idx: int | None) -> list[str]:
    """The header block around the title: it ends where the body's prose starts, so the
    teasers of sidebars further down (which name other reporters) never count."""
    if idx is None:
        return []
    window = lines[max(0, idx - ABOVE_TITLE) : idx + 1 + _TITLE_WINDOW]
    for n, line in enumerate(window[3:], start=3):
        if is_prose(line):
            return window[:n]
    return window


def after_title(lines: list[str], idx: int | None) -> list[str]:
    """The lines right under the title."""
    return lines[idx + 1 : idx + 1 + _TITLE_WINDOW] if idx is not None else []


def is_prose(line: str) -> bool:
    cjk = sum(1 for ch in line if "\u4e00" <= ch <= "\u9fff")
    return (cjk >= 25 and ("，" in line or "。" in line)) or len(line) >= 200
