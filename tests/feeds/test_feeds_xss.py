"""Stored XSS: hostile text, HTML and URLs in every field of every format stay inert.

Each corpus case (tests/feeds/xss_corpus.py) goes into the title, summary, content,
author, editor, category and source name of stored articles and into the feed's title
and description, then every format is read back as readers do (active_content.py).
Plain text must also reach the reader unchanged: escaped exactly once for what its
field means, never interpreted, never double-escaped.
"""

from __future__ import annotations

import json
from dataclasses import fields, replace
from datetime import UTC, datetime
from typing import Any

import pytest
from active_content import (
    DC,
    assert_feedparser_inert,
    assert_no_active_content,
    plain_text_of_html,
    reader_fields,
)
from article_factory import make_article
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from test_feeds_render import make_doc
from xss_corpus import HOSTILE_HTTP_URLS, MARKUP, URLS

from feedsvc.feeds.formats import FeedFormat
from feedsvc.feeds.xmltext import xml_safe
from feedsvc.models import ExtractedArticle, FetchResult, SourceConfig, StoredArticle
from feedsvc.normalize import normalize_article

ATOM = "{http://www.w3.org/2005/Atom}"
FORMATS = list(FeedFormat)


def hostile_article(n: int, text: str, **overrides: Any) -> StoredArticle:
    values: dict[str, Any] = {
        "title": text,
        "summary": text,
        "content_html": text,
        "author": text,
        "editor": f"{text} (editor)",
        "category": text,
        "source_name": text,
    }
    values.update(overrides)
    return make_article(n, **values)


def render(fmt: FeedFormat, articles: list[StoredArticle], text: str = "财经") -> bytes:
    doc = make_doc(title=text, subtitle=f"Articles in the category {text}")
    return fmt.render(doc, articles)


def shown(text: str) -> str:
    """What a reader must display for a stored plain-text value."""
    return xml_safe(text).strip()


def rss_items(body: bytes) -> list[etree._Element]:
    return etree.fromstring(body).findall("channel/item")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", list(MARKUP))
def test_markup_in_text_and_html_fields_stays_inert(fmt: FeedFormat, case: str) -> None:
    text = MARKUP[case]
    articles = [hostile_article(1, text), hostile_article(2, text, author=None)]
    body = render(fmt, articles, text)
    assert_no_active_content(fmt, body)
    assert_feedparser_inert(fmt, body)
    expect_plain_text(fmt, body, shown(text))


def expect_plain_text(fmt: FeedFormat, body: bytes, expected: str) -> None:
    """Every plain-text field shows the stored text itself, escaped once for its field."""
    if fmt is FeedFormat.ATOM:
        root = etree.fromstring(body)
        entries = root.findall(f"{ATOM}entry")
        assert len(entries) == 2
        for entry in entries:
            for name in ("title", "summary"):
                element = entry.find(f"{ATOM}{name}")
                assert element is not None and element.get("type", "text") == "text"
                assert element.text == expected
            assert entry.findtext(f"{ATOM}author/{ATOM}name") == expected
            assert entry.find(f"{ATOM}category").get("term") == expected  # type: ignore[union-attr]
        assert root.findtext(f"{ATOM}title") == expected
    elif fmt is FeedFormat.RSS:
        channel = etree.fromstring(body).find("channel")
        assert channel is not None
        assert plain_text_of_html(channel.findtext("title") or "") == expected
        items = rss_items(body)
        assert len(items) == 2
        for item in items:
            assert plain_text_of_html(item.findtext("title") or "") == expected
            assert plain_text_of_html(item.findtext("description") or "") == expected
            assert item.findtext(f"{DC}creator") == expected
            assert item.findtext("category") == expected
    else:
        feed = json.loads(body)
        assert feed["title"] == expected
        assert len(feed["items"]) == 2
        for item in feed["items"]:
            assert item["title"] == expected
            assert item["summary"] == expected
            assert item["authors"] == [{"name": expected}]
            assert item["tags"] == [expected]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", list(URLS))
def test_non_http_urls_never_reach_a_reader(fmt: FeedFormat, case: str) -> None:
    url = URLS[case]
    bad_link = make_article(1, canonical_url=url)
    bad_image = make_article(2, image=url)
    body = render(fmt, [bad_link, bad_image])
    fields = assert_no_active_content(fmt, body)
    assert_feedparser_inert(fmt, body)
    # The article whose own link is not http(s) is left out; the other keeps its link.
    urls = [f.value for f in fields if f.kind == "url"]
    assert bad_image.canonical_url in urls
    assert bad_link.canonical_url not in urls
    assert all(url.strip() not in value for value in urls)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", list(HOSTILE_HTTP_URLS))
