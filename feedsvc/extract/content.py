"""Main content: page chrome removed, readability-lxml picks the body, then line cleanup.

Chrome is removed from the tree BEFORE readability scores it (``stripping``), so a long
"related" or "hot articles" teaser block can never win over a short article. A short pick
that a block with four times its text dwarfs (a signature or a sidebar of ``<p>``s beside a
long ``<br>``-split forum post) loses to that block. Afterwards, lines that
are chrome by their text (breadcrumb, date/source line, share bar, copyright,
上一篇/下一篇) are dropped. The HTML returned keeps paragraphs, images and tables; it is
not sanitized (normalize does that) but carries no script or style.
"""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime

import lxml.html
from lxml import etree
from readability import Document
from readability.readability import Unparseable

from feedsvc.extract.dates import parse_datetime
from feedsvc.extract.dom import clean_text, iter_elements, text_of
from feedsvc.extract.stripping import DROP_TAGS, PROSE_MARK, drop, prose_marks, related_blocks
from feedsvc.htmltags import LINE_TAGS
from feedsvc.safehtml import fragment

__all__ = [
    "clean_fragment",
    "densest_block",
    "fix_lazy_images",
    "main_content",
    "selected_content",
]

_LAZY_ATTRS = ("data-src", "data-original", "data-lazy-src", "data-actualsrc", "data-url", "file")
_PLACEHOLDER_SRC = re.compile(r"^data:|blank\.|loading|lazy|placeholder|spacer|grey\.gif|1x1", re.I)
_CHROME_LINE_LABELS = re.compile(
    r"来源\s*[:：]|作者\s*[:：]|编辑\s*[:：]|日期\s*[:：]|发布时间|发布日期|发表时间|浏览次数|点击数|阅读数|字号"
)
_POSITION = re.compile(r"^(?:当前位置|您的位置|你的位置|您现在的位置|你现在的位置|所在位置)")
_SHARE = re.compile(
    r"分享到|分享至|扫一扫|扫描二维码|share this|share on|tweet this|打印本页|关闭窗口", re.I
)
# A credit line that is only a label and a name: "（编辑：小何）", "责任编辑：", "来源：新华社".
_CREDIT_LINE = re.compile(
    r"^[（(【\[]?\s*(?:责任编辑|编辑|责编|来源|作者|审核|校对|监制|出品)\s*[:：]"
)
# "版权所有者"/"版权所有人" (the copyright holder) is prose, not a notice.
_COPYRIGHT = re.compile(
    r"版权所有(?![者人方])|版权声明|免责声明|平台声明|仅代表作者本人|不代表本(?:站|网)"
    r"|copyright|©|all rights reserved|未经授权|禁止转载|不得转载|ICP备",
    re.I,
)
_PREV_NEXT = re.compile(
    r"上一篇|下一篇|上一条|下一条|上一页|下一页|previous (?:post|article)|next (?:post|article)",
    re.I,
)
# A label, not prose: "记者 张三" / "作者：李四" is a byline, "记者从…获悉" is a sentence.
_BYLINE_START = re.compile(
    r"^(?:(?:by|posted|written)\b|(?:作者|记者)(?:\s*[:：]|\s+[\u4e00-\u9fff]{2,4}(?:\s|$))|文\s*/)",
    re.I,
)


def fix_lazy_images(root: lxml.html.HtmlElement) -> None:
    """Point ``src`` at the real image for lazy-loaded ``<img>`` (data-src, data-original…)."""
    for img in iter_elements(root, "img"):
        src = (img.get("src") or "").strip()
        if src and not _PLACEHOLDER_SRC.search(src):
            continue
        for attr in _LAZY_ATTRS:
            value = (img.get(attr) or "").strip()
            if value and not value.startswith("data:"):
                img.set("src", value)
                break
        else:
            widest = _widest_candidate(img.get("data-srcset") or img.get("srcset") or "")
            if widest:
                img.set("src", widest)


def _widest_candidate(srcset: str) -> str | None:
    """The widest image of a ``srcset`` ("a.jpg 320w, b.jpg 800w" → b.jpg); density
    descriptors (2x) rank the same way. URLs may hold commas (``c_fill,w_80/x.jpg``): a
    candidate ends at whitespace, not at a comma."""
    best: tuple[float, str] | None = None
    tokens = srcset.split()
    i = 0
    while i < len(tokens):
        url = tokens[i].rstrip(",")
        rank = 1.0
        if not tokens[i].endswith(",") and i + 1 < len(tokens):
            size = re.fullmatch(r"(\d+(?:\.\d+)?)[wx],?", tokens[i + 1])
            if size:
                rank = float(size.group(1))
                i += 1
        i += 1
        if url and not url.startswith("data:") and (best is None or rank > best[0]):
            best = (rank, url)
    return best[1] if best else None


