"""render_atom: deterministic, valid RFC 4287, correct links, robust to bad text."""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime, timedelta, timezone

import feedparser
import pytest
from article_factory import BASE_TIME, make_article
from atom_validation import NS, assert_valid_atom
from lxml import etree

from feedsvc.errors import FeedRenderError
from feedsvc.feeds.render import FeedDocument, check_atom, enclosure_type, render_atom
from feedsvc.models import FeedKey, FeedKind

FEED_UPDATED = datetime(2024, 5, 19, 8, 0, 5, tzinfo=UTC)


def make_doc(**overrides: object) -> FeedDocument:
    values: dict[str, object] = {
        "key": FeedKey(FeedKind.CATEGORY, "财经"),
        "feed_id": "http://feeds.example.test/feeds/categories/%E8%B4%A2%E7%BB%8F.atom",
        "title": "财经",
        "subtitle": "Articles in the category 财经",
        "self_url": "http://feeds.example.test/feeds/categories/%E8%B4%A2%E7%BB%8F.atom",
        "alternate_url": "http://feeds.example.test/",
        "updated": FEED_UPDATED,
        "language": "zh-CN",
    }
    values.update(overrides)
    return FeedDocument(**values)  # type: ignore[arg-type]


def entries_of(body: bytes) -> list[etree._Element]:
    return etree.fromstring(body).findall("atom:entry", NS)


def test_same_input_renders_identical_bytes_in_any_input_order() -> None:
    articles = [make_article(n) for n in range(8)]
    first = render_atom(make_doc(), articles)
    shuffled = articles[:]
    random.Random(7).shuffle(shuffled)
    assert render_atom(make_doc(), articles) == first
    assert render_atom(make_doc(), shuffled) == first


def test_feed_is_valid_atom_with_chinese_text_intact() -> None:
    body = render_atom(make_doc(), [make_article(n) for n in range(3)])
    assert_valid_atom(body)
    parsed = feedparser.parse(body)
    assert parsed.feed.title == "财经"
    assert parsed.feed.language == "zh-CN"
    assert [e.title for e in parsed.entries] == [
        "潍坊市第2季度经济运行情况新闻发布会",
        "潍坊市第1季度经济运行情况新闻发布会",
        "潍坊市第0季度经济运行情况新闻发布会",
    ]
    assert "全市地区生产总值同比增长 5.1%" in parsed.entries[0].content[0].value
    assert body.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "潍坊市".encode() in body  # UTF-8, not character references


def test_entries_are_newest_first_by_published_time() -> None:
    articles = [make_article(n) for n in (3, 9, 1, 5)]
    ids = [
        e.findtext("atom:id", namespaces=NS) for e in entries_of(render_atom(make_doc(), articles))
    ]
    assert ids == [make_article(n).entry_id for n in (9, 5, 3, 1)]


def test_feed_and_entry_times_come_from_the_data_not_the_clock() -> None:
    edited = make_article(2, updated=BASE_TIME + timedelta(days=3))
    root = etree.fromstring(render_atom(make_doc(), [edited]))
    assert root.findtext("atom:updated", namespaces=NS) == "2024-05-19T08:00:05+00:00"
    entry = root.find("atom:entry", NS)
    assert entry is not None
    assert entry.findtext("atom:published", namespaces=NS) == "2024-05-18T04:20:00+00:00"
    assert entry.findtext("atom:updated", namespaces=NS) == "2024-05-21T02:20:00+00:00"


def test_times_in_other_zones_are_written_in_utc() -> None:
    shanghai = timezone(timedelta(hours=8))
    article = make_article(0, published=datetime(2024, 5, 18, 10, 20, tzinfo=shanghai))
    entry = entries_of(render_atom(make_doc(), [article]))[0]
    assert entry.findtext("atom:published", namespaces=NS) == "2024-05-18T02:20:00+00:00"


