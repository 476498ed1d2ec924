"""A closing author biography is not part of the article.

Blogs and magazines end every post by one writer with the same paragraph: "Jane Doe is a
staff writer at Example News… Follow her on Twitter", often in a box with her picture and
name. Single pages cannot tell it from the text by its repetition, but by its shape: the
content's last paragraph, short, opening with the writer's name (or "About the author")
and a verb of description.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from feedsvc.extract.dom import text_of
from feedsvc.safehtml import fragment, inner_html

__all__ = ["drop_author_bio"]

_MAX_BIO = 600  # characters: a biography is a paragraph, never a section
_MAX_LABEL = 60  # a box's own label: "Jane Doe", "About the author"
_BIO_VERB = r"(?:is|was|has|writes|covers|reports|lives|works|joined|teaches|holds|edits)\b"
# Anyone introduced as a writer, with or without the page naming its author.
_WRITER_BIO = re.compile(
    r"^(?:[A-Z][\w.'’-]+\s+){1,3}(?:is|was)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,4}?"
    r"(?:writer|journalist|reporter|editor|author|correspondent|columnist|contributor"
    r"|blogger|producer|novelist|freelancer)\b"
)
_ABOUT = re.compile(r"^(?:about the author|about the writer|about me)\b", re.I)
_BLOCKS = ("p", "div", "section", "aside", "blockquote", "footer")


def drop_author_bio(content_html: str, author: str | None) -> str:
    """The content without a closing author biography (and the box around it when the box
    holds nothing else but the writer's name or picture); unchanged when there is none."""
    try:
        root = fragment(content_html)
    except (ValueError, lxml.etree.ParserError):
        return content_html
    last = _last_block(root)
    if last is None or last is root:
        return content_html
    box = last.getparent()
    labelled = box is not None and box is not root and _ABOUT.match(text_of(box)) is not None
    if not labelled and not _is_bio(text_of(last), author):
        return content_html
    doomed = last
    parent = last.getparent()
    while parent is not None and parent is not root and parent.getparent() is not None:
        rest = text_of(parent).replace(text_of(doomed), "", 1).strip()
        if len(rest) > _MAX_LABEL:
            break
        doomed, parent = parent, parent.getparent()
    _drop(doomed)
    return inner_html(root)


def _last_block(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The innermost block holding the content's last text (children follow their parent
    in document order, so the last block with text is the innermost)."""
    found = None
    for el in root.iter(*_BLOCKS):
        if text_of(el):
            found = el
    return found


def _is_bio(text: str, author: str | None) -> bool:
    if not text or len(text) > _MAX_BIO:
        return False
    if _ABOUT.match(text) or _WRITER_BIO.match(text):
        return True
    if not author:
        return False
    names = [n.strip() for n in re.split(r",|\band\b|&", author) if n.strip()]
    return any(
        re.match(
            rf"^(?:about\s+)?{re.escape(name)}(?:\s*,[^,.]{{1,60}},)?\s+{_BIO_VERB}", text, re.I
        )
        for name in names
        if len(name.split()) >= 2  # a full name: "Jane Doe", not a single word
    )


def _drop(el: lxml.html.HtmlElement) -> None:
    tail = el.tail
    parent = el.getparent()
    if parent is None:
        return
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)
