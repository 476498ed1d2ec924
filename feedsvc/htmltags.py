"""Sets of HTML tag names by role, one home for extraction and normalization.

Plain data, no parsing: ``extract`` walks trees with them, ``normalize`` turns fragments
into text with them. The allowlist of stored HTML is ``safehtml``'s, not here.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "BLOCK_TAGS",
    "CHROME_TAGS",
    "CODE_TAGS",
    "FORM_WIDGET_TAGS",
    "HEADING_TAGS",
    "LINE_TAGS",
    "MAIN_TAGS",
    "NO_TEXT_TAGS",
    "SIDE_TAGS",
]

HEADING_TAGS: Final[tuple[str, ...]] = ("h1", "h2", "h3", "h4", "h5", "h6")

# Elements that start a new line of text: their boundaries are word boundaries
# ("end</p><p>Start" reads "end Start").
BLOCK_TAGS: Final[frozenset[str]] = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "center", "dd", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", *HEADING_TAGS,
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody",
        "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip

# Code and templates: never text, removed before anything reads a page.
CODE_TAGS: Final[tuple[str, ...]] = ("script", "style", "noscript", "template")
# Elements whose text is never read as page text: code, the document head, frame fallbacks.
NO_TEXT_TAGS: Final[frozenset[str]] = frozenset({*CODE_TAGS, "head", "title", "iframe"})

# A form and its widgets, whose labels ("提交", "Select…") are not article text (the form
# first: it may wrap a whole page and is then only unwrapped).
FORM_WIDGET_TAGS: Final[tuple[str, ...]] = ("form", "button", "input", "select", "textarea")

# Elements that may hold one line of page chrome (a date line, a share bar, a credit).
LINE_TAGS: Final[frozenset[str]] = frozenset(
    {
        "p", "div", "li", "span", "td", "section", *HEADING_TAGS, "font", "center", "dd",
        "dl", "ul", "table", "header",
    }
)  # fmt: skip

# The page's main region, when it marks one.
MAIN_TAGS: Final[frozenset[str]] = frozenset({"main", "article"})

# Page furniture beside the article: sidebars, navigation, footers …
SIDE_TAGS: Final[frozenset[str]] = frozenset({"nav", "aside", "footer"})
# … and with the page header, the regions no article list lives in.
CHROME_TAGS: Final[frozenset[str]] = SIDE_TAGS | {"header"}
