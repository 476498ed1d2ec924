"""Demo portal → refresh → feeds: the whole pipeline on real components, offline."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import feedparser
import lxml.html
from atom_validation import assert_valid_atom
from pipeline_support import Pipeline

from feedsvc.demo.content import CATEGORIES, DemoArticle
from feedsvc.models import FetchStatus
from feedsvc.normalize import strip_xml_illegal

ATOM = "{http://www.w3.org/2005/Atom}"

SIDEBAR_WORDS = ("相关阅读", "热门文章", "最新文章", "当前位置", "上一篇", "下一篇", "分享到")


def category_path(name: str) -> str:
    return f"/feeds/categories/{quote(name)}.atom"


async def fetch_feed(p: Pipeline, path: str) -> tuple[bytes, Any]:
    resp = await p.feed(path + ("&" if "?" in path else "?") + "limit=500")
    assert resp.status == 200, await resp.text()
    body = await resp.read()
    assert_valid_atom(body)
    return body, feedparser.parse(body)


def text_of(html: str) -> str:
    return "".join(lxml.html.fragment_fromstring(html, create_parent="div").text_content().split())


def squash(text: str) -> str:
    return "".join(text.split())


def expected_author(article: DemoArticle) -> str:
    return article.reporter or article.source


async def test_each_category_feed_lists_exactly_its_articles(pipeline: Pipeline) -> None:
    reports = await pipeline.refresh()
    assert all(r.status is FetchStatus.OK for r in reports.values()), reports
    every_title = {a.title for a in pipeline.portal.articles()}

    for category in CATEGORIES:
        truth = pipeline.portal.articles(category.slug)
        _, parsed = await fetch_feed(pipeline, category_path(category.name))
        entries = parsed.entries
        assert [e.title for e in entries] == [a.title for a in truth], category.name
        others = every_title - {a.title for a in truth}
        for entry, article in zip(entries, truth, strict=True):
            assert entry.link.endswith(article.url_path)
            published = datetime.fromisoformat(entry.published)
            assert published.utcoffset() is not None
            assert published == article.published, (article.title, entry.published)
            assert entry.author == expected_author(article), article.title
            assert [t.term for t in entry.tags] == [category.name]
            body = text_of(entry.content[0].value)
            for paragraph in article.paragraphs:
                # Control characters in the source are dropped (XML cannot carry them).
                wanted = squash(strip_xml_illegal(paragraph))
                assert wanted in body, (article.title, paragraph[:20])
            for word in SIDEBAR_WORDS:
                assert word not in body, (article.title, word)
            # Sidebars link other categories' articles: none of their titles leaks in.
            assert not [t for t in others if squash(t) in body], article.title


async def test_gbk_category_decodes_to_the_right_text(pipeline: Pipeline) -> None:
    await pipeline.refresh("demo-wenhua")
    _, parsed = await fetch_feed(pipeline, category_path("文化"))
    truth = pipeline.portal.articles("wenhua")
    assert {e.title for e in parsed.entries} == {a.title for a in truth}
    assert not any("\ufffd" in e.title or "\ufffd" in e.content[0].value for e in parsed.entries)


async def test_latest_and_source_feeds_and_identity(pipeline: Pipeline) -> None:
    await pipeline.refresh()
    _, latest = await fetch_feed(pipeline, "/feeds/latest.atom")
    all_articles = pipeline.portal.articles()
    assert len(latest.entries) == len(all_articles)
    times = [datetime.fromisoformat(e.published) for e in latest.entries]
    assert times == sorted(times, reverse=True)
    ids_in_latest = {e.link: e.id for e in latest.entries}
    for category in CATEGORIES:
        _, source_feed = await fetch_feed(pipeline, f"/feeds/sources/demo-{category.slug}.atom")
        assert len(source_feed.entries) == len(pipeline.portal.articles(category.slug))
        for entry in source_feed.entries:
            assert ids_in_latest[entry.link] == entry.id  # same id in every feed


async def test_new_article_appears_after_the_next_refresh(pipeline: Pipeline) -> None:
    await pipeline.refresh()
    pipeline.clock.advance(minutes=1)
    fresh = pipeline.portal.publish("shehui")
    reports = await pipeline.refresh()
    assert reports["demo-shehui"].new == 1
    assert all(r.new == 0 for sid, r in reports.items() if sid != "demo-shehui")
    _, parsed = await fetch_feed(pipeline, category_path("社会"))
    assert parsed.entries[0].title == fresh.title
    assert len(parsed.entries) == len(pipeline.portal.articles("shehui"))


async def test_edited_article_keeps_its_id_and_gets_a_new_updated(pipeline: Pipeline) -> None:
    await pipeline.refresh()
    target = pipeline.portal.articles("caijing")[1]
    _, parsed = await fetch_feed(pipeline, category_path("财经"))
    old = next(e for e in parsed.entries if e.title == target.title)

    pipeline.clock.advance(minutes=5)  # past the 30 s interval: known articles get re-checked
    edited = pipeline.portal.edit(target.id)
    reports = await pipeline.refresh("demo-caijing")
    assert reports["demo-caijing"].updated == 1, reports

    _, parsed = await fetch_feed(pipeline, category_path("财经"))
    new = next(e for e in parsed.entries if e.title == target.title)
    assert new.id == old.id
    assert datetime.fromisoformat(new.updated) > datetime.fromisoformat(old.updated)
    assert datetime.fromisoformat(new.published) == datetime.fromisoformat(old.published)
    assert squash(edited.paragraphs[-1]) in text_of(new.content[0].value)
    assert len(parsed.entries) == len(pipeline.portal.articles("caijing"))  # no duplicate


async def test_unchanged_portal_costs_only_conditional_requests(pipeline: Pipeline) -> None:
    await pipeline.refresh()
    pipeline.clock.advance(minutes=5)
    reports = await pipeline.refresh()
    for report in reports.values():
        assert report.status is FetchStatus.NOT_MODIFIED, report
        assert report.new == report.updated == 0


async def test_conditional_feed_requests_get_304(pipeline: Pipeline) -> None:
    await pipeline.refresh()
    first = await pipeline.feed(category_path("体育"))
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = await pipeline.feed(category_path("体育"), **{"If-None-Match": etag})
    assert again.status == 304
    by_date = await pipeline.feed(category_path("体育"), **{"If-Modified-Since": modified})
    assert by_date.status == 304

    # An article published long ago that shows up only now still moves Last-Modified
    # forward: a reader that saw it unchanged would otherwise never fetch the new entry.
    now = pipeline.clock()
    pipeline.clock.value = now - timedelta(days=30)
    old = pipeline.portal.publish("tiyu")
    pipeline.clock.value = now + timedelta(minutes=2)
    await pipeline.refresh("demo-tiyu")
    _, parsed = await fetch_feed(pipeline, category_path("体育"))
    assert parsed.entries[-1].title == old.title  # oldest, so last
    assert parsedate_to_datetime(modified) < (datetime.fromisoformat(parsed.feed.updated))
    changed = await pipeline.feed(category_path("体育"), **{"If-None-Match": etag})
    assert changed.status == 200
    assert changed.headers["ETag"] != etag
    assert changed.headers["Last-Modified"] != modified


async def test_no_xml_breaking_text_reaches_any_feed(pipeline: Pipeline) -> None:
    await pipeline.refresh()
    for path in ["/feeds/latest.atom"] + [category_path(c.name) for c in CATEGORIES]:
        body, _ = await fetch_feed(pipeline, path)
        assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", body)
