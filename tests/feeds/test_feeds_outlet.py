"""来源 (the outlet: 新华社, 潍坊日报, Reuters) beside a named reporter reaches the reader in
every format: Atom and RSS as a contributor, JSON Feed in the ``_feedsvc`` extension; the
reporter stays the author, and an outlet that is the author already is not repeated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from active_content import assert_no_active_content
from article_factory import make_article
from atom_validation import NS, assert_valid_atom
from feed_validation import assert_valid_json_feed, assert_valid_rss
from lxml import etree
from test_feeds_render import make_doc

from feedsvc.extract import extract_article
from feedsvc.feeds.formats import FeedFormat
from feedsvc.feeds.jsonfeed import render_json_feed
from feedsvc.feeds.render import render_atom
from feedsvc.feeds.rss import render_rss
from feedsvc.models import (
    FeedKey,
    FeedKind,
    FetchStatus,
    NormalizedArticle,
    RefreshOutcome,
    SourceConfig,
    StoredArticle,
)
from feedsvc.normalize import normalize_article
from feedsvc.store import Store

DC = "{http://purl.org/dc/elements/1.1/}"
FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Case:
    page: str
    url: str
    author: str
    outlet: str


CASES = [
    Case("outlet-xinhua-reporter", "https://news.example.cn/guonei/1.html", "张三", "新华社"),
    Case("outlet-weifang-author", "https://news.example.cn/bendi/2.html", "张三", "潍坊日报"),
    Case("outlet-reuters-byline", "https://news.example.com/world/3.html", "Jane Doe", "Reuters"),
]


SOURCE = SourceConfig(
    id="s", name="潍坊新闻网", urls=("https://news.example.cn/",), interval_seconds=600
)


def _saved(article: NormalizedArticle) -> RefreshOutcome:
    return RefreshOutcome(
        source_id=SOURCE.id,
        owner="w",
        started_at=NOW - timedelta(seconds=5),
        finished_at=NOW,
        next_check_at=NOW + timedelta(minutes=10),
        status=FetchStatus.OK,
        articles=(article,),
        items_seen=1,
    )


def _names(entry: etree._Element, tag: str) -> list[str | None]:
    return [e.findtext("atom:name", namespaces=NS) for e in entry.findall(f"atom:{tag}", NS)]


def _renderings(
    entries: list[StoredArticle],
) -> tuple[etree._Element, etree._Element, dict[str, Any]]:
    """The three renderings, each valid and inert as readers see it."""
    atom = render_atom(make_doc(), entries)
    rss = render_rss(make_doc(), entries)
    body = render_json_feed(make_doc(), entries)
    for fmt, rendered in ((FeedFormat.ATOM, atom), (FeedFormat.RSS, rss), (FeedFormat.JSON, body)):
        assert_no_active_content(fmt, rendered)
    return assert_valid_atom(atom), assert_valid_rss(rss), assert_valid_json_feed(body)


@pytest.mark.parametrize("case", CASES, ids=[c.page for c in CASES])
async def test_a_page_naming_reporter_and_outlet_reaches_every_format_with_both(
    case: Case, store: Store
) -> None:
    html = (FIXTURES / f"{case.page}.html").read_text(encoding="utf-8")
    tz = ZoneInfo("Asia/Shanghai")
    extracted = extract_article(html, case.url, selectors=None, tz=tz, now=NOW)
    normalized = normalize_article(
        extracted, link_url=case.url, list_item=None, fetch=None, source=SOURCE, now=NOW
    )
    assert (normalized.author, normalized.outlet) == (case.author, case.outlet)

    await store.sync_sources([SOURCE], NOW)
    await store.claim_source(SOURCE.id, "w", NOW, 60)
    await store.save_refresh(_saved(normalized))
    (stored,) = await store.feed_entries(FeedKey(FeedKind.LATEST), 10)
    assert (stored.author, stored.outlet) == (case.author, case.outlet)

    atom, rss, feed = _renderings([stored])
    entry = atom.find("atom:entry", NS)
    assert entry is not None
    assert _names(entry, "author") == [case.author]
    assert _names(entry, "contributor") == [case.outlet]
    item = rss.find("channel/item")
    assert item is not None
    assert item.findtext(f"{DC}creator") == case.author
    assert [e.text for e in item.findall(f"{DC}contributor")] == [case.outlet]
    (json_item,) = feed["items"]
    assert json_item["authors"] == [{"name": case.author}]
    assert json_item["_feedsvc"] == {"outlet": case.outlet}


def test_without_a_reporter_the_outlet_is_the_author_and_named_once() -> None:
    article = make_article(1, author="新华社")  # normalize made the outlet the author
    atom, rss, feed = _renderings([article])
    entry = atom.find("atom:entry", NS)
    assert entry is not None
    assert _names(entry, "author") == ["新华社"]
    assert _names(entry, "contributor") == []
    assert rss.findall(f"channel/item/{DC}contributor") == []
    assert "_feedsvc" not in feed["items"][0]


def test_an_outlet_equal_to_the_author_or_the_editor_is_not_repeated() -> None:
    same_as_author = make_article(1, author="新华社", outlet="新华社")
    same_as_editor = make_article(2, author="张三", editor="新华社", outlet="新华社")
    atom, rss, feed = _renderings([same_as_author, same_as_editor])
    contributors = [_names(e, "contributor") for e in atom.findall("atom:entry", NS)]
    assert contributors == [["新华社"], []]
    items = rss.findall("channel/item")
    assert [[e.text for e in i.findall(f"{DC}contributor")] for i in items] == [["新华社"], []]
    assert ["_feedsvc" in i for i in feed["items"]] == [False, False]


def test_editor_and_outlet_are_both_contributors_editor_first() -> None:
    article = make_article(1, author="张三", editor="霍琦", outlet="潍坊日报")
    atom, rss, feed = _renderings([article])
    entry = atom.find("atom:entry", NS)
    assert entry is not None
    assert _names(entry, "contributor") == ["霍琦", "潍坊日报"]
    item = rss.find("channel/item")
    assert item is not None
    assert [e.text for e in item.findall(f"{DC}contributor")] == ["霍琦", "潍坊日报"]
    assert feed["items"][0]["_feedsvc"] == {"outlet": "潍坊日报"}
