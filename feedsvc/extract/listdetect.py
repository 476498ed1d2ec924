"""Automatic list detection: the page's main article list, with no selectors configured.

Anchors are grouped by their *structural path* — tag and first class of every ancestor
(classes dropped on rows and inline tags, where CMSes alternate ``odd``/``even``) — so the 20
``<li>`` rows of one news list share a key while menus, sidebars and footers get their own.
Links that cannot be articles never enter a group: off-site, ``javascript:``/``#``,
pagination (下一页, ``index_2.html``, ``?page=2``), login/about/tag/search pages, the home
page. Each group is scored::

    score = links × headline × (1 + date share) × place × vocabulary

* ``links``: distinct URLs in the group.
* ``headline``: ``min(median title length in characters, 40) / 40`` — characters, not
  words, because Chinese headlines have no spaces; a median under 5 characters scores 0.
* ``date share``: the fraction of rows with a date beside the link (``<time>``, row text)
  or in the URL (``/2023-05/18/``, ``t20230518_``, ``/c/2023-05-18/``).
* ``place``: ×0.2 inside ``nav``/``header``/``footer``/``aside`` or an element whose
  class/id says nav, menu, footer, sidebar…; ×1.25 inside ``main``/``article``/role=main.
* ``vocabulary``: ×0.1 when a label before the block reads 相关阅读, 热门, 推荐, 排行,
  友情链接, Related, Popular, Recent posts… (×0.5 for 最新/热点, see
  :mod:`feedsvc.extract.listvocab`); ×0.3 for class/id names like related/hot/rank.

The best group wins; its items keep page order, de-duplicated by URL. Every scored group is
returned as a :class:`Candidate` so ``feedsvc check`` can show the runner-ups.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from urllib.parse import urlsplit

import lxml.html

from feedsvc.extract.dateassembly import ParsedTime
from feedsvc.extract.dom import (
    absolute_url,
    clean_text,
    iter_elements,
    registrable_domain,
    short_text,
)
from feedsvc.extract.listrows import find_rows, read_row, row_date
from feedsvc.extract.listsuggest import common_ancestor, suggest_selectors
from feedsvc.extract.listvocab import heading_penalty
from feedsvc.extract.pagination import (
    find_pager,
    find_pager_anchor,
    is_pagination_text,
    is_pagination_url,
)
from feedsvc.htmltags import CHROME_TAGS, HEADING_TAGS, MAIN_TAGS
from feedsvc.models import ListItem, Selectors

__all__ = [
    "Candidate",
    "ListDetection",
    "anchor_title",
    "detect_in_tree",
    "title_rejection",
    "url_rejection",
]

_CHROME_MARK = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|footer|foot|header|head|topbar|sidebar|side"
    r"|aside|breadcrumbs?|crumbs?|position|location|friend|friendlinks?|links|copyright|pager"
    r"|pagination|pages|tags?|share|login|user)(?:$|[\s_-]|\d)",
    re.I,
)
_SIDE_VOCAB = re.compile(
    r"(?:^|[\s_-])(?:related|relate|xgyd|recommend|tuijian|hot|hotnews|rank|ranking|paihang|top10"
    r"|popular|latest|recent|zuixin|remen)(?:$|[\s_-]|\d)",
    re.I,
)
# Links that are site furniture rather than articles, by label…
_FURNITURE_TEXT = re.compile(
    r"^(?:登录|登陆|注册|退出|关于我们|关于本站|联系我们|网站地图|站点地图|帮助|帮助中心|隐私政策|隐私|版权声明"
    r"|免责声明|法律声明|设为首页|加入收藏|返回首页|首页|更多|更多>+|详情|详细|阅读全文|查看全文|全文|评论"
    r"|\d+\s*评论|分享|打印|关闭|返回顶部|english|rss|sign in|log ?in|log ?out|sign up|register"
    r"|about(?: us)?|contact(?: us)?|privacy(?: policy)?|terms(?: of (?:use|service))?|home"
    r"|read more|continue reading|more|comments?|\d+ comments?|subscribe|search"
    r"|\d*\s*(?:跟贴|跟帖|评论|条评论|回复|点赞|赞)\s*\d*)\s*[>»›]*$",
    re.I,
)
# …and by URL path segment.
_FURNITURE_SEGMENT = re.compile(
    r"^(?:login|logon|signin|sign-in|signup|sign-up|register|reg|logout|passport|account|user|users"
    r"|member|members|about|about-us|aboutus|contact|contact-us|contactus|help|privacy|terms|tag"
    r"|tags|topics?|author|authors|search|sitemap|rss|feed|feeds|category|categories|subscribe"
    r"|comments?)(?:\.[a-z]+)?$",
    re.I,
)
# Rows alternate classes (odd/even, bg1/bg2) and inline tags carry styling classes; table
# cells keep theirs, because in layout tables the cell class is what tells columns apart.
_INLINE_OR_ROW = frozenset({"a", "li", "tr", "dd", "dt", "span", "font", "em", "strong", "b", "i"})
_HEADLINE_FULL = 40
_MIN_HEADLINE = 5
_HEADLINE_HOLDERS = frozenset({*HEADING_TAGS, "dt", "strong", "b", "span", "div", "p", "em", "a"})
_RUNNER_UPS = 5
_PAGER_BONUS = 1.5  # the paginated list is the main one
# [社会] / 【专题】: the channel tag many Chinese lists print before each headline.
_CHANNEL_TAG = re.compile(r"^[\[【(（].{1,8}[\]】)）]$")
_ARTICLE_LIKE = re.compile(r"\d{3,}|\.s?html?$|\.(?:php|aspx?|jsp)\b|/[\w-]{12,}/?$", re.I)


@dataclass(frozen=True)
class Candidate:
    """One group of links that could be the page's list, with its score and evidence."""

    rule: str  # "auto:" + the last steps of the group's structural path
    score: float
    selector_suggestion: Selectors
    items: tuple[ListItem, ...]
    signals: dict[str, float | str] = field(default_factory=dict)


