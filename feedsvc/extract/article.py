"""Article pages: every field from the most trustworthy layer that has it.

Layers, first hit wins per field: source selectors → JSON-LD → meta (OpenGraph,
``article:*``, named meta such as ``publishdate``) → ``<time datetime>`` → text patterns
(labelled lines such as ``日期:``/``来源:``, breadcrumbs) → heuristics (h1 vs ``<title>``,
first date near the title, URL date) → readability for the body. ``provenance`` records
which layer produced each field.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

import lxml.html

from feedsvc.errors import ExtractError
from feedsvc.extract.breadcrumbs import crumbs_category, find_breadcrumb_category
from feedsvc.extract.chrome import (
    Byline,
    find_byline,
    find_lead_reporter,
    find_name_under_heading,
    find_trailing_credit,
)
from feedsvc.extract.content import (
    fix_lazy_images,
    main_content,
    selected_content,
    strip_chrome,
)
from feedsvc.extract.credits import (
    clean_credit,
    dom_author,
    meta_author,
    split_credits,
    title_site_part,
    usable_author,
)
from feedsvc.extract.dates import (
    ParsedTime,
    date_from_url,
    find_datetime_in_text,
    find_labelled_datetime,
    has_date_label,
    month_at_line_end,
    parse_datetime,
)
from feedsvc.extract.dom import (
    absolute_url,
    block_lines,
    parse_html,
    text_of,
)
from feedsvc.extract.images import declared_image, drop_decorations, first_image
from feedsvc.extract.metadata import JsonLd, PageMeta, read_json_ld, read_meta
from feedsvc.extract.selecting import source_selector
from feedsvc.extract.titles import choose_title, json_ld_title
from feedsvc.models import ExtractedArticle, Selectors
from feedsvc.normalize.text import SUMMARY_CHARS, cut_at_space, html_to_text
from feedsvc.safehtml import fragment

__all__ = ["extract_article"]

_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "publishtime",
    "publish_time",
    "firstpublishedtime",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "dc.date.created",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "og:published_time",
    "og:release_date",
    "release_date",
    "date",
)
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified")
_SOURCE_META = ("source", "contentsource", "articlesource", "article:source")
_SOURCE_LABEL = re.compile(r"^\s*(?:来源|稿源|出处|source)\s*[:：]\s*", re.I)  # "来源：人民日报"
_SECTION_META = ("article:section", "columnname", "catalogname", "section", "parsely-section")
_DESCRIPTION_META = ("og:description", "description", "twitter:description")
_IMAGE_META = (
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "twitter:image",
    "twitter:image:src",
)
_TITLE_WINDOW = 12  # lines after the title searched for the date/byline line
_CRUMB_GAP = 40  # lines from a breadcrumb's copy of the title to the heading
_FOOTER_CHARS = 300  # footer text the content may keep after the body's sign-off
_LEAD_CHARS = 3000  # enough of the content's HTML for its first lines


@dataclass
class _Fields:
    values: dict[str, object] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)

    def offer(self, name: str, value: object, rule: str) -> None:
        if value is None or value == "" or name in self.values:
            return
        self.values[name] = value
        self.provenance[name] = rule

    def get(self, name: str) -> object:
        return self.values.get(name)


def _parse_time(text: str | None, tz: tzinfo, now: datetime) -> ParsedTime | None:
    if not text:
        return None
    return parse_datetime(text, tz=tz, now=now) or find_datetime_in_text(text, tz=tz, now=now)


def _title_index(lines: list[str], title: str | None, start: int = 0) -> int | None:
    if not title:
        return None
    key = title.replace(" ", "")
    for i in range(start, len(lines)):
        compact = lines[i].replace(" ", "")
        if compact == key or (len(key) >= 6 and key in compact and len(compact) <= len(key) * 2):
            return i
    return None


def _header_byline(lines: list[str], idx: int | None, title: str | None) -> Byline:
    """The byline under the title. The title's text may come first in a breadcrumb
    (`Home › News › Headline`); the next occurrence, the heading, then holds the byline."""
    byline = find_byline(_near_title(lines, idx))
    if byline.author is None and idx is not None:
        again = _title_index(lines, title, idx + 1)
        # Only a copy before the body: one after it is a teaser of another page's sidebar.
        if (
            again is not None
            and again - idx <= _CRUMB_GAP
            and not any(_is_prose(line) for line in lines[idx + 1 : again])
        ):
            later = find_byline(_near_title(lines, again))
            byline = Byline(
                later.author, byline.source or later.source, byline.editor or later.editor
            )
    return byline


def _near_title(lines: list[str], idx: int | None) -> list[str]:
    """The header block around the title: it ends where the body's prose starts, so the
    teasers of sidebars further down (which name other reporters) never count."""
    if idx is None:
        return []
    window = lines[max(0, idx - 2) : idx + 1 + _TITLE_WINDOW]
    for n, line in enumerate(window[3:], start=3):
        if _is_prose(line):
            return window[:n]
    return window


def _is_prose(line: str) -> bool:
    cjk = sum(1 for ch in line if "\u4e00" <= ch <= "\u9fff")
    return (cjk >= 25 and ("，" in line or "。" in line)) or len(line) >= 200


def _text_published(
    lines: list[str], idx: int | None, page_url: str, tz: tzinfo, now: datetime
) -> tuple[ParsedTime, str, bool] | None:
    """In order: a labelled date line near the title, the first date near the title, any
    labelled short line, a date in the URL, the first short line holding a full date and
    time. Dates more than a day ahead of ``now`` are never a publication time. The flag
    says whether the date is the dateline under the title (the first two rules)."""
    latest = now + timedelta(days=1)

    def first(
        candidates: list[str], *, labelled: bool, needs_time: bool = False
    ) -> ParsedTime | None:
        for line in candidates:
            if labelled:
                # The date right after its label; on a short line the label may follow it
                # ("2006年12月27日（京港台时间）"), and the labelled date still comes first.
                if len(line) <= _SHORT_DATELINE and has_date_label(line):
                    found = find_datetime_in_text(line, tz=tz, now=now)
                else:
                    found = find_labelled_datetime(line, tz=tz, now=now)
            elif _VERSION.search(line):
                continue  # a build stamp: "播放器 3.4.40 (2019-9-5 9:38:01 PM)"
            else:
                found = find_datetime_in_text(line, tz=tz, now=now, bare_day_words=False)
            if found and found.value <= latest and (found.has_time or not needs_time):
                return found
        return None

    near = [line for line in _near_title(lines, idx) if len(line) <= 200]
    after = [
        line
        for line in (lines[idx + 1 : idx + 1 + _TITLE_WINDOW] if idx is not None else [])
        if len(line) <= 120
    ]
    pieced = _pieced_dateline(after)
    if pieced:
        after.insert(0, pieced)
    short = [line for line in lines if len(line) <= 120]
    found = (
        first(near, labelled=True),
        "text-pattern",
    )
    if found[0] is None:
        found = (first(after, labelled=False), "heuristic")
    if found[0] is not None:
        return found[0], found[1], True
    found = (first(short, labelled=True), "text-pattern")
    if found[0] is None:
        found = (date_from_url(page_url, tz=tz, now=now), "url")
    if found[0] is None:
        tiny = [line for line in short if len(line) <= 80]
        found = (first(tiny, labelled=False, needs_time=True), "heuristic")
    if found[0] is None:
        found = (_month_credit(short, tz, now), "heuristic")
    return (found[0], found[1], False) if found[0] is not None else None


# A software version before a build date on the same line; dotted dates (2019.9.5) have a
# four-digit first number, European ones (05.09.2019) a four-digit last.
_VERSION = re.compile(r"(?<![\d.])\d{1,2}\.\d{1,3}\.\d{1,3}(?![\d.])")
_SHORT_DATELINE = 40
_YEAR_LINE = re.compile(r"(?:19|20)\d\d")
_MONTH_DAY_LINE = re.compile(r"(\d{1,2})[/\-.](\d{1,2})")
_CLOCK_LINE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")


def _pieced_dateline(lines: list[str]) -> str | None:
    """A dateline that a date widget splits over lines — year, month/day, time (Tencent
    News: "2019" / "09/07" / "19:02") — put back together as "2019-09-07 19:02"."""
    for i in range(len(lines) - 1):
        if not _YEAR_LINE.fullmatch(lines[i]):
            continue
        md = _MONTH_DAY_LINE.fullmatch(lines[i + 1])
        if md is None:
            continue
        clock = lines[i + 2] if i + 2 < len(lines) and _CLOCK_LINE.fullmatch(lines[i + 2]) else ""
        return f"{lines[i]}-{md[1]}-{md[2]} {clock}".strip()
    return None


def _month_credit(lines: list[str], tz: tzinfo, now: datetime) -> ParsedTime | None:
    """Old essays and magazine reprints carry only "YYYY年M月(号)" on a short line of
    their own (a byline or issue credit); the last such line is the piece's own."""
    for line in reversed([line for line in lines if len(line) <= 30]):
        found = month_at_line_end(line, tz=tz, now=now)
        if found is not None:
            return found
    return None


