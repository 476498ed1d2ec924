"""Text: one line of display text, the plain text of HTML, and summaries."""

from __future__ import annotations

import re

from lxml import etree

from feedsvc.htmltags import BLOCK_TAGS, NO_TEXT_TAGS
from feedsvc.safehtml import fragment, strip_xml_illegal

# Runs of white space, as collapsed to one space in every text this package makes.
SPACE = re.compile(r"\s+")


# Characters that only steer display: bidi embeddings, overrides and isolates (U+202A-E,
# U+2066-9), which make a title read differently from what it says, and zero-width
# characters (U+200B-D, U+2060, U+FEFF), which hide text from search and dedup. A ZERO
# WIDTH JOINER between two emoji (an emoji's VS16 may sit before it) stays: it is what
# makes 👨‍👩‍👧 one emoji. "Emoji" is approximated by the blocks that hold the Extended_Pictographic
# characters; a joiner next to a rare pictograph outside them is dropped, which only
# splits that emoji into its parts.
_PICTOGRAPH = (
    "[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2"
    "\u25aa-\u25fe\u2600-\u27bf\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299"
    "\U0001f000-\U0001faff]"
)
_INVISIBLE = re.compile(
    "[\u200b\u200c\u2060\ufeff\u202a-\u202e\u2066-\u2069]"
    f"|\u200d(?!{_PICTOGRAPH})|(?<!{_PICTOGRAPH})(?<!{_PICTOGRAPH}\ufe0f)\u200d"
)


def clean_text(text: str | None) -> str | None:
    """One line of display text: XML-safe, no bidi controls or zero-width characters
    (a joiner inside an emoji sequence stays), whitespace collapsed; None when nothing
    is left."""
    if text is None:
        return None
    cleaned = SPACE.sub(" ", _INVISIBLE.sub("", strip_xml_illegal(text))).strip()
    return cleaned or None


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment, blocks separated by spaces, whitespace collapsed."""
    if not html or not html.strip():
        return ""
    try:
        root = fragment(html)
    except (etree.ParserError, ValueError):
        return clean_text(html) or ""
    for element in list(root.iter(*NO_TEXT_TAGS)):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in BLOCK_TAGS:
            # Block boundaries are word boundaries in English ("end</p><p>Start").
            element.tail = " " + (element.tail or "")
            element.text = " " + (element.text or "")
    return SPACE.sub(" ", root.text_content()).strip()


_SENTENCE_END = re.compile(r"[。！？!?…](?:[”’」』）)\"']*)|\.(?=\s)")
_SOFT_BREAK = re.compile(r"[\s，、；：,;:]")


# The length of an article's summary, both as extracted and as stored.
SUMMARY_CHARS = 200


def summarize(text: str, max_chars: int = SUMMARY_CHARS) -> str:
    """At most ``max_chars`` characters: whole sentences when a sentence end (Chinese or
    English) falls in the second half, else cut at a word/clause boundary with ``…``."""
    text = SPACE.sub(" ", text).strip()
    if len(text) <= max_chars:
        return text
    window = text[: max_chars + 1]  # +1: a sentence may end exactly at the limit
    ends = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() <= max_chars]
    if ends and ends[-1] >= max_chars // 2:
        return text[: ends[-1]].rstrip()
    cut = max_chars - 1  # room for the ellipsis
    breaks = [m.start() for m in _SOFT_BREAK.finditer(text, 0, cut + 1)]
    if breaks and breaks[-1] >= max_chars // 2:
        cut = breaks[-1]
    return text[:cut].rstrip(" ，、；：,;:") + "…"


def cut_at_space(text: str, max_chars: int = SUMMARY_CHARS) -> str:
    """The first ``max_chars`` characters of ``text`` plus ``…`` when it is longer, cut
    back to the last space in the final 30% if there is one. Extraction's summary: a cut
    of the body that ``summarize`` later shortens to whole sentences where it can."""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = cut.rfind(" ")
    if space > max_chars * 0.7:
        cut = cut[:space]
    return cut.rstrip() + "…"
