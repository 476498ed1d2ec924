"""normalize_article: canonical URL, id, times, fallbacks, content and fingerprints."""

# ruff: noqa: E501  (tables of cases read best one per line)

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from feedsvc.errors import ExtractError
from feedsvc.models import GUESSED_TITLE_RULE, ExtractedArticle, FetchResult, ListItem, SourceConfig
from feedsvc.normalize import entry_id_for, normalize_article

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2023, 5, 18, 12, 0, tzinfo=UTC)
URL = "https://example.cn/caijing/2023/0518/123.html"
SOURCE = SourceConfig(
    id="weifang-caijing",
    name="潍坊广电 · 财经",
    urls=("https://example.cn/caijing/",),
    interval_seconds=900,
    timezone="Asia/Shanghai",
)
FETCH = FetchResult(
    url=URL,
    final_url=URL,
    status=200,
    fetched_at=NOW,
    etag='"abc"',
    last_modified="Thu, 18 May 2023 02:00:00 GMT",
)
ARTICLE = ExtractedArticle(
    url=URL,
    title="【原创】打好“双招双引”主动仗 全力以赴拼经济",
    published=datetime(2023, 5, 18, 10, 20, tzinfo=SH),
    published_has_time=True,
    author="潍坊市广播电视台",
    category="财经",
    content_html='<p>潍坊广电新媒体讯 今年以来,我市把新经济新产业作为工作的总抓手。</p><img src="../img/a.jpg">',
    image="/img/cover.jpg",
)
ITEM = ListItem(
    url=URL,
    title="打好双招双引主动仗",
    published=datetime(2023, 5, 18, 9, 0, tzinfo=SH),
    published_has_time=True,
    summary="列表摘要",
    image="https://example.cn/img/list.jpg",
)


def test_full_article() -> None:
    article = normalize_article(
        ARTICLE,
        link_url=URL + "?utm_source=list#top",
        list_item=ITEM,
        fetch=FETCH,
        source=SOURCE,
        now=NOW,
    )
    assert article.canonical_url == URL
    assert article.link_url == URL
    assert article.entry_id == entry_id_for(URL)
    assert article.title == ARTICLE.title
    assert article.published == datetime(2023, 5, 18, 10, 20, tzinfo=SH)
    assert article.published_is_fallback is False
    assert article.author == "潍坊市广播电视台"
    assert article.category == "财经"
    assert 'src="https://example.cn/caijing/2023/img/a.jpg"' in article.content_html
    assert article.summary == "潍坊广电新媒体讯 今年以来,我市把新经济新产业作为工作的总抓手。"
    assert article.image == "https://example.cn/img/cover.jpg"
    assert article.etag == '"abc"'
    assert article.last_modified == "Thu, 18 May 2023 02:00:00 GMT"
    assert len(article.content_hash) == 64


def test_declared_canonical_on_same_site_wins_and_drives_the_id() -> None:
    fetch = replace(FETCH, final_url="https://m.example.cn/caijing/123.html?from=timeline")
    extracted = replace(ARTICLE, canonical_url="https://www.example.cn/caijing/2023/0518/123.html")
    article = normalize_article(
        extracted, link_url=URL, list_item=ITEM, fetch=fetch, source=SOURCE, now=NOW
    )
    assert article.canonical_url == "https://www.example.cn/caijing/2023/0518/123.html"
    assert article.entry_id == entry_id_for("https://www.example.cn/caijing/2023/0518/123.html")
    # Relative URLs in the body resolve against the page that was fetched.
    assert 'src="https://m.example.cn/img/a.jpg"' in article.content_html


def test_foreign_canonical_is_ignored() -> None:
    extracted = replace(ARTICLE, canonical_url="https://other-site.com/stolen.html")
    article = normalize_article(
        extracted, link_url=URL, list_item=ITEM, fetch=FETCH, source=SOURCE, now=NOW
    )
    assert article.canonical_url == URL


def test_without_fetch_uses_the_extracted_url() -> None:
    article = normalize_article(
        replace(ARTICLE, url="https://EXAMPLE.cn/caijing/x.html#frag"),
        link_url=URL,
        list_item=ITEM,
        fetch=None,
        source=SOURCE,
        now=NOW,
    )
    assert article.canonical_url == "https://example.cn/caijing/x.html"
    assert article.etag is None and article.last_modified is None


