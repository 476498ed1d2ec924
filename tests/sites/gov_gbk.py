"""An old table-based government site (TRS style) in GBK.

* Pages are GBK bytes declaring ``charset=gb2312`` only in ``<meta http-equiv>``; the
  HTTP Content-Type has no charset. One title holds 喆 (in GBK, not in GB2312).
* The list 工作动态 at ``/xxgk/gzdt/index.html`` is a nested layout table: one ``<tr>`` per
  article with a bullet image, a link written relative with ``../gzdt/…``, a title cut to
  22 characters with the full one in ``title=``, and ``[2023-05-18]`` in its own cell.
* Pagination is ``index_1.html``, ``index_2.html`` with 首页/上一页/下一页/尾页 links.
* Around it: a top menu, a left column of channel links, a 通知公告 box and a 热点专题 box
  with long headlines (other channels' articles), and 友情链接 to other sites.
* Articles live at ``/xxgk/gzdt/202305/t20230518_<id>.html``: ``发布日期：2023-05-18
  10:20``, ``来源：`` line, breadcrumb ``当前位置：首页 > 政务公开 > 工作动态``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from sites.site_support import ExpectedArticle, FixtureSite, Page, paged_lists

SHANGHAI = ZoneInfo("Asia/Shanghai")
PER_PAGE = 10
CATEGORY = "工作动态"

TITLES = (
    "市政府召开常务会议研究部署安全生产和防汛工作",
    "全市优化营商环境工作推进会议召开",
    "我市举行2023年重点项目集中开工仪式",
    "市领导王喆调研乡村振兴示范片区建设情况",
    "全市农村人居环境整治提升现场观摩会召开",
    "市发展改革委召开上半年经济运行分析会",
    "我市出台支持民营经济高质量发展若干措施",
    "市政府与省属高校签署战略合作框架协议",
    "全市自然资源和规划工作会议召开",
    "我市召开城市更新和老旧小区改造工作调度会",
    "市住房城乡建设局部署建筑施工安全专项整治",
    "全市教育系统学习贯彻党的二十大精神宣讲报告会举行",
    "市卫生健康委开展基层医疗卫生服务能力提升行动",
    "我市召开食品安全委员会全体会议",
    "市交通运输局推进国省干线公路大中修工程",
    "全市文化旅游产业发展大会召开",
    "市生态环境局通报一季度全市环境空气质量状况",
    "我市开展防范非法集资集中宣传月活动",
    "市市场监管局部署开展计量器具专项监督检查",
    "全市人力资源社会保障工作会议召开",
    "我市举办2023年春季大型招聘会",
    "市农业农村局召开春季农业生产工作会议",
    "全市应急管理工作会议暨安全生产工作会议召开",
    "市水利局开展汛前水利工程安全大检查",
    "我市召开数字政府建设工作推进会",
)
NOTICES = (
    ("/xxgk/tzgg/202305/t20230516_880.html", "关于2023年市级重点项目申报工作的通知"),
    ("/xxgk/tzgg/202305/t20230512_879.html", "关于开展2023年度统计执法检查的公告"),
    (
        "/xxgk/tzgg/202305/t20230508_878.html",
        "关于公布第二批市级非物质文化遗产代表性项目名录的通知",
    ),
)
TOPICS = (
    ("/ztzl/yhyshj/", "持续优化营商环境 打造一流发展高地专题"),
    ("/ztzl/xczx/", "全面推进乡村振兴 加快建设农业强市专题"),
    ("/ztzl/aqsc/", "安全生产月活动专题 人人讲安全 个个会应急"),
)
FRIENDS = (
    ("http://www.shandong.gov.cn/", "山东省人民政府"),
    ("http://www.gov.cn/", "中国政府网"),
    ("http://www.qingdao.gov.cn/", "青岛市人民政府"),
)
SOURCES = ("市政府办公室", "市发展和改革委员会", "市融媒体中心")


def _articles() -> tuple[ExpectedArticle, ...]:
    start = datetime(2023, 5, 19, 16, 30, tzinfo=SHANGHAI)
    out = []
    for n, title in enumerate(TITLES):
        when = start - timedelta(hours=19 * n, minutes=7 * n)
        path = f"/xxgk/gzdt/{when:%Y%m}/t{when:%Y%m%d}_{4100 - n}.html"
        out.append(ExpectedArticle(path, title, when, CATEGORY))
    return tuple(out)


def _list_path(page: int) -> str:
    return "/xxgk/gzdt/index.html" if page == 0 else f"/xxgk/gzdt/index_{page}.html"


def _t(text: str) -> str:
    return escape(text, quote=True)


def _head(title: str) -> str:
    return (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<html><head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">\n'
        f"<title>{_t(title)}</title>\n"
        '<link href="../../images/style.css" rel="stylesheet" type="text/css">\n'
        "<script language='javascript'>function changeSize(n){}</script>\n</head>\n"
        '<body leftmargin="0" topmargin="0">\n'
    )


def _top() -> str:
    menu = " | ".join(
        f'<a href="{href}" class="white12">{name}</a>'
        for href, name in (
            ("/", "首页"),
            ("/xxgk/", "政务公开"),
            ("/zwfw/", "政务服务"),
            ("/hdjl/", "互动交流"),
            ("/zjwf/", "走进潍坊"),
        )
    )
    return (
        '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">'
        '<tr><td height="120" background="../../images/top_bg.jpg">&nbsp;</td></tr>'
        f'<tr><td class="menu" height="36" align="center">{menu}</td></tr></table>\n'
    )


def _left() -> str:
    channels = "".join(
        f'<tr><td height="30" class="lm"><a href="/xxgk/{slug}/">{name}</a></td></tr>'
        for slug, name in (
            ("gzdt", "工作动态"),
            ("tzgg", "通知公告"),
            ("zcwj", "政策文件"),
            ("rsxx", "人事信息"),
            ("czzj", "财政资金"),
        )
    )
    notices = "".join(
        f'<tr><td height="24">·<a href="{href}" target="_blank">{_t(title)}</a></td></tr>'
        for href, title in NOTICES
    )
    return (
        '<td width="220" valign="top">'
        '<table width="100%" border="0" cellspacing="0" cellpadding="0">'
        '<tr><td class="lmtitle">政务公开</td></tr>'
        f"{channels}</table>"
        '<table width="100%" border="0" cellspacing="0" cellpadding="0" class="box">'
        f'<tr><td class="boxtitle">通知公告</td></tr>{notices}</table>'
        "</td>"
    )


def _friends() -> str:
    links = " ".join(f'<a href="{href}" target="_blank">{name}</a>' for href, name in FRIENDS)
    return (
        '<table width="1000" align="center"><tr><td class="yqlj">友情链接：'
        f"{links}</td></tr>"
        '<tr><td align="center" class="foot">主办单位：潍坊市人民政府办公室 '
        '<a href="/wzdt/">网站地图</a> <a href="/lxwm/">联系我们</a><br>'
        "鲁ICP备05045226号</td></tr></table>\n</body></html>"
    )


def _pager(page: int, pages: int) -> str:
    parts = [f"共{pages}页 当前第{page + 1}页 ", '<a href="index.html">首页</a> ']
    if page > 0:
        prev = "index.html" if page == 1 else f"index_{page - 1}.html"
        parts.append(f'<a href="{prev}">上一页</a> ')
    if page + 1 < pages:
        parts.append(f'<a href="index_{page + 1}.html">下一页</a> ')
    parts.append(f'<a href="index_{pages - 1}.html">尾页</a>')
    return "".join(parts)


def _list_page(page: int, articles: tuple[ExpectedArticle, ...], pages: int) -> str:
    chunk = articles[page * PER_PAGE : (page + 1) * PER_PAGE]
    rows = []
    for a in chunk:
        shown = a.title if len(a.title) <= 22 else a.title[:21] + "..."
        href = "../gzdt/" + a.path.removeprefix("/xxgk/gzdt/")
        rows.append(
            '<tr><td width="20" height="28" align="center">'
            '<img src="../../images/dot.gif" width="4" height="4"></td>'
            f'<td align="left" class="black14"><a href="{href}" target="_blank" '
            f'title="{_t(a.title)}">{_t(shown)}</a></td>'
            f'<td width="100" align="right" class="gray12">[{a.published:%Y-%m-%d}]</td></tr>'
            '<tr><td colspan="3" height="1" background="../../images/xx.gif"></td></tr>'
        )
    topics = "".join(
        f'<tr><td height="26"><a href="{href}">{_t(title)}</a></td></tr>' for href, title in TOPICS
    )
    return (
        _head(f"工作动态_潍坊市人民政府{'' if page == 0 else f'_第{page + 1}页'}")
        + _top()
        + '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0"><tr>'
        + _left()
        + '<td width="10"></td><td valign="top">'
        '<table width="100%" border="0" cellspacing="0" cellpadding="0">'
        '<tr><td class="dqwz">当前位置：<a href="/">首页</a> &gt; '
        '<a href="/xxgk/">政务公开</a> &gt; <a href="/xxgk/gzdt/">工作动态</a></td></tr></table>'
        '<table width="100%" border="0" cellspacing="0" cellpadding="0">'
        + "".join(rows)
        + "</table>"
        f'<table width="100%"><tr><td align="center" class="page">{_pager(page, pages)}</td></tr>'
        "</table>"
        '<table width="100%" class="box"><tr><td class="boxtitle">热点专题</td></tr>'
        f"{topics}</table>"
        "</td></tr></table>" + _friends()
    )


def _article_page(a: ExpectedArticle, n: int, articles: tuple[ExpectedArticle, ...]) -> str:
    newer = articles[n - 1] if n > 0 else None
    older = articles[n + 1] if n + 1 < len(articles) else None
    prev_next = ""
    if newer:
        prev_next += f'上一篇：<a href="{newer.path}">{_t(newer.title)}</a><br>'
    if older:
        prev_next += f'下一篇：<a href="{older.path}">{_t(older.title)}</a>'
    body = "".join(
        f"<p>　　{_t(a.title)}。{text}</p>"
        for text in (
            "会议听取了有关部门的工作汇报，研究部署了下一阶段的重点任务，要求各级各部门提高政治站位，"
            "压紧压实责任，确保各项工作落地见效。",
            "会议强调，要坚持问题导向，聚焦群众急难愁盼，完善工作机制，强化督导检查，以实际成效"
            "推动全市经济社会高质量发展。",
            "市直有关部门主要负责同志，各县市区、市属开发区分管负责同志参加会议。",
        )
    )
    return (
        _head(f"{a.title}_工作动态_潍坊市人民政府")
        + _top()
        + '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">'
        '<tr><td class="dqwz">当前位置：<a href="/">首页</a> &gt; '
        '<a href="/xxgk/">政务公开</a> &gt; <a href="/xxgk/gzdt/">工作动态</a></td></tr>'
        f'<tr><td class="bt" align="center" height="60">{_t(a.title)}</td></tr>'
        '<tr><td class="xx" align="center">'
        f"发布日期：{a.published:%Y-%m-%d %H:%M}&nbsp;&nbsp;&nbsp;来源：{SOURCES[n % 3]}"
        "&nbsp;&nbsp;&nbsp;浏览次数：<script>document.write(123)</script>"
        '&nbsp;&nbsp;【字体：<a href="javascript:changeSize(16)">大</a> '
        '<a href="javascript:changeSize(14)">中</a> <a href="javascript:changeSize(12)">小</a>】'
        "</td></tr>"
        f'<tr><td class="nr"><div class="TRS_Editor">{body}</div></td></tr>'
        f'<tr><td class="sxp">{prev_next}</td></tr>'
        '<tr><td><a href="javascript:window.print()">【打印本页】</a> '
        '<a href="javascript:window.close()">【关闭窗口】</a></td></tr></table>' + _friends()
    )


def build() -> FixtureSite:
    articles = _articles()
    lists = paged_lists([a.path for a in articles], PER_PAGE, _list_path)
    pages = len(lists)
    by_path = {a.path: n for n, a in enumerate(articles)}

    def render(path: str) -> Page | None:
        for p in range(pages):
            if path == _list_path(p):
                return Page(_list_page(p, articles, pages).encode("gbk"), "text/html")
        if path in by_path:
            n = by_path[path]
            return Page(_article_page(articles[n], n, articles).encode("gbk"), "text/html")
        return None

    return FixtureSite(
        "gov-gbk", "潍坊市人民政府 · 工作动态", "Asia/Shanghai", lists, articles, render
    )