def test_entry_links_are_one_alternate_and_one_typed_enclosure() -> None:
    with_image = make_article(1, image="https://news.example.cn/images/lead.PNG?w=640")
    without_image = make_article(0, image=None)
    body = render_atom(make_doc(), [with_image, without_image])
    assert_valid_atom(body)
    first, second = entries_of(body)

    links = [dict(link.attrib) for link in first.findall("atom:link", NS)]
    assert links == [
        {"rel": "alternate", "type": "text/html", "href": with_image.canonical_url},
        {
            "rel": "enclosure",
            "type": "image/png",
            "href": "https://news.example.cn/images/lead.PNG?w=640",
        },
    ]
    assert [dict(link.attrib) for link in second.findall("atom:link", NS)] == [
        {"rel": "alternate", "type": "text/html", "href": without_image.canonical_url},
    ]
    # And as a feed reader sees them.
    parsed = feedparser.parse(body)
    assert parsed.entries[0].link == with_image.canonical_url
    assert [(e.href, e.type) for e in parsed.entries[0].enclosures] == [
        ("https://news.example.cn/images/lead.PNG?w=640", "image/png")
    ]
    assert parsed.entries[1].enclosures == []


def test_feed_links_are_absolute_self_and_alternate() -> None:
    root = etree.fromstring(render_atom(make_doc(), []))
    links = {link.get("rel"): dict(link.attrib) for link in root.findall("atom:link", NS)}
    assert links["self"] == {
        "href": "http://feeds.example.test/feeds/categories/%E8%B4%A2%E7%BB%8F.atom",
        "rel": "self",
        "type": "application/atom+xml",
    }
    assert links["alternate"]["href"] == "http://feeds.example.test/"
    assert root.findtext("atom:generator", namespaces=NS) == "feedsvc"


def test_entry_fields_author_category_summary_content() -> None:
    article = make_article(4, author="王记者")
    entry = entries_of(render_atom(make_doc(), [article]))[0]
    assert entry.findtext("atom:author/atom:name", namespaces=NS) == "王记者"
    category = entry.find("atom:category", NS)
    assert category is not None
    assert (category.get("term"), category.get("label")) == ("财经", "财经")
    assert entry.findtext("atom:summary", namespaces=NS) == "第4篇摘要"
    content = entry.find("atom:content", NS)
    assert content is not None
    assert content.get("type") == "html"
    assert content.text == article.content_html


def test_author_falls_back_to_source_name_then_source_id() -> None:
    by_source = make_article(1, author=None)
    anonymous = make_article(0, author="  ", source_name="")
    first, second = entries_of(render_atom(make_doc(), [by_source, anonymous]))
    assert first.findtext("atom:author/atom:name", namespaces=NS) == "潍坊广电 · 财经"
    assert second.findtext("atom:author/atom:name", namespaces=NS) == "weifang-caijing"


def test_control_characters_never_break_the_xml() -> None:
    nasty = make_article(
        1,
        title="标题\x00带\x08控制\x1b字符\ufffe",
        content_html="<p>正文\x0c内容\x07 &amp; <b>粗</b></p>",
        summary="摘要\x01",
        author="作者\x1f",
        category="财\x0b经",
        image="https://news.example.cn/a\x02.jpg",
    )
    body = render_atom(make_doc(title="财经\x03", subtitle="副\x04标题"), [nasty])
    assert_valid_atom(body)
    entry = entries_of(body)[0]
    assert entry.findtext("atom:title", namespaces=NS) == "标题带控制字符"
    assert entry.findtext("atom:content", namespaces=NS) == "<p>正文内容 &amp; <b>粗</b></p>"
    assert entry.findtext("atom:author/atom:name", namespaces=NS) == "作者"
    assert etree.fromstring(body).findtext("atom:title", namespaces=NS) == "财经"


def test_an_entry_that_fails_is_skipped_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    good = make_article(2)
    no_id = make_article(1, entry_id="\x00 ")
    bad_time = make_article(0)
    object.__setattr__(bad_time, "updated", "yesterday")  # a store bug, not a datetime
    with caplog.at_level(logging.WARNING, logger="feedsvc.feeds.render"):
        body = render_atom(make_doc(), [good, no_id, bad_time])
    assert_valid_atom(body)
    assert [e.findtext("atom:id", namespaces=NS) for e in entries_of(body)] == [good.entry_id]
    messages = [r.getMessage() for r in caplog.records]
    assert any(no_id.canonical_url in m and "entry id is empty" in m for m in messages)
    assert any(bad_time.canonical_url in m for m in messages)


def test_missing_title_uses_the_link() -> None:
    entry = entries_of(render_atom(make_doc(), [make_article(1, title=" \x01 ")]))[0]
    assert entry.findtext("atom:title", namespaces=NS) == make_article(1).canonical_url


