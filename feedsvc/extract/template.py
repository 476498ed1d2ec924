"""A source's learned page template: where its article pages keep each part, and what repeats
on every page (boilerplate a single page cannot reveal).

Paths are ``dompath`` paths. ``region`` holds the headline, the date/credit lines and the
body (credits are read there only); ``body`` is the content; ``teasers`` are blocks at a
stable place that link other stories (相关阅读, 最新文章 with their summary lines); ``boilerplate``
are blocks whose text is the same on every page (an author biography box, a share bar, a
footer), each ``tag:hash@path``: the fingerprint of its text where it sits. ``evidence``
says how many observed pages agreed on each part; ``pages`` how many were observed. The
record is frozen and travels as JSON (to the store, and into the extraction processes);
``from_json`` names what is wrong with a record it cannot read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import lxml.html

from feedsvc.extract.dom import clean_text

__all__ = ["TEMPLATE_VERSION", "Template", "TemplateError", "fingerprint"]

TEMPLATE_VERSION = 1
MIN_BLOCK = 30  # characters: shorter repeated lines (a crumb, a label) stay
MAX_BLOCK = 3000  # characters: a block longer than this is a page section, not one box
# Date and credit lines may read the same on several pages ("来源：本报 编辑：李四"): they
# are the page's own, never boilerplate.
_OWN_LINE = re.compile(
    r"来源|作者|编辑|记者|责编|通讯员|发布|日期|时间|\b(?:by|posted|written|published)\b", re.I
)
_OWN_LINE_CHARS = 120


class TemplateError(ValueError):
    """A stored template record that cannot be read."""


def fingerprint(el: lxml.html.HtmlElement) -> str | None:
    """``tag:hash`` of the element's text, for blocks that may be boilerplate; None for
    short or very long blocks and for date/credit lines."""
    raw = el.text_content()
    if len(raw) < MIN_BLOCK:
        return None
    text = clean_text(raw)
    if not MIN_BLOCK <= len(text) <= MAX_BLOCK:
        return None
    if len(text) <= _OWN_LINE_CHARS and _OWN_LINE.search(text):
        return None
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()
    return f"{el.tag}:{digest}"


@dataclass(frozen=True)
class Template:
    """Learned from ``pages`` article pages of one source; ``evidence`` counts agreement."""

    body: str
    title: str | None = None
    region: str | None = None
    category: str | None = None
    teasers: tuple[str, ...] = ()
    boilerplate: frozenset[str] = frozenset()
    pages: int = 0
    evidence: Mapping[str, int] = field(default_factory=dict)
    version: int = TEMPLATE_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "body": self.body,
            "title": self.title,
            "region": self.region,
            "category": self.category,
            "teasers": list(self.teasers),
            "boilerplate": sorted(self.boilerplate),
            "pages": self.pages,
            "evidence": dict(self.evidence),
        }

    @classmethod
    def from_json(cls, data: object) -> Template:
        if not isinstance(data, dict):
            raise TemplateError(f"template: expected an object, got {type(data).__name__}")
        version = data.get("version")
        if version != TEMPLATE_VERSION:
            raise TemplateError(f"template: version {version!r} unknown (reads {TEMPLATE_VERSION})")
        body = data.get("body")
        if not isinstance(body, str) or not body:
            raise TemplateError("template: 'body' must be a non-empty path")
        return cls(
            body=body,
            title=_opt_str(data, "title"),
            region=_opt_str(data, "region"),
            category=_opt_str(data, "category"),
            teasers=tuple(_str_list(data, "teasers")),
            boilerplate=frozenset(_str_list(data, "boilerplate")),
            pages=_int(data.get("pages", 0), "pages"),
            evidence={str(k): _int(v, f"evidence.{k}") for k, v in _dict(data, "evidence").items()},
        )

    def describe(self) -> list[tuple[str, str, int]]:
        """(part, path or count, pages agreeing) for display (``check``, the API)."""
        rows = [
            (part, path, self.evidence.get(part, 0))
            for part, path in (
                ("region", self.region),
                ("title", self.title),
                ("body", self.body),
                ("category", self.category),
            )
            if path
        ]
        rows += [("teaser", path, self.evidence.get(f"teaser:{path}", 0)) for path in self.teasers]
        if self.boilerplate:
            rows.append(
                (
                    "boilerplate",
                    f"{len(self.boilerplate)} blocks",
                    self.evidence.get("boilerplate", 0),
                )
            )
        return rows


def _opt_str(data: Mapping[str, Any], key: str) -> str | None:
    got = data.get(key)
    if got is None or (isinstance(got, str) and got):
        return got
    raise TemplateError(f"template: '{key}' must be a path or null, got {got!r}")


def _str_list(data: Mapping[str, Any], key: str) -> list[str]:
    got = data.get(key, [])
    if not isinstance(got, list) or not all(isinstance(x, str) for x in got):
        raise TemplateError(f"template: '{key}' must be a list of strings")
    return got


def _dict(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    got = data.get(key, {})
    if not isinstance(got, dict):
        raise TemplateError(f"template: '{key}' must be an object")
    return got


def _int(got: object, key: str) -> int:
    if not isinstance(got, int) or isinstance(got, bool) or got < 0:
        raise TemplateError(f"template: '{key}' must be a count, got {got!r}")
    return got
