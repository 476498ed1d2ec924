"""A card-style mobile portal with relative times (刚刚, N分钟前, 昨天 10:20).

* ``/m/local/`` is a feed of cards; each card is ONE link around a lazy image
  (``data-src``), an ``<h3>`` headline and a meta line (outlet, relative time, comment
  count). Video cards differ in markup; an off-site ad card sits in the feed.
* Times on the list are relative to the moment the page is served: 刚刚, ``5分钟前``,
  ``3小时前``, ``昨天 10:20``, then ``11-16 14:30``. Article pages print
  ``发布时间：<same label>`` for today's and yesterday's, an absolute time otherwise.
* Pagination: ``下页 ›`` linking ``?page=2`` (a query-only relative href).
* Around it: channel tabs, a 24小时热门 swiper with long headlines (other articles), an
  "open the app" banner, a footer. Article pages: ``div.crumb`` 首页 > 本地 and
  ``<meta property="article:section">``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from sites.site_support import ExpectedArticle, FixtureSite, ListTruth, Page

SHANGHAI = ZoneInfo("Asia/Shanghai")
CATEGORY = "本地"
PAGES = (8, 6)

# (headline, how long before "now" it was published, outlet)
FEED = (
    ("潍坊北站至青岛西站动车组加密开行 早晚高峰每半小时一班", timedelta(seconds=20), "潍坊日报"),
    ("奎文区12个老旧小区改造开工 涉及居民三千余户", timedelta(minutes=5), "潍坊晚报"),
    ("白浪河湿地公园冬季开放时间调整 夜间灯光秀暂停", timedelta(minutes=48), "潍坊广电"),
    ("市区部分路段今晚起施工 请绕行这几条道路", timedelta(hours=3), "潍坊日报"),
    ("寿光蔬菜价格连续三周回落 黄瓜每斤降至两元以下", timedelta(hours=7), "寿光融媒"),
    ("潍坊风筝博物馆推出冬季研学课程 中小学生可免费预约", timedelta(hours=23), "潍坊晚报"),
    ("高密一中学生发明“防滑拐杖”获国家专利", timedelta(hours=26), "高密融媒"),
    ("青州古城景区入选国家级夜间文化和旅游消费集聚区", timedelta(hours=35), "潍坊广电"),
    ("昌乐蓝宝石产业园签约三个新项目 总投资十二亿元", timedelta(days=3, hours=2), "潍坊日报"),
    ("诸城恐龙博物馆闭馆维护两周 官方发布公告", timedelta(days=3, hours=9), "诸城融媒"),
    ("临朐山区村庄通上天然气 二百余户告别烧煤取暖", timedelta(days=4), "潍坊晚报"),
    ("安丘大姜出口订单同比增长三成 远销日韩欧美", timedelta(days=4, hours=5), "安丘融媒"),
    ("坊子区开展冬季供暖入户走访 解决群众诉求八十余件", timedelta(days=5), "潍坊日报"),
    ("潍城区举办老年人智能手机使用培训班", timedelta(days=6, hours=1), "潍坊广电"),
)
HOT = (
    ("/m/a/20261101/7700101.html", "全市冬季供暖今日起试运行 这些小区可先行升温"),
    ("/m/a/20261028/7700088.html", "潍坊国际风筝会获评全国优秀节庆品牌 成为城市名片"),
    ("/m/a/20261025/7700075.html", "市民注意！这些便民服务事项可以全程网上办理了"),
)
TABS = (("/m/", "推荐"), ("/m/local/", "本地"), ("/m/finance/", "财经"), ("/m/sports/", "体育"))


def _published(now: datetime, ago: timedelta) -> datetime:
    """What a reader can know: minute precision, 刚刚 meaning "now"."""
    if ago < timedelta(minutes=1):
        return now
    return (now - ago).replace(second=0, microsecond=0)


def _label(now: datetime, when: datetime) -> str:
    ago = now - when
    if ago < timedelta(minutes=1):
        return "刚刚"
    if ago < timedelta(hours=1):
        return f"{ago.seconds // 60}分钟前"
    if when.date() == now.date():
        return f"{ago.seconds // 3600}小时前"
    if when.date() == (now - timedelta(days=1)).date():
        return f"昨天 {when:%H:%M}"
    return f"{when:%m-%d %H:%M}"


def _articles(now: datetime) -> tuple[ExpectedArticle, ...]:
    out = []
    for n, (title, ago, _outlet) in enumerate(FEED):
        when = _published(now, ago)
        path = f"/m/a/{when:%Y%m%d}/88{12345 - n}.html"
        out.append(ExpectedArticle(path, title, when, CATEGORY))
    return tuple(out)


def _t(text: str) -> str:
    return escape(text, quote=True)


def _list_path(page: int) -> str:
    return "/m/local/" if page == 0 else f"/m/local/?page={page + 1}"


def _shell(title: str, body: str, head: str = "") -> str:
    tabs = "".join(
        f'<a href="{href}"{" class=on" if name == CATEGORY else ""}>{name}</a>'
        for href, name in TABS
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1,user-scalable=no">'
        f"<title>{_t(title)}</title>{head}</head><body>"
        '<div class="m-header"><a class="logo" href="/m/">潍坊plus</a>'
        f'<a class="search" href="/m/search/">搜索</a></div><div class="m-tabs">{tabs}</div>'
        f'<div class="m-page">{body}</div>'
        '<div class="m-footer"><a href="/m/about/">关于我们</a> <a href="/m/app/">下载APP</a>'
        "<p>©2026 潍坊plus 鲁ICP备00000000号</p></div></body></html>"
    )


def _card(a: ExpectedArticle, outlet: str, label: str, n: int) -> str:
    img = f'<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/m/img/{n}.jpg">'
    if n % 4 == 2:
        return (
            f'<div class="card video"><a href="{a.path}"><div class="video-box">{img}'
            '<i class="play"></i><span class="duration">01:32</span></div>'
            f'<h3 class="card-title">{_t(a.title)}</h3><div class="card-meta">'
            f'<span class="src">{outlet}</span><span class="time">{label}</span></div></a></div>'
        )
    return (
        f'<div class="card"><a href="{a.path}"><div class="card-img">{img}</div>'
        f'<div class="card-body"><h3 class="card-title">{_t(a.title)}</h3>'
        f'<p class="card-meta"><span class="src">{outlet}</span><span class="time">{label}</span>'
        f'<span class="cmt">{n * 7 % 30}评</span></p></div></a></div>'
    )


def _list_page(page: int, now: datetime, articles: tuple[ExpectedArticle, ...]) -> str:
    start = sum(PAGES[:page])
    cards = []
    for n in range(start, start + PAGES[page]):
        cards.append(_card(articles[n], FEED[n][2], _label(now, articles[n].published), n))
        if n == start + 2:
            cards.append(
                '<div class="card ad"><a href="https://ad.example.net/c?id=77">'
                '<h3 class="card-title">冬季暖心特惠 新客首单立减二十元 限时抢购中</h3>'
                '<p class="card-meta"><span class="tag">广告</span></p></a></div>'
            )
    hot = ""
    if page == 0:
        slides = "".join(
            f'<div class="swiper-slide"><a href="{href}"><img src="/m/img/hot{i}.jpg">'
            f"<p>{_t(title)}</p></a></div>"
            for i, (href, title) in enumerate(HOT)
        )
        hot = (
            '<div class="hot-box"><div class="mod-title">24小时热门</div>'
            f'<div class="swiper-wrapper">{slides}</div></div>'
            '<div class="app-banner"><a href="/m/app/download.html">打开APP，阅读体验更佳</a></div>'
        )
    more = f'<a class="next" href="?page={page + 2}">下页 ›</a>' if page + 1 < len(PAGES) else ""
    body = f'{hot}<div class="feed-list">{"".join(cards)}</div><div class="more">{more}</div>'
    return _shell("本地新闻_潍坊plus", body)


def _article_page(a: ExpectedArticle, outlet: str, now: datetime) -> str:
    recent = a.published >= (now - timedelta(days=1)).replace(hour=0, minute=0)
    shown = _label(now, a.published) if recent else f"{a.published:%Y-%m-%d %H:%M}"
    head = f'<meta property="article:section" content="{CATEGORY}">'
    paragraphs = "".join(
        f"<p>{text}</p>"
        for text in (
            f"{a.title}。记者从有关部门了解到，相关工作已于近日全面启动，预计年底前完成。",
            "据介绍，此次工作覆盖面广、涉及群众多，有关部门将通过多种渠道及时发布进展信息，"
            "广大市民可关注官方平台获取最新消息。",
            "下一步，相关部门将加强统筹协调，确保各项措施落实到位，切实增强群众获得感。",
        )
    )
    body = (
        '<div class="crumb"><a href="/m/">首页</a> &gt; <a href="/m/local/">本地</a></div>'
        f'<div class="article"><h1 class="art-title">{_t(a.title)}</h1>'
        f'<div class="art-meta"><span class="src">来源：{outlet}</span> '
        f'<span class="time">发布时间：{shown}</span></div>'
        f'<div class="art-content">{paragraphs}</div></div>'
        '<div class="related"><div class="mod-title">相关推荐</div>'
        f'<a href="{HOT[0][0]}">{_t(HOT[0][1])}</a></div>'
    )
    return _shell(f"{a.title}_潍坊plus", body, head)


def build(now: datetime) -> FixtureSite:
    """The site as served at ``now`` (relative times are computed from it)."""
    now = now.astimezone(SHANGHAI)
    articles = _articles(now)
    lists = []
    start = 0
    for page, size in enumerate(PAGES):
        lists.append(
            ListTruth(
                _list_path(page),
                tuple(a.path for a in articles[start : start + size]),
                _list_path(page + 1) if page + 1 < len(PAGES) else None,
            )
        )
        start += size
    outlets = {a.path: FEED[n][2] for n, a in enumerate(articles)}
    by_path = {a.path: a for a in articles}
    ctype = "text/html; charset=utf-8"

    def render(path: str) -> Page | None:
        for page in range(len(PAGES)):
            if path == _list_path(page) or (page == 0 and path == "/m/local/?page=1"):
                return Page(_list_page(page, now, articles).encode(), ctype)
        if path in by_path:
            return Page(_article_page(by_path[path], outlets[path], now).encode(), ctype)
        return None

    return FixtureSite(
        "mobile-cards", "潍坊plus · 本地", "Asia/Shanghai", tuple(lists), articles, render
    )
