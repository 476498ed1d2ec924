"""Credits and dates from the benchmark's misses, as general rules: bracketed and forum
bylines, role-then-name, label/value split over two lines, sign-offs followed by footer
text, the editor as its own field, keyword-list meta authors, the visible dateline over a
later CMS time, month-only credits, CDATA-wrapped JSON-LD and JSON-LD name vs headline."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from feedsvc.extract import extract_article
from feedsvc.extract.chrome import (
    Byline,
    find_byline,
    find_name_under_heading,
    find_trailing_credit,
)
from feedsvc.extract.dates import month_at_line_end
from feedsvc.models import ExtractedArticle

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2023, 5, 20, 4, 0, tzinfo=UTC)
URL = "https://news.example.cn/a/1.html"
BODY = (
    "<p>潍坊市今日召开新闻发布会，介绍一季度全市经济运行情况，各项指标稳中向好。</p>"
    "<p>发布会上，市统计局负责人表示，全市地区生产总值同比增长百分之五，增速高于全省。</p>"
    "<p>下一步，我市将继续扩大有效投资，促进消费回暖，推动经济持续健康发展。</p>"
)


def run(html: str) -> ExtractedArticle:
    return extract_article(html, URL, selectors=None, tz=SH, now=NOW)


def page(head: str = "", header: str = "", body: str = BODY, tail: str = "") -> str:
    return (
        f"<html><head><title>一季度经济运行情况发布_潍坊新闻网</title>{head}</head><body>"
        f"<h1>一季度经济运行情况发布</h1>{header}<div class='content'>{body}</div>{tail}"
        "</body></html>"
    )


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["[ 黄宇 ]\ue5c2 来源：[ 国际金融报 ]"], Byline("黄宇", "国际金融报")),
        (["ggjjzhzz 发表于 2005-9-15 11:46:00"], Byline("ggjjzhzz")),
        (["执笔人：闵乐夫 赵兰波 刘韬"], Byline("闵乐夫 赵兰波 刘韬")),
        (["【文/观察者网专栏作者 王文】"], Byline("王文")),
        (["发文机关：", "吉林省人民政府", "成文日期："], Byline(source="吉林省人民政府")),
        (["来源：新闻晨报", "编辑：山石"], Byline(source="新闻晨报", editor="山石")),
        # A lone label followed by prose is not a value.
        (["作者：", "（本文约三千字）"], Byline()),
    ],
)
def test_byline_forms(lines: list[str], expected: Byline) -> None:
    assert find_byline(lines) == expected


def test_trailing_credit_with_reporter_label() -> None:
    assert find_trailing_credit("…推动云南工业高质量发展。（记者 胡晓蓉）") == "胡晓蓉"
    assert find_trailing_credit("…发展。（记者）") is None


def test_editor_is_its_own_field_and_the_source_stays_the_fallback() -> None:
    got = run(page(header="<p>来源：新京报 责任编辑：霍琦_NB12</p>"))
    assert (got.author, got.source_name, got.editor) == (None, "新京报", "霍琦")


def test_editor_is_the_last_resort_author_and_still_the_editor() -> None:
    got = run(page(header="<p>编辑：小何</p>"))
    assert (got.author, got.editor) == ("小何", "小何")


def test_sign_off_before_footer_text_names_the_reporter() -> None:
    body = BODY[:-4] + "（记者 胡晓蓉）</p><p>举报电话：0871-64166935；互联网新闻信息服务许可证</p>"
    assert run(page(body=body)).author == "胡晓蓉"


def test_keyword_list_in_meta_author_is_not_an_author() -> None:
    head = '<meta name="author" content="www.yunnan.cn,云南日报报业集团,云南网">'
    assert run(page(head=head)).author is None
    assert run(page(head='<meta name="author" content="Jane Doe">')).author == "Jane Doe"


def test_visible_dateline_beats_a_later_cms_time_of_the_same_day() -> None:
    head = '<meta property="article:published_time" content="2019-09-07T06:52:51+08:00">'
    got = run(page(head=head, header="<p>2019年09月07日 04:04 新京报</p>"))
    assert got.published == datetime(2019, 9, 7, 4, 4, tzinfo=SH)
    # Not when the dateline is later (an update) or in another zone than the page's.
    got = run(page(head=head, header="<p>2019年09月07日 09:30</p>"))
    assert got.published == datetime(2019, 9, 7, 6, 52, 51, tzinfo=SH)
    zoned = '<meta property="article:published_time" content="2019-09-06T20:52:51+00:00">'
    got = run(page(head=zoned, header="<p>2019年09月07日 04:04</p>"))
    assert got.published == datetime(2019, 9, 6, 20, 52, 51, tzinfo=UTC)


def test_month_only_credit_is_the_last_resort() -> None:
    html = page(body=BODY + "<p>——《北京之春》1998年3月号</p>").replace("一季度", "犬儒病")
    got = run(html)
    assert got.published == datetime(1998, 3, 1, tzinfo=SH) and not got.published_has_time
    assert month_at_line_end("自2020年4月需补充来源的条目", tz=SH, now=NOW) is None
    assert month_at_line_end("（2003年5月）", tz=SH, now=NOW) is not None


def test_cdata_json_ld_and_name_over_a_descriptive_headline() -> None:
    ld = (
        '<script type="application/ld+json">\n<![CDATA[\n{"@type":"Article",'
        '"name":"一季度经济运行情况发布","headline":"潍坊市统计局的例行季度通报",'
        '"datePublished":"2023-04-18T10:20:00+08:00","author":{"name":"张三"}}\n]]>\n</script>'
    )
    got = run(page(head=ld))
    assert got.published == datetime(2023, 4, 18, 10, 20, tzinfo=SH)
    assert got.title == "一季度经济运行情况发布"
    assert got.author == "张三"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["犬儒病(上)", "胡平", "——当代中国的精神危机 (上)", "人心不会熄灭。"], "胡平"),
        (["我是怎样卷入八九民运的", "茉莉", "【看中国2005年07月03日报道】一九八九年四月…"], "茉莉"),
        (["标题", "导读", "正文……"], None),  # a section word, not a name
        (["标题", "北京", "正文……"], None),  # a dateline city
        (["潍坊市召开发布会，介绍经济运行情况。", "张三", "正文……"], None),  # prose above
        (["标题", "胡平"], None),  # nothing under the name: not a byline
    ],
)
def test_name_under_heading(lines: list[str], expected: str | None) -> None:
    assert find_name_under_heading(lines) == expected


def test_essay_writer_named_under_the_headline() -> None:
    html = (
        "<html><head><title>显示</title></head><body><div>"
        "<p><b>犬儒病(上)</b></p><p>胡平</p>" + BODY + "</div></body></html>"
    )
    assert run(html).author == "胡平"


def test_list_of_dated_teasers_never_becomes_the_content() -> None:
    teasers = "".join(
        f"<li><p><a href='/p/{n}.htm'>图片新闻第{n}条</a></p><p>5月22日，在山东省日照市，农户在采摘"
        "蓝莓，当地发展蓝莓种植已近二十年，带动了周边村民增收致富。"
        f"<a href='/p/{n}.htm'>【详细】</a>"
        f"<em>2024-05-2{n} 09:41:17</em></p></li>"
        for n in range(8)
    )
    short = "<p>据报道，以方战时内阁在18日晚开会，审查了一份提案。</p><p>但报道并未提及结果。</p>"
    html = page(body=short, tail=f"<div><ul>{teasers}</ul></div>")
    content = run(html).content_html or ""
    assert "以方战时内阁" in content and "蓝莓" not in content


def test_everyone_is_reading_block_is_chrome() -> None:
    tail = (
        "<div><div>大家都在看</div><div><a href='/x'>讲真！这身材，究竟谁顶得住嘛！</a></div></div>"
    )
    content = run(page(tail=tail)).content_html or ""
    assert "顶得住" not in content


def test_declared_titles_and_space_separated_properties() -> None:
    head = (
        '<meta property="x:title dc:title" content="Preferred title">'
        '<meta property="og:title" content="Open Graph title">'
    )
    html = f"<html><head>{head}</head><body><h1>Test document</h1>{BODY}</body></html>"
    assert run(html).title == "Preferred title"


def test_a_section_heading_inside_the_title_does_not_confirm_it() -> None:
    html = (
        "<html><head><title>Embedded videos test</title></head><body><h1>Lorem</h1>"
        f"<h2>Videos</h2>{BODY}</body></html>"
    )
    assert run(html).title == "Embedded videos test"


def test_dom_author_must_look_like_a_name() -> None:
    html = page(
        head='<meta name="author" content="Patrick Allan">',
        header="<div class='author'>on Deadspin</div>",
    )
    assert run(html).author == "Patrick Allan"


def test_a_utc_cms_time_is_never_replaced_by_a_naive_dateline() -> None:
    head = '<meta property="article:published_time" content="2019-09-07T15:00:00Z">'
    html = page(head=head, header="<p>September 7, 2019 10:00 AM</p>")
    got = extract_article(html, URL, selectors=None, tz=UTC, now=NOW)
    assert got.published == datetime(2019, 9, 7, 15, 0, tzinfo=UTC)