# A bracketed call to action marks a promotion: "…火热进行中！【点击投票】Pick你心目中的…".
_CALL_TO_ACTION = re.compile(r"[【\[]\s*点击[^】\]]{0,8}[】\]]")
_PROMO_MAX = 100  # a promotion is a line or two; a paragraph that mentions one is prose


def _is_chrome_line(text: str, title_key: str) -> bool:
    if not text:
        return False
    if _POSITION.match(text) or (title_key and re.sub(r"\s+", "", text) == title_key):
        return True
    if len(text) <= _PROMO_MAX and _CALL_TO_ACTION.search(text):
        return True
    if len(text) <= 100 and _BYLINE_START.match(text) and re.search(r"\d", text):
        return True
    if len(text) <= 60 and _CREDIT_LINE.match(text):
        return True
    if len(text) <= 60 and parse_datetime(text, tz=UTC, now=_FAR_FUTURE) is not None:
        return True  # a dateline on its own ("Saturday, September 10th, 2005 10:56 am")
    if len(text) <= 160:
        labels = {m.group(0)[:2] for m in _CHROME_LINE_LABELS.finditer(text)}
        if len(labels) >= 2 or (labels and len(text) <= 60 and text.startswith(tuple(labels))):
            return True
    if len(text) <= 80 and (_SHARE.search(text) or _PREV_NEXT.search(text)):
        return True
    return len(text) <= 200 and _COPYRIGHT.search(text) is not None


def clean_fragment(root: lxml.html.HtmlElement, title: str | None = None) -> None:
    """Drop chrome lines from extracted content (deepest elements first): breadcrumb,
    date/source and byline lines, the title repeated, share bars, copyright, 上一篇/下一篇."""
    title_key = re.sub(r"\s+", "", title or "")
    for tag in DROP_TAGS:
        for el in list(iter_elements(root, tag)):
            drop(el)
    for el in list(related_blocks(root)):
        drop(el)
    candidates = [el for el in iter_elements(root) if el.tag in LINE_TAGS]
    for el in reversed(candidates):
        if el is root or el.getparent() is None:
            continue
        if el.find(".//img") is not None and el.tag != "span":
            continue
        if _is_chrome_line(text_of(el), title_key):
            drop(el)


def _serialize(el: lxml.html.HtmlElement, *, with_tail: bool = True) -> str:
    return str(lxml.html.tostring(el, encoding="unicode", method="html", with_tail=with_tail))


def main_content(
    root: lxml.html.HtmlElement, page_url: str, title: str | None = None
) -> str | None:
    """Readability's pick of the main content of an already chrome-stripped tree; the
    densest prose block when readability finds nothing worth keeping."""
    picked = _readability_pick(root, page_url)
    picked_chars = 0
    if picked is not None:
        clean_fragment(picked, title)
        picked_chars = len(clean_text(text_of(picked)))
        if picked_chars >= _SUSPICIOUS_CHARS:
            if picked_chars >= _SHORT_PICK:
                return _inner(picked)
            # A short pick may be a signature or a sidebar of <p>s that readability
            # scored over a long <br>-split forum post: the post, far longer, wins.
            post = _dwarfing_block(root, picked, picked_chars, title)
            return _inner(post if post is not None else picked)
        if picked_chars == 0 and picked.find(".//img") is not None:
            return _inner(picked)
    dense = densest_block(root)
    # The block must hold several times the sentences of readability's pick, not just more
    # characters of chrome around the same one or two sentences.
    picked_marks = prose_marks(picked) if picked is not None else 0
    if dense is not None and prose_marks(dense) >= 3 * max(picked_marks, 3):
        frag = fragment(_serialize(dense, with_tail=False))
        clean_fragment(frag, title)
        # A tiny page is its own content ("abc def ghi"): only a much longer block wins.
        if len(clean_text(text_of(frag))) > max(4 * picked_chars, _MIN_CONTENT_CHARS):
            return _inner(frag)
    return _inner(picked) if picked is not None and picked_chars else None


