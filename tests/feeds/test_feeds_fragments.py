"""Remembered entry elements: the same bytes as a fresh build, never a stale entry."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

from article_factory import BASE_TIME, make_article
from lxml import etree

from feedsvc.feeds import fragments
from feedsvc.feeds.render import FeedDocument, render_atom
from feedsvc.models import FeedKey, FeedKind, StoredArticle

DOC = FeedDocument(
    key=FeedKey(FeedKind.LATEST),
    feed_id="http://feeds.example.test/feeds/latest.atom",
    title="Latest",
    self_url="http://feeds.example.test/feeds/latest.atom",
    alternate_url="http://feeds.example.test/",
    updated=BASE_TIME + timedelta(days=2),
    language="zh-CN",
)


def fresh(doc: FeedDocument, entries: list[StoredArticle]) -> bytes:
    fragments.clear()
    return render_atom(doc, entries)


def test_remembered_entries_render_the_same_bytes() -> None:
    entries = [make_article(n) for n in range(6)]
    first = fresh(DOC, entries)
    assert render_atom(DOC, entries) == first  # every entry from the memo
    # A new version with one more entry: the old ones from the memo, the new one built.
    more = [make_article(n) for n in range(7)]
    assert render_atom(DOC, more) == fresh(DOC, more)


def test_an_edited_article_is_built_afresh() -> None:
    article = make_article(1)
    render_atom(DOC, [article])
    edited = replace(article, content_html="<p>更正后的正文</p>", updated=article.updated)
    body = render_atom(DOC, [edited])
    assert "更正后的正文" in body.decode()
    assert body == fresh(DOC, [edited])


def test_the_feed_language_is_part_of_the_key() -> None:
    article = make_article(1, language="en")
    in_chinese_feed = render_atom(DOC, [article])
    in_english_feed = render_atom(replace(DOC, language="en"), [article])
    assert b'xml:lang="en"' in in_chinese_feed
    assert b'<entry xml:lang="en">' not in in_english_feed


def test_each_build_happens_once_and_copies_are_independent() -> None:
    fragments.clear()
    builds: list[str] = []

    def build(article: StoredArticle, language: str | None) -> etree._Element:
        builds.append(article.entry_id)
        return etree.Element("entry", id=article.entry_id)

    article = make_article(3)
    one = fragments.entry_element(article, None, build)
    two = fragments.entry_element(article, None, build)
    assert builds == [article.entry_id]
    assert one is not two
    one.set("id", "changed")
    assert fragments.entry_element(article, None, build).get("id") == article.entry_id


def test_threads_keep_their_own_memo() -> None:
    fragments.clear()
    builds: list[str] = []

    def build(article: StoredArticle, language: str | None) -> etree._Element:
        builds.append(threading.current_thread().name)
        return etree.Element("entry")

    article = make_article(4)
    fragments.entry_element(article, None, build)
    other = threading.Thread(target=fragments.entry_element, args=(article, None, build))
    other.start()
    other.join()
    assert len(builds) == 2


def test_the_memo_is_bounded(monkeypatch: object) -> None:
    fragments.clear()
    for n in range(fragments.MAX_ENTRIES + 10):
        fragments.entry_element(
            make_article(n), None, lambda a, _: etree.Element("entry", id=a.entry_id)
        )
    assert len(fragments._memo.items) == fragments.MAX_ENTRIES
