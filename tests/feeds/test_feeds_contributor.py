"""The editor (责任编辑) reaches the reader as a contributor, never as the author."""

from __future__ import annotations

from article_factory import make_article
from atom_validation import NS, assert_valid_atom
from feed_validation import assert_valid_rss
from test_feeds_render import make_doc

from feedsvc.feeds.render import render_atom
from feedsvc.feeds.rss import render_rss

DC = "{http://purl.org/dc/elements/1.1/}"


def test_atom_entry_names_the_editor_as_contributor() -> None:
    article = make_article(1, author="记者 裴剑飞", editor="霍琦")
    root = assert_valid_atom(render_atom(make_doc(), [article]))
    entry = root.find("atom:entry", NS)
    assert entry is not None
    assert entry.findtext("atom:author/atom:name", namespaces=NS) == "记者 裴剑飞"
    names = [c.findtext("atom:name", namespaces=NS) for c in entry.findall("atom:contributor", NS)]
    assert names == ["霍琦"]


def test_no_contributor_without_an_editor_or_when_it_is_the_author() -> None:
    plain = make_article(1, author="记者 裴剑飞")
    # With no byline and no source, the editor was already made the author.
    same = make_article(2, author="霍琦", editor="霍琦")
    root = assert_valid_atom(render_atom(make_doc(), [plain, same]))
    assert root.findall("atom:entry/atom:contributor", NS) == []


def test_rss_item_names_the_editor_as_dc_contributor() -> None:
    article = make_article(1, author="记者 裴剑飞", editor="霍琦")
    item = assert_valid_rss(render_rss(make_doc(), [article])).find("channel/item")
    assert item is not None
    assert item.findtext(f"{DC}creator") == "记者 裴剑飞"
    assert item.findtext(f"{DC}contributor") == "霍琦"
