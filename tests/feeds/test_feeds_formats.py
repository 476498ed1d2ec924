"""RSS 2.0 and JSON Feed renderers, language tags, and agreement between the formats."""

from __future__ import annotations

import json
import logging
import random
import time

import pytest
from article_factory import make_article
from atom_validation import NS, assert_valid_atom
from feed_validation import assert_valid_json_feed, assert_valid_rss
from test_feeds_render import make_doc

from feedsvc.errors import FeedRenderError
from feedsvc.feeds.formats import FeedFormat
from feedsvc.feeds.jsonfeed import check_json_feed, render_json_feed
from feedsvc.feeds.rss import check_rss, render_rss
from feedsvc.langtag import common_language, language_tag


@pytest.mark.parametrize(
    ("raw", "tag"),
    [
        ("zh-CN", "zh-CN"),
        ("zh_CN", "zh-CN"),
        ("zh_cn", "zh-CN"),
        ("ZH", "zh"),
        ("zh-hans-cn", "zh-Hans-CN"),
        ("en-US-x-twain", "en-US-x-twain"),
        ("es-419", "es-419"),
        (" en ", "en"),
        ("", None),
        (None, None),
        ("en US", None),
        ("中文", None),
        ("toolonglanguage", None),
    ],
)
def test_language_tag(raw: str | None, tag: str | None) -> None:
    assert language_tag(raw) == tag


def test_common_language() -> None:
    assert common_language(["zh_CN", "zh-CN"]) == "zh-CN"
    assert common_language(["zh-CN", None]) is None
    assert common_language(["zh-CN", "en"]) is None


def ids(fmt: FeedFormat, body: bytes) -> list[str]:
    if fmt is FeedFormat.ATOM:
        root = assert_valid_atom(body)
        return [e.findtext("atom:id", namespaces=NS) or "" for e in root.findall("atom:entry", NS)]
    if fmt is FeedFormat.RSS:
        return [i.findtext("guid") or "" for i in assert_valid_rss(body).iter("item")]
    return [item["id"] for item in assert_valid_json_feed(body)["items"]]


def test_every_format_renders_the_same_entries_in_the_same_order() -> None:
    articles = [make_article(n) for n in range(6)]
    random.Random(3).shuffle(articles)
    orders = {fmt: ids(fmt, fmt.render(make_doc(), articles)) for fmt in FeedFormat}
    assert orders[FeedFormat.ATOM] == orders[FeedFormat.RSS] == orders[FeedFormat.JSON]
    assert orders[FeedFormat.ATOM] == [make_article(n).entry_id for n in range(5, -1, -1)]


@pytest.mark.parametrize("fmt", list(FeedFormat))
def test_deterministic_bytes(fmt: FeedFormat) -> None:
    articles = [make_article(n) for n in range(5)]
    assert fmt.render(make_doc(), articles) == fmt.render(make_doc(), articles[::-1])


def test_rss_item_fields() -> None:
    article = make_article(2, author="王记者")
    root = assert_valid_rss(render_rss(make_doc(), [article]))
    item = root.find("channel/item")
    assert item is not None
    assert item.findtext("pubDate") == "Sat, 18 May 2024 04:20:00 GMT"
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "王记者"
    assert item.findtext("description") == article.summary
    assert (
        item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") == article.content_html
    )
    assert root.findtext("channel/lastBuildDate") == "Sun, 19 May 2024 08:00:05 GMT"
    assert root.findtext("channel/language") == "zh-CN"


def test_json_feed_without_content_uses_text() -> None:
    article = make_article(1, content_html=" ", summary="只有摘要")
    feed = assert_valid_json_feed(render_json_feed(make_doc(), [article]))
    assert feed["items"][0]["content_text"] == "只有摘要"
    assert "content_html" not in feed["items"][0]


def test_json_feed_marks_a_different_item_language() -> None:
    feed = json.loads(render_json_feed(make_doc(), [make_article(1, language="en")]))
    assert feed["language"] == "zh-CN" and feed["items"][0]["language"] == "en"


@pytest.mark.parametrize("fmt", [FeedFormat.RSS, FeedFormat.JSON])
def test_an_unrenderable_entry_is_skipped_and_logged(
    fmt: FeedFormat, caplog: pytest.LogCaptureFixture
) -> None:
    good, bad = make_article(2), make_article(1, entry_id="\x00")
    with caplog.at_level(logging.WARNING):
        body = fmt.render(make_doc(), [good, bad])
    assert ids(fmt, body) == [good.entry_id]
    assert any(bad.canonical_url in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<rss", "not well-formed"),
        (b"<feed/>", "not rss version 2.0"),
        (b'<rss version="2.0"/>', "no channel"),
        (b'<rss version="2.0"><channel><title>t</title></channel></rss>', "no link"),
        (
            b'<rss version="2.0"><channel><title>t</title><link>l</link><description>d'
            b"</description><item><title>x</title></item></channel></rss>",
            "item 0 has no guid",
        ),
    ],
)
def test_rss_check_rejects_broken_documents(body: bytes, message: str) -> None:
    with pytest.raises(FeedRenderError, match=message):
        check_rss(body, key="latest")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{", "not valid JSON"),
        (b"[]", "not an object"),
        (b'{"version": "1"}', "version"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "no title"),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [{}]}',
            "item 0 has no string id",
        ),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "title": "t",'
            b' "items": [{"id": "x"}]}',
            "neither content_html nor content_text",
        ),
    ],
)
def test_json_check_rejects_broken_documents(body: bytes, message: str) -> None:
    with pytest.raises(FeedRenderError, match=message):
        check_json_feed(body, key="latest")


def test_a_cold_render_of_50_entries_is_fast() -> None:
    """Budget 10 ms per format on a dev machine; asserted loosely (CI is slower)."""
    articles = [
        make_article(n, content_html="<p>" + "正文内容，全市经济运行平稳。" * 120 + "</p>")
        for n in range(50)
    ]
    for fmt in FeedFormat:
        fmt.render(make_doc(), articles)  # imports and first-call costs
        start = time.perf_counter()
        for _ in range(5):
            fmt.render(make_doc(), articles)
        per_render = (time.perf_counter() - start) / 5
        assert per_render < 0.05, f"{fmt}: {per_render * 1000:.1f} ms"
