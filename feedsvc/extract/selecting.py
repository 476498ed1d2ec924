"""Source selectors: CSS (via cssselect) or XPath with an ``xpath:`` prefix.

A selector may end in ``@attr`` to read an attribute instead of text (``a@href``); XPath
may also select attributes or text directly (``xpath://a/@href``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import lxml.html
from cssselect import GenericTranslator, SelectorError
from lxml import etree

from feedsvc.errors import ExtractError
from feedsvc.extract.dom import clean_text, text_of
from feedsvc.models import Selectors

__all__ = [
    "Compiled",
    "compile_selector",
    "css_to_xpath",
    "source_selector",
    "validate_selector",
]

# Real selectors are a line long; cssselect recurses per step and overflows near 2000.
MAX_SELECTOR_CHARS = 1000
_ATTR_SUFFIX = re.compile(r"^(?P<sel>.*?)\s*@(?P<attr>[A-Za-z_][\w:.-]*)$", re.S)


@dataclass(frozen=True)
class Compiled:
    """A selector ready to run: an XPath expression and an optional attribute to read."""

    source: str
    xpath: str
    attr: str | None

    def elements(self, scope: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
        return [r for r in self._run(scope) if isinstance(r, lxml.html.HtmlElement)]

    def values(self, scope: lxml.html.HtmlElement) -> list[str]:
        """Text (or the attribute) of every match, whitespace collapsed, empties dropped."""
        out: list[str] = []
        for result in self._run(scope):
            if isinstance(result, str):
                value = clean_text(result)
            elif self.attr is not None:
                value = clean_text(result.get(self.attr))
            else:
                value = text_of(result)
            if value:
                out.append(value)
        return out

    def hrefs(self, scope: lxml.html.HtmlElement) -> list[str]:
        """Link targets: the ``@attr`` (default ``href``) of each match, or of the first link
        inside a matched element that has none; XPath string results as they are."""
        out: list[str] = []
        for result in self._run(scope):
            if isinstance(result, str):
                value = result.strip()
            else:
                value = (result.get(self.attr or "href") or "").strip()
                if not value and self.attr is None:
                    inner = result.find(".//a[@href]")
                    value = (inner.get("href") or "").strip() if inner is not None else ""
            if value:
                out.append(value)
        return out

    def first(self, scope: lxml.html.HtmlElement) -> str | None:
        values = self.values(scope)
        return values[0] if values else None

    def _run(self, scope: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement | str]:
        result = scope.xpath(self.xpath)
        if not isinstance(result, list):
            # A scalar XPath (count(), string()) is a text value of its own.
            return [str(result)] if result not in ("", None) else []
        out: list[lxml.html.HtmlElement | str] = []
        for r in result:
            if isinstance(r, str):
                out.append(str(r))
            elif isinstance(r, lxml.html.HtmlElement):
                out.append(r)
        return out


def validate_selector(text: str) -> None:
    """Raise ValueError naming the selector when it does not compile."""
    compile_selector(text)


@lru_cache(maxsize=512)
def compile_selector(text: str) -> Compiled:
    """Compile once per distinct selector; raises ValueError with the reason."""
    source = text.strip()
    if not source:
        raise ValueError("empty selector")
    if len(source) > MAX_SELECTOR_CHARS:
        raise ValueError(
            f"selector too long ({len(source)} characters; at most {MAX_SELECTOR_CHARS})"
        )
    if source.lower().startswith("xpath:"):
        expr = source[len("xpath:") :].strip()
        if not expr:
            raise ValueError(f"empty XPath in selector {text!r}")
        try:
            etree.XPath(expr)
        except etree.XPathError as exc:
            raise ValueError(f"invalid XPath {expr!r}: {exc}") from exc
        return Compiled(source, expr, None)
    css: str = source
    attr: str | None = None
    m = _ATTR_SUFFIX.match(source)
    if m and "[" not in source[m.start("attr") :]:
        css, attr = m["sel"] or "*", m["attr"]
    return Compiled(source, css_to_xpath(css), attr)


def css_to_xpath(css: str, *, prefix: str = "descendant-or-self::") -> str:
    """The XPath of a CSS selector; ValueError naming the selector when it is not one."""
    try:
        return str(GenericTranslator().css_to_xpath(css, prefix=prefix))
    except SelectorError as exc:
        raise ValueError(f"invalid CSS selector {css!r}: {exc}") from exc
    except RecursionError:
        raise ValueError(f"CSS selector nested too deeply: {css[:60]!r}…") from None


def source_selector(selectors: Selectors | None, name: str, page_url: str) -> Compiled | None:
    """The source's ``name`` selector (``item``, ``title``, ``content`` …) compiled, None
    when it has none; ExtractError naming the page and the selector when it does not compile."""
    text: str | None = getattr(selectors, name, None) if selectors is not None else None
    if not text:
        return None
    try:
        return compile_selector(text)
    except ValueError as exc:
        raise ExtractError(page_url, f"selector {name}={text!r}: {exc}") from exc