def test_markup_in_http_urls_is_escaped_not_interpreted(fmt: FeedFormat, case: str) -> None:
    url = HOSTILE_HTTP_URLS[case]
    article = make_article(1, canonical_url=url, image=url)
    body = render(fmt, [article])
    fields = assert_no_active_content(fmt, body)
    assert_feedparser_inert(fmt, body)
    assert [f.value for f in fields if f.kind == "url" and f.value == url], fields


SOURCE = SourceConfig(
    id="hostile",
    name="<script>alert(1)</script>",
    urls=("https://news.example.cn/list.html",),
    interval_seconds=600,
    category="<img src=x onerror=alert(1)>",
)
NOW = datetime(2024, 5, 18, 10, tzinfo=UTC)


def stored_through_pipeline(text: str, url: str) -> StoredArticle:
    """A page carrying ``text`` in every field, extracted and normalized as refresh does."""
    page = "https://news.example.cn/2024/1.html"
    extracted = ExtractedArticle(
        url=page,
        title=text,
        author=text,
        source_name=text,
        category=text,
        content_html=f"<p>{text}</p><p>正文</p>",
        summary=text,
        image=url,
        canonical_url=url,
        editor=text,
    )
    fetch = FetchResult(url=page, final_url=page, status=200, fetched_at=NOW)
    normalized = normalize_article(
        extracted, link_url=page, list_item=None, fetch=fetch, source=SOURCE, now=NOW
    )
    # What the store keeps and hands back: the normalized fields, plus the source's.
    kept = {f.name: getattr(normalized, f.name, None) for f in fields(StoredArticle)}
    kept.update(source_id=SOURCE.id, source_name=SOURCE.name, first_seen=NOW)
    kept["updated"] = normalized.published
    return StoredArticle(**kept)


@pytest.mark.parametrize("case", list(MARKUP))
def test_hostile_page_through_normalize_renders_inert(case: str) -> None:
    article = stored_through_pipeline(MARKUP[case], URLS["javascript"])
    for fmt in FORMATS:
        body = render(fmt, [article], SOURCE.category or "")
        assert_no_active_content(fmt, body)
        assert_feedparser_inert(fmt, body)


# --------------------------------------------------------------------------------------------
# Property: any stored article renders valid, inert feeds in every format
# --------------------------------------------------------------------------------------------

_MARKUP_CHARS = st.sampled_from([*"<>&\"'/=;:!-[]{}()# \t\n\x00", "]]>", "&#", "&lt;"])
_WORDS = st.sampled_from(
    ["script", "img", "svg", "onerror", "onload", "javascript", "href", "src", "a", "p"]
)
_TEXT = st.lists(
    st.one_of(_MARKUP_CHARS, _WORDS, st.sampled_from(list(MARKUP.values())), st.text(max_size=5)),
    max_size=12,
).map("".join)
_URL = st.one_of(
    st.sampled_from([*URLS.values(), *HOSTILE_HTTP_URLS.values()]),
    _TEXT.map(lambda tail: "https://news.example.cn/" + tail),
)


@st.composite
def stored_articles(draw: st.DrawFn) -> StoredArticle:
    n = draw(st.integers(min_value=0, max_value=50))
    title = draw(_TEXT)
    article = make_article(
        n,
        title=title,
        summary=draw(_TEXT),
        content_html=draw(_TEXT),
        author=draw(st.none() | _TEXT),
        editor=draw(st.none() | _TEXT),
        category=draw(st.none() | _TEXT),
        source_name=draw(_TEXT),
        image=draw(st.none() | _URL),
    )
    if draw(st.booleans()):
        article = replace(article, canonical_url=draw(_URL))
    return article


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
@given(articles=st.lists(stored_articles(), min_size=1, max_size=2), feed_title=_TEXT)
def test_any_stored_article_renders_valid_inert_feeds(
    articles: list[StoredArticle], feed_title: str
) -> None:
    for fmt in FORMATS:
        body = render(fmt, articles, shown(feed_title) or "feed")
        reader_fields(fmt, body)  # parses
        assert_no_active_content(fmt, body)
        assert_feedparser_inert(fmt, body)
