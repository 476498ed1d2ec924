"""Chrome stripping: what is removed from a page before readability scores it.

Scripts, styles and form widgets; ``nav``/``aside``/``footer`` and chrome-classed blocks
(unless they hold the article: a wrapper called "nav", a ``<form>`` around a forum page);
blocks under a 相关阅读/热门文章/"Related" label; lists of other articles with their own date
stamps. ``content`` uses the same pieces to clean the picked fragment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import lxml.html

from feedsvc.extract.dom import iter_elements, text_of
from feedsvc.htmltags import CODE_TAGS, FORM_WIDGET_TAGS, SIDE_TAGS

__all__ = [
    "DROP_TAGS",
    "PROSE_MARK",
    "RELATED_HEADINGS",
    "drop",
    "is_related_heading",
    "prose_marks",
    "related_blocks",
    "strip_chrome",
]

RELATED_HEADINGS = re.compile(
    r"^(?:相关阅读|相关新闻|相关文章|相关推荐|相关报道|相关链接|延伸阅读|推荐阅读|热门文章|热门推荐|热门新闻"
    r"|热点推荐|热点新闻|最新文章|最新新闻|最新资讯|猜你喜欢|精彩推荐|排行榜?|热门排行|点击排行|阅读排行"
    r"|新闻排行|友情链接|图片新闻|推荐|更多|大家都在看|为你推荐|为您推荐|热门阅读|看了又看|图片推荐|精彩图片"
    r"|"
    r"related(?: posts| articles| stories| content| news)?|popular(?: posts| articles| stories)?"
    r"|recent posts|recent articles|most read|most popular|you may also like|read more|read next"
    r"|more stories|more from .{1,30}|trending|further reading|see also)\s*[:：>»]*"
    r"(?:\s*(?:more|更多)\s*[>»]*)?$",
    re.I,
)
_CHROME_CLASS = re.compile(
    r"(?:^|[\s_-])(?:related|relate|recommend|recommended|share|sharing|social|comments?|breadcrumbs?"
    r"|crumbs?|copyright|pager|pagination|sidebar|side-bar|footer|navbar|nav|menu|toolbar"
    r"|advert|ads|hot-?news|rank|ranking)(?:$|[\s_-])",
    re.I,
)
DROP_TAGS = (*CODE_TAGS, *FORM_WIDGET_TAGS)


def drop(el: lxml.html.HtmlElement) -> None:
    if el.getparent() is not None:
        el.drop_tree()


PROSE_MARK = re.compile(r"[，。！？；]|[.,;!?](?=\s)")


def prose_marks(el: lxml.html.HtmlElement) -> int:
    """Sentence punctuation in the element: prose has plenty, link lists and menus little."""
    return len(PROSE_MARK.findall(el.text_content()))


def _is_substantial(el: lxml.html.HtmlElement, page_marks: int = 0) -> bool:
    """Holds article-like text: never removed as chrome. Besides headings and long
    paragraphs, an element holding most of the page's sentence punctuation counts, so a
    wrapper whose class happens to say "nav" or "side" (or a forum post written with <br>
    instead of <p>) is never dropped with the article inside it."""
    if el.find(".//h1") is not None:
        return True
    long_paragraphs = sum(1 for p in iter_elements(el, "p") if len(text_of(p)) > 60)
    if long_paragraphs >= 3:
        return True
    if page_marks < 10:
        return False
    return prose_marks(el) * 2 >= page_marks


_PROSE_PARAGRAPH = 60  # characters of a paragraph of body text
_PROSE_LINK_SHARE = 0.2  # at most this share of its text in links


def _holds_prose(el: lxml.html.HtmlElement) -> bool:
    """A paragraph of body text rather than teasers: a long paragraph, little of the
    block's text in links (a list of other stories is mostly link text)."""
    text = text_of(el)
    if not text:
        return False
    linked = sum(len(text_of(a)) for a in iter_elements(el, "a"))
    if linked > len(text) * _PROSE_LINK_SHARE:
        return False
    return any(
        len(part) > _PROSE_PARAGRAPH and PROSE_MARK.search(part)
        for part in (text_of(b) for b in iter_elements(el))
        if part
    )