def _dwarfing_block(
    root: lxml.html.HtmlElement, picked: lxml.html.HtmlElement, picked_chars: int, title: str | None
) -> lxml.html.HtmlElement | None:
    """The densest block, cleaned, when it holds several times the text of readability's
    short pick and more of its sentences (a long post beside a signature or a sidebar)."""
    dense = densest_block(root)
    if dense is None or prose_marks(dense) < 2 * max(prose_marks(picked), 3):
        return None
    frag = fragment(_serialize(dense, with_tail=False))
    clean_fragment(frag, title)
    return frag if len(clean_text(text_of(frag))) >= _DWARFED * picked_chars else None


_MIN_CONTENT_CHARS = 50
# Readability's pick shorter than this may be one stray paragraph of a page it misread
# (lists of <li>, <br>-split forum posts): a block with far more prose then wins.
_SUSPICIOUS_CHARS = 200
_SHORT_PICK = 1000  # a pick this short may be a signature or a sidebar beside a long post
_DWARFED = 4  # times the pick's text a block holds to replace such a pick
_FAR_FUTURE = datetime(9000, 1, 1, tzinfo=UTC)  # only the form of a dateline matters here


def _readability_pick(root: lxml.html.HtmlElement, page_url: str) -> lxml.html.HtmlElement | None:
    # A page that is only a <head> (a meta-refresh stub, a script shell, a truncated
    # download) has nothing to pick, and readability-lxml asserts on it ("too many bodies").
    if root.find(".//body") is None:
        return None
    html = _serialize(root, with_tail=False)
    try:
        summary = Document(html, url=page_url).summary(html_partial=True)
    except (Unparseable, ValueError, etree.LxmlError):
        return None
    if not summary or not summary.strip():
        return None
    try:
        return fragment(summary)
    except (etree.ParserError, ValueError):
        return None


_BLOCK_CANDIDATES = ("div", "td", "article", "section", "main", "font", "center", "table")


def densest_block(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The block with the most sentence punctuation outside links, the deepest such block
    when a wrapper adds nothing (readability misses pages whose text sits in ``<br>``-split
    cells with odd wrappers, such as old forum posts). One bottom-up pass: linear time."""
    elements = list(iter_elements(root))
    marks: dict[lxml.html.HtmlElement, int] = {}
    chars: dict[lxml.html.HtmlElement, int] = {}
    linked: dict[lxml.html.HtmlElement, int] = {}
    for el in reversed(elements):  # children before their parents
        m, c, lk = _counts(el.text)
        for child in el:
            if isinstance(child.tag, str):
                m, c, lk = m + marks[child], c + chars[child], lk + linked[child]
            tm, tc, _ = _counts(child.tail)
            m, c = m + tm, c + tc
        marks[el], chars[el], linked[el] = m, c, c if el.tag == "a" else lk
    best: tuple[float, lxml.html.HtmlElement] | None = None
    for el in elements:
        if el.tag not in _BLOCK_CANDIDATES or marks[el] < 3:
            continue
        score = marks[el] * max(0.0, 1 - linked[el] / max(chars[el], 1))
        # ">=" lets a deeper block with the same score replace its wrapper (document order).
        if score > 0 and (best is None or score >= best[0]):
            best = (score, el)
    return best[1] if best else None


def _counts(text: str | None) -> tuple[int, int, int]:
    if not text:
        return 0, 0, 0
    return len(PROSE_MARK.findall(text)), len(text.strip()), 0


def _inner(frag: lxml.html.HtmlElement) -> str:
    # readability wraps its pick in one <div>; keep that wrapper's children only.
    while (
        len(frag) == 1
        and not (frag.text or "").strip()
        and not (frag[0].tail or "").strip()
        and frag[0].tag == "div"
    ):
        frag = frag[0]
    for child in frag:
        if child.tag in ("td", "th", "tr", "tbody"):
            child.tag = "div"  # a bare table cell is not valid on its own
    parts = [frag.text or ""] + [_serialize(child) for child in frag]
    return "".join(parts).strip()


def selected_content(elements: list[lxml.html.HtmlElement], title: str | None = None) -> str | None:
    """Content chosen by a source's ``content`` selector, cleaned the same way."""
    if not elements:
        return None
    wrapper = lxml.html.Element("div")
    for el in elements:
        clone = copy.deepcopy(el)  # the page keeps its own (credits are read there after)
        clone.tail = None
        wrapper.append(clone)
    clean_fragment(wrapper, title)
    html = _inner(wrapper)
    return html or None
