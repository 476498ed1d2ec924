"""General rules from independent evaluation (issue 12), each on a page pattern of our own:
credits only from the article's region, no publication time from body prose, a body
without a title still extracted."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from feedsvc.extract import extract_article
from feedsvc.models import GUESSED_TITLE_RULE, ExtractedArticle
from feedsvc.normalize.text import html_to_text

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2024, 6, 1, tzinfo=UTC)
URL = "http://www.county-news.example.cn/news/2024/0510/123.html"
BODY = "".join(
    f"<p>第{i}段：今年全县继续推进老旧小区改造，涉及居民两万余户，改造内容包括管网、屋面和外墙保温等，"
    "群众反映良好。</p>"
    for i in range(5)
)
HEAD = "<html><head><title>老旧小区改造惠及两万户_县融媒体中心</title></head><body>"
OWN_CREDIT = "<div class='info'>2024-05-10 09:30 来源：县融媒体中心 编辑：李娜</div>"


def teasers(label: str, css: str = "box") -> str:
    """A list of other stories whose summaries open with their own reporters' leads."""
    items = "".join(
        f"<li><a href='/news/2024/05{d}/{d}.html'>{t}</a><p>本报讯（记者 {r}）{s}……</p></li>"
        for d, t, r, s in (
            ("09", "全县春耕生产有序推进", "王大伟", "近日，全县春耕生产有序推进，各地抢抓农时"),
            ("08", "城区新建学校秋季开学", "赵小明", "今年秋季，城区三所新建学校将投入使用"),
            ("07", "乡村公路完成提档升级", "孙丽", "记者从县交通运输局获悉，今年"),
        )
    )
    heading = f"<h3>{label}</h3>" if label else ""
    return f"<div class='{css}'>{heading}<ul>{items}</ul></div>"


def run(html: str, url: str = URL, tz: ZoneInfo = SH) -> ExtractedArticle:
    return extract_article(html, url, selectors=None, tz=tz, now=NOW)


@pytest.mark.parametrize("label", ["最新文章", "相关阅读", "热门文章", ""])
@pytest.mark.parametrize("where", ["before", "after"])
def test_a_sidebar_teasers_reporter_is_never_the_author(label: str, where: str) -> None:
    article = (
        f"<div class='main'><h1>老旧小区改造惠及两万户</h1>{OWN_CREDIT}<div>{BODY}</div></div>"
    )
    side = teasers(label)
    page = HEAD + (side + article if where == "before" else article + side) + "</body></html>"
    got = run(page)
    assert got.author is None  # the page names no reporter of its own
    assert got.source_name == "县融媒体中心"
    assert got.editor == "李娜"
    assert "王大伟" not in html_to_text(got.content_html or "")


def test_the_pages_own_news_lead_still_names_the_reporter() -> None:
    lead = "<p>本报讯（记者 周明）今年全县继续推进老旧小区改造，涉及居民两万余户。</p>"
    page = (
        HEAD + teasers("最新文章") + "<div class='main'><h1>老旧小区改造惠及两万户</h1>"
        f"{OWN_CREDIT}<div>{lead}{BODY}</div></div></body></html>"
    )
    assert run(page).author == "周明"


def test_a_month_day_in_the_body_prose_is_no_publication_time() -> None:
    url = "http://www.county-news.example.cn/show.php?id=88"  # no date in the URL either
    for prose in (
        "<p>5月3日，县政府召开常务会议，研究部署老旧小区改造工作。</p>",
        "<p>格林尼治时间9月25日，联合国发布了一份关于城市竞争力的报告。</p>",
    ):
        page = f"{HEAD}<h1>老旧小区改造惠及两万户</h1>{prose}{BODY}</body></html>"
        got = run(page, url)
        assert got.published is None  # normalize then uses first-seen, flagged
        assert "published" not in got.provenance


def test_a_dateline_under_the_title_still_counts() -> None:
    url = "http://www.county-news.example.cn/show.php?id=88"
    page = f"{HEAD}<h1>老旧小区改造惠及两万户</h1><p>5月3日 10:20</p>{BODY}</body></html>"
    assert run(page, url).published == datetime(2024, 5, 3, 10, 20, tzinfo=SH)


@pytest.mark.parametrize(
    ("html", "title"),
    [
        # No <title>, no og:title, no heading: the first line of the body, when short.
        (
            "<html><body><div><p>县城老旧小区改造完成</p>" + BODY + "</div></body></html>",
            "县城老旧小区改造完成",
        ),
        # Only prose: its first sentence.
        (
            "<html><body><div>" + BODY + "</div></body></html>",
            "第0段：今年全县继续推进老旧小区改造，涉及居民两万余户，改造内容包括管网、屋面和外墙保温等，群众反映良好",
        ),
        (
            "<html><body><div>"
            + "".join(
                "<p>The harbour reopened on Monday after a year of repairs. Ferries, "
                "fishing boats and the lifeboat are back at their moorings.</p>"
                for _ in range(4)
            )
            + "</div></body></html>",
            "The harbour reopened on Monday after a year of repairs",
        ),
    ],
)
def test_a_page_without_a_title_still_yields_its_body(html: str, title: str) -> None:
    got = run(html, "http://www.county-news.example.cn/a?id=5", tz=ZoneInfo("UTC"))
    assert got.title == title
    assert got.provenance["title"] == GUESSED_TITLE_RULE
    assert got.content_html


