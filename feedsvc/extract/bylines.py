"""Credits of an article page: the author (reporter), the source (来源) and the editor.

Author layers, first hit wins: provider (selector) → JSON-LD → the byline under the title
(its marked-up name first when the text byline contains it) → a marked byline
(``rel=author``, ``byline`` classes) → a byline anywhere outside chrome → meta → the
reporter of the body's lead (``本报讯（记者 X）``) → a trailing sign-off → a name alone under
the headline → the editor, when the page names no source. Credits are cleaned last
(``credits.split_credits``/``clean_credit``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import lxml.html

from feedsvc.extract.articlepage import (
    ABOVE_TITLE,
    ArticlePage,
    is_prose,
    near_title,
    title_index,
)
from feedsvc.extract.body import leading_lines
from feedsvc.extract.chrome import (
    Byline,
    find_byline,
    find_lead_reporter,
    find_name_under_heading,
    find_trailing_credit,
    is_news_lead,
)
from feedsvc.extract.credits import (
    clean_credit,
    dom_author,
    meta_author,
    split_credits,
    title_site_part,
    usable_author,
)
from feedsvc.extract.dom import block_lines, text_of
from feedsvc.extract.fields import Candidate, candidate, first, pick

__all__ = ["Credits", "resolve_credits"]

_SOURCE_META = ("source", "contentsource", "articlesource", "article:source")
_SOURCE_LABEL = re.compile(r"^\s*(?:来源|稿源|出处|source)\s*[:：]\s*", re.I)  # "来源：人民日报"
_CRUMB_GAP = 40  # lines from a breadcrumb's copy of the title to the heading
_FOOTER_CHARS = 300  # footer text the content may keep after the body's sign-off
_LEAD_CHARS = 3000  # characters of the body's text that may hold its lead
_MIN_TEASERS = 3  # items of a teaser list
_TEASER_TITLE = 8  # characters of a linked story title
_LEAD_KEY = 40  # characters of a line compared with the body's start


@dataclass(frozen=True)
class Credits:
    author: Candidate[str] | None = None
    source_name: Candidate[str] | None = None
    editor: Candidate[str] | None = None


def resolve_credits(
    page: ArticlePage,
    content_html: str | None,
    text: str,
    provided: Sequence[Candidate[str]] = (),
) -> Credits:
    """Author, source and editor, cleaned. ``text`` is the content's plain text."""
    clean = page.clean_lines
    teasers = _teaser_lines(page.stripped)
    byline = header_byline(page.lines, page.title_index, page.title, set(clean), teasers)
    # Bylines anywhere on the page, but not in sidebars: teasers of other articles name
    # their own reporters ("潍坊晚报讯（记者 张建国）…").
    body_start = " ".join(text[:_LEAD_CHARS].split())
    rest = find_byline(
        [
            line
            for line in clean
            if len(line) <= 80
            and line not in teasers
            and (not is_news_lead(line) or _opens(body_start, line))
        ]
    )
    # Narrowed to a learned template's region: a marked author elsewhere is another piece's.
    marked = dom_author(page.scope if page.scope is not None else page.root)
    meta = page.meta
    source = candidate(byline.source or rest.source, "text-pattern") or candidate(
        _SOURCE_LABEL.sub("", meta.get(*_SOURCE_META) or ""), "meta"
    )
    # An editor (编辑) did not write the piece: name one only when the page names neither
    # an author nor a source (来源), and never the outlet itself (收集编辑:潍坊市广播电视台).
    editor = candidate(byline.editor or rest.editor, "text-pattern")
    author = pick(
        provided,
        first(
            lambda: candidate(usable_author(page.ld.author, None), "json-ld"),
            # The marked-up name inside a text byline has the right bounds: "By Jane Doe
            # Harbour reporter" reads as three capitalised words, the markup says which two
            # are the name.
            lambda: (
                candidate(marked, "heuristic")
                if marked and byline.author and marked in byline.author
                else None
            ),
            lambda: candidate(byline.author, "text-pattern"),
            lambda: candidate(marked, "heuristic"),
            lambda: candidate(rest.author, "text-pattern"),
            lambda: candidate(
                meta_author(meta, meta.get("og:site_name"), title_site_part(page.root)), "meta"
            ),
            # The lead paragraph of the body (not a sidebar teaser) may name the reporter.
            lambda: candidate(find_lead_reporter(text.splitlines()[:3]), "text-pattern"),
            lambda: candidate(find_trailing_credit(text), "text-pattern"),
            lambda: candidate(_last_paragraph_credit(page.clean_lines, text), "text-pattern"),
            lambda: (
                candidate(find_name_under_heading(leading_lines(content_html)), "heuristic")
                if content_html
                else None
            ),
            lambda: editor if source is None else None,
        ),
    )
    return _cleaned(author, source, editor)


