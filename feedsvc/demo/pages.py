"""HTML for the demo portal's pages, as a 2010s Chinese city TV site would print it.

Pure functions from articles to ``str``; the portal encodes them. Each category has its own
small habits (title suffix, breadcrumb colon, date line, paragraph indentation, relative or
root-relative links), because real CMS templates differ per channel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from feedsvc.demo.content import CATEGORIES, SHANGHAI, Category, DemoArticle

SITE_NAME = "潍坊广电网"
PAGE_SIZE = 20


@dataclass(frozen=True)
class SideLinks:
    """The three blocks that surround the real content; never part of a category's list."""

    related: tuple[DemoArticle, ...]  # 相关阅读
    hot: tuple[DemoArticle, ...]  # 热门文章
    latest: tuple[DemoArticle, ...]  # 最新文章


def _t(text: str) -> str:
    return escape(text, quote=False)


def _a(text: str) -> str:
    return escape(text, quote=True)


def _date_line_caijing(a: DemoArticle) -> str:
    t = a.published.astimezone(SHANGHAI)
    return (
        f"日期: {t:%Y-%m-%d %H:%M:%S}&nbsp;&nbsp;来源:{_t(a.source)}&nbsp;&nbsp;编辑:{_t(a.editor)}"
    )


def _date_line_shehui(a: DemoArticle) -> str:
    t = a.published.astimezone(SHANGHAI)
    return (
        f"<span>日期：{t:%Y-%m-%d %H:%M}</span>　<span>来源：{_t(a.source)}</span>　"
        f"<span>编辑：{_t(a.editor)}</span>"
    )


def _date_line_wenhua(a: DemoArticle) -> str:
    t = a.published.astimezone(SHANGHAI)
    return f"{t:%Y年%m月%d日 %H:%M}&nbsp;&nbsp;来源：{_t(a.source)}&nbsp;&nbsp;编辑：{_t(a.editor)}"


def _date_line_tiyu(a: DemoArticle) -> str:
    t = a.published.astimezone(SHANGHAI)
    return f"发布时间：{t:%Y-%m-%d %H:%M} | 来源：{_t(a.source)} | 责任编辑：{_t(a.editor)}"


@dataclass(frozen=True)
class _Style:
    title_suffix: str
    crumb_colon: str
    indent: str  # leading full-width spaces inside <p>, as many CMS editors type them
    date_line: Callable[[DemoArticle], str]
    relative_list_links: bool  # list items link "2023/0518/1.html" instead of "/tiyu/…"


STYLES: dict[str, _Style] = {
    "caijing": _Style(f" - {SITE_NAME}", ":", "", _date_line_caijing, False),
    "shehui": _Style(f" - {SITE_NAME}", "：", "　　", _date_line_shehui, False),
    "wenhua": _Style(f"_文化_{SITE_NAME}", "：", "　　", _date_line_wenhua, False),
    "tiyu": _Style(f" | {SITE_NAME}", ":", "", _date_line_tiyu, True),
}

_FRIEND_LINKS = (
    ("新华网", "http://www.xinhuanet.com/"),
    ("人民网", "http://www.people.com.cn/"),
    ("大众网", "http://www.dzwww.com/"),
    ("潍坊市人民政府", "http://www.weifang.gov.cn/"),
)


def _head(title: str, encoding: str, description: str = "") -> str:
    if encoding == "utf-8":
        charset = '<meta charset="utf-8">'
    else:
        # Only the legacy http-equiv form, as on real GBK portals; the HTTP header has none.
        charset = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    desc = f'\n<meta name="description" content="{_a(description)}">' if description else ""
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html>
<head>
{charset}
<title>{_t(title)}</title>
<meta name="keywords" content="潍坊,潍坊新闻,潍坊广电,潍坊市广播电视台">{desc}
<link rel="stylesheet" type="text/css" href="/static/css/style.css">
<script type="text/javascript">var _hmt = _hmt || []; /* 统计代码 */</script>
</head>
<body>"""


def _top_and_nav(active: str | None) -> str:
    items = ['<li><a href="/">首页</a></li>']
    for c in CATEGORIES:
        cls = ' class="on"' if c.slug == active else ""
        items.append(f'<li{cls}><a href="/{c.slug}/">{c.name}</a></li>')
    items.append('<li><a href="/#live">直播</a></li>')
    return f"""