EN_BODY = "".join(
    f"<p>Paragraph {i} of the harbour story, long enough to be read as the body of a post, "
    "with several clauses, commas, and a full stop at its end.</p>"
    for i in range(6)
)
BIO = (
    "<p>Jane Doe is a staff writer at Example News covering transport and the coast. "
    "Follow her on Twitter @janedoe.</p>"
)


def en_page(body: str, byline: str = "<p>By Jane Doe</p>", head: str = "") -> str:
    return (
        f"<html><head><title>Harbour reopens | Example News</title>{head}</head><body>"
        f"<h1>Harbour reopens</h1>{byline}<article>{body}</article></body></html>"
    )


@pytest.mark.parametrize(
    "tail",
    [
        BIO,
        f"<div class='writer'><img src='/jane.jpg' alt=''><h4>Jane Doe</h4>{BIO}</div>",
        "<div class='box'><h4>About the author</h4><p>A coast and transport reporter since 2009, "
        "Jane lives by the harbour.</p></div>",
        # No byline on the page: a writer introduced as one is still a biography.
        "<p>John Roe is a freelance journalist based in Lisbon.</p>",
    ],
)
def test_a_closing_author_bio_is_not_content(tail: str) -> None:
    got = run(en_page(EN_BODY + tail), "https://blog.example.com/2024/05/harbour.html", tz=UTC)
    text = html_to_text(got.content_html or "")
    assert "Paragraph 5" in text
    for gone in ("Follow her", "Jane Doe", "About the author", "freelance journalist"):
        assert gone not in text
    assert got.summary and "Paragraph 0" in got.summary


def test_prose_about_a_person_that_is_not_the_closing_paragraph_stays() -> None:
    quote = (
        "<p>Jane Doe is a staff writer who saw the first ferry come in, and she wrote it down.</p>"
    )
    got = run(en_page(quote + EN_BODY), "https://blog.example.com/2024/05/harbour.html", tz=UTC)
    assert "saw the first ferry" in html_to_text(got.content_html or "")
    # A closing paragraph that mentions the writer but does not introduce her stays too.
    last = "<p>Jane Doe contributed reporting; the council has not commented, a spokesman said.</p>"
    got = run(en_page(EN_BODY + last), "https://blog.example.com/2024/05/harbour.html", tz=UTC)
    assert "contributed reporting" in html_to_text(got.content_html or "")


NAV = (
    "<div class='top'><a href='/'>首页</a><a href='/sports/'>体育</a>"
    "<a href='/finance/index.html'>财经</a><a href='/society/'>社会</a></div>"
)


@pytest.mark.parametrize(
    ("url", "category"),
    [
        ("https://m.card-portal.example.cn/sports/2024/0510/88.html", "体育"),
        ("https://m.card-portal.example.cn/finance/a/88.html", "财经"),  # index.html is the channel
        ("https://m.card-portal.example.cn/p/88.html", None),  # no channel is a parent
    ],
)
def test_category_from_the_link_to_the_articles_channel_page(
    url: str, category: str | None
) -> None:
    page = (
        f"{HEAD}{NAV}<div class='card'><h1>老旧小区改造惠及两万户</h1>"
        f"{OWN_CREDIT}{BODY}</div></body></html>"
    )
    got = run(page, url)
    assert got.category == category
    if category:
        assert got.provenance["category"] == "channel-link"


def test_a_breadcrumb_outranks_the_channel_link() -> None:
    crumb = (
        "<div class='crumbs'>当前位置：<a href='/'>首页</a> &gt; "
        "<a href='/sports/zq/'>足球</a></div>"
    )
    page = f"{HEAD}{NAV}{crumb}<h1>老旧小区改造惠及两万户</h1>{BODY}</body></html>"
    got = run(page, "https://m.card-portal.example.cn/sports/zq/88.html")
    assert got.category == "足球"


LD = '<script type="application/ld+json">{{"@type": "NewsArticle", "author": {}}}</script>'