@dataclass(frozen=True)
class ListDetection:
    """The winning list (None when the page shows none), all candidates best first
    (the winner included), and the next list page."""

    winner: Candidate | None
    candidates: tuple[Candidate, ...]
    next_page_url: str | None = None


@dataclass
class _Link:
    anchor: lxml.html.HtmlElement
    url: str
    title: str


@dataclass
class _Group:
    key: tuple[str, ...]
    links: list[_Link] = field(default_factory=list)


def _signature(el: lxml.html.HtmlElement) -> str:
    if el.tag in _INLINE_OR_ROW:
        return str(el.tag)
    cls = el.get("class")
    if not cls:
        return str(el.tag)
    first = re.sub(r"\d+", "", cls.split()[0]) if cls.strip() else ""
    return f"{el.tag}.{first}" if first else str(el.tag)


class _PathKeys:
    """Structural path keys, memoised per element: siblings share their parent's prefix."""

    def __init__(self) -> None:
        self._memo: dict[lxml.html.HtmlElement, tuple[str, ...]] = {}

    def __call__(self, el: lxml.html.HtmlElement) -> tuple[str, ...]:
        found = self._memo.get(el)
        if found is not None:
            return found
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "html"):
            key: tuple[str, ...] = (_signature(el),)
        else:
            key = (*self(parent), _signature(el))
        self._memo[el] = key
        return key