def _dateline_wins(
    current: ParsedTime, current_rule: str, found: ParsedTime, under_title: bool, tz: tzinfo
) -> bool:
    """Whether the visible dateline replaces a structured (meta/JSON-LD) time of the same
    day: it adds the time of day a date-only value lacks; and the time printed under the
    title is the one readers see, where CMS meta often holds a later re-publication time
    (reposts keep the original outlet's time in the dateline). The latter only when the
    structured value is in the zone the dateline is read in, so a naive dateline is never
    mistaken for a zoned one."""
    if not found.has_time or current_rule == "selector":
        return False
    local = current.value.astimezone(tz)
    if found.value.date() != local.date():
        return False
    if not current.has_time:
        return True
    if not under_title:
        return False
    # UTC says nothing: many CMSs write "Z" whatever the newsroom's own zone is.
    offset = current.value.utcoffset()
    same_zone = offset == local.utcoffset() and offset != timedelta(0)
    return same_zone and found.value <= current.value


def _time_element(root: lxml.html.HtmlElement, tz: tzinfo, now: datetime) -> ParsedTime | None:
    for el in root.xpath("//*[@itemprop='datePublished'] | //time[@pubdate] | //time[@datetime]"):
        if not isinstance(el, lxml.html.HtmlElement):
            continue
        # <abbr title="2016-12-06T12:06:00-08:00">12:06 PM</abbr>: the microformat's
        # machine-readable value is in the title.
        machine = el.get("title") if el.tag == "abbr" else None
        raw = el.get("datetime") or el.get("content") or machine or text_of(el)
        parsed = _parse_time(raw, tz, now)
        if parsed:
            return parsed
    return None


