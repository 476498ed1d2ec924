"""Every feed as Atom, RSS 2.0 and JSON Feed 1.1: same entries, same ids, same HTTP rules."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from urllib.parse import quote

import feedparser
import pytest
from article_factory import BASE_TIME, make_article
from atom_validation import NS, assert_valid_atom
from feed_validation import assert_valid_json_feed, assert_valid_rss
from lxml import etree
from lxml import html as lxml_html
from memory_reader import MemoryReader
from web_support import PUBLIC_URL, ClientMaker

IDENTITY = {"Accept-Encoding": "identity"}
CAIJING = "/feeds/categories/" + quote("财经", safe="")
FEEDS = ("/feeds/latest", CAIJING, "/feeds/sources/weifang-caijing", "/feeds/categories/tech")
MEDIA_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def ids_in(fmt: str, body: bytes) -> list[str]:
    """Entry ids in document order, validating the document on the way."""
    if fmt == "atom":
        root = assert_valid_atom(body)
        return [e.findtext("atom:id", namespaces=NS) or "" for e in root.findall("atom:entry", NS)]
    if fmt == "rss":
        root = assert_valid_rss(body)
        return [item.findtext("guid") or "" for item in root.iter("item")]
    return [item["id"] for item in assert_valid_json_feed(body)["items"]]


async def test_every_feed_in_every_format_is_valid_with_the_same_ids(
    make_client: ClientMaker,
) -> None:
    client = await make_client()
    for path in FEEDS:
        seen: dict[str, list[str]] = {}
        for fmt, media_type in MEDIA_TYPES.items():
            response = await client.get(f"{path}.{fmt}?limit=20", headers=IDENTITY)
            assert response.status == 200, (path, fmt)
            assert response.headers["Content-Type"] == media_type
            assert response.headers["Access-Control-Allow-Origin"] == "*"
            assert response.headers["Vary"] == "Accept-Encoding, Accept"
            seen[fmt] = ids_in(fmt, await response.read())
        assert seen["atom"] == seen["rss"] == seen["json"], path
        assert seen["atom"], path


async def test_an_article_has_one_id_in_every_feed_and_format(make_client: ClientMaker) -> None:
    client = await make_client()
    article = make_article(3)
    for path in ("/feeds/latest", CAIJING, "/feeds/sources/weifang-caijing"):
        for fmt in MEDIA_TYPES:
            body = await (await client.get(f"{path}.{fmt}?limit=20", headers=IDENTITY)).read()
            assert article.entry_id in ids_in(fmt, body), (path, fmt)


async def test_rss_items_carry_guid_link_author_category_and_enclosure(
    make_client: ClientMaker,
) -> None:
    client = await make_client()
    body = await (await client.get(f"{CAIJING}.rss?limit=1", headers=IDENTITY)).read()
    root = assert_valid_rss(body)
    [item] = root.iter("item")
    article = make_article(6)
    guid = item.find("guid")
    assert guid is not None and (guid.text, guid.get("isPermaLink")) == (
        article.entry_id,
        "false",
    )
    assert item.findtext("link") == article.canonical_url
    assert item.findtext("category") == "财经"
    enclosure = item.find("enclosure")
    assert enclosure is not None
    assert (enclosure.get("url"), enclosure.get("type")) == (article.image, "image/jpeg")
    parsed = feedparser.parse(body)
    entry = parsed.entries[0]
    assert entry.id == article.entry_id and entry.link == article.canonical_url
    assert entry.author == "潍坊广电 · 财经"  # no byline: the source's name
    assert entry.title == article.title
    assert article.content_html in entry.content[0].value
    assert parsed.feed.language == "zh-CN"
    self_link = root.find("channel/{http://www.w3.org/2005/Atom}link[@rel='self']")
    assert self_link is not None
    assert self_link.get("href") == f"{PUBLIC_URL}{CAIJING}.rss?limit=1"
    assert self_link.get("type") == "application/rss+xml"


async def test_json_feed_items(make_client: ClientMaker) -> None:
    client = await make_client()
    response = await client.get(f"{CAIJING}.json?limit=2", headers=IDENTITY)
    feed = assert_valid_json_feed(await response.read())
    article = make_article(6)
    assert feed["title"] == "财经"
    assert feed["feed_url"] == f"{PUBLIC_URL}{CAIJING}.json?limit=2"
    assert feed["home_page_url"] == f"{PUBLIC_URL}/"
    assert feed["language"] == "zh-CN"
    item = feed["items"][0]
    assert item == {
        "id": article.entry_id,
        "url": article.canonical_url,
        "title": article.title,
        "content_html": article.content_html,
        "summary": article.summary,
        "image": article.image,
        "date_published": "2024-05-18T08:20:00+00:00",
        "date_modified": "2024-05-18T08:20:00+00:00",
        "authors": [{"name": "潍坊广电 · 财经"}],
        "tags": ["财经"],
    }
    assert feed["next_url"].startswith(f"{PUBLIC_URL}{CAIJING}.json?limit=2&before=")


async def test_each_format_has_its_own_validators_and_304(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    client = await make_client()
    etags = {}
    for fmt in MEDIA_TYPES:
        first = await client.get(f"{CAIJING}.{fmt}", headers=IDENTITY)
        second = await (await make_client()).get(f"{CAIJING}.{fmt}", headers=IDENTITY)
        assert await first.read() == await second.read()  # deterministic bytes
        assert first.headers["ETag"] == second.headers["ETag"]
        etags[fmt] = first.headers["ETag"]
        reader.calls.clear()
        cached = await client.get(
            f"{CAIJING}.{fmt}", headers={**IDENTITY, "If-None-Match": etags[fmt]}
        )
        assert cached.status == 304
        assert reader.calls["feed_page"] == 0
        zipped = await client.get(
            f"{CAIJING}.{fmt}", headers={"Accept-Encoding": "gzip"}, auto_decompress=False
        )
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(await zipped.read()) == await first.read()
        head = await client.head(f"{CAIJING}.{fmt}", headers=IDENTITY)
        assert head.status == 200 and head.headers["ETag"] == etags[fmt]
    assert len(set(etags.values())) == 3


async def test_feed_language_comes_from_the_source_as_a_bcp47_tag(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    reader.language = "zh_cn"  # as a locale: must come out as zh-CN
    client = await make_client()
    atom = etree.fromstring(await (await client.get(f"{CAIJING}.atom")).read())
    assert atom.get(XML_LANG) == "zh-CN"
    rss = etree.fromstring(await (await client.get(f"{CAIJING}.rss")).read())
    assert rss.findtext("channel/language") == "zh-CN"
    feed = json.loads(await (await client.get(f"{CAIJING}.json")).read())
    assert feed["language"] == "zh-CN"
    # The English entries in 'latest' say so, since they differ from the feed's language.
    latest = etree.fromstring(await (await client.get("/feeds/latest.atom?limit=20")).read())
    langs = {e.findtext("atom:title", namespaces=NS): e.get(XML_LANG) for e in latest}
    assert langs["Tech story 8"] == "en" and langs[make_article(1).title] is None


async def test_without_a_declared_language_the_entries_language_is_used(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    reader.language = None
    client = await make_client()
    atom = etree.fromstring(await (await client.get(f"{CAIJING}.atom")).read())
    assert atom.get(XML_LANG) == "zh-CN"  # every entry is zh-CN
    latest = etree.fromstring(await (await client.get("/feeds/latest.atom?limit=20")).read())
    assert latest.get(XML_LANG) is None  # zh-CN and en mixed: no feed language


async def test_atom_category_has_term_and_label(make_client: ClientMaker) -> None:
    client = await make_client()
    root = etree.fromstring(await (await client.get(f"{CAIJING}.atom?limit=1")).read())
    category = root.find("atom:entry/atom:category", NS)
    assert category is not None
    assert (category.get("term"), category.get("label")) == ("财经", "财经")


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
async def test_hostile_text_never_breaks_any_format(
    make_client: ClientMaker, reader: MemoryReader, fmt: str
) -> None:
    reader.add(
        make_article(
            40,
            title="控制\x00字符\x1b标题 &amp; <b>粗</b> \ud800",
            content_html="<p>a\x0bb &nbsp; &lt;script&gt; <![CDATA[x]]> ]]></p>",
            summary="\x07摘要 & < >",
            author="作者\x1f",
        ),
        at=BASE_TIME + timedelta(days=3),
    )
    reader.add(make_article(41, entry_id="\x00"), at=BASE_TIME + timedelta(days=3))  # unusable
    client = await make_client()
    response = await client.get(f"/feeds/latest.{fmt}?limit=3", headers=IDENTITY)
    assert response.status == 200
    body = await response.read()
    ids = ids_in(fmt, body)
    assert ids[0] == make_article(40).entry_id and "\x00" not in ids
    parsed = feedparser.parse(body) if fmt != "json" else None
    if parsed is not None:
        # What the reader displays: RSS titles are HTML (escaped text), Atom's are text.
        title = parsed.entries[0].title_detail
        shown = title.value
        if title.type == "text/html":
            shown = lxml_html.fragment_fromstring(shown, create_parent="div").text_content()
        assert shown == "控制字符标题 &amp; <b>粗</b>"


async def test_max_age_follows_the_refresh_interval_of_the_sources(
    make_client: ClientMaker, reader: MemoryReader
) -> None:
    for interval, expected in ((30, 120), (900, 450), (7 * 86400, 3600)):
        reader.interval_seconds = interval
        client = await make_client()  # a new process: nothing memoized
        for fmt in MEDIA_TYPES:
            response = await client.get(f"{CAIJING}.{fmt}", headers=IDENTITY)
            assert response.headers["Cache-Control"] == f"public, max-age={expected}"
            not_modified = await client.get(
                f"{CAIJING}.{fmt}", headers={"If-None-Match": response.headers["ETag"]}
            )
            assert not_modified.status == 304
            assert not_modified.headers["Cache-Control"] == f"public, max-age={expected}"


async def test_unknown_feed_in_any_format_is_404(make_client: ClientMaker) -> None:
    client = await make_client()
    for fmt in MEDIA_TYPES:
        response = await client.get(f"/feeds/sources/nope.{fmt}")
        assert response.status == 404
        assert "no such feed" in await response.text()
    assert (await client.get("/feeds/latest.xml")).status == 404