def title_element(anchor: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """Where a link's headline is printed: the link itself, or for a card that is one big
    link (picture, headline, outlet, time) the heading or ``*title*`` element inside it."""
    if len(anchor):
        for el in anchor.iter(*HEADING_TAGS):
            if el.text_content().strip():
                return el
        for el in anchor.iter():
            marked = "title" in (el.get("class") or "").lower()
            if el is not anchor and marked and el.text_content().strip():
                return el
    return anchor


def anchor_title(anchor: lxml.html.HtmlElement) -> str:
    """The headline a link shows; lists truncate long ones ("…") and keep them in title=."""
    el = title_element(anchor)
    # text_content() runs in C; script/style inside a link are rare enough to ignore here.
    text = clean_text(el.text_content())
    if el is not anchor:
        return text
    attr = clean_text(anchor.get("title"))
    if attr and (not text or (len(attr) > len(text) and attr[:3] == text[:3])):
        return attr
    return text


def _is_furniture_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.path in ("", "/") and not parts.query:
        return True  # the site's home page
    segments = [s for s in parts.path.split("/") if s]
    # First or last segment only: ``/upload/user/1/x.pdf`` is a file, ``/user/12`` is not.
    return bool(segments) and any(_FURNITURE_SEGMENT.match(s) for s in (segments[0], segments[-1]))


def url_rejection(url: str | None, page: str, site: str) -> str | None:
    """Why a resolved link URL cannot be a list item (None: it can). ``page`` is the list
    page's URL without its fragment, ``site`` its registrable domain."""
    if url is None:
        return "not an http(s) link"
    if url == page:
        return "links to the list page itself"
    if registrable_domain(url) != site:
        return "off-site"
    if is_pagination_url(url):
        return "pagination"
    if _is_furniture_url(url):
        return "site furniture (login, about, contact, …)"
    return None


def title_rejection(title: str) -> str | None:
    """Why a link's text cannot be a headline (None: it can)."""
    if not title:
        return "no link text"
    if is_pagination_text(title):
        return "pagination"
    if _FURNITURE_TEXT.match(title):
        return "site furniture (login, about, contact, …)"
    return None


def _candidate_links(root: lxml.html.HtmlElement, page_url: str) -> list[_Link]:
    site = registrable_domain(page_url)
    page = page_url.split("#", 1)[0]
    # Portals repeat the same hrefs many times over; resolve and judge each one once.
    judged: dict[str, str | None] = {}
    links: list[_Link] = []
    for anchor in iter_elements(root, "a"):
        href = anchor.get("href")
        if href is None:
            continue
        if href in judged:
            url = judged[href]
        else:
            url = absolute_url(page_url, href)
            if url_rejection(url, page, site) is not None:
                url = None
            judged[href] = url
        if url is None:
            continue
        title = anchor_title(anchor)
        if title_rejection(title) is not None:
            continue
        links.append(_Link(anchor, url, title))
    return links


def _marker(el: lxml.html.HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


def _place(block: lxml.html.HtmlElement) -> tuple[float, str]:
    """Where the group sits: page chrome, a sidebar-ish block, the main content."""
    factor, why = 1.0, "body"
    for el in (block, *block.iterancestors()):
        if el.tag in CHROME_TAGS:
            return 0.2, f"inside <{el.tag}>"
        marker = _marker(el)
        if marker and _CHROME_MARK.search(marker):
            return 0.2, f"inside .{marker.split()[0]}"
        if marker and factor == 1.0 and _SIDE_VOCAB.search(marker):
            factor, why = 0.3, f"sidebar-like .{marker.split()[0]}"
        if factor == 1.0 and (el.tag in MAIN_TAGS or el.get("role") == "main"):
            factor, why = 1.25, f"inside <{el.tag}>"
    return factor, why


def _label(el: lxml.html.HtmlElement) -> tuple[str, float] | None:
    text = short_text(el, 40)
    if text is None:
        return None
    penalty = heading_penalty(text)
    return (text, penalty) if penalty < 1.0 else None


def _related_label(block: lxml.html.HtmlElement) -> tuple[str, float] | None:
    """A 相关阅读/热门文章…-style label that introduces the block (checked upwards)."""
    current: lxml.html.HtmlElement | None = block
    for _ in range(4):
        if current is None or current.tag in ("body", "html"):
            return None
        first = next((c for c in current if isinstance(c.tag, str)), None)
        if first is not None and first.tag in _HEADLINE_HOLDERS:
            found = _label(first)
            if found:
                return found
        sibling = current.getprevious()
        while sibling is not None and not isinstance(sibling.tag, str):
            sibling = sibling.getprevious()
        if sibling is not None:
            found = _label(sibling)
            if found:
                return found
        current = current.getparent()
    return None


def _dedupe(links: list[_Link]) -> list[_Link]:
    seen: dict[str, int] = {}
    out: list[_Link] = []
    for link in links:
        if link.url in seen:
            kept = out[seen[link.url]]
            if len(link.title) > len(kept.title):
                out[seen[link.url]] = _Link(kept.anchor, kept.url, link.title)
            continue
        seen[link.url] = len(out)
        out.append(link)
    return out


def _is_section_url(url: str) -> bool:
    """``/shehui/``: a channel's front page, not an article."""
    parts = urlsplit(url)
    return not parts.query and _ARTICLE_LIKE.search(parts.path) is None


def _trim(links: list[_Link]) -> list[_Link]:
    """Drop the channel tags and channel links that share a row structure with headlines."""
    kept = [link for link in links if not _CHANNEL_TAG.match(link.title)]
    sections = [link for link in kept if _is_section_url(link.url)]
    if sections and len(sections) * 3 < len(kept):
        kept = [link for link in kept if not _is_section_url(link.url)]
    return kept


def _median_length(group: _Group) -> float:
    return float(statistics.median(len(link.title) for link in group.links))


@dataclass
class _Scored:
    group: _Group
    score: float
    rows: list[lxml.html.HtmlElement]
    dates: list[ParsedTime | None]
    date_sources: list[str | None]
    signals: dict[str, float | str]


def _score(group: _Group, tz: tzinfo, now: datetime, *, pager_near: bool) -> _Scored:
    anchors = [link.anchor for link in group.links]
    rows = find_rows(anchors)
    found = [
        row_date(row, link.anchor, link.url, link.title, tz, now)
        for row, link in zip(rows, group.links, strict=True)
    ]
    dates = [d for d, _ in found]
    sources = [how for _, how in found]
    n = len(group.links)
    median = _median_length(group)
    headline = min(median, _HEADLINE_FULL) / _HEADLINE_FULL
    # A date printed beside the link is list evidence; one only in the URL is weaker.
    date_share = sum(0.5 if how == "url" else 1.0 for d, how in found if d is not None) / n
    common = common_ancestor(anchors)
    block = common if common is not None else anchors[0]
    # The first row's own ancestors: a group may span several boxes (side-box × 3) whose
    # shared block says nothing, while each box's class and label do.
    first_row = rows[0]
    container = first_row.getparent()
    place, where = _place(first_row)
    label = _related_label(container if container is not None else block) or _related_label(block)
    vocab = label[1] if label else 1.0
    pager = _PAGER_BONUS if pager_near else 1.0
    score = n * headline * (1 + date_share) * place * vocab * pager
    signals: dict[str, float | str] = {
        "links": n,
        "median_title_chars": median,
        "date_share": round(date_share, 3),
        "place": where,
        "place_factor": place,
    }
    if label:
        signals["related_label"] = label[0]
    if pager_near:
        signals["pager_follows"] = _PAGER_BONUS
    return _Scored(group, score, rows, dates, sources, signals)


def _candidate(
    scored: _Scored, page_url: str, tz: tzinfo, now: datetime, *, full: bool, suggest: bool
) -> Candidate:
    """Items of a scored group; ``full`` also reads summaries and images, ``suggest`` works
    out selectors that would pin the list."""
    links = scored.group.links
    items: list[ListItem] = []
    date_elements: list[lxml.html.HtmlElement | None] = []
    for link, row, date, how in zip(
        links, scored.rows, scored.dates, scored.date_sources, strict=True
    ):
        summary = image = None
        if full:
            info = read_row(row, link.title, how, page_url, tz, now, locate_date=suggest)
            date_elements.append(info.date_element)
            summary, image = info.summary, info.image
        items.append(
            ListItem(
                url=link.url,
                title=link.title,
                published=date.value if date else None,
                published_has_time=date.has_time if date else False,
                summary=summary,
                image=image,
            )
        )
    anchors = [link.anchor for link in links]
    suggestion = (
        suggest_selectors(scored.rows, anchors, [title_element(a) for a in anchors], date_elements)
        if full and suggest
        else Selectors()
    )
    return Candidate(
        rule="auto:" + "/".join(scored.group.key[-4:]),
        score=round(scored.score, 3),
        selector_suggestion=suggestion,
        items=tuple(items),
        signals=scored.signals,
    )


def _closest_before(
    groups: list[_Group], pager: lxml.html.HtmlElement, order: dict[lxml.html.HtmlElement, int]
) -> _Group | None:
    """The group whose last link comes right before the pager's link in page order."""
    at = order.get(pager)
    if at is None:
        return None
    best: tuple[int, _Group] | None = None
    for group in groups:
        last = max(order.get(link.anchor, -1) for link in group.links)
        if 0 <= last < at and (best is None or at - last < best[0]):
            best = (at - last, group)
    return best[1] if best else None


def detect_in_tree(
    root: lxml.html.HtmlElement,
    page_url: str,
    *,
    tz: tzinfo,
    now: datetime,
    runner_ups: int = _RUNNER_UPS,
    suggest: bool = True,
) -> ListDetection:
    """:func:`feedsvc.extract.detect_list` on an already parsed page; the worker's path
    asks for no runner-ups and no selector suggestions."""
    groups: dict[tuple[str, ...], _Group] = {}
    path_key = _PathKeys()
    order = {a: n for n, a in enumerate(iter_elements(root, "a"))}
    for link in _candidate_links(root, page_url):
        key = path_key(link.anchor)
        groups.setdefault(key, _Group(key)).links.append(link)
    viable: list[_Group] = []
    for group in groups.values():
        group.links = _trim(_dedupe(group.links))
        if len(group.links) >= 2 and _median_length(group) >= _MIN_HEADLINE:
            viable.append(group)  # others cannot be lists of headlines: skip the date search
    pager = find_pager(root, page_url)
    # On the last page there is no "next", but the pager (上一页, 1 2 3, 尾页) is still there.
    pager_el = pager[1] if pager else find_pager_anchor(root, page_url)
    before_pager = _closest_before(viable, pager_el, order) if pager_el is not None else None
    scored: list[_Scored] = []
    for group in viable:
        result = _score(group, tz, now, pager_near=group is before_pager)
        if result.score > 0:
            scored.append(result)
    scored.sort(key=lambda s: -s.score)
    next_page = pager[0] if pager else None
    if not scored:
        return ListDetection(None, (), next_page)
    winner = _candidate(scored[0], page_url, tz, now, full=True, suggest=suggest)
    # Runner-ups read in full (and pinnable) when selectors are asked for: an admin may
    # pick one in the preview, and its selectors must give its items back.
    others = [
        _candidate(s, page_url, tz, now, full=suggest, suggest=suggest)
        for s in scored[1 : 1 + runner_ups]
    ]
    return ListDetection(winner, (winner, *others), next_page)