def _leading_lines(content_html: str) -> list[str]:
    """The first few block lines of the content (only its start is parsed)."""
    try:
        frag = fragment(content_html[:_LEAD_CHARS])
    except (ValueError, lxml.etree.ParserError):
        return []
    return block_lines(frag)[:4]


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


def extract_article(
    html: str,
    page_url: str,
    *,
    selectors: Selectors | None,
    tz: tzinfo,
    now: datetime,
) -> ExtractedArticle:
    """Extract an article's fields from a decoded page; raises ExtractError when the page
    has neither a title nor content (or a selector does not compile)."""
    try:
        root = parse_html(html)
    except ValueError as exc:
        raise ExtractError(page_url, str(exc)) from exc
    f = _Fields()
    ld = read_json_ld(root)
    meta = read_meta(root)

    _structured_fields(f, root, ld, meta, selectors, page_url, tz, now)

    lines = block_lines(root.find("body") if root.find("body") is not None else root)
    title = choose_title(root, meta=meta, json_ld=ld, lines=lines)
    if title is not None:
        f.offer("title", title[0], title[1])
    final_title = f.get("title")
    title_text = final_title if isinstance(final_title, str) else None

    idx = _title_index(lines, title_text)
    current = f.get("published")
    found = _text_published(lines, idx, page_url, tz, now)
    if found and not isinstance(current, ParsedTime):
        f.offer("published", found[0], found[1])
    elif (
        found
        and isinstance(current, ParsedTime)
        and _dateline_wins(current, f.provenance["published"], found[0], found[2], tz)
    ):
        f.values["published"], f.provenance["published"] = found[0], found[1]
    byline = _header_byline(lines, idx, title_text)
    # Bylines anywhere on the page, but not in sidebars: teasers of other articles name
    # their own reporters ("潍坊晚报讯（记者 张建国）…").
    fix_lazy_images(root)
    stripped = copy.deepcopy(root)
    # Icons and template pictures are no content: a feed reader would show a 13×12 marker
    # or a share button as a picture. Their sizes are read here, before readability-lxml
    # drops width and height.
    drop_decorations(stripped)
    strip_chrome(stripped)
    body = stripped.find("body")
    clean_lines = block_lines(body if body is not None else stripped)
    rest = find_byline([line for line in clean_lines if len(line) <= 80])
    marked_author = dom_author(root)
    # The marked-up name inside a text byline has the right bounds: "By Jane Doe Harbour
    # reporter" reads as three capitalised words, the markup says which two are the name.
    if marked_author and byline.author and marked_author in byline.author:
        f.offer("author", marked_author, "heuristic")
    f.offer("author", byline.author, "text-pattern")
    f.offer("source_name", byline.source or rest.source, "text-pattern")
    f.offer("author", marked_author, "heuristic")
    f.offer("author", rest.author, "text-pattern")
    site_name = meta.get("og:site_name")
    f.offer("author", meta_author(meta, site_name, title_site_part(root)), "meta")
    f.offer("source_name", _SOURCE_LABEL.sub("", meta.get(*_SOURCE_META) or ""), "meta")

    if "category" not in f.values:
        f.offer(
            "category",
            crumbs_category(ld.breadcrumbs[:-1] or ld.breadcrumbs, title=title_text),
            "json-ld",
        )
        f.offer("category", find_breadcrumb_category(root, title=title_text), "heuristic")
        section = meta.get("columnname", "catalogname") or ""
        f.offer("category", crumbs_category([section], title=title_text), "meta")

    content_sel = source_selector(selectors, "content", page_url)
    if content_sel is not None:
        f.offer(
            "content_html", selected_content(content_sel.elements(root), title_text), "selector"
        )
    if "content_html" not in f.values:
        f.offer("content_html", main_content(stripped, page_url, title_text), "readability")

    content = f.get("content_html")
    content_html = content if isinstance(content, str) else None
    if not title_text and not content_html:
        raise ExtractError(page_url, "no title and no content found")
    text = html_to_text(content_html) if content_html else ""
    # The lead paragraph of the body (not a sidebar teaser) may name the reporter.
    f.offer("author", find_lead_reporter(text.splitlines()[:3]), "text-pattern")
    f.offer("author", find_trailing_credit(text), "text-pattern")
    f.offer("author", _last_paragraph_credit(clean_lines, text), "text-pattern")
    if "author" not in f.values and content_html:
        f.offer("author", find_name_under_heading(_leading_lines(content_html)), "heuristic")
    # An editor (编辑) did not write the piece: name one only when the page names neither
    # an author nor a source (来源), and never the outlet itself (收集编辑:潍坊市广播电视台).
    editor = byline.editor or rest.editor
    f.offer("editor", editor, "text-pattern")
    if editor and not f.get("source_name"):
        f.offer("author", editor, "text-pattern")
    description = ld.description or meta.get(*_DESCRIPTION_META)
    f.offer(
        "summary",
        cut_at_space(text, SUMMARY_CHARS) if text else description,
        "readability" if text else "meta",
    )
    f.offer("image", first_image(content_html, page_url), "heuristic")

    return _build(f, page_url, meta)


