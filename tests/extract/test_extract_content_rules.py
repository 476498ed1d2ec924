"""Main-content rules: wrappers that are not chrome, credit and disclaimer lines, sign-offs,
the dense-block fallback, and publication times carried through normalize_article."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from feedsvc.extract import extract_article
from feedsvc.extract.chrome import find_trailing_credit
from feedsvc.extract.content import densest_block
from feedsvc.extract.dom import text_of
from feedsvc.models import ExtractedArticle, ListItem, SourceConfig
from feedsvc.normalize import normalize_article
from feedsvc.normalize.text import html_to_text

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2023, 5, 20, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
URL = "https://news.example.cn/a/1.html"
PARAS = (
    "<p>潍坊市今日召开新闻发布会，介绍一季度全市经济运行情况，各项指标稳中向好。</p>"
    "<p>发布会上，市统计局负责人表示，全市地区生产总值同比增长百分之五，增速高于全省。</p>"
    "<p>下一步，我市将继续扩大有效投资，促进消费回暖，推动经济持续健康发展。</p>"
)


def run(html: str, now: datetime = NOW) -> ExtractedArticle:
    return extract_article(html, URL, selectors=None, tz=SH, now=now)


def page(body: str, head: str = "<title>潍坊经济运行稳中向好_潍坊新闻网</title>") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def text(got: ExtractedArticle) -> str:
    return html_to_text(got.content_html or "")


def test_a_form_wrapping_the_whole_page_keeps_the_article() -> None:
    got = run(page(f'<form id="form1"><h1>潍坊经济运行稳中向好</h1><div>{PARAS}</div></form>'))
    assert "地区生产总值同比增长" in text(got)


def test_a_chrome_named_wrapper_holding_the_article_is_kept() -> None:
    body = f'<div class="main-nav-wrap"><h2>潍坊经济运行稳中向好</h2>{PARAS}</div>'
    assert "扩大有效投资" in text(run(page(body)))


def test_credit_disclaimer_and_dateline_lines_are_dropped() -> None:
    body = (
        "<h1>潍坊经济运行稳中向好</h1><div class='article'>"
        "<p>Saturday, May 20th, 2023 10:56 am</p>"
        f"{PARAS}<p>（编辑：小何）返回搜狐，查看更多</p><p>责任编辑：</p>"
        "<p>平台声明：该文观点仅代表作者本人，本站仅提供信息存储空间服务。</p></div>"
    )
    got = text(run(page(body)))
    assert "扩大有效投资" in got
    for chrome in ("小何", "责任编辑", "平台声明", "10:56"):
        assert chrome not in got


def test_a_promotion_with_a_bracketed_call_to_action_is_dropped() -> None:
    body = (
        "<h1>潍坊经济运行稳中向好</h1><div class='article'>"
        "<div class='quote'><p>“年度人物评选”火热进行中！【<a href='/vote'>点击投票</a>】"
        "Pick你心目中的商业领袖</p></div>"
        f"{PARAS}<p>市民可登录网站【点击此处】之外的政务平台查询详细数据和统计说明。"
        "全市各部门将继续做好数据发布工作，及时回应社会关切，接受群众监督。"
        "相关数据将于每季度末在统计公报中发布，欢迎社会各界关注和监督。"
        "统计局提醒，数据以正式公报为准，任何单位和个人不得擅自发布未经核准的统计数据。</p></div>"
    )
    got = text(run(page(body)))
    assert "扩大有效投资" in got
    assert "点击投票" not in got and "年度人物评选" not in got
    assert "统计公报" in got  # a long paragraph that merely mentions 【点击此处】 stays


def test_trailing_sign_off_names_the_author() -> None:
    assert find_trailing_credit("…的决心。（常书香 马丹阳）") == "常书香 马丹阳"
    assert find_trailing_credit("…过程吗？”（姚峰 上海报道）") == "姚峰"
    assert find_trailing_credit("…发展。（新华社）") is None
    assert find_trailing_credit("…发展。（完）") is None
    assert find_trailing_credit("（常书香）前面还有正文。") is None  # not at the end
    body = f"<h1>潍坊经济运行稳中向好</h1><div>{PARAS}<p>稳中向好。（王小明 李红）</p></div>"
    got = run(page(body))
    assert (got.author, got.provenance["author"]) == ("王小明 李红", "text-pattern")


def test_densest_block_prefers_prose_over_link_lists() -> None:
    menu = "".join(f"<a href='/n{i}'>新闻，标题，第{i}条。</a>" for i in range(30))
    post = "<br>".join(["这是论坛的第一楼，内容很长，写了很多句子。"] * 6)
    root = lxml.html.fromstring(
        f"<html><body><div id='menu'>{menu}</div><table><tr><td id='post'>{post}</td>"
        "</tr></table></body></html>"
    )
    best = densest_block(root)
    assert best is not None and best.get("id") == "post"
    assert "第一楼" in text_of(best)


# --- publication times through normalize_article -------------------------------------------

SOURCE = SourceConfig(
    id="wf",
    name="潍坊",
    urls=("https://news.example.cn/",),
    interval_seconds=600,
    timezone="Asia/Shanghai",
)


def normalized(html: str, item: ListItem | None, now: datetime = NOW) -> datetime:
    article = normalize_article(
        run(html, now), link_url=URL, list_item=item, fetch=None, source=SOURCE, now=now
    )
    assert not article.published_is_fallback
    return article.published


def test_date_only_page_takes_the_list_time_of_the_same_day() -> None:
    html = page(f"<h1>潍坊经济运行稳中向好</h1><p>2023年5月17日</p><div>{PARAS}</div>")
    listed = ListItem(URL, "潍坊", datetime(2023, 5, 17, 8, 0, tzinfo=SH), True)
    assert normalized(html, listed) == datetime(2023, 5, 17, 8, 0, tzinfo=SH)
    other_day = ListItem(URL, "潍坊", datetime(2023, 5, 16, 8, 0, tzinfo=SH), True)
    assert normalized(html, other_day) == datetime(2023, 5, 17, tzinfo=SH)


def test_date_only_meta_is_refined_by_the_pages_own_dateline() -> None:
    head = '<title>潍坊</title><meta name="publishdate" content="2023-05-17">'
    html = page(f"<h1>潍坊经济运行稳中向好</h1><p>发布时间：2023-05-17 10:20</p>{PARAS}", head)
    assert normalized(html, None) == datetime(2023, 5, 17, 10, 20, tzinfo=SH)


def test_relative_times_resolve_once_against_the_fetch_time() -> None:
    html = page(f"<h1>潍坊经济运行稳中向好</h1><p>发布时间：3小时前</p>{PARAS}")
    first = normalized(html, None)
    assert first == NOW - timedelta(hours=3)
    # Re-extracting later gives a later value: which is why the store keeps the first one
    # (store/articles.py only replaces a fallback time), so the feed never churns.
    assert normalized(html, None, NOW + timedelta(hours=1)) == first + timedelta(hours=1)


@pytest.mark.parametrize(
    ("body", "published", "rule"),
    [
        # a date widget splits the dateline; a player's build stamp mentions 时间
        (
            "<h1>潍坊经济运行稳中向好</h1>"
            "<div class='left-stick'><div class='year'><span>2023</span></div>"
            "<div class='md'>05/18</div><div class='time'>10:20</div></div>"
            f"<div class='article'>{PARAS}</div>"
            "<div class='player-menu'><div>复制当前时间的页面地址</div>"
            "<div>视频信息 复制当前时间的页面地址 复制调试信息 3.4.40 (2023-5-5 9:38:01 PM)"
            "</div></div>",
            datetime(2023, 5, 18, 10, 20, tzinfo=SH),
            "heuristic",
        ),
        # the <abbr> microformat's title; "Today, we're…" is prose, not a dateline
        (
            "<p>06 December 2016</p><h1>潍坊经济运行稳中向好</h1>"
            "<p>Posted by <a>Andrew Hayden</a></p>"
            "<p>Today, we're excited to share a new approach that goes further.</p>"
            f"<div class='article'>{PARAS}</div>"
            "<abbr class='published' itemprop='datePublished'"
            " title='2016-12-06T12:06:00-08:00'>12:06 PM</abbr>",
            datetime(2016, 12, 6, 20, 6, tzinfo=UTC),
            "time-element",
        ),
    ],
)
def test_published_from_widgets_and_microformats(body: str, published: datetime, rule: str) -> None:
    got = run(page(body))
    assert got.published == published
    assert got.published_has_time
    assert got.provenance["published"] == rule


def test_a_paragraph_about_copyright_holders_is_not_a_copyright_notice() -> None:
    body = (
        "<h1>潍坊经济运行稳中向好</h1><div class='article'>"
        f"{PARAS}<p>美国唱片工会表示：“播客在使用其它音乐时，一定要获得版权所有者的许可。”</p>"
        "<p>版权所有 © 2023 潍坊新闻网 鲁ICP备12345678号</p></div>"
    )
    got = text(run(page(body)))
    assert "版权所有者的许可" in got
    assert "ICP备" not in got


def test_icons_leave_the_content_and_photos_stay() -> None:
    body = (
        "<h1>潍坊经济运行稳中向好</h1><div class='article'>"
        "<p><img src='/wp-images/blog3_pic1.gif' width='13' height='13'>"
        " Saturday, May 20th, 2023 10:56 am</p>"
        "<p><img src='/uploads/2023/05/photo.jpg' width='640' height='480'></p>"
        f"{PARAS}<p><img src='https://static.example.cn/css13/img/end_news.png' width='13'"
        " height='12' class='icon'></p></div>"
    )
    got = run(page(body))
    html = got.content_html or ""
    assert "photo.jpg" in html
    assert "blog3_pic1" not in html and "end_news" not in html
    assert "10:56" not in text(got)  # the dateline beside the icon went with it
    assert got.image == "https://news.example.cn/uploads/2023/05/photo.jpg"
