"""Learning a source's template from what several of its article pages show.

Each article page extracted generically leaves a small :class:`Observation` (paths and
fingerprints, never its HTML): where the headline and the body sit, the region holding both,
blocks of text (fingerprints), blocks at a unique place that link other stories (teaser
lists) inside the region, and short labels that repeat a navigation link's name (a category
without breadcrumb). :func:`learn` keeps what at least ``MIN_PAGES`` pages agree on — a body
path on a majority of them, blocks whose text is the same on at least half of them — and
returns None while they do not agree.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import lxml.etree
import lxml.html

from feedsvc.extract.dom import block_lines, clean_text, parse_html, text_of
from feedsvc.extract.dompath import element_path, loose, paths
from feedsvc.extract.template import Template, TemplateError, fingerprint
from feedsvc.htmltags import NO_TEXT_TAGS
from feedsvc.safehtml import fragment

__all__ = ["MIN_PAGES", "Observation", "learn", "observe"]

MIN_PAGES = 3  # pages that must agree before a part of the template is learned
_KEY = 10  # characters of a content line looked for in the page
_TRIES = 5  # content lines tried at each end
_STORY_LINK = 8  # characters of a linked story title
_LABEL = (2, 12)  # characters of a category label
_HOME = re.compile(r"首页|主页|^home$|当前位置|您的位置|正文", re.I)
_HEADINGS = ("h1", "h2", "h3")


@dataclass(frozen=True)
class Observation:
    """What one article page showed of its template (paths, fingerprints, labels)."""

    body: str | None
    title: str | None = None
    region: str | None = None
    blocks: frozenset[str] = frozenset()
    teasers: frozenset[str] = frozenset()
    labels: tuple[tuple[str, str], ...] = ()
    category: str | None = None  # the generic extractor's category, if any
    url: str = ""  # the page's: a page seen again replaces its earlier observation

    def to_json(self) -> dict[str, Any]:
        return {
            "body": self.body,
            "title": self.title,
            "region": self.region,
            "blocks": sorted(self.blocks),
            "teasers": sorted(self.teasers),
            "labels": [list(pair) for pair in self.labels],
            "category": self.category,
            "url": self.url,
        }

    @classmethod
    def from_json(cls, data: object) -> Observation:
        if not isinstance(data, dict):
            raise TemplateError(f"observation: expected an object, got {type(data).__name__}")
        try:
            return cls(
                body=data.get("body"),
                title=data.get("title"),
                region=data.get("region"),
                blocks=frozenset(str(b) for b in data.get("blocks", [])),
                teasers=frozenset(str(t) for t in data.get("teasers", [])),
                labels=tuple((str(p), str(t)) for p, t in data.get("labels", [])),
                category=data.get("category"),
                url=str(data.get("url", "")),
            )
        except (TypeError, ValueError) as exc:
            raise TemplateError(f"observation: unreadable ({exc})") from exc


def observe(
    html: str, url: str, title: str | None, content_html: str | None, category: str | None
) -> Observation | None:
    """The observation of one page from its generic extraction; None when the body cannot
    be found back in the page."""
    try:
        root = parse_html(html)
    except ValueError:
        return None
    title_el = _title_element(root, title)
    body_el = _body_element(root, content_html, title_el)
    if body_el is None:
        return None
    region_el = _common_ancestor(body_el, title_el) if title_el is not None else body_el
    keep = set(region_el.iterancestors()) | {region_el}
    keep |= set(body_el.iterancestors()) | {body_el}
    if title_el is not None:
        keep |= set(title_el.iterancestors()) | {title_el}
    walked = list(paths(root))
    counts = Counter(path for _, path in walked)
    nav = {text_of(a) for a in root.iter("a") if _LABEL[0] <= len(text_of(a)) <= _LABEL[1]}
    blocks: set[str] = set()
    teasers: set[str] = set()
    labels: list[tuple[str, str]] = []
    inside = set(region_el.iter())  # boilerplate matters only where the page is read
    for el, path in walked:
        if el in keep:
            continue
        if el in inside:
            found = fingerprint(el)
            if found:
                blocks.add(f"{found}@{loose(path)}")
            if counts[path] == 1 and _is_teaser(el):
                teasers.add(path)
        if counts[path] == 1 and el.tag != "a" and (label := _label(el, nav)):
            labels.append((path, label))
    return Observation(
        body=element_path(body_el),
        title=element_path(title_el) if title_el is not None else None,
        region=element_path(region_el),
        blocks=frozenset(blocks),
        teasers=frozenset(teasers),
        labels=tuple(labels),
        category=category,
        url=url,
    )


def _content_lines(content_html: str | None) -> list[str]:
    if not content_html:
        return []
    try:
        return block_lines(fragment(content_html))
    except (ValueError, lxml.etree.ParserError):
        return []


def _holder(
    root: lxml.html.HtmlElement, key: str, last: bool, skip: lxml.html.HtmlElement | None
) -> lxml.html.HtmlElement | None:
    """The element whose own text holds ``key`` (the first, or the last one), outside
    ``skip`` (the headline: a body often opens with its words)."""
    found = None
    skipped = set(skip.iter()) if skip is not None else set()
    for node in root.iterfind(".//body//*"):
        if not isinstance(node.tag, str) or node in skipped or node.tag in NO_TEXT_TAGS:
            continue
        own = (node.text or "") + "".join(c.tail or "" for c in node)
        if key in clean_text(own):
            if not last:
                return node
            found = node
    return found


def _body_element(
    root: lxml.html.HtmlElement,
    content_html: str | None,
    title_el: lxml.html.HtmlElement | None,
) -> lxml.html.HtmlElement | None:
    """The element holding the content: the common ancestor of the holders of its first
    and last lines."""
    lines = [line for line in _content_lines(content_html) if len(line) >= 4]
    # A line may run over several elements ("澎湃号 > 中国广州发布"): the next one is tried.
    start = next(
        (
            h
            for line in lines[:_TRIES]
            if (h := _holder(root, line[:_KEY], False, title_el)) is not None
        ),
        None,
    )
    end = next(
        (
            h
            for line in reversed(lines[-_TRIES:])
            if (h := _holder(root, line[-_KEY:], True, title_el)) is not None
        ),
        None,
    )
    if start is None or end is None:
        return None
    return _common_ancestor(start, end)


def _title_element(root: lxml.html.HtmlElement, title: str | None) -> lxml.html.HtmlElement | None:
    if not title:
        return None
    key = "".join(title.split())
    body = root.find("body")
    if body is None:
        return None
    best = None
    for el in body.iter(*_HEADINGS, "div", "p", "span", "td", "strong", "b"):
        text = el.text_content()
        if len(text) > len(key) * 3 + 20:
            continue
        if "".join(text.split()) == key and (best is None or el.tag in _HEADINGS):
            best = el
            if el.tag in _HEADINGS:
                break
    return best


def _common_ancestor(a: lxml.html.HtmlElement, b: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    chain = [a, *a.iterancestors()]
    mine = set(chain)
    for node in [b, *b.iterancestors()]:
        if node in mine:
            return node
    return chain[-1]


def _is_teaser(el: lxml.html.HtmlElement) -> bool:
    """A block that links other stories: two such links, or one that is most of it."""
    stories = [a for a in el.iter("a") if len(text_of(a)) >= _STORY_LINK]
    if len(stories) >= 2:
        return True
    if not stories:
        return False
    return len(text_of(stories[0])) * 2 >= len(text_of(el))


def _label(el: lxml.html.HtmlElement, nav: set[str]) -> str | None:
    """The element's short text when it repeats a link's name (a channel named on the
    page): a candidate category."""
    raw = el.text_content()
    if len(raw) > _LABEL[1] * 4:
        return None
    text = text_of(el)
    if not _LABEL[0] <= len(text) <= _LABEL[1] or any(ch.isdigit() for ch in text):
        return None
    if _HOME.search(text) or text not in nav:
        return None
    return text


def _agreed(values: Iterable[str | None]) -> tuple[str | None, int]:
    """The path most pages agree on (by its :func:`~dompath.loose` key: ids may differ),
    as the most common exact spelling among them; None under ``MIN_PAGES``."""
    given = [v for v in values if v]
    counted = Counter(loose(v) for v in given)
    if not counted:
        return None, 0
    key, count = counted.most_common(1)[0]
    if count < MIN_PAGES:
        return None, count
    spelled = Counter(v for v in given if loose(v) == key)
    return spelled.most_common(1)[0][0], count


def learn(observations: Sequence[Observation]) -> Template | None:
    """The template the observations agree on, or None (too few pages, or no majority on
    the body's place)."""
    seen = [o for o in observations if o.body]
    body, body_count = _agreed(o.body for o in seen)
    if body is None or body_count * 2 <= len(seen):
        return None
    same = [o for o in seen if loose(o.body or "") == loose(body)]
    title, title_count = _agreed(o.title for o in same)
    region, region_count = _agreed(o.region for o in same)
    half = max(MIN_PAGES, (len(same) + 1) // 2)
    blocks = Counter(b for o in same for b in o.blocks)
    boilerplate = frozenset(b for b, n in blocks.items() if n >= half)
    teaser_counts = Counter(t for o in same for t in o.teasers)
    teasers = tuple(sorted(t for t, n in teaser_counts.items() if n >= half))
    category, category_count = _category(same)
    evidence = {"body": body_count, "title": title_count, "region": region_count}
    if boilerplate:
        evidence["boilerplate"] = min(blocks[b] for b in boilerplate)
    if category:
        evidence["category"] = category_count
    evidence.update({f"teaser:{t}": teaser_counts[t] for t in teasers})
    return Template(
        body=body,
        title=title,
        region=region,
        category=category,
        teasers=teasers,
        boilerplate=boilerplate,
        pages=len(seen),
        evidence=evidence,
    )


def _category(same: Sequence[Observation]) -> tuple[str | None, int]:
    """The label path seen on most pages that never contradicts a category the generic
    extractor found; one whose text varies between pages first (a channel, not a fixed
    word of the template)."""
    texts: dict[str, list[str]] = {}
    contradicted: set[str] = set()
    for o in same:
        for path, text in dict(o.labels).items():
            texts.setdefault(path, []).append(text)
            if o.category and o.category != text:
                contradicted.add(path)
    ranked = sorted(
        (
            (len(set(values)) > 1, len(values), path)
            for path, values in texts.items()
            if path not in contradicted and len(values) >= MIN_PAGES
        ),
        reverse=True,
    )
    if not ranked:
        return None, 0
    _, count, path = ranked[0]
    return path, count