_MAX_HEADING = 30


def is_related_heading(text: str) -> bool:
    return len(text) <= _MAX_HEADING and RELATED_HEADINGS.match(text) is not None


def _text_within(el: lxml.html.HtmlElement, limit: int) -> bool:
    """Whether the element's text could be ``limit`` characters or fewer, stopping early:
    computing the full text of every big container made this scan quadratic."""
    seen = 0
    for piece in el.itertext():
        seen += len("".join(piece.split()))
        if seen > limit:
            return False
    return True


def related_blocks(root: lxml.html.HtmlElement) -> Iterable[lxml.html.HtmlElement]:
    """Elements that belong to a 相关阅读 / 热门文章 / Related… block."""
    out: list[lxml.html.HtmlElement] = []
    for el in list(iter_elements(root)):
        if el.tag in ("html", "body") or len(el) > 6 or not _text_within(el, _MAX_HEADING):
            continue
        own = text_of(el)
        if not own or not is_related_heading(own):
            continue
        heading = el
        # Climb from the label to the element that sits beside the list it introduces.
        for _ in range(3):
            parent = heading.getparent()
            if parent is None or parent.tag in ("body", "html") or text_of(parent) != own:
                break
            heading = parent
        out.append(heading)
        sibling = heading.getnext()
        while sibling is not None:
            if not isinstance(sibling.tag, str):
                sibling = sibling.getnext()
                continue
            if sibling.tag in ("h1", "h2", "h3") or _is_substantial(sibling):
                break
            if _holds_prose(sibling):
                break  # the body goes on after a "Read more" label (split containers)
            if is_related_heading(text_of(sibling)):
                break
            out.append(sibling)
            sibling = sibling.getnext()
    return out


_STAMP = re.compile(
    r"(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}|\b\d{1,2}[-/]\d{1,2}\s+\d{1,2}:\d{2}"
)
_MIN_TEASERS = 4


def _teaser_lists(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Lists of other articles: at least four items, nearly all with a link and a date
    stamp of their own ("山东日照：… 【详细】 强图打榜 2024-05-23 09:41"). An article's own
    paragraphs do not each carry a date, so a short article never loses to such a list."""
    found: list[lxml.html.HtmlElement] = []
    for el in root.iter("ul", "ol", "div", "dl", "tbody"):
        if len(el) < _MIN_TEASERS:
            continue
        items = teasers = 0
        for item in el:
            if not isinstance(item.tag, str):
                continue
            # lxml's C text_content: this runs on every list-like element of the page.
            text = " ".join(item.text_content().split())
            if not text:
                continue
            items += 1
            if (
                len(text) <= 200
                and _STAMP.search(text)
                and (item.tag == "a" or item.find(".//a") is not None)
            ):
                teasers += 1
        if teasers >= _MIN_TEASERS and teasers * 4 >= items * 3:
            found.append(el)
    return found


def strip_chrome(root: lxml.html.HtmlElement) -> None:
    """Remove script/style, nav/aside/footer, related blocks and chrome-classed elements."""
    page_marks = prose_marks(root)
    for tag in DROP_TAGS:
        for el in list(iter_elements(root, tag)):
            # ASP.NET and forum pages wrap the whole page, article included, in a <form>.
            if tag == "form" and _is_substantial(el, page_marks):
                el.drop_tag()
            else:
                drop(el)
    for el in list(related_blocks(root)):
        drop(el)
    for el in _teaser_lists(root):
        # Teaser summaries may out-punctuate a short article (and come in <p>s): only the
        # page's headline inside protects the list.
        if el.find(".//h1") is None:
            drop(el)
    for el in list(iter_elements(root)):
        if el.tag in ("html", "body") or el.getparent() is None:
            continue
        if el.tag in SIDE_TAGS and not _is_substantial(el, page_marks):
            drop(el)
            continue
        marker = f"{el.get('class') or ''} {el.get('id') or ''}"
        if marker.strip() and _CHROME_CLASS.search(marker) and not _is_substantial(el, page_marks):
            drop(el)
