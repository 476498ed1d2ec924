"""Capping stored article HTML at a byte size (``max_content_bytes``).

A page can carry megabytes of article HTML, and every feed page carrying the article
repeats it on every render and in every cache. Content past the cap is cut at a text or
element boundary: the document order is walked, counting the bytes of each start tag,
text and end tag as serialized, and everything after the first piece that would not fit
(with the end tags of the elements still open) is dropped, a text node being cut inside.
What is kept is passed through the allowlist again and marked with a final paragraph,
"… Read the full article" linking the original, so a reader knows it is not all.
Raw HTML far past the cap is cut before sanitizing (:func:`precut`), so a 5 MB page
costs what a 600 KB one does.
"""

from __future__ import annotations

import html as htmllib
from typing import Final

from lxml import etree
from lxml import html as lxml_html

from feedsvc.safehtml import allowlist, fragment, inner_html

DEFAULT_MAX_CONTENT_BYTES: Final = 200 * 1024
NOTE_TEXT: Final = "Read the full article"
# Raw characters kept before sanitizing, per byte of the cap: sanitizing drops attributes,
# scripts and styles, so the raw beginning must be larger than what will be stored.
RAW_CHARS_PER_BYTE: Final = 3
# A cut text backs up to a space this close to the cut, so words are not split.
_WORD_BACKTRACK: Final = 40
_VOID: Final = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


def precut(html: str, max_bytes: int) -> tuple[str, bool]:
    """Raw HTML cut, before sanitizing, to a size that sanitizing a capped article needs:
    sanitizing megabytes only to keep a few hundred kilobytes would cost seconds. The cut
    falls after a ``>``, so no tag is split (sanitizing makes any cut safe anyway).
    Returns the HTML and whether anything was cut."""
    limit = RAW_CHARS_PER_BYTE * max_bytes
    if len(html) <= limit:
        return html, False
    end = html.rfind(">", 0, limit)
    return html[: end + 1 if end > 0 else limit], True


def cap_html(html: str, max_bytes: int, original_url: str, *, cut: bool = False) -> str:
    """``html`` (already sanitized) when it fits in ``max_bytes`` UTF-8 bytes and ``cut``
    is false; else its beginning, well-formed and sanitized, followed by the note linking
    ``original_url``, all within ``max_bytes`` ("" when not even the note fits). ``cut``
    says the HTML was already shortened (:func:`precut`), so it is marked even if it fits."""
    if not cut and _size(html) <= max_bytes:
        return html
    note = allowlist(
        f'<p>… <a href="{htmllib.escape(original_url, quote=True)}">{NOTE_TEXT}</a></p>'
    )
    budget = max_bytes - _size(note)
    body = html
    # The allowlist may serialize a little differently from lxml: shrink and retry.
    for _ in range(4):
        if budget <= 0:
            break
        root = fragment(body)
        _keep_first(root, budget)
        body = inner_html(root).rstrip()
        capped = allowlist(body + note)
        excess = _size(capped) - max_bytes
        if excess <= 0:
            return capped
        budget -= excess + 64
    return note if _size(note) <= max_bytes else ""


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _text_size(text: str | None) -> int:
    return _size(htmllib.escape(text, quote=False)) if text else 0


def _tags(element: lxml_html.HtmlElement) -> tuple[int, int]:
    """Bytes of the element's start tag and end tag (0 for a void element)."""
    shell = etree.Element(element.tag, dict(element.attrib))
    # libxml2 leaves out an empty <li>'s optional end tag; with content it writes it.
    end = "" if element.tag in _VOID else f"</{element.tag}>"
    start = etree.tostring(shell, encoding="unicode", method="html").removesuffix(end)
    return _size(start), len(end)


def _keep_first(root: lxml_html.HtmlElement, budget: int) -> None:
    """Trim ``root``'s content in place to at most ``budget`` bytes as serialized."""
    used = 0  # bytes of what is kept, not counting the end tags of open elements
    closing = 0  # end tags of the elements open at this point of the walk
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if element is root:
            if event == "start" and used + _text_size(root.text) > budget:
                root.text = _cut(root.text or "", budget)
                _drop_children_and_following(root, root)
                return
            used += _text_size(root.text) if event == "start" else 0
            continue
        if not isinstance(element.tag, str):  # a comment or processing instruction
            continue
        if event == "start":
            start, end = _tags(element)
            if used + closing + start + end > budget:
                _drop_from(root, element)
                return
            used += start
            closing += end
            text = _text_size(element.text)
            if used + closing + text > budget:
                element.text = _cut(element.text or "", budget - used - closing)
                _drop_children_and_following(root, element)
                return
            used += text
        else:
            start, end = _tags(element)
            closing -= end
            used += end
            tail = _text_size(element.tail)
            if used + closing + tail > budget:
                element.tail = _cut(element.tail or "", budget - used - closing) or None
                _drop_following(root, element)
                return
            used += tail


def _cut(text: str, room: int) -> str:
    """The longest beginning of ``text`` whose escaped form fits in ``room`` bytes, backed
    up to a space when one is near."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _text_size(text[:middle]) <= room:
            low = middle
        else:
            high = middle - 1
    kept = text[:low]
    space = kept.rfind(" ", max(0, low - _WORD_BACKTRACK))
    return kept[:space] if 0 < space < low < len(text) else kept


def _drop_from(root: lxml_html.HtmlElement, element: lxml_html.HtmlElement) -> None:
    """Remove ``element`` and everything after it."""
    parent = element.getparent()
    assert parent is not None
    _drop_following(root, element)
    parent.remove(element)


def _drop_children_and_following(
    root: lxml_html.HtmlElement, element: lxml_html.HtmlElement
) -> None:
    for child in list(element):
        element.remove(child)
    if element is not root:
        element.tail = None
        _drop_following(root, element)


def _drop_following(root: lxml_html.HtmlElement, element: lxml_html.HtmlElement) -> None:
    """Remove everything after ``element``'s tail: its later siblings, and the tails and
    later siblings of its ancestors."""
    current = element
    while current is not root:
        parent = current.getparent()
        assert parent is not None
        for sibling in list(current.itersiblings()):
            parent.remove(sibling)
        if parent is not root:
            parent.tail = None
        current = parent