<div class="topbar"><div class="wrap"><span class="fl">服务粉丝</span>\
<span class="fr">我们一直在努力</span></div></div>
<div class="header wrap">
<div class="logo"><a href="/"><img src="/static/images/logo.png" alt="{SITE_NAME}"></a></div>
<ul class="nav">{"".join(items)}</ul>
</div>"""


def _footer() -> str:
    links = "".join(f'<a href="{url}" target="_blank">{name}</a>' for name, url in _FRIEND_LINKS)
    return f"""
<div class="footer">
<div class="friend-links wrap"><span>友情链接：</span>{links}</div>
<p>Copyright &copy; 2006-2023 潍坊市广播电视台 All Rights Reserved</p>
<p>主办：潍坊市广播电视台&nbsp;&nbsp;鲁ICP备05001234号-1&nbsp;&nbsp;\
联系电话：0536-8888888</p>
</div>
<script type="text/javascript" src="/static/js/common.js"></script>
</body>
</html>
"""


def _crumb(category: Category) -> str:
    colon = STYLES[category.slug].crumb_colon
    return (
        f'<div class="position">当前位置{colon}<a href="/">首页</a> &gt; '
        f'<a href="/{category.slug}/">{category.name}</a> &gt; </div>'
    )


def _side_block(title: str, css: str, items: Sequence[DemoArticle], teasers: bool) -> str:
    rows = []
    for a in items:
        if teasers:
            rows.append(
                f'<li><h4><a href="{a.url_path}" target="_blank">{_t(a.title)}</a></h4>'
                f"<p>{_t(a.teaser)}</p></li>"
            )
        else:
            day = a.published.astimezone(SHANGHAI)
            rows.append(
                f'<li><a href="{a.url_path}" target="_blank">{_t(a.title)}</a>'
                f'<span class="date">{day:%m-%d}</span></li>'
            )
    return (
        f'<div class="side-box {css}"><div class="side-title"><h3>{title}</h3></div>'
        f'<ul class="side-list">{"".join(rows)}</ul></div>'
    )


def _sides(side: SideLinks, teasers: bool) -> str:
    return "\n".join(
        (
            _side_block("相关阅读", "related", side.related, teasers),
            _side_block("热门文章", "hot", side.hot, teasers),
            _side_block("最新文章", "latest", side.latest, teasers),
        )
    )


def page_name(page: int) -> str:
    return "index.html" if page == 1 else f"index_{page}.html"


def _pagination(page: int, pages: int, total: int) -> str:
    parts = [f'<a href="{page_name(1)}">首页</a>']
    if page > 1:
        parts.append(f'<a href="{page_name(page - 1)}">上一页</a>')
    # A window of page numbers around the current one, as list templates print them.
    for n in range(max(1, page - 4), min(pages, page + 4) + 1):
        if n == page:
            parts.append(f'<span class="current">{n}</span>')
        else:
            parts.append(f'<a href="{page_name(n)}">{n}</a>')
    if page < pages:
        parts.append(f'<a href="{page_name(page + 1)}" class="next">下一页</a>')
    parts.append(f'<a href="{page_name(pages)}">尾页</a>')
    parts.append(f"<span>共{pages}页 {total}条</span>")
    return f'<div class="pages">{"".join(parts)}</div>'


def render_list(
    category: Category,
    items: Sequence[DemoArticle],
    *,
    page: int,
    pages: int,
    total: int,
    side: SideLinks,
) -> str:
    style = STYLES[category.slug]
    prefix = f"/{category.slug}/"
    rows = []
    for a in items:
        href = a.url_path.removeprefix(prefix) if style.relative_list_links else a.url_path
        day = a.published.astimezone(SHANGHAI)
        rows.append(
            f'<li><a href="{href}" target="_blank">{_t(a.title)}</a>'
            f'<span class="date">{day:%Y-%m-%d}</span></li>'
        )
    title = f"{category.name}{style.title_suffix}"
    if page > 1:
        title = f"{category.name}_第{page}页{style.title_suffix}"
    return f"""{_head(title, category.encoding)}{_top_and_nav(category.slug)}
