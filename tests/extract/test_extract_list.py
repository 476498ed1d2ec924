"""extract_list: automatic detection and configured selectors (CSS and XPath)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feedsvc.errors import ExtractError
from feedsvc.extract import extract_list
from feedsvc.models import ListPage, Selectors

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2023, 5, 20, tzinfo=UTC)
PAGE = "http://www.wfcmw.cn/caijing/"
LIST_HTML = (Path(__file__).parent / "fixtures" / "news-list.html").read_text(encoding="utf-8")
MAIN_URLS = [
    "http://www.wfcmw.cn/caijing/2023-05/18/c_1001.html",
    "http://www.wfcmw.cn/caijing/2023-05/18/c_1002.html",
    "http://www.wfcmw.cn/caijing/2023-05/17/c_990.html",
    "http://www.wfcmw.cn/caijing/2023-05/17/c_989.html",
    "http://www.wfcmw.cn/caijing/2023-05/16/c_980.html",
    "http://www.wfcmw.cn/caijing/2023-05/15/c_970.html",
]


def run(html: str, selectors: Selectors | None = None, url: str = PAGE) -> ListPage:
    return extract_list(html, url, selectors=selectors, tz=SH, now=NOW)


def test_auto_finds_the_main_list_not_the_longer_hot_sidebar() -> None:
    page = run(LIST_HTML)
    assert [i.url for i in page.items] == MAIN_URLS
    assert page.rule.startswith("auto:") and "news-list" in page.rule
    first = page.items[0]
    assert first.title == "【原创】打好“双招双引”主动仗 全力以赴拼经济"
    assert first.published == datetime(2023, 5, 18, tzinfo=SH)
    assert first.published_has_time is False
    assert page.next_page_url == "http://www.wfcmw.cn/caijing/index_2.html"


def test_auto_excludes_offsite_script_fragment_and_pagination_links() -> None:
    urls = [i.url for i in run(LIST_HTML).items]
    assert not any("other-site" in u or "javascript" in u or "#" in u for u in urls)
    assert not any("index_" in u for u in urls)


def test_auto_prefers_dated_links_and_uses_url_dates() -> None:
    rows = "".join(
        f'<li><a href="/news/2023-05/{10 + i}/c_{i}.html">'
        f"城市新闻标题第{i}条 城市建设持续推进中</a></li>"
        for i in range(5)
    )
    undated = "".join(
        f'<li><a href="/topic/{i}.html">专题栏目名称第{i}个 城市建设持续推进中</a></li>'
        for i in range(5)
    )
    html = f"<html><body><ul class='a'>{undated}</ul><ul class='b'>{rows}</ul></body></html>"
    page = run(html, url="http://example.cn/news/")
    assert page.items[0].url == "http://example.cn/news/2023-05/10/c_0.html"
    assert page.items[0].published == datetime(2023, 5, 10, tzinfo=SH)


def test_auto_penalizes_nav_and_related_blocks() -> None:
    nav = "".join(f'<a href="/channel/{i}/">频道导航名称第{i}个栏目入口链接</a>' for i in range(12))
    related = "".join(
        f'<li><a href="/r/{i}.html">相关的新闻标题第{i}条 内容比较长一些</a></li>'
        for i in range(10)
    )
    main = "".join(
        f'<li><a href="/m/{i}.html">主要的新闻标题第{i}条 内容也比较长一些</a></li>'
        for i in range(4)
    )
    html = (
        f"<html><body><nav>{nav}</nav><div class='l'><ul>{main}</ul></div>"
        f"<div class='r'><div class='t'>相关阅读</div><ul>{related}</ul></div></body></html>"
    )
    page = run(html, url="http://example.cn/")
    assert [i.url for i in page.items] == [f"http://example.cn/m/{i}.html" for i in range(4)]


def test_auto_english_list_with_time_elements_and_next_link() -> None:
    posts = "".join(
        f'<article><h2><a href="/2023/05/post-{i}/">'
        f"A fairly long headline for post number {i}</a></h2>"
        f'<time datetime="2023-05-{10 + i}">May {10 + i}, 2023</time></article>'
        for i in range(3)
    )
    html = (
        f"<html><body><header><a href='/'>Blog</a><a href='/about/'>About this blog</a></header>"
        f"<main>{posts}</main><a class='older' href='/page/2/'>Older posts</a></body></html>"
    )
    page = run(html, url="https://blog.example.com/")
    assert [i.url for i in page.items] == [
        f"https://blog.example.com/2023/05/post-{i}/" for i in range(3)
    ]
    assert page.items[2].published == datetime(2023, 5, 12, tzinfo=SH)
    assert page.next_page_url == "https://blog.example.com/page/2/"


def test_auto_on_a_page_without_links() -> None:
    page = run("<html><body><p>nothing here</p></body></html>")
    assert page.items == () and page.next_page_url is None


def test_css_selectors_with_item_scope() -> None:
    sel = Selectors(item="ul.news-list > li", title="a", link="a@href", date="span.date")
    page = run(LIST_HTML, sel)
    assert page.rule == "selectors"
    # off-site links are the source's own choice with selectors; script/# links never count
    assert [i.url for i in page.items][:6] == MAIN_URLS
    assert "https://www.other-site.com/news/1.html" in [i.url for i in page.items]
    assert all("javascript" not in i.url for i in page.items)
    assert page.items[2].published == datetime(2023, 5, 17, tzinfo=SH)
    assert page.items[1].title == "帮办代办 助力项目建设提速增效"


def test_xpath_selectors() -> None:
    sel = Selectors(
        item="xpath://div[@class='box']//li",
        link="xpath:./a/@href",
        title="xpath:./a",
        next_page="xpath://div[@class='pages']/a[last()]/@href",
    )
    page = run(LIST_HTML, sel)
    assert len(page.items) == 9
    assert page.items[0].url.startswith("http://www.wfcmw.cn/redian/")
    assert page.items[0].title == "热门文章标题第0篇 关注民生热点话题持续发酵"
    assert page.next_page_url == "http://www.wfcmw.cn/caijing/index_2.html"


def test_link_selector_without_item_deduplicates() -> None:
    html = (
        "<html><body><a class='t' href='/a.html'>First story headline</a>"
        "<a class='t' href='/a.html'>First story headline again</a>"
        "<a class='t' href='/b.html'>Second story headline</a></body></html>"
    )
    page = run(html, Selectors(link="a.t"), url="http://example.com/list/")
    assert [i.url for i in page.items] == ["http://example.com/a.html", "http://example.com/b.html"]
    assert page.items[0].title == "First story headline"


def test_next_page_by_chinese_text() -> None:
    html = "<html><body><div><a href='list_3.html'>下一页</a></div></body></html>"
    assert run(html).next_page_url == "http://www.wfcmw.cn/caijing/list_3.html"


@pytest.mark.parametrize("bad", ["ul >", "xpath://li[", "xpath:"])
def test_invalid_selector_names_field_and_page(bad: str) -> None:
    with pytest.raises(ExtractError) as info:
        run(LIST_HTML, Selectors(item=bad, link="a@href"))
    assert info.value.url == PAGE
    assert "item=" in info.value.reason


def test_empty_document_is_an_extract_error() -> None:
    with pytest.raises(ExtractError, match="empty document"):
        run("   ")
