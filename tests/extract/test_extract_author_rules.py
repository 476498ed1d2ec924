"""Author rules that carry over to unseen sites: bylines marked in the markup (BEM and
dashed class names, schema.org microdata, rel=author) but not those of teasers, comments or
sidebars; the innermost mark of a byline box; French/Spanish/Portuguese/German bylines;
co-authors given one <meta> each."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feedsvc.extract import extract_article
from feedsvc.extract.chrome import find_byline
from feedsvc.extract.dom import parse_html
from feedsvc.extract.metadata import read_meta

NOW = datetime(2024, 6, 1, tzinfo=UTC)
URL = "https://news.example.org/2024/05/harbour.html"
PROSE = (
    "<p>The harbour authority approved the new breakwater on Tuesday after two years of "
    "consultation with fishermen, residents and the regional council.</p>"
    "<p>Work is expected to start in the autumn and to last eighteen months, during which "
    "the northern quay will stay open to small boats only.</p>"
    "<p>Critics say the cost has doubled since the first estimate, while supporters point to "
    "the storms that flooded the old town twice last winter.</p>"
)
TEASERS = (
    "<ul class='related'>"
    "<li><h3><a href='/a/2'>Ferry timetable changes for the summer season</a></h3>"
    "<p>Operators add evening crossings from July.</p><span class='byline'>Ann Other</span></li>"
    "<li><h3><a href='/a/3'>Lighthouse restoration finished ahead of plan</a></h3>"
    "<p>The keepers' cottage opens as a museum.</p><span class='byline'>Bo Tester</span></li>"
    "</ul>"
)


def page(header: str = "", head: str = "", before: str = "", after: str = "") -> str:
    return (
        "<html><head><title>Harbour breakwater approved | Coast News</title>"
        f"{head}</head><body>{before}<article><h1>Harbour breakwater approved</h1>{header}"
        f"<div class='body'>{PROSE}</div></article>{after}</body></html>"
    )


def author_of(html: str) -> str | None:
    return extract_article(html, URL, selectors=None, tz=UTC, now=NOW).author


@pytest.mark.parametrize(
    ("case", "html", "expected"),
    [
        ("bem class", page("<div class='article__author'>Jane Doe</div>"), "Jane Doe"),
        ("dashed name class", page("<span class='author-name'>Jane Doe</span>"), "Jane Doe"),
        ("dashed byline class", page("<p class='post-byline'>By Jane Doe</p>"), "Jane Doe"),
        (
            "commenter is not the writer",
            page(after="<div class='comment-author'>Troll King</div>"),
            None,
        ),
        ("teaser bylines in a list are skipped", page(before=TEASERS), None),
        (
            "teasers before the article's own byline",
            page("<div class='author'>Jane Doe</div>", before=TEASERS),
            "Jane Doe",
        ),
        (
            "a list of the article's authors",
            page("<ul itemprop='author'><li><a rel='author' href='/p/jd'>Jane Doe</a></li></ul>"),
            "Jane Doe",
        ),
        (
            "class-only byline in a sidebar",
            page(after="<aside><span class='byline'>Side Bar</span></aside>"),
            None,
        ),
        (
            "schema.org author in a blog's aside",
            page(
                after="<aside><span itemprop='author' itemscope>"
                "<span itemprop='name'>Jane Doe</span> —</span></aside>"
            ),
            "Jane Doe",
        ),
        (
            "innermost mark of a byline box",
            page(
                "<div class='article-byline'>By <a rel='author' href='/p/jd'>Jane Doe</a>"
                " <span class='role'>Harbour reporter</span></div>"
            ),
            "Jane Doe",
        ),
        (
            "French prefix in a byline box",
            page("<span class='byline'>Par Jean Dupont</span>"),
            "Jean Dupont",
        ),
        (
            "German prefix in a byline box",
            page("<div class='author'>Von Max Muster</div>"),
            "Max Muster",
        ),
        (
            "the follow button beside a columnist's name",
            page("<div class='news_author'><a><div>中国广州发布</div></a><div>关注</div></div>"),
            "中国广州发布",
        ),
        (
            "a block label in an author-classed box",
            page(
                after="<div class='author-news'><div class='author'>"
                "<a href='#'>相关文章</a></div></div>"
            ),
            None,
        ),
    ],
)
def test_dom_bylines(case: str, html: str, expected: str | None) -> None:
    assert author_of(html) == expected, case


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Par Sébastien Martin", "Sébastien Martin"),
        ("Par Jean-Luc de la Tour 12 mai 2015", "Jean-Luc de la Tour"),
        ("Por Ana Pérez y Luis Gil", "Ana Pérez y Luis Gil"),
        ("Por Steven Lee, Keith Brown y Tariq Khan", "Steven Lee, Keith Brown y Tariq Khan"),
        ("Por Ana Pérez e João Silva", "Ana Pérez e João Silva"),
        ("Von Max Muster | 12.03.2015", "Max Muster"),
        # Prose that starts with the same words is not a byline.
        ("Von Berlin aus fährt der Zug", None),
        ("Por qué Pekín organiza los juegos", None),
        ("Par ailleurs, le conseil a voté", None),
        ("Pour Marie Curie", None),
    ],
)
def test_foreign_bylines(line: str, expected: str | None) -> None:
    assert find_byline([line]).author == expected


@pytest.mark.parametrize(
    ("metas", "expected"),
    [
        (['<meta name="author" content="Jane Doe">'], "Jane Doe"),
        (
            ['<meta name="author" content="Jane Doe">', '<meta name="author" content="John Roe">'],
            "Jane Doe, John Roe",
        ),
        (
            [
                '<meta name="DC.Creator" content="Roe, J.">',
                '<meta name="DC.Creator" content="Doe, Jane">',
            ],
            "Roe, J.; Doe, Jane",
        ),
        # The same name twice is one author.
        (['<meta name="author" content="Jane Doe">'] * 2, "Jane Doe"),
        # A site-name creator gives way to the next author meta that names a person.
        (
            [
                '<meta property="og:site_name" content="Coast News">',
                '<meta name="dc.creator" content="Coast News">',
                '<meta name="author" content="Jane Doe">',
            ],
            "Jane Doe",
        ),
        (['<meta property="article:author" content="https://example.org/jd">'], None),
        # Forum software credits its makers on every page.
        (['<meta name="author" content="Discuz! Team and Comsenz UI Team">'], None),
    ],
)
def test_meta_authors(metas: list[str], expected: str | None) -> None:
    assert author_of(page(head="".join(metas))) == expected


def test_repeated_meta_values_keep_page_order() -> None:
    root = parse_html(
        "<html><head><meta name='author' content='B'><meta name='author' content='A'>"
        "<meta name='author' content='B'><meta name='keywords' content='k'></head></html>"
    )
    meta = read_meta(root)
    assert meta.get("author") == "B"
    assert meta.get_all("author") == ("B", "A")
    assert meta.get_all("keywords") == ("k",)
    assert meta.get_all("missing") == ()


def test_byline_under_the_heading_when_a_breadcrumb_repeats_the_title() -> None:
    form = "".join(f"<div>Field {n}</div>" for n in range(14))
    html = (
        "<html><head><title>Harbour breakwater approved | Coast News</title></head><body>"
        # A promo box's byline comes first on the page: only the header's byline is ours.
        "<div class='promo'><p>Tides explained</p><p>By Ann Other</p></div>"
        "<div><p>Weather</p><p>Sport</p><p>Culture</p></div>"
        "<div class='crumbs'><a href='/'>Home</a> <a href='/news'>News</a>"
        "<span>Harbour breakwater approved</span></div>"
        f"<form>{form}</form><article><h1>Harbour breakwater approved</h1>"
        f"<p>By Jane Doe</p><div class='body'>{PROSE}</div></article></body></html>"
    )
    assert author_of(html) == "Jane Doe"


def test_a_copy_of_the_title_after_the_body_lends_no_byline() -> None:
    long_prose = (
        "<p>" + "The council met again to discuss the harbour plans in detail. " * 5 + "</p>"
    )
    html = (
        "<html><head><title>Harbour breakwater approved | Coast News</title>"
        '<meta name="author" content="Jane Doe"></head><body>'
        f"<article><h1>Harbour breakwater approved</h1>{long_prose * 4}"
        f"<div class='body'>{PROSE}</div></article>"
        # A sidebar teaser repeating the headline with another piece's byline.
        "<div class='related'><p>Harbour breakwater approved</p><p>By Ann Other</p></div>"
        "</body></html>"
    )
    assert author_of(html) == "Jane Doe"


@pytest.mark.parametrize(
    ("title", "meta_author", "expected"),
    [
        # the portal's brand at the start of the channel named in <title>
        ("多地项目连环爆雷_网易财经", "网易", None),
        ("第三届安全论坛举办-CSDN.NET", "CSDN.NET", None),
        # blogs end their titles with the writer: that is the author, not the site
        (
            "What is the sea telling us? | Eleanor Ainge Roy",
            "Eleanor Ainge Roy",
            "Eleanor Ainge Roy",
        ),
        ("Harbour breakwater approved | Coast News", "Jane Doe", "Jane Doe"),
        (
            "On Recent Events - Bradley M. Kuhn ( Brad ) ( bkuhn )",
            "Bradley M. Kuhn",
            "Bradley M. Kuhn",
        ),
    ],
)
def test_meta_author_naming_the_site_in_the_title(
    title: str, meta_author: str, expected: str | None
) -> None:
    html = page(head=f'<meta name="author" content="{meta_author}">').replace(
        "<title>Harbour breakwater approved | Coast News</title>", f"<title>{title}</title>"
    )
    assert author_of(html) == expected


def test_a_prose_line_starting_with_by_is_no_byline() -> None:
    assert find_byline(["by Turkey for convenience sake. The third I sometimes"]).author is None
    assert find_byline(["By Jane Doe for The Harbour Times"]).author == "Jane Doe"
    assert find_byline(["Posted by Andrew Hayden, Software Engineer"]).author == "Andrew Hayden"


@pytest.mark.parametrize(
    ("markup", "author", "editor"),
    [
        (
            '<meta name="author" content="Bradley M. Kuhn (http://ebb.org/bkuhn/)">',
            "Bradley M. Kuhn",
            None,
        ),
        ('<meta name="author" content="Jane Doe <jane@example.org>">', "Jane Doe", None),
        (
            '<meta name="author" content="Rob Ewaschuk Edited by Betsy Beyer">',
            "Rob Ewaschuk",
            "Betsy Beyer",
        ),
    ],
)
def test_contact_links_and_edited_by_leave_the_author_name(
    markup: str, author: str, editor: str | None
) -> None:
    got = extract_article(page(head=markup), URL, selectors=None, tz=UTC, now=NOW)
    assert (got.author, got.editor) == (author, editor)


@pytest.mark.parametrize(
    ("line", "author"),
    [
        # roles first, the person last, however long the roles
        (
            "（本文来源：经济日报 作者：中国国际经济交流中心世界经济研究部部长，"
            "“一带一路”研究部部长、研究员徐占忱）",
            "徐占忱",
        ),
        ("作者：北京大学教授王小明 2023-05-18", "王小明"),
        ("作者：王文（中国人民大学教授）", "王文"),
        # a post is not a person
        ("作者：某某大学教授", None),
        # a row of links to publications that happens to hold 记者
        ("新华每日电讯 经济参考 半月谈 中证报 中国记者 中国名牌 中国传媒科技 环球", None),
        # the intern is credited, not the reporter
        ("本报记者 王小明 实习生 李华", "王小明"),
    ],
)
def test_chinese_credit_lines(line: str, author: str | None) -> None:
    assert find_byline([line]).author == author


@pytest.mark.parametrize(
    ("head", "after", "author", "source"),
    [
        # CMS user ids and account handles are not names
        ('<meta name="author" content="103553">', "", None, None),
        ('<meta name="author" content="sina_mobile">', "", None, None),
        # a meta source keeps no label
        ('<meta name="source" content="来源：人民日报">', "", None, "人民日报"),
        # an advertisement's advertiser
        (
            "",
            "<div class='ad-cell'><span class='ad-author'>高爆打金传奇</span>"
            "<span>广告</span></div>",
            None,
            None,
        ),
    ],
)
def test_ids_handles_labels_and_advertisers(
    head: str, after: str, author: str | None, source: str | None
) -> None:
    got = extract_article(page(head=head, after=after), URL, selectors=None, tz=UTC, now=NOW)
    assert (got.author, got.source_name) == (author, source)


@pytest.mark.parametrize(
    ("head", "header", "author", "source"),
    [
        ('<meta name="author" content="佚名">', "", None, None),
        ('<meta name="author" content="admin">', "", None, None),
        ("", "<p>来源：转载文章</p>", None, None),
        ("", "<p>作者：陈智 整合</p>", "陈智", None),
        ("", "<div class='author'>扬眼 企鹅号</div>", "扬眼", None),
        ("", "<div class='author'>股市行情 总篇数919篇 暂无简介</div>", "股市行情", None),
        # a compound source keeps its own words
        ("", "<p>来源：新浪财经-自媒体综合</p>", None, "新浪财经-自媒体综合"),
    ],
)
def test_placeholders_roles_and_profile_counts_leave_credits(
    head: str, header: str, author: str | None, source: str | None
) -> None:
    got = extract_article(page(header, head=head), URL, selectors=None, tz=UTC, now=NOW)
    assert (got.author, got.source_name) == (author, source)


@pytest.mark.parametrize(
    ("line", "author", "source"),
    [
        ("By Jane Doe | Reuters", "Jane Doe", "Reuters"),
        ("By Jane Doe · The Associated Press", "Jane Doe", "The Associated Press"),
        ("By Jane Doe – BBC News", "Jane Doe", "BBC News"),
        # A role, a date or a time after the separator is no outlet.
        ("By Jane Doe | Staff Writer", "Jane Doe", None),
        ("By Jane Doe | May 18, 2026", "Jane Doe", None),
        ("By Jane Doe | Updated 3 hours ago", "Jane Doe", None),
        ("By Jane Doe", "Jane Doe", None),
    ],
)
def test_an_english_byline_names_the_outlet_after_the_writer(
    line: str, author: str, source: str | None
) -> None:
    byline = find_byline([line])
    assert (byline.author, byline.source) == (author, source)