<div class="main wrap">
{_crumb(category)}
<div class="list-left">
<div class="list-title"><h2>{category.name}</h2></div>
<ul class="news-list">
{chr(10).join(rows)}
</ul>
{_pagination(page, pages, total)}
</div>
<div class="list-right">
{_sides(side, teasers=False)}
</div>
</div>{_footer()}"""


def _body_html(article: DemoArticle, indent: str) -> str:
    parts = []
    if article.image_path:
        parts.append(
            f'<p style="text-align: center;"><img src="{article.image_path}" border="0" '
            f'alt="{_a(article.title)}" width="640"></p>'
        )
    for i, para in enumerate(article.paragraphs):
        parts.append(f"<p>{indent}{_t(para)}</p>")
        if i == 1 and article.table:
            parts.append(_table_html(article.table))
    if article.table and len(article.paragraphs) < 2:
        parts.append(_table_html(article.table))
    return "\n".join(parts)


def _table_html(rows: tuple[tuple[str, ...], ...]) -> str:
    head, *body = rows
    out = ['<table border="1" cellspacing="0" cellpadding="4" width="100%">']
    out.append("<tr>" + "".join(f"<th>{_t(cell)}</th>" for cell in head) + "</tr>")
    for row in body:
        out.append("<tr>" + "".join(f"<td>{_t(cell)}</td>" for cell in row) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _neighbour(label: str, article: DemoArticle | None) -> str:
    if article is None:
        return f"<p>{label}：没有了</p>"
    return f'<p>{label}：<a href="{article.url_path}">{_t(article.title)}</a></p>'


def render_article(
    article: DemoArticle,
    category: Category,
    *,
    previous: DemoArticle | None,
    following: DemoArticle | None,
    side: SideLinks,
) -> str:
    style = STYLES[category.slug]
    return f"""{_head(article.title + style.title_suffix, category.encoding, article.teaser)}\
{_top_and_nav(category.slug)}
<div class="main wrap">
{_crumb(category)}
<div class="article-left">
<div class="article">
<h1>{_t(article.title)}</h1>
<div class="info">{style.date_line(article)}</div>
<div class="content">
{_body_html(article, style.indent)}
</div>
<div class="share">分享到：<a href="javascript:;" class="wx">微信</a>\
<a href="javascript:;" class="wb">微博</a><a href="javascript:;" class="qz">QQ空间</a></div>
<div class="prenext">
{_neighbour("上一篇", previous)}
{_neighbour("下一篇", following)}
</div>
</div>
{_sides(side, teasers=True)}
</div>
</div>{_footer()}"""


def render_home(
    headline: DemoArticle | None,
    by_category: Sequence[tuple[Category, Sequence[DemoArticle]]],
) -> str:
    top = ""
    if headline is not None:
        img = ""
        if headline.image_path:
            img = f'<img src="{headline.image_path}" alt="{_a(headline.title)}">'
        top = (
            f'<div class="headline"><h2>头条</h2>{img}'
            f'<h3><a href="{headline.url_path}">{_t(headline.title)}</a></h3>'
            f"<p>{_t(headline.teaser)}</p></div>"
        )
    blocks = []
    for category, items in by_category:
        rows = "".join(f'<li><a href="{a.url_path}">{_t(a.title)}</a></li>' for a in items)
        blocks.append(
            f'<div class="home-block {category.slug}"><div class="block-title">'
            f'<h2><a href="/{category.slug}/">{category.name}</a></h2>'
            f'<a class="more" href="/{category.slug}/">更多&gt;&gt;</a></div>'
            f"<ul>{rows}</ul></div>"
        )
    return f"""{_head(f"{SITE_NAME} - 潍坊市广播电视台官方网站", "utf-8")}{_top_and_nav(None)}
<div class="main wrap">
{top}
{chr(10).join(blocks)}
</div>{_footer()}"""


def render_not_found(path: str) -> str:
    return f"""{_head(f"404 页面不存在 - {SITE_NAME}", "utf-8")}{_top_and_nav(None)}
<div class="main wrap"><h1>404</h1><p>您访问的页面不存在：{_t(path)}</p>\
<p><a href="/">返回首页</a></p></div>{_footer()}"""
