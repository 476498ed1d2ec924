"""Article extraction rules one at a time: selectors, layers, chrome, errors, purity."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from feedsvc.errors import ExtractError
from feedsvc.extract import extract_article, find_breadcrumb_category, find_byline
from feedsvc.langtag import page_language
from feedsvc.models import ExtractedArticle, Selectors

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2023, 5, 20, tzinfo=UTC)
URL = "http://news.example.cn/a/2023/0518/1.html"
PARAS = "".join(
    f"<p>第{i}段正文内容，讲述城市发展的新变化和新气象，内容足够长以便被识别为正文。</p>"
    for i in range(6)
)
WEIFANG = (Path(__file__).parent / "fixtures" / "weifang-article.html").read_text(encoding="utf-8")


def run(html: str, selectors: Selectors | None = None, url: str = URL) -> ExtractedArticle:
    return extract_article(html, url, selectors=selectors, tz=SH, now=NOW)


def test_selectors_win_over_every_other_layer() -> None:
    html = (
        "<html><head><title>Meta title - Site</title>"
        '<meta property="article:published_time" content="2020-01-01T00:00:00Z"></head><body>'
        "<h1>Heading title</h1><div class='when'>2023年05月18日 10:20</div>"
        "<div class='who'>王五</div><div class='text'><p>Chosen body.</p></div>"
        f"<div class='other'>{PARAS}</div></body></html>"
    )
    sel = Selectors(
        article_title="xpath://h1", article_date="div.when", author=".who", content="div.text"
    )
    got = run(html, sel)
    assert got.title == "Heading title"
    assert got.published == datetime(2023, 5, 18, 10, 20, tzinfo=SH)
    assert got.author == "王五"
    assert got.content_html == "<p>Chosen body.</p>"
    assert {got.provenance[k] for k in ("title", "published", "author", "content_html")} == {
        "selector"
    }


def test_json_ld_variants_and_broken_blocks() -> None:
    html = (
        '<html><head><script type="application/ld+json">{not json</script>'
        '<script type="application/ld+json">[{"@type": ["NewsArticle", "Thing"],'
        ' "headline": "LD headline", "datePublished": "2023-05-18 08:00:00",'
        ' "author": {"@type": "Person", "name": "Li Lei"},'
        ' "articleSection": ["World", "Asia"], "image": ["/a.jpg", "/b.jpg"]}]</script>'
        f"</head><body><h1>Other</h1>{PARAS}</body></html>"
    )
    got = run(html)
    assert got.title == "LD headline"
    assert got.published == datetime(2023, 5, 18, 8, 0, tzinfo=SH)
    assert got.author == "Li Lei"
    assert got.category == "World"
    assert got.image == "http://news.example.cn/a.jpg"
    assert got.provenance["title"] == "json-ld"


def test_meta_layers_and_chinese_meta() -> None:
    html = (
        "<html><head><title>标题在这里_频道_示例网</title>"
        '<meta name="publishdate" content="2023-05-18 09:00">'
        '<meta property="article:section" content="体育">'
        '<meta property="og:image" content="//img.example.cn/x.jpg">'
        '<meta name="author" content="赵四"></head>'
        f"<body><h1>标题在这里</h1>{PARAS}</body></html>"
    )
    got = run(html)
    assert got.title == "标题在这里"
    assert got.published == datetime(2023, 5, 18, 9, 0, tzinfo=SH)
    assert got.provenance["published"] == "meta"
    assert got.category == "体育"
    assert got.image == "http://img.example.cn/x.jpg"
    assert got.author == "赵四" and got.provenance["author"] == "meta"


def test_title_from_title_tag_minus_site_suffix_without_h1() -> None:
    html = f"<html><head><title>城市建设新闻标题——示例网</title></head><body>{PARAS}</body></html>"
    assert run(html).title == "城市建设新闻标题"
    title = "COVID-19 vaccines explained | Health | Example News"
    html = f"<html><head><title>{title}</title></head><body>{PARAS}</body></html>"
    assert run(html).title == "COVID-19 vaccines explained"


def test_h1_that_is_the_site_logo_is_not_the_title() -> None:
    html = (
        "<html><head><title>真正的文章标题在这里 - 示例网</title></head>"
        f"<body><h1>示例网</h1><h2>真正的文章标题在这里</h2>{PARAS}</body></html>"
    )
    assert run(html).title == "真正的文章标题在这里"


def test_weifang_related_blocks_and_title_teasers_stay_out() -> None:
    got = run(WEIFANG, url="http://www.wfcmw.cn/caijing/2023-05/18/c_1001.html")
    assert got.category == "财经"
    assert got.source_name == "潍坊市广播电视台"
    assert got.author is None  # only 来源 (and the outlet as "editor"): the normalizer decides
    html = got.content_html or ""
    # 最新文章 repeats this article's own teaser: it must not be taken twice
    assert html.count("潍坊广电新媒体讯") == 1
    assert "临夏州委" not in html


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<div>当前位置:<a href='/'>首页</a> &gt; <a href='/cj/'>财经</a> &gt;</div>", "财经"),
        ("<div class='position'>首页 >> 财经 >> 正文</div>", "财经"),
        ("<p>您的位置：<a>首页</a>-&gt;<a>新闻中心</a>-&gt;<a>本地新闻</a></p>", "本地新闻"),
        (
            "<nav aria-label='breadcrumb'><ol><li><a>Home</a></li><li><a>Politics</a></li>"
            "<li>The Title Of The Story</li></ol></nav>",
            "Politics",
        ),
        ("<div class='crumbs'><a>Home</a> / <a>Tech</a> / Gadgets</div>", "Gadgets"),
        ("<div class='crumbs'><a>Home</a> / <a>Tech</a> / Story</div>", "Tech"),
        ("<div>没有面包屑</div>", None),
        # Sina: the channel logo and the trail share one marked block; the inner trail wins
        (
            "<div class='path'><h1 class='channel-logo'><a>新闻中心</a></h1>"
            "<div class='channel-path'><a>国内新闻</a> &gt; <span>正文</span></div></div>",
            "国内新闻",
        ),
        # the search box and site links beside a labelled trail are not crumbs
        (
            "<div class='map-index'><h2>您的当前位置：<a>新闻中心</a>&nbsp;&gt;&nbsp;"
            "<a>武汉</a></h2>"
            "<a>搜索</a><input><a>网站地图</a><a>设置首页</a></div>",
            "武汉",
        ),
        # page actions, issue numbers and dates on the trail's line are not sections
        (
            "<div class='BreadcrumbNav'><a>首页</a> &gt; <a>国务院公报</a> &gt; <a>2007年第23号</a>"
            " 字号：<a>大</a> <a>超大</a> | <a>打印</a> |</div>",
            "国务院公报",
        ),
        (
            "<div id='breadcrumb_ctr'><a>WebMD Home</a><a>Health News</a><a>Email a Friend</a>"
            "<a>Print Article</a></div>",
            "Health News",
        ),
        (
            "<ul class='breadcrumb'><li><a>首页</a></li><li><a>现代市场营销</a></li>"
            "<li>Vol. 8 No. 2 (May 2018)</li></ul>",
            "现代市场营销",
        ),
        (
            "<div class='post_crumb'><a>网易首页</a> &gt; <a>网易号</a> &gt; 正文"
            " <a>申请入驻</a></div>",
            "网易号",
        ),
        (
            "<nav aria-label='Breadcrumbs'><a>Home</a> <a>News</a>"
            " <span>The Title Of The Story</span></nav>",
            "News",
        ),
        # 评论 alone is an opinion section; with a count it is the comment button
        ("<div class='crumb'><a>首页</a> &gt; <a>评论</a> &gt; 正文</div>", "评论"),
        ("<div class='crumb'><a>首页</a> &gt; <a>财经</a> &gt; <a>评论(12)</a></div>", "财经"),
        # widgets whose classes merely mention a position or location
        (
            "<div class='yvp-cc-position'><button>Position</button> <button>Bottom</button></div>",
            None,
        ),
        ("<a class='trc_attribution_position_top'>by Taboola</a>", None),
        ("<div class='qnc-comment__time-location'>吉林网友 5月19日</div>", None),
        ("<ul><li class='dr-position-relative'><a>Mobile</a> <a>Security</a></li></ul>", None),
        # a hidden data block that a script turns into the visible trail
        (
            "<div id='hiddenLocation' style='display:none;'><span>3185</span>"
            "<span>发展改革工作</span><span>/col/col1599522/index.html</span></div>",
            None,
        ),
    ],
)
def test_breadcrumb_category(markup: str, expected: str | None) -> None:
    root = lxml.html.document_fromstring(f"<html><body>{markup}</body></html>")
    assert find_breadcrumb_category(root, title="The Title Of The Story") == expected


@pytest.mark.parametrize(
    ("lines", "author", "source"),
    [
        (
            ["日期: 2023-05-18 来源:潍坊市广播电视台收集编辑:潍坊市广播电视台"],
            None,
            "潍坊市广播电视台",
        ),
        (["来源：新华社 作者：张三 李四 2023-05-18"], "张三 李四", "新华社"),
        (["光明日报记者 王建宏 张文攀"], "王建宏 张文攀", None),
        (["新京报记者 彭冲 山东冠县报道"], "彭冲", None),
        (["记者注意到，今年以来项目建设加快。"], None, None),
        (["文/王小明"], "王小明", None),
        (["By Jane Q. Doe and John Roe"], "Jane Q. Doe and John Roe", None),
        (["信息来源：市政府办公室 浏览次数：10"], None, "市政府办公室"),
    ],
)
def test_find_byline(lines: list[str], author: str | None, source: str | None) -> None:
    got = find_byline(lines)
    assert (got.author, got.source) == (author, source)


def test_editor_is_never_preferred_to_the_source() -> None:
    assert find_byline(["来源：巴彦淖尔日报 编辑：苏亮"]).editor == "苏亮"
    html = (
        f"<html><head><title>标题</title></head><body><h1>标题</h1>{PARAS}"
        "<p>来源：巴彦淖尔日报 编辑：苏亮</p></body></html>"
    )
    got = run(html)
    assert (got.author, got.source_name) == (None, "巴彦淖尔日报")
    no_source = html.replace("来源：巴彦淖尔日报 ", "")
    assert run(no_source).author == "苏亮"  # the last resort when nobody else is named


def test_reporter_in_the_lead_is_the_author_but_not_in_a_sidebar_teaser() -> None:
    html = (
        "<html><head><title>标题</title></head><body><h1>标题</h1>"
        "<p>日期: 2023-05-18 来源:潍坊日报</p>"
        "<div class='content'><p>潍坊日报讯（记者 杨秀英 通讯员 胡强）日前，杨家埠木版年画传承人"
        "走进校园，为同学们讲解木版年画的历史渊源和制作技艺，现场气氛热烈，同学们纷纷动手体验。</p>"
        f"{PARAS}</div><div class='related'><h3>相关阅读</h3><ul><li><a href='/a.html'>别的新闻"
        "</a><p>潍坊晚报讯（记者 张建国）11月23日下午，茂腔传承人走进学校</p></li></ul></div>"
        "</body></html>"
    )
    assert run(html).author == "杨秀英"
    without_lead = html.replace("（记者 杨秀英 通讯员 胡强）", "")
    assert run(without_lead).author is None


@pytest.mark.parametrize(
    ("raw", "tag"),
    [
        ("zh_CN", "zh-CN"),
        ("ZH-cn", "zh-CN"),
        ("en", "en"),
        ("zh-hans-cn", "zh-Hans-CN"),
        ("", None),
        ("!!", None),
    ],
)
def test_page_language(raw: str, tag: str | None) -> None:
    assert page_language(raw) == tag


def test_page_with_neither_title_nor_content_raises() -> None:
    with pytest.raises(ExtractError) as info:
        run("<html><head></head><body><div></div></body></html>")
    assert info.value.url == URL and "no title" in info.value.reason
    with pytest.raises(ExtractError, match="empty document"):
        run("")


def test_bad_content_selector_is_named() -> None:
    with pytest.raises(ExtractError, match=r"content='div\['"):
        run(f"<html><body><h1>T</h1>{PARAS}</body></html>", Selectors(content="div["))


def test_xml_declaration_and_control_characters_are_tolerated() -> None:
    html = (
        '<?xml version="1.0" encoding="gb2312"?>\x00<html><head><title>标题测试页面</title>'
        f"</head><body>\x0b{PARAS}</body></html>"
    )
    got = run(html)
    assert got.title == "标题测试页面"
    assert got.content_html and "第5段" in got.content_html


def _extract_in_worker(html: str) -> ExtractedArticle:
    return extract_article(html, URL, selectors=Selectors(), tz=SH, now=NOW)


def test_runs_in_a_process_pool_and_results_pickle() -> None:
    local = run(WEIFANG)
    assert pickle.loads(pickle.dumps(local)) == local
    with ProcessPoolExecutor(max_workers=1) as pool:
        remote = pool.submit(_extract_in_worker, WEIFANG).result(timeout=60)
    assert remote.title == local.title and remote.content_html == local.content_html


def test_prose_that_starts_with_reporter_is_kept_but_a_byline_is_not() -> None:
    html = (
        "<html><head><title>标题</title></head><body><h1>标题</h1><div class='content'>"
        "<p>记者从临朐县生态环境分局了解到，近日全县PM2.5小时浓度均值为34微克/立方米。</p>"
        f"{PARAS}<p>记者 王明 2023年5月18日</p></div></body></html>"
    )
    text = run(html, selectors=Selectors(content="div.content")).content_html or ""
    assert "记者从临朐县生态环境分局了解到" in text
    assert "记者 王明" not in text


@pytest.mark.parametrize(("section", "expected"), [("nil", None), ("Politics", "Politics")])
def test_json_ld_section_placeholder_is_no_category(section: str, expected: str | None) -> None:
    html = (
        '<html><head><script type="application/ld+json">'
        f'{{"@type": "NewsArticle", "headline": "A headline", "articleSection": "{section}"}}'
        f"</script></head><body><h1>A headline</h1>{PARAS}</body></html>"
    )
    got = run(html)
    assert got.category == expected
    assert got.provenance.get("category") == ("json-ld" if expected else None)


@pytest.mark.parametrize(
    ("images", "expected"),
    [
        # 163.com closes each story with a 13×12 marker icon
        ('<img src="https://static.ws.126.net/cnews/css13/img/end_news.png" width="13">', None),
        ('<img src="/templates/site/css/news/pic3.gif">', None),
        ('<img src="/static/images/ipLocation.f6d00eb.svg">', None),
        ('<img src="http://img.example.cn/a/204c4size1_w16_h16.png">', None),
        ('<img class="author-avatar" src="/u/42.jpg">', None),
        ('<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">', None),
        # the icon is skipped, the photo after it is the lead image
        (
            '<img src="/img/icon-share.png"><img src="/uploads/2023/05/photo.jpg" width="640">',
            "http://news.example.cn/uploads/2023/05/photo.jpg",
        ),
        # a lazy image with only a srcset: the widest candidate, commas inside its URL
        (
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-srcset="'
            "https://i.example.com/c_fill,w_80/x.jpg 80w,"
            " https://i.example.com/c_fit,w_800/x.jpg 800w,"
            ' https://i.example.com/c_fit,w_470/x.jpg 470w">',
            "https://i.example.com/c_fit,w_800/x.jpg",
        ),
    ],
)
def test_lead_image_from_content_skips_decoration(images: str, expected: str | None) -> None:
    html = f"<html><head><title>T</title></head><body><h1>标题</h1>{images}{PARAS}</body></html>"
    got = run(html)
    assert got.image == expected
    assert got.provenance.get("image") == ("heuristic" if expected else None)


@pytest.mark.parametrize(
    ("title_tag", "body", "expected"),
    [
        # the headline above the dateline overrules a site-wide <title>
        (
            "谢谢您访问〖关注中国中心〗",
            "<div><a href='/'>首页</a> <a href='/r'>人物</a> <a href='/c'>个人专栏</a></div>"
            "<p><b>孙丰：巴黎举行座谈会</b></p><p>作者： 来源： 发布日期： 2005-7-5 9:23</p>",
            "孙丰：巴黎举行座谈会",
        ),
        # a <title> headline that the body shows on a line of its own stands
        (
            "海姑娘 | blog.example.com",
            "<div>海姑娘</div><p>（摘自一本书的前言部分，作者自述）</p><p>发表时间：2005-7-5</p>",
            "海姑娘",
        ),
        # a channel banner is not the headline
        (
            "四年前中500万现穷困潦倒 一夜暴富后如何经营__商贸_产业资讯_新浪网",
            "<div class='nav'><div class='title'>产业资讯</div><a>企业短信</a></div>",
            "四年前中500万现穷困潦倒 一夜暴富后如何经营",
        ),
    ],
)
def test_title_against_site_wide_titles_and_banners(
    title_tag: str, body: str, expected: str
) -> None:
    html = f"<html><head><title>{title_tag}</title></head><body>{body}{PARAS}</body></html>"
    assert run(html).title == expected


@pytest.mark.parametrize(
    ("og_image", "expected"),
    [
        # the site's stock picture gives way to the article's own photo
        ("/img/shareF2023.png", "http://news.example.cn/uploads/2023/05/photo.jpg"),
        ("/images/social-placeholder.jpg", "http://news.example.cn/uploads/2023/05/photo.jpg"),
        ("/static/site-logo_200.png", "http://news.example.cn/uploads/2023/05/photo.jpg"),
        # a story's own picture may show a logo
        ("/2024/05/new-logo-unveiled.jpg", "http://news.example.cn/2024/05/new-logo-unveiled.jpg"),
    ],
)
def test_a_site_stock_og_image_is_no_lead_image(og_image: str, expected: str) -> None:
    html = (
        f'<html><head><title>T</title><meta property="og:image" content="{og_image}"></head>'
        '<body><h1>标题</h1><p><img src="/uploads/2023/05/photo.jpg" width="640"></p>'
        f"{PARAS}</body></html>"
    )
    assert run(html).image == expected
