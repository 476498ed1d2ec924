"""The browser view of Atom and RSS feeds: the ``<?xml-stylesheet?>`` instruction and
the XSLT it names (feedsvc/feeds/feed.xsl), applied here with lxml's XSLT 1.0 processor
as a browser would apply it."""

from __future__ import annotations

from functools import cache

import feedparser
import pytest
from active_content import ACTIVE_TAGS
from article_factory import make_article
from atom_validation import assert_valid_atom
from feed_validation import assert_valid_json_feed, assert_valid_rss
from lxml import etree
from lxml import html as lxml_html
from test_feeds_render import make_doc
from xss_corpus import MARKUP

from feedsvc.feeds.formats import FeedFormat
from feedsvc.feeds.render import FeedDocument
from feedsvc.feeds.stylesheet import stylesheet_bytes
from feedsvc.models import StoredArticle

XSL_URL = "http://feeds.example.test/feeds/feed.xsl"
XML_FORMATS = [FeedFormat.ATOM, FeedFormat.RSS]
PI = b'<?xml-stylesheet type="text/xsl" href="http://feeds.example.test/feeds/feed.xsl"?>'


def styled_doc(**overrides: object) -> FeedDocument:
    return make_doc(**{"stylesheet_url": XSL_URL, **overrides})


@cache
def transform() -> etree.XSLT:
    return etree.XSLT(etree.fromstring(stylesheet_bytes()))


def browser_view(feed: bytes) -> lxml_html.HtmlElement:
    """The page a browser shows for ``feed``: the stylesheet's HTML output, parsed."""
    result = transform()(etree.fromstring(feed))
    assert not transform().error_log, transform().error_log
    return lxml_html.document_fromstring(bytes(result))


def articles() -> list[StoredArticle]:
    return [
        make_article(1, author="王记者", summary="第1篇摘要"),
        make_article(2, summary="第2篇摘要 AT&T <b>"),
    ]


@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_atom_and_rss_name_the_stylesheet_right_after_the_declaration(fmt: FeedFormat) -> None:
    body = fmt.render(styled_doc(), articles())
    lines = body.split(b"\n")
    assert lines[0] == b"<?xml version='1.0' encoding='UTF-8'?>"
    assert lines[1] == PI
    assert body.count(b"<?xml-stylesheet") == 1
    assert body == fmt.render(styled_doc(), list(reversed(articles())))  # byte-stable


def test_json_feed_has_no_stylesheet() -> None:
    body = FeedFormat.JSON.render(styled_doc(), articles())
    assert b"feed.xsl" not in body
    assert body == FeedFormat.JSON.render(make_doc(), articles())
    assert_valid_json_feed(body)


@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_feeds_with_the_stylesheet_stay_valid_and_parse_the_same(fmt: FeedFormat) -> None:
    styled = fmt.render(styled_doc(), articles())
    plain = fmt.render(make_doc(), articles())
    assert b"xml-stylesheet" not in plain
    if fmt is FeedFormat.ATOM:
        assert_valid_atom(styled)
    else:
        assert_valid_rss(styled)
    with_pi, without = feedparser.parse(styled), feedparser.parse(plain)
    assert not with_pi.bozo, with_pi.bozo_exception
    assert with_pi.feed == without.feed
    assert with_pi.entries == without.entries
    assert len(with_pi.entries) == 2


def test_the_stylesheet_url_is_escaped_in_the_instruction() -> None:
    url = 'http://feeds.example.test/x.xsl?a=1&b="2"?>'
    body = FeedFormat.ATOM.render(styled_doc(stylesheet_url=url), articles())
    root = etree.fromstring(body)
    instruction = root.getprevious()
    assert isinstance(instruction, etree._ProcessingInstruction)
    assert instruction.get("href") == url.replace("&", "&amp;").replace('"', "&quot;").replace(
        ">", "&gt;"
    )
    assert_valid_atom(body)


@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_the_stylesheet_shows_a_readable_page(fmt: FeedFormat) -> None:
    page = browser_view(fmt.render(styled_doc(), articles()))
    assert page.findtext("head/title") == "财经 (web feed)"
    assert page.findtext(".//h1") == "财经"
    hint = page.find_class("hint")[0]
    assert "Copy this URL into your feed reader" in hint.text_content()
    assert hint.findtext("code") == make_doc().self_url
    assert page.find("head/meta[@name='viewport']") is not None
    entries = page.findall(".//article")
    assert len(entries) == 2
    newest, older = entries
    link = newest.find("h2/a")
    assert link is not None
    assert link.text == "潍坊市第2季度经济运行情况新闻发布会"
    assert link.get("href") == "https://news.example.cn/caijing/2024/2.html"
    meta = older.find_class("meta")[0].text_content()
    assert "王记者" in meta
    shown_time = older.find(".//time")
    assert shown_time is not None
    # The shipped stylesheet is the UTC variant, for Atom and RSS alike.
    assert shown_time.text == "2024-05-18 03:20 UTC"
    assert shown_time.get("datetime") == "2024-05-18T03:20:00Z"
    assert page.find_class("zone")[0].text_content() == "Times are shown in UTC."
    assert older.findtext("p[2]") == "第1篇摘要"
    # Shown as stored in both formats, though RSS carries it escaped once for HTML.
    assert newest.findtext("p[2]") == "第2篇摘要 AT&T <b>"
    assert not page.xpath("//script | //@*[starts-with(name(), 'on')]")


@pytest.mark.parametrize("fmt", XML_FORMATS)
@pytest.mark.parametrize(
    "case", ["script", "img-onerror", "svg-onload", "a-javascript", "script-xhtml-ns"]
)
def test_hostile_entries_stay_text_in_the_page(fmt: FeedFormat, case: str) -> None:
    text = MARKUP[case]
    hostile = make_article(1, title=text, summary=text, author=text)
    feed = fmt.render(styled_doc(title=text, subtitle=text), [hostile])
    page = browser_view(feed)
    body = page.find("body")
    assert body is not None
    assert not [
        e.tag for e in body.iterdescendants() if isinstance(e.tag, str) and e.tag in ACTIVE_TAGS
    ]
    assert not page.xpath("//@*[starts-with(name(), 'on')]")
    assert not [
        href for href in page.xpath("//@href") if not str(href).startswith(("http://", "https://"))
    ]
    assert page.find(".//script") is None
    assert page.findtext(".//article/h2/a") == text.strip()  # shown as text, as stored


def test_an_entry_link_that_is_not_http_is_not_made_a_link() -> None:
    rss = FeedFormat.RSS.render(styled_doc(), [make_article(1)])
    root = etree.fromstring(rss)
    link = root.find("channel/item/link")
    assert link is not None
    link.text = "javascript:alert(1)"
    page = browser_view(etree.tostring(root))
    assert page.find(".//article/h2/a") is None
    assert page.findtext(".//article/h2") == "潍坊市第1季度经济运行情况新闻发布会"


def test_text_with_up_to_500_entities_is_unescaped() -> None:
    title = "&" * 500  # 500 recursions in one pass: within any processor's limit
    page = browser_view(FeedFormat.RSS.render(styled_doc(), [make_article(1, title=title)]))
    assert page.findtext(".//article/h2/a") == title


def test_text_with_very_many_entities_is_shown_as_written() -> None:
    title = "&<>" * 400
    feed = FeedFormat.RSS.render(styled_doc(), [make_article(1, title=title)])
    page = browser_view(feed)
    assert page.findtext(".//article/h2/a") == "&amp;&lt;&gt;" * 400