def test_entry_language_is_marked_only_when_it_differs_from_the_feed() -> None:
    english = make_article(2, language="en")
    chinese = make_article(1, language="zh-CN")
    broken = make_article(0, language="not a tag")
    first, second, third = entries_of(render_atom(make_doc(), [english, chinese, broken]))
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert (first.get(lang), second.get(lang), third.get(lang)) == ("en", None, None)


def test_feed_language_is_normalised_or_left_out() -> None:
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    english = make_article(0, language="en")
    cases: tuple[tuple[str | None, str | None], ...] = (
        ("zh_CN", "zh-CN"),
        ("ZH-hans-cn", "zh-Hans-CN"),
        ("", None),
        (None, None),
        ("not a tag", None),
        ("中文", None),
    )
    for language, expected in cases:
        # An English entry keeps the entries from agreeing, so only the feed's tag counts.
        body = render_atom(make_doc(language=language), [english, make_article(1)])
        assert_valid_atom(body)
        assert etree.fromstring(body).get(lang) == expected, language


def test_feed_language_falls_back_to_the_one_all_entries_share() -> None:
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    body = render_atom(make_doc(language=None), [make_article(0), make_article(1)])
    root = etree.fromstring(body)
    assert root.get(lang) == "zh-CN"
    assert all(entry.get(lang) is None for entry in entries_of(body))


def test_paging_and_hub_links() -> None:
    doc = make_doc(
        first_url="http://feeds.example.test/feeds/latest.atom",
        next_url="http://feeds.example.test/feeds/latest.atom?before=abc",
        hub_url="http://hub.example.test/",
    )
    root = assert_valid_atom(render_atom(doc, [make_article(0)]))
    links = {link.get("rel"): link.get("href") for link in root.findall("atom:link", NS)}
    assert links["first"] == doc.first_url
    assert links["next"] == doc.next_url
    assert links["hub"] == doc.hub_url


def test_empty_feed_is_valid() -> None:
    body = render_atom(make_doc(), [])
    assert_valid_atom(body)
    assert entries_of(body) == []


def test_naive_times_are_taken_as_utc_rather_than_dropped() -> None:
    naive = make_article(
        0, published=datetime(2024, 5, 18, 2, 20), updated=datetime(2024, 5, 18, 2, 20)
    )
    entry = entries_of(render_atom(make_doc(updated=datetime(2024, 5, 19)), [naive]))[0]
    assert entry.findtext("atom:updated", namespaces=NS) == "2024-05-18T02:20:00+00:00"


def test_feed_without_a_title_is_an_error_naming_it() -> None:
    with pytest.raises(ValueError, match="feed title is empty"):
        render_atom(make_doc(title=" "), [])


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.cn/a/b.jpg", "image/jpeg"),
        ("https://x.cn/a/b.JPEG?x=1", "image/jpeg"),
        ("https://x.cn/b.png", "image/png"),
        ("https://x.cn/b.webp", "image/webp"),
        ("https://x.cn/b.gif#f", "image/gif"),
        ("https://x.cn/b.svg", "image/svg+xml"),
        ("https://x.cn/image.php?id=3", "image/jpeg"),
        ("https://x.cn/dir.v2/photo", "image/jpeg"),
    ],
)
def test_enclosure_type_from_extension(url: str, expected: str) -> None:
    assert enclosure_type(url) == expected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<feed", "not well-formed"),
        (b'<rss version="2.0"/>', "not atom:feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>', "no atom:id"),
        (
            b'<feed xmlns="http://www.w3.org/2005/Atom"><id>i</id><title>t</title>'
            b"<updated>2024-01-01T00:00:00Z</updated><entry><id>e</id><title/></entry></feed>",
            "entry 0 has no atom:title",
        ),
    ],
)
def test_structural_check_rejects_broken_documents(body: bytes, message: str) -> None:
    with pytest.raises(FeedRenderError, match=message) as caught:
        check_atom(body, key="latest")
    assert "feed latest" in str(caught.value)


def test_structural_check_counts_entries() -> None:
    body = render_atom(make_doc(), [make_article(0)])
    check_atom(body, key="latest", expected_entries=1)
    with pytest.raises(FeedRenderError, match="1 entries rendered, 2 built"):
        check_atom(body, key="latest", expected_entries=2)
