"""The one HTML allowlist, applied by ``nh3`` (ammonia), and the parsing and
serializing of HTML fragments that normalization and capping share.

Article HTML passes it twice: when it is stored (``normalize.sanitize_html``, which also
makes every URL absolute) and again when a feed carries it (``feeds/safety.py``), so a
row written by an older version or another tool cannot put active content in a feed.
Applying it to its own output changes nothing, which is what lets the second pass be
cached by digest.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable
from typing import Final

import nh3
from lxml import etree
from lxml import html as lxml_html

ALLOWED_TAGS: Final[frozenset[str]] = frozenset(
    {
        "p", "br", "div", "span", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
        "blockquote", "pre", "code", "em", "strong", "b", "i", "u", "s", "del", "ins",
        "sub", "sup", "small", "mark", "q", "cite", "a", "img", "figure", "figcaption",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "hr", "dl", "dt",
        "dd",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: Final[dict[str, frozenset[str]]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title", "width", "height"}),
    "th": frozenset({"colspan", "rowspan"}),
    "td": frozenset({"colspan", "rowspan"}),
    "q": frozenset({"cite"}),
}
# Removed with everything inside: code, fallback text for embeds, and form widgets whose text
# ("提交", "Select…") is not article text. <form> itself is only unwrapped: ASP.NET portals
# wrap whole pages in one.
DROP_WITH_CONTENT: Final[frozenset[str]] = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
        "math", "select", "textarea", "button", "head", "title", "noembed", "noframes",
    }
)  # fmt: skip
# Every other scheme (javascript:, vbscript:, data:, …) loses its attribute.
URL_SCHEMES: Final[frozenset[str]] = frozenset({"http", "https", "mailto"})
LINK_REL: Final = "noopener noreferrer"

# (tag, attribute, value) → the value to keep, or None to drop the attribute.
AttributeFilter = Callable[[str, str, str], str | None]


def allowlist(html: str, attribute_filter: AttributeFilter | None = None) -> str:
    """``html`` with only the allowed tags and attributes: no scripts, styles, frames,
    forms, event handlers, ``style`` attributes, comments or non-http(s)/mailto URLs;
    links get ``rel="noopener noreferrer"``."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=attribute_filter,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_xml_illegal(text: str) -> str:
    """Remove characters XML 1.0 forbids (C0 controls but tab/LF/CR, surrogates, FFFE/FFFF)."""
    return _XML_ILLEGAL.sub("", text)


def fragment(html: str) -> lxml_html.HtmlElement:
    """``html`` parsed under a ``<div>`` parent (which :func:`inner_html` leaves out).

    Raises ``lxml.etree.ParserError`` or ValueError for text that makes no fragment: lxml
    *asserts* on some (``<html><head><m><body>``, found by fuzzing), so that becomes a
    ValueError too, which every caller already handles.
    """
    try:
        return lxml_html.fragment_fromstring(strip_xml_illegal(html), create_parent="div")
    except AssertionError:
        raise ValueError("not an HTML fragment (lxml finds no body in it)") from None


def inner_html(root: lxml_html.HtmlElement) -> str:
    """The HTML inside ``root``: its text and its children, as HTML."""
    head = htmllib.escape(root.text or "", quote=False)
    return head + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in root
    )
