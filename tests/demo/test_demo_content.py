"""PortalState and article generation, without HTTP."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from demo_portal_helpers import START, Clock

from feedsvc.demo.content import CATEGORIES, GBK_ONLY_GIVEN_NAMES, SHANGHAI
from feedsvc.demo.portal import PortalState


def test_same_seed_and_clock_give_identical_articles() -> None:
    one = PortalState(seed=3, now=Clock())
    two = PortalState(seed=3, now=Clock())
    assert one.articles() == two.articles()
    assert one.publish("tiyu") == two.publish("tiyu")
    assert one.edit() == two.edit()


def test_different_seeds_give_different_articles() -> None:
    titles = {a.title for a in PortalState(seed=1, now=Clock()).articles()}
    others = {a.title for a in PortalState(seed=2, now=Clock()).articles()}
    assert titles != others


def test_initial_articles_per_category_sorted_newest_first(state: PortalState) -> None:
    everything = state.articles()
    assert len(everything) == 4 * 12
    for category in CATEGORIES:
        items = state.articles(category.slug)
        assert len(items) == 12
        assert {a.category for a in items} == {category.name}
        assert [a.published for a in items] == sorted((a.published for a in items), reverse=True)
    assert all(a.published < START for a in everything)
    assert len({a.title for a in everything}) == len(everything), "titles must be unique"
    assert len({a.id for a in everything}) == len(everything)


def test_articles_read_like_news(state: PortalState) -> None:
    for a in state.articles():
        assert 3 <= len(a.paragraphs) <= 9, a.id
        assert all(len(p) >= 15 for p in a.paragraphs), a.id
        assert a.source and a.editor
        if a.reporter is not None:
            assert f"记者 {a.reporter}" in a.paragraphs[0]
        else:
            assert "（记者" not in a.paragraphs[0]
        assert "{" not in a.title + "".join(a.paragraphs), f"unfilled slot in {a.id}"
        local = a.published.astimezone(SHANGHAI)
        assert a.url_path == f"/{a.category_slug}/{local:%Y}/{local:%m%d}/{a.id}.html"
        assert a.published.tzinfo is not None


def test_published_time_is_what_the_page_shows(state: PortalState) -> None:
    # Only 财经 prints seconds; elsewhere the ground truth has none either.
    for category in CATEGORIES:
        seconds = {a.published.second for a in state.articles(category.slug)}
        if category.shows_seconds:
            assert seconds != {0}
        else:
            assert seconds == {0}
        assert {a.published.microsecond for a in state.articles(category.slug)} == {0}


def test_deliberate_dirt_is_present(state: PortalState) -> None:
    caijing, shehui, wenhua = (state.articles(s) for s in ("caijing", "shehui", "wenhua"))
    assert "&" in caijing[1].title
    assert sum(a.table is not None for a in state.articles()) == 1
    assert caijing[2].table is not None and len(caijing[2].table) == 6
    body = "".join(shehui[1].paragraphs)
    assert "\x08" in body and "<" in body
    assert '"' in wenhua[0].title
    text = wenhua[0].title + "".join(wenhua[0].paragraphs)
    assert any(ch in text for ch in GBK_ONLY_GIVEN_NAMES)
    with pytest.raises(UnicodeEncodeError):
        text.encode("gb2312")
    assert sum(a.image_path is not None for a in state.articles()) >= 4


@pytest.mark.parametrize("seed", range(1, 13))
def test_gbk_category_is_always_encodable(seed: int) -> None:
    state = PortalState(seed=seed, now=Clock())
    for _ in range(6):
        state.publish("wenhua")
        state.edit(state.articles("wenhua")[0].id)
    for a in state.articles("wenhua"):
        for text in (a.title, a.source, a.editor, *a.paragraphs):
            text.encode("gbk")


def test_publish_adds_the_newest_article(state: PortalState, clock: Clock) -> None:
    clock.advance(minutes=5)
    article = state.publish("shehui")
    assert state.articles()[0] == article
    assert state.articles("shehui")[0] == article
    assert article.published == clock.value.replace(second=0)
    assert state.article(article.id) == article
    assert len(state.articles("shehui")) == 13
    assert article.modified is None


def test_publish_without_category_picks_one(state: PortalState) -> None:
    slugs = {state.publish().category_slug for _ in range(20)}
    assert len(slugs) >= 2


def test_same_second_publications_keep_order(state: PortalState) -> None:
    first = state.publish("caijing")
    second = state.publish("caijing")
    assert state.articles("caijing")[:2] == [second, first]


def test_edit_changes_body_only(state: PortalState, clock: Clock) -> None:
    original = state.articles()[3]
    clock.advance(minutes=2)
    edited = state.edit(original.id)
    assert edited.paragraphs != original.paragraphs
    assert edited.paragraphs[0] == original.paragraphs[0]
    assert (edited.title, edited.published, edited.url_path) == (
        original.title,
        original.published,
        original.url_path,
    )
    assert edited.modified == clock.value
    assert state.article(original.id) == edited
    again = state.edit(original.id)
    assert again.paragraphs != edited.paragraphs


def test_edit_without_id_picks_a_recent_article(state: PortalState) -> None:
    recent = {a.id for a in state.articles()[:10]}
    assert state.edit().id in recent


def test_bad_calls_name_the_problem() -> None:
    state = PortalState(seed=1, now=Clock(), initial_per_category=0)
    assert state.articles() == []
    with pytest.raises(LookupError, match="no articles"):
        state.edit()
    with pytest.raises(ValueError, match="unknown demo category slug 'sport'"):
        state.publish("sport")
    with pytest.raises(KeyError, match="'99'"):
        state.article("99")
    with pytest.raises(ValueError, match="initial_per_category"):
        PortalState(initial_per_category=-1)
    with pytest.raises(ValueError, match="naive"):
        PortalState(now=lambda: datetime(2023, 5, 18, 10, 0))


def test_snapshot_is_the_ground_truth(state: PortalState) -> None:
    snap = state.snapshot("http://portal.test/")
    articles = snap["articles"]
    assert isinstance(articles, list)
    assert [a["id"] for a in articles] == [a.id for a in state.articles()]
    first = articles[0]
    assert first["url"] == "http://portal.test" + state.articles()[0].url_path
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", first["published"])