@pytest.mark.parametrize(
    ("byline", "head", "author", "source"),
    [
        ("<p>By Jane Doe and John Roe</p>", "", "Jane Doe and John Roe", None),
        ("<p>By JANE DOE, Reuters</p>", "", "Jane Doe", "Reuters"),
        ("<p>BY JANE DOE AND JOHN ROE</p>", "", "Jane Doe and John Roe", None),
        ("<p>By Jane Doe, LONDON</p>", "", "Jane Doe", None),  # a dateline, not an outlet
        ("<p>By Jane Doe, Staff Writer</p>", "", "Jane Doe", None),
        (
            "<p>Posted on May 3 by <a rel='author' href='/author/jane'>Jane Doe</a></p>",
            "",
            "Jane Doe",
            None,
        ),
        ("", "<meta name='author' content='Jane Doe'>", "Jane Doe", None),
        (
            "",
            LD.format(
                '[{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "John Roe"}]'
            ),
            "Jane Doe, John Roe",
            None,
        ),
        ("", LD.format('{"@type": "Organization", "name": "Reuters"}'), "Reuters", None),
    ],
)
def test_english_bylines_are_normalized(
    byline: str, head: str, author: str, source: str | None
) -> None:
    got = run(
        en_page(EN_BODY, byline, head), "https://news.example.com/2024/05/harbour.html", tz=UTC
    )
    assert (got.author, got.source_name) == (author, source)


def story_part(k: int, paragraphs: int) -> str:
    return "".join(
        f"<p>Part {k} paragraph {i} of the story, long enough to count, with commas, clauses, "
        "and an ending that closes it.</p>"
        for i in range(paragraphs)
    )


@pytest.mark.parametrize(
    "label",
    [
        "<h3>Read more</h3>",
        "<div class='inline-label'>Related</div>",
        "<h3>More stories</h3><ul><li><a href='/x1'>Other story one</a></li>"
        "<li><a href='/x2'>Other story two</a></li></ul>",
    ],
)
def test_a_body_split_across_sibling_containers_keeps_all_of_them(label: str) -> None:
    parts = "".join(
        f"<div class='story-body__inner'>{story_part(k, 3 if k == 0 else 1)}</div>"
        + (label if k == 0 else "")
        for k in range(6)
    )
    page = en_page(f"<div class='story-body'>{parts}</div>", byline="")
    text = html_to_text(run(page, "https://news.example.com/a/1", tz=UTC).content_html or "")
    for k in range(6):
        assert f"Part {k} paragraph 0" in text
    assert "Other story" not in text


FORUM_POST = "<br>".join(
    f"楼主第{i}行：这几年在城里租房的经历真是一言难尽，房东换了三个，每次搬家都要折腾好几天。"
    for i in range(30)
)
SIGNATURE = (
    "<div class='signature'>"
    + "".join(
        f"<p>签名第{i}行：生活不止眼前的苟且，还有诗和远方，欢迎访问我的博客，一起交流，一起进步。</p>"
        for i in range(5)
    )
    + "</div>"
)
RULES = (
    "<div class='box'>"
    + "".join(
        f"<p>版规第{i}条：请文明发言，禁止广告，违者封号，版主招募中，有意者请联系管理员。</p>"
        for i in range(6)
    )
    + "</div>"
)


@pytest.mark.parametrize(
    "layout",
    [
        # The post in a <br>-split cell, the signature in <p>s in the next row.
        "<table><tr><td class='pls'>ggjj</td><td><div class='t_msgfont'>{post}</div></td></tr>"
        "<tr><td></td><td>{sig}</td></tr></table>",
        # The post in a table cell, the board's rules in <p>s beside it.
        "<table><tr><td class='postbody'>{post}</td></tr></table><div class='col2'>{rules}</div>",
    ],
)
def test_a_long_forum_post_is_not_replaced_by_a_signature_or_sidebar(layout: str) -> None:
    body = layout.format(post=FORUM_POST, sig=SIGNATURE, rules=RULES)
    page = (
        f"<html><head><title>在城里租房的这几年 - 生活论坛</title></head><body>{body}</body></html>"
    )
    text = html_to_text(run(page, "http://bbs.example.cn/thread-1-1-1.html").content_html or "")
    assert "楼主第0行" in text and "楼主第29行" in text
    assert "版规" not in text


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("item_byline", ["<p>By John Roe</p>", "<span>记者 王大伟</span>"])
def test_a_byline_inside_an_unlabelled_teaser_list_is_the_linked_storys(
    where: str, item_byline: str
) -> None:
    rail = (
        "<div class='rail'><ul>"
        + "".join(
            f"<li><a href='/2024/05/{j}.html'>Other story {j} about the town</a>{item_byline}</li>"
            for j in range(4)
        )
        + "</ul></div>"
    )
    article = f"<article><h1>Harbour reopens</h1><p>May 3, 2024</p>{EN_BODY}</article>"
    body = rail + article if where == "before" else article + rail
    page = f"<html><head><title>Harbour reopens | Example</title></head><body>{body}</body></html>"
    got = run(page, "https://news.example.com/2024/05/harbour.html", tz=UTC)
    assert got.author is None


def test_the_articles_own_byline_in_a_short_meta_list_still_counts() -> None:
    meta = (
        "<ul class='meta'><li>By Jane Doe</li><li>May 3, 2024</li>"
        "<li><a href='#c'>Share</a></li></ul>"
    )
    page = en_page(EN_BODY, byline=meta)
    assert run(page, "https://news.example.com/2024/05/harbour.html", tz=UTC).author == "Jane Doe"