def test_id_is_stable_across_edits() -> None:
    first = normalize_article(
        ARTICLE, link_url=URL, list_item=ITEM, fetch=FETCH, source=SOURCE, now=NOW
    )
    edited = normalize_article(
        replace(ARTICLE, title="新标题", content_html="<p>改过的正文</p>"),
        link_url=URL,
        list_item=ITEM,
        fetch=FETCH,
        source=SOURCE,
        now=NOW + timedelta(hours=5),
    )
    assert edited.entry_id == first.entry_id
    assert edited.content_hash != first.content_hash
    cosmetic = normalize_article(
        replace(ARTICLE, content_html=ARTICLE.content_html.replace("<p>", '<p class="new">  ')),
        link_url=URL,
        list_item=ITEM,
        fetch=FETCH,
        source=SOURCE,
        now=NOW,
    )
    assert cosmetic.content_hash == first.content_hash


D = datetime  # short alias for the table below

# (case id, article time, article has time, list time, list has time, expected, fallback)
TIME_CASES = [
    ("article time wins", D(2023, 5, 18, 10, 20, tzinfo=SH), True, D(2023, 5, 18, 9, 0, tzinfo=SH), True, D(2023, 5, 18, 10, 20, tzinfo=SH), False),
    ("article date refined by list time", D(2023, 5, 18, tzinfo=SH), False, D(2023, 5, 18, 9, 30, tzinfo=SH), True, D(2023, 5, 18, 9, 30, tzinfo=SH), False),
    ("list time on another day ignored", D(2023, 5, 18, tzinfo=SH), False, D(2023, 5, 16, 9, 30, tzinfo=SH), True, D(2023, 5, 18, tzinfo=SH), False),
    ("list time in another zone, same local day", D(2023, 5, 18, tzinfo=SH), False, D(2023, 5, 17, 23, 30, tzinfo=UTC), True, D(2023, 5, 17, 23, 30, tzinfo=UTC), False),
    ("list date only does not refine", D(2023, 5, 18, tzinfo=SH), False, D(2023, 5, 18, tzinfo=SH), False, D(2023, 5, 18, tzinfo=SH), False),
    ("no article time: list time", None, False, D(2023, 5, 17, 8, 0, tzinfo=SH), True, D(2023, 5, 17, 8, 0, tzinfo=SH), False),
    ("no article time: list date", None, False, D(2023, 5, 17, tzinfo=SH), False, D(2023, 5, 17, tzinfo=SH), False),
    ("nothing: now", None, False, None, False, NOW, True),
    ("future clamped to now", D(2023, 5, 19, 8, 0, tzinfo=SH), True, None, False, NOW, False),
    ("slightly ahead tolerated", NOW + timedelta(minutes=5), True, None, False, NOW + timedelta(minutes=5), False),
    ("future list time clamped", None, False, NOW + timedelta(hours=3), True, NOW, False),
    ("naive time gets the source zone", D(2023, 5, 18, 10, 20), True, None, False, D(2023, 5, 18, 10, 20, tzinfo=SH), False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("page", "page_has_time", "listed", "listed_has_time", "expected", "fallback"),
    [c[1:] for c in TIME_CASES],
    ids=[c[0] for c in TIME_CASES],
)
def test_published_time(
    page: datetime | None,
    page_has_time: bool,
    listed: datetime | None,
    listed_has_time: bool,
    expected: datetime,
    fallback: bool,
) -> None:
    extracted = replace(ARTICLE, published=page, published_has_time=page_has_time)
    item = replace(ITEM, published=listed, published_has_time=listed_has_time)
    article = normalize_article(
        extracted, link_url=URL, list_item=item, fetch=FETCH, source=SOURCE, now=NOW
    )
    assert article.published == expected
    assert article.published.utcoffset() == expected.utcoffset()
    assert article.published_is_fallback is fallback


def test_fallback_time_is_first_seen_when_known() -> None:
    first_seen = NOW - timedelta(days=2)
    article = normalize_article(
        replace(ARTICLE, published=None),
        link_url=URL,
        list_item=None,
        fetch=FETCH,
        source=SOURCE,
        now=NOW,
        first_seen=first_seen,
    )
    assert article.published == first_seen
    assert article.published_is_fallback is True


def test_title_falls_back_to_list_then_fails() -> None:
    article = normalize_article(
        replace(ARTICLE, title="  \n "),
        link_url=URL,
        list_item=ITEM,
        fetch=FETCH,
        source=SOURCE,
        now=NOW,
    )
    assert article.title == "打好双招双引主动仗"
    with pytest.raises(ExtractError) as info:
        normalize_article(
            replace(ARTICLE, title=None),
            link_url=URL,
            list_item=None,
            fetch=FETCH,
            source=SOURCE,
            now=NOW,
        )
    assert URL in str(info.value)
    assert "title" in str(info.value)


def test_author_falls_back_to_source_name() -> None:
    extracted = replace(ARTICLE, author=None, source_name=" 潍坊市广播电视台\u3000")
    article = normalize_article(
        extracted, link_url=URL, list_item=ITEM, fetch=FETCH, source=SOURCE, now=NOW
    )
    assert (article.author, article.outlet) == ("潍坊市广播电视台", None)
    none = normalize_article(
        replace(ARTICLE, author=None),
        link_url=URL,
        list_item=ITEM,
        fetch=FETCH,
        source=SOURCE,
        now=NOW,
    )
    assert none.author is None


def test_editor_is_carried_cleaned_and_never_becomes_the_author() -> None:
    extracted = replace(ARTICLE, author=None, source_name="新京报", editor=" 霍琦\u3000")
    article = normalize_article(
        extracted, link_url=URL, list_item=ITEM, fetch=FETCH, source=SOURCE, now=NOW
    )
    assert (article.author, article.editor) == ("新京报", "霍琦")


@pytest.mark.parametrize(
    ("author", "source_name", "expected"),
    [
        ("张三", " 新华社\u3000", ("张三", "新华社")),  # reporter and outlet: both kept
        (None, "新华社", ("新华社", None)),  # no reporter: the outlet is the author, once
        ("新华社", "新华社", ("新华社", None)),  # the same name twice is one credit
        ("张三", None, ("张三", None)),
    ],
)
def test_the_outlet_is_kept_beside_a_named_reporter(
    author: str | None, source_name: str | None, expected: tuple[str | None, str | None]
) -> None:
    extracted = replace(ARTICLE, author=author, source_name=source_name)
    article = normalize_article(
        extracted, link_url=URL, list_item=ITEM, fetch=FETCH, source=SOURCE, now=NOW
    )
    assert (article.author, article.outlet) == expected


def test_the_outlet_is_no_part_of_the_content_hash() -> None:
    def normalized(source_name: str | None) -> str:
        extracted = replace(ARTICLE, author="张三", source_name=source_name)
        return normalize_article(
            extracted, link_url=URL, list_item=ITEM, fetch=FETCH, source=SOURCE, now=NOW
        ).content_hash

    assert normalized("新华社") == normalized(None)


def test_configured_category_beats_the_page() -> None:
    source = replace(SOURCE, category="本地财经")
    article = normalize_article(
        ARTICLE, link_url=URL, list_item=ITEM, fetch=FETCH, source=source, now=NOW
    )
    assert article.category == "本地财经"


def test_full_text_off_uses_the_list_summary() -> None:
    source = replace(SOURCE, full_text=False)
    article = normalize_article(
        ARTICLE, link_url=URL, list_item=ITEM, fetch=FETCH, source=source, now=NOW
    )
    assert article.content_html == "<p>列表摘要</p>"


def test_empty_content_uses_the_list_summary_escaped() -> None:
    item = replace(ITEM, summary="5 < 6 & <script>")
    article = normalize_article(
        replace(ARTICLE, content_html="<div><p>&nbsp;</p><script>x()</script></div>", summary=None),
        link_url=URL,
        list_item=item,
        fetch=FETCH,
        source=SOURCE,
        now=NOW,
    )
    assert article.content_html == "<p>5 &lt; 6 &amp; &lt;script&gt;</p>"
    assert article.summary == "5 < 6 & <script>"


def test_no_content_anywhere_gives_empty_strings() -> None:
    article = normalize_article(
        replace(ARTICLE, content_html=None, summary=None),
        link_url=URL,
        list_item=None,
        fetch=FETCH,
        source=SOURCE,
        now=NOW,
    )
    assert article.content_html == ""
    assert article.summary == ""


def test_summary_prefers_extracted_and_is_capped() -> None:
    long = "这是一段很长的摘要内容，用来测试截断。" * 30
    article = normalize_article(
        replace(ARTICLE, summary=long),
        link_url=URL,
        list_item=ITEM,
        fetch=FETCH,
        source=SOURCE,
        now=NOW,
    )
    assert len(article.summary) <= 200
    assert long.startswith(article.summary)


def test_text_fields_are_xml_safe_and_trimmed() -> None:
    extracted = replace(
        ARTICLE,
        title="\x00 标题\x0b  与\n控制字符 ",
        author="作者\x1f",
        category=" 财经\ufffe ",
        summary="摘要\x08",
        content_html="<p>正文\x01</p>",
    )
    article = normalize_article(
        extracted, link_url=URL, list_item=ITEM, fetch=FETCH, source=SOURCE, now=NOW
    )
    assert article.title == "标题 与 控制字符"
    assert article.author == "作者"
    assert article.category == "财经"
    assert article.summary == "摘要"
    assert article.content_html == "<p>正文</p>"


def test_image_made_absolute_or_dropped() -> None:
    article = normalize_article(
        replace(ARTICLE, image="javascript:x"),
        link_url=URL,
        list_item=ITEM,
        fetch=FETCH,
        source=SOURCE,
        now=NOW,
    )
    assert article.image == "https://example.cn/img/list.jpg"
    none = normalize_article(
        replace(ARTICLE, image=None),
        link_url=URL,
        list_item=None,
        fetch=FETCH,
        source=SOURCE,
        now=NOW,
    )
    assert none.image is None


def test_language_from_source_then_page() -> None:
    article = normalize_article(
        replace(ARTICLE, language="zh"),
        link_url=URL,
        list_item=ITEM,
        fetch=FETCH,
        source=SOURCE,
        now=NOW,
    )
    assert article.language == "zh"
    configured = normalize_article(
        replace(ARTICLE, language="zh"),
        link_url=URL,
        list_item=ITEM,
        fetch=FETCH,
        source=replace(SOURCE, language="zh-CN"),
        now=NOW,
    )
    assert configured.language == "zh-CN"


def test_bad_link_url_is_a_value_error_naming_it() -> None:
    with pytest.raises(ValueError, match="ftp://x"):
        normalize_article(
            ARTICLE, link_url="ftp://x/a", list_item=ITEM, fetch=FETCH, source=SOURCE, now=NOW
        )


def test_a_title_guessed_from_the_body_yields_to_the_list_link_text() -> None:
    guessed = replace(
        ARTICLE,
        title="今年以来,我市把新经济新产业作为工作的总抓手",
        provenance={"title": GUESSED_TITLE_RULE},
    )
    kwargs = {"link_url": URL, "fetch": FETCH, "source": SOURCE, "now": NOW}
    assert normalize_article(guessed, list_item=ITEM, **kwargs).title == "打好双招双引主动仗"
    # Without a list title the guess stands: the page still yields its body.
    alone = normalize_article(guessed, list_item=None, **kwargs)
    assert alone.title == "今年以来,我市把新经济新产业作为工作的总抓手"
    assert alone.content_html
    # A title the page shows outranks the list's.
    shown = replace(guessed, provenance={"title": "heuristic"})
    assert normalize_article(shown, list_item=ITEM, **kwargs).title == guessed.title


def test_the_list_pages_channel_is_the_category_of_a_page_naming_none() -> None:
    kwargs = {"link_url": URL, "fetch": FETCH, "source": SOURCE, "now": NOW}
    item = replace(ITEM, category="体育")
    bare = replace(ARTICLE, category=None)
    assert normalize_article(bare, list_item=item, **kwargs).category == "体育"
    assert normalize_article(ARTICLE, list_item=item, **kwargs).category == "财经"
