"""The category an article page names in its breadcrumb.

Chinese portals write the trail as text after a label (``当前位置：首页 > 财经 > 正文``),
others mark it up (``aria-label=breadcrumb``, schema.org BreadcrumbList, classes such as
``post_crumb``, ``news-position``, ``channel-path``). Class names are a weak signal: video
players, ad widgets and comment boxes have ``position``/``location`` classes too, so a
marked block counts only when it reads like a trail (two crumbs or more, or a position
label), and crumbs that are page actions (打印, Print Article), dates, issue numbers, file
names or labels never become the category.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import lxml.html

from feedsvc.extract.dom import clean_text, iter_elements, text_of

__all__ = ["crumbs_category", "find_breadcrumb_category"]

_POSITION_LABEL = re.compile(
    r"(?:当前位置|您的位置|你的位置|您现在的位置|你现在的位置|现在位置|所在位置|当前的位置|位置)\s*[:：]"
)
_POSITION_WORDS = ("当前位置", "您的位置", "你的位置", "现在的位置", "所在位置", "现在位置")
_CRUMB_SEP = re.compile(r"\s*(?:-+>|>>|＞＞|>|＞|»|›|→|/|\\|\|)\s*")
_NOT_A_CATEGORY = frozenset(
    [
        "首页",
        "主页",
        "网站首页",
        "本站首页",
        "返回首页",
        "正文",
        "内容",
        "详情",
        "正文内容",
        "文章",
        "文章详情",
        "新闻详情",
        "详细内容",
        "阅读",
        "浏览",
        "home",
        "homepage",
        "index",
        "main",
        "article",
        "articles",
        "story",
        "新闻首页",
        # placeholders some CMSes print for an empty section
        "nil",
        "null",
        "none",
        "undefined",
    ]
)
# Links and buttons that share the breadcrumb's line: page actions, not sections.
# 评论/Comment alone is an opinion section (新京报 > 评论); with a count or a verb it is the
# comment button.
_ACTION = re.compile(
    r"打印|关闭|收藏|分享|字号|搜索|网站地图|设为首页|设置首页|申请入驻|登录|注册|订阅"
    r"|我要评论|发表评论|评论\s*[(（\d]|\d+\s*条?评论"
    r"|\bprint\b|\be-?mail\b|\bshare\b|\d+\s+comments?\b|\bcomments?\s*\(|\bsearch\b"
    r"|\bsign (?:in|up)\b|\blog ?in\b|\bsubscribe\b",
    re.I,
)
# A year, a date, an issue or volume number, a label, a file name or URL: archives and
# page furniture, not sections.
_NOT_A_SECTION = re.compile(
    r"^(?:19|20)\d\d\s*年?$|\d+\s*月\s*\d+\s*日|第\s*\d+\s*[期号]|\bvol\.|\bno\.\s*\d|[:：]"
    r"|\.s?html?\b|\.php\b|\.aspx?\b|https?://|/|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.? \d{4}\b",
    re.I,
)
_MAX_CRUMB = 24  # longer "crumbs" are the article title or a sentence
# ``post_crumb``, ``breadcrumbs-3K4SWxEh``, ``news-position``, ``current-location``,
# ``MyPosition02_248669``, ``channel-path`` — but not ``dr-position-relative``,
# ``widget-positioned``, ``attribution_position_top`` or ``PositioningContainerHack``.
_MARKED_TOKEN = re.compile(r"crumb|(?:position|location|path)(?:[_-]?\d+)*(?=\s|$)", re.I)


def crumbs_category(crumbs: Iterable[str], *, title: str | None) -> str | None:
    """The last crumb that names a section: not home/正文, not the title, not a sentence,
    not a page action, a date or a file name."""
    title_key = _key(title or "")
    chosen: str | None = None
    for raw in crumbs:
        crumb = clean_text(_POSITION_LABEL.sub("", raw)).strip(" :：>»›")
        key = _key(crumb)
        if not key or key.lower() in _NOT_A_CATEGORY or len(crumb) > _MAX_CRUMB:
            continue
        if any(w in crumb for w in _POSITION_WORDS) or crumb.isdigit():
            continue
        if _ACTION.search(crumb) or _NOT_A_SECTION.search(crumb):
            continue
        if title_key and (key == title_key or (len(key) >= 8 and key in title_key)):
            continue
        chosen = crumb
    return chosen


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _after_label(text: str) -> str:
    label = _POSITION_LABEL.search(text)
    return text[label.end() :] if label else text


def _split_crumbs(el: lxml.html.HtmlElement) -> list[str]:
    parts = [p for p in _CRUMB_SEP.split(_after_label(text_of(el))) if p.strip()]
    if len(parts) >= 2:
        return parts
    anchors = [text_of(a) for a in iter_elements(el, "a")]
    anchors = [a for a in anchors if a]
    return anchors if len(anchors) >= 2 else parts


def _is_marked(el: lxml.html.HtmlElement) -> bool:
    if el.tag == "nav" and "breadcrumb" in (el.get("aria-label") or "").lower():
        return True
    if "BreadcrumbList" in (el.get("itemtype") or "") or el.get("itemprop") == "breadcrumb":
        return True
    return _MARKED_TOKEN.search(f"{el.get('class') or ''} {el.get('id') or ''}") is not None


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _is_hidden(el: lxml.html.HtmlElement) -> bool:
    """Hidden data blocks that scripts turn into a trail hold ids and URLs, not crumbs."""
    for node in (el, *el.iterancestors()):
        if node.get("hidden") is not None or _HIDDEN_STYLE.search(node.get("style") or ""):
            return True
    return False


def _candidates(root: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    # One pass with a regex in Python: XPath 1.0 has none, and six translate()/contains()
    # tests on every element cost three times as much.
    marked = [
        found
        for found in root.xpath("//*[@class or @id or @aria-label or @itemtype or @itemprop]")
        if isinstance(found, lxml.html.HtmlElement) and _is_marked(found)
    ]
    # A marked trail inside a marked block (Sina: the channel logo, then ``channel-path``)
    # is the trail itself: try it before the block around it.
    for el in marked:
        yield from (inner for inner in marked if inner is not el and el in inner.iterancestors())
        yield el
    for node in root.xpath(
        "//text()[contains(.,'位置')]/parent::*[not(self::script) and not(self::style)]"
    ):
        if isinstance(node, lxml.html.HtmlElement) and _POSITION_LABEL.search(text_of(node)):
            yield _widen(node)


def find_breadcrumb_category(root: lxml.html.HtmlElement, *, title: str | None) -> str | None:
    """The section named by the page's breadcrumb, or None.

    Looks at breadcrumb markup and at text introduced by 当前位置 / 您的位置, and takes the
    LAST meaningful crumb that is not the title itself. A marked block with one crumb and
    no position label is some other widget.
    """
    for el in _candidates(root):
        if _is_hidden(el):
            continue
        text = text_of(el)
        if not text or len(text) > 200:
            continue
        crumbs = _split_crumbs(el)
        if len(crumbs) < 2 and not _POSITION_LABEL.search(text):
            continue
        category = crumbs_category(crumbs, title=title)
        if category:
            return category
    return None


def _widen(el: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """Climb from the label's element to the block that also holds the crumb links, and
    no further once the trail after the label has two crumbs (the search box and site
    links beside a trail are not crumbs)."""
    best = el
    current = el
    for _ in range(3):
        if len(_CRUMB_SEP.split(_after_label(text_of(best)).strip())) >= 2:
            break
        parent = current.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        if len(text_of(parent)) > 150:
            break
        current = parent
        best = parent
    return best