def _cleaned(
    author: Candidate[str] | None,
    source: Candidate[str] | None,
    editor: Candidate[str] | None,
) -> Credits:
    """Contact links and placeholders out; "Edited by X" after a writer names the editor."""
    name, edited_by = split_credits(author.value if author else None)
    if editor is None and edited_by is not None and author is not None:
        editor = Candidate(edited_by, author.rule, author.strength)
    return Credits(
        author=_with(author, name),
        source_name=_with(source, clean_credit(source.value) if source else None),
        editor=_with(editor, clean_credit(editor.value) if editor else None),
    )


def _with(found: Candidate[str] | None, cleaned: str | None) -> Candidate[str] | None:
    if found is None or not cleaned:
        return None
    return Candidate(cleaned, found.rule, found.strength)


def header_byline(
    lines: list[str], idx: int | None, title: str | None, own: set[str], teasers: set[str]
) -> Byline:
    """The byline under the title. The title's text may come first in a breadcrumb
    (`Home › News › Headline`); the next occurrence, the heading, then holds the byline.
    ``own`` are the lines left once chrome is stripped, ``teasers`` those of teaser items
    (see :func:`_header_lines`)."""
    byline = find_byline(_header_lines(lines, idx, own, teasers))
    if byline.author is None and idx is not None:
        again = title_index(lines, title, idx + 1)
        # Only a copy before the body: one after it is a teaser of another page's sidebar.
        if (
            again is not None
            and again - idx <= _CRUMB_GAP
            and not any(is_prose(line) for line in lines[idx + 1 : again])
        ):
            later = find_byline(_header_lines(lines, again, own, teasers))
            byline = Byline(
                later.author, byline.source or later.source, byline.editor or later.editor
            )
    return byline


def _teaser_lines(root: lxml.html.HtmlElement) -> set[str]:
    """Lines of teaser items: three or more items of one list (``li``/``dd``) or cards of one
    class, nearly all linking a story title (8 characters or more). A byline there is the
    linked story's ("By John Roe" under "Other story about the town")."""
    found: set[str] = set()
    for parent in root.iter("ul", "ol", "dl", "div", "section"):
        kids = [c for c in parent if isinstance(c.tag, str)]
        if len(kids) < _MIN_TEASERS:
            continue
        if parent.tag == "div" or parent.tag == "section":
            classes = {c.get("class") for c in kids}
            if len(classes) != 1 or not next(iter(classes)):
                continue  # cards share one class; a body's blocks need not
        titled = [c for c in kids if any(len(text_of(a)) >= _TEASER_TITLE for a in c.iter("a"))]
        if len(titled) >= _MIN_TEASERS and len(titled) * 4 >= len(kids) * 3:
            for item in titled:
                found.update(block_lines(item))
    return found


def _opens(body_start: str, line: str) -> bool:
    """Whether the line is the first one of the body (its own news lead)."""
    key = " ".join(line.split())[:_LEAD_KEY]
    return bool(key) and body_start.startswith(key)


def _header_lines(lines: list[str], idx: int | None, own: set[str], teasers: set[str]) -> list[str]:
    """The article's own header lines around the title: not a news lead (a teaser's
    "本报讯（记者 X）…"; the body's own lead is read from the content) nor a teaser item's
    line, and above the title only lines that survive chrome stripping (a 最新文章 list
    before the article is not it)."""
    window = near_title(lines, idx)
    above = min(ABOVE_TITLE, idx) if idx is not None else 0
    return [
        line
        for n, line in enumerate(window)
        if not is_news_lead(line) and line not in teasers and (n >= above or line in own)
    ]


def _last_paragraph_credit(lines: list[str], text: str) -> str | None:
    """The sign-off of the body's last paragraphs, when a footer line (举报电话, 许可证)
    that the content kept follows it."""
    if not text:
        return None
    for line in reversed(lines):
        found = find_trailing_credit(line) if len(line) >= 20 else None
        if found is None:
            continue
        end = text.rfind(line)
        # Only the body's own end: a few footer lines may follow, never more paragraphs.
        return found if end >= 0 and len(text) - (end + len(line)) <= _FOOTER_CHARS else None
    return None