def _structured_fields(
    f: _Fields,
    root: lxml.html.HtmlElement,
    ld: JsonLd,
    meta: PageMeta,
    selectors: Selectors | None,
    page_url: str,
    tz: tzinfo,
    now: datetime,
) -> None:
    """Selector, JSON-LD, meta and <time> layers."""
    for name, sel_name in (("title", "article_title"), ("author", "author")):
        sel = source_selector(selectors, sel_name, page_url)
        if sel is not None:
            f.offer(name, sel.first(root), "selector")
    date_sel = source_selector(selectors, "article_date", page_url)
    if date_sel is not None:
        f.offer("published", _parse_time(date_sel.first(root), tz, now), "selector")

    f.offer("title", json_ld_title(root, ld), "json-ld")
    f.offer("published", _parse_time(ld.published, tz, now), "json-ld")
    f.offer("modified", _parse_time(ld.modified, tz, now), "json-ld")
    f.offer("author", usable_author(ld.author, None), "json-ld")
    f.offer("category", crumbs_category([ld.section or ""], title=None), "json-ld")
    f.offer("image", declared_image(page_url, ld.image), "json-ld")
    f.offer("canonical_url", absolute_url(page_url, ld.url), "json-ld")

    f.offer("published", _parse_time(meta.get(*_PUBLISHED_META), tz, now), "meta")
    f.offer("modified", _parse_time(meta.get(*_MODIFIED_META), tz, now), "meta")
    f.offer("category", crumbs_category([meta.get(*_SECTION_META[:1]) or ""], title=None), "meta")
    f.offer("image", declared_image(page_url, meta.get(*_IMAGE_META)), "meta")
    f.offer("published", _time_element(root, tz, now), "time-element")
    # The declared canonical outranks JSON-LD's url, which is often the site root.
    canonical = absolute_url(page_url, meta.canonical) or absolute_url(page_url, meta.get("og:url"))
    if canonical:
        f.values["canonical_url"] = canonical
        f.provenance["canonical_url"] = "meta"


def _build(f: _Fields, page_url: str, meta: PageMeta) -> ExtractedArticle:
    def s(name: str) -> str | None:
        value = f.get(name)
        return value if isinstance(value, str) else None

    def t(name: str) -> ParsedTime | None:
        value = f.get(name)
        return value if isinstance(value, ParsedTime) else None

    published, modified = t("published"), t("modified")
    provenance = dict(f.provenance)
    if meta.lang:
        provenance["language"] = "meta"
    author, edited_by = split_credits(s("author"))
    editor = s("editor")
    if editor is None and edited_by is not None:
        editor = edited_by
        provenance["editor"] = provenance.get("author", "heuristic")
    return ExtractedArticle(
        url=page_url,
        title=s("title"),
        published=published.value if published else None,
        published_has_time=published.has_time if published else False,
        modified=modified.value if modified else None,
        author=author,
        source_name=clean_credit(s("source_name")),
        category=s("category"),
        content_html=s("content_html"),
        summary=s("summary"),
        image=s("image"),
        canonical_url=s("canonical_url"),
        language=meta.lang,
        provenance=provenance,
        editor=clean_credit(editor),
    )
