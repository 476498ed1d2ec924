"""The article title: a heading confirmed by ``<title>``/``og:title``, else ``<title>``
minus its site-name part — unless the page shows another headline right above its
date/source line: old portals, forums and blogs put the site's or board's name in every
``<title>`` ("谢谢您访问〖关注中国中心〗", "bjreader的博客") and the headline only in the body."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import lxml.html

from feedsvc.extract.dom import clean_text, iter_elements, text_of
from feedsvc.extract.fields import Candidate, Strength, candidate, first, pick
from feedsvc.extract.metadata import JsonLd, PageMeta
from feedsvc.models import GUESSED_TITLE_RULE

if TYPE_CHECKING:
    from feedsvc.extract.articlepage import ArticlePage

__all__ = [
    "choose_title",
    "first_sentence_title",
    "headline_above_dateline",
    "json_ld_title",
    "resolve_title",
    "split_title",
]

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
_HOST = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$", re.I)  # "blog.example.com": the site
_MAX_TITLE = 300
# The line under a headline on Chinese pages: "来源：… 发布时间：…", "作者： 日期：".
_DATELINE_LABEL = re.compile(
    r"(?:来源|作者|发布时间|发布日期|发表时间|发表日期|日期|时间|稿源|编辑)\s*[:：]"
)
_MAX_DATELINE = 120
_MAX_HEADLINE = 80
_HEADLINE_REACH = 3  # lines above the dateline where the headline may sit
_BODY_REACH = 6  # lines below it where the body's first paragraph must start
_BODY_LINE = 30


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


def _channels(title_tag: str) -> set[str]:
    """Keys of the parts after the first of ``<title>`` that are not its longest: the
    channel and site names ("头条_产业资讯_新浪网"); a heading that reads like one of them
    is a section banner, not the headline."""
    parts = split_title(title_tag) if title_tag else []
    if len(parts) < 2:
        return set()
    longest = max(parts, key=len)
    return {_key(p) for p in parts[1:] if p is not longest}


def _looks_like_headline(line: str) -> bool:
    words = len(re.findall(r"[\u3400-\u9fff]|[^\W\d_]", line))
    return (
        _MIN_TITLE <= len(line) <= _MAX_HEADLINE
        and words * 2 >= len(line)  # not a counter or a date ("6,323", "2005-8-24")
        and not _DATELINE_LABEL.search(line)
        # a sentence, a crumb trail, a link, markup debris, a score ("得分：35"), a
        # bracketed credit ("（摘自《…》）")
        and not re.search(r"[。；]$|[>»›]|https?://|=|[:：]\s*\d+$|^[（(]", line)
    )


def headline_above_dateline(lines: list[str]) -> str | None:
    """The headline line right above the first labelled date/source line that a body
    follows, or None."""
    for i, line in enumerate(lines):
        if len(line) > _MAX_DATELINE or not _DATELINE_LABEL.search(line):
            continue
        if not any(len(after) >= _BODY_LINE for after in lines[i + 1 : i + 1 + _BODY_REACH]):
            continue
        above = lines[max(0, i - _HEADLINE_REACH) : i]
        # Label-only lines of the same block ("作者：", "来源：") sit between the two.
        while above and _DATELINE_LABEL.search(above[-1]) and len(above[-1]) <= _MAX_DATELINE:
            above.pop()
        if above and _looks_like_headline(above[-1]):
            return split_title(above[-1])[0] if "- -" in above[-1] else above[-1]
        return None
    return None


def choose_title(
    root: lxml.html.HtmlElement,
    *,
    meta: PageMeta,
    json_ld: JsonLd,
    lines: list[str] | None = None,
) -> tuple[str, str] | None:
    """(title, provenance) or None. Provenance is "heuristic" or "meta".

    ``lines`` (the page's block lines) allow the headline above the dateline to overrule a
    ``<title>`` that no heading confirms and that shares little with it."""
    title_el = root.find(".//title")
    title_tag = clean_text(title_el.text_content()) if title_el is not None else ""
    # Declared titles, most deliberate first: Dublin Core is set by hand where present.
    og = meta.get(*_META_TITLES)
    site = meta.get("og:site_name", "application-name")
    site_key = _key(site) if site else None
    headings = [
        h for h in _headings(root) if _key(h) != site_key and _key(h) not in _channels(title_tag)
    ]
    refs = [r for r in (title_tag, og) if r]
    confirmed = [h for h in headings if any(_confirms(h, r) for r in refs)]
    if confirmed:
        return max(confirmed, key=len), "heuristic"
    fallback: tuple[str, str] | None = None
    if og:
        fallback = _best_part(split_title(og), headings), "meta"
    elif title_tag:
        channels = _channels(title_tag)
        parts = [
            p for p in split_title(title_tag) if _key(p) not in channels and not _HOST.match(p)
        ] or split_title(title_tag)
        fallback = _best_part(parts, headings), "heuristic"
    elif headings:
        fallback = headings[0], "heuristic"
    shown = headline_above_dateline(lines) if lines else None
    if shown is None:
        return fallback
    if fallback is None:
        return shown, "heuristic"
    # A <title> headline that the body also shows on a line of its own stands.
    on_its_own = any(_key(line) == _key(fallback[0]) for line in lines or [])
    if _overlap(shown, fallback[0]) < 0.5 and not on_its_own:
        return shown, "heuristic"
    return fallback


def resolve_title(
    page: ArticlePage, provided: Sequence[Candidate[str]] = ()
) -> Candidate[str] | None:
    """The headline: provider → JSON-LD ``headline`` → :func:`choose_title`."""

    def chosen() -> Candidate[str] | None:
        found = choose_title(page.root, meta=page.meta, json_ld=page.ld, lines=page.lines)
        return candidate(found[0], found[1]) if found else None

    return pick(
        provided, first(lambda: candidate(json_ld_title(page.root, page.ld), "json-ld"), chosen)
    )


_SENTENCE_END = re.compile(r"[。！？!?]|\.(?=\s|$)")
_GUESSED_TITLE = 80  # characters of the body's start a guessed title may take


def first_sentence_title(lines: Sequence[str]) -> Candidate[str] | None:
    """A title for a page that shows none (no heading, ``<title>`` or ``og:title``): the
    content's first line when it is short (a heading the markup does not mark), else its
    first sentence, cut near 80 characters. Provenance ``first-sentence`` flags it; the
    list's link text outranks it (``normalize``)."""
    start = next((" ".join(line.split()) for line in lines if line.strip()), "")
    if not start:
        return None
    end = _SENTENCE_END.search(start)
    if len(start) <= _GUESSED_TITLE and (end is None or end.end() == len(start)):
        guess = start
    elif end is not None and end.start() < _GUESSED_TITLE:
        guess = start[: end.start()]
    else:
        cut = start[:_GUESSED_TITLE]
        space = cut.rfind(" ")
        guess = (cut[:space] if space > _GUESSED_TITLE // 2 else cut).rstrip() + "…"
    return candidate(guess.strip(" ，,：:;；。."), GUESSED_TITLE_RULE, Strength.FALLBACK)
