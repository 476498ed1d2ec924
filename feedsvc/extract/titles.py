"""The article title: a heading confirmed by ``<title>``/``og:title``, else ``<title>``
minus its site-name part."""

from __future__ import annotations

import re

import lxml.html

from feedsvc.extract.dom import clean_text, iter_elements, text_of
from feedsvc.extract.metadata import JsonLd, PageMeta

__all__ = ["choose_title", "json_ld_title", "split_title"]

_CJK = re.compile(r"[\u3400-\u9fff]")
# Site-name separators. A bare hyphen only separates in Chinese titles, where it never
# appears inside words ("COVID-19" must survive).
_SEP_ANY = re.compile(r"\s+[-–—|·:»/]\s+|\s*(?:[_|｜]|——|--|—|::)\s*")
_SEP_CJK = re.compile(r"\s*(?:[-－–]|——|—)\s*")
_META_TITLES = (
    "dc:title",
    "dc.title",
    "dcterms.title",
    "dcterm:title",
    "og:title",
    "twitter:title",
    "parsely-title",
)
_MIN_TITLE = 4
_MAX_TITLE = 300


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def split_title(title: str) -> list[str]:
    """``<title>`` split into its parts (headline, channel, site…)."""
    parts = [p.strip() for p in _SEP_ANY.split(title) if p and p.strip()]
    if _CJK.search(title):
        parts = [q.strip() for p in parts for q in _SEP_CJK.split(p) if q.strip()]
    return parts or [title]


def _bigrams(text: str) -> set[str]:
    k = _key(text)
    return {k[i : i + 2] for i in range(len(k) - 1)} if len(k) > 1 else {k}


def _overlap(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / min(len(x), len(y))


def _headings(root: lxml.html.HtmlElement) -> list[str]:
    """Headline-like texts in document order of trust: h1, then title-classed, then h2."""
    found: list[str] = []
    for el in list(iter_elements(root, "h1"))[:5]:
        found.append(text_of(el))
    titled = root.xpath(
        "//body//*[contains(translate(@class,'TITLE','title'),'title')"
        " or contains(translate(@id,'TITLE','title'),'title')]"
    )
    for el in titled[:15]:
        if isinstance(el, lxml.html.HtmlElement) and el.tag not in ("a", "title", "meta"):
            found.append(text_of(el))
    for el in list(iter_elements(root, "h2"))[:5]:
        found.append(text_of(el))
    return [h for h in found if _MIN_TITLE <= len(h) <= _MAX_TITLE]


def _confirms(heading: str, reference: str) -> bool:
    """The heading is the reference's headline: one of its parts, or most of it (a
    heading "Videos" inside "Embedded videos test" is a section, not the title)."""
    key, ref = _key(heading), _key(reference)
    if key not in ref:
        return False
    return len(key) * 5 >= len(ref) * 3 or any(_key(p) == key for p in split_title(reference))


def _best_part(parts: list[str], references: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    scored = [(max((_overlap(p, r) for r in references), default=0.0), p) for p in parts]
    best_score, best = max(scored, key=lambda s: s[0])
    if best_score >= 0.5:
        return best
    longest = max(parts, key=len)
    # The headline normally comes first; the site name is the short tail.
    return parts[0] if len(parts[0]) >= 0.6 * len(longest) else longest


def json_ld_title(root: lxml.html.HtmlElement, json_ld: JsonLd) -> str | None:
    """JSON-LD's headline, or its name when that is the one ``<title>`` agrees with:
    encyclopedias put a one-line description in headline and the title in name."""
    headline, name = json_ld.headline, json_ld.name
    if not headline or not name or _key(headline) == _key(name):
        return headline
    title_el = root.find(".//title")
    title_tag = clean_text(title_el.text_content()) if title_el is not None else ""
    # The name must be the headline part of <title> (its first part), not the site-name tail.
    parts = split_title(title_tag) if title_tag else []
    if parts and _key(parts[0]) == _key(name) and _key(headline) not in _key(title_tag):
        return name
    return headline


def choose_title(
    root: lxml.html.HtmlElement, *, meta: PageMeta, json_ld: JsonLd
) -> tuple[str, str] | None:
    """(title, provenance) or None. Provenance is "heuristic" or "meta"."""
    title_el = root.find(".//title")
    title_tag = clean_text(title_el.text_content()) if title_el is not None else ""
    # Declared titles, most deliberate first: Dublin Core is set by hand where present.
    og = meta.get(*_META_TITLES)
    site = meta.get("og:site_name", "application-name")
    site_key = _key(site) if site else None
    headings = [h for h in _headings(root) if _key(h) != site_key]
    refs = [r for r in (title_tag, og) if r]
    confirmed = [
        h
        for h in headings
        if any(_confirms(h, r) for r in refs)
        and not (
            title_tag
            and len(split_title(title_tag)) > 1
            and _key(h) == _key(split_title(title_tag)[-1])
        )
    ]
    if confirmed:
        return max(confirmed, key=len), "heuristic"
    if og:
        return _best_part(split_title(og), headings), "meta"
    if title_tag:
        return _best_part(split_title(title_tag), headings), "heuristic"
    if headings:
        return headings[0], "heuristic"
    return None
