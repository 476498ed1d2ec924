"""A generated portal whose article pages share one template (fixtures for template
learning). Each page alone misleads the generic extractor: an author biography box closes
the body (no English "X is a writer" shape for the generic bio rule to see) and the channel
is a plain label (no breadcrumb, no channel link). A 看点 box between the byline and the
body carries teaser summaries naming other reporters (本报讯(记者 张建国)); the generic rules
already leave it out by its shape, the template drops it by its place."""

from __future__ import annotations

from dataclasses import dataclass

SITE = "https://portal.example.cn"
CATEGORIES = ("国内", "国际", "体育")
EDITORS = ("王五", "赵六", "孙七", "周八", "吴九", "郑十")
BIO = (
    "王晓明，资深媒体人，长期关注城市发展与民生议题，著有多部作品，曾获多项新闻奖项，"
    "欢迎读者来信交流，邮箱见本站联系页面。"
)


@dataclass(frozen=True)
class Page:
    url: str
    html: str
    title: str
    category: str
    editor: str
    first_line: str
    last_line: str


def _paragraphs(n: int) -> list[str]:
    return [
        f"第{n}篇报道的第{i}段：市里今天召开会议，部署下一阶段的重点工作，"
        f"与会人员围绕民生、交通和教育等议题进行了深入讨论，并提出了具体的落实措施。"
        for i in range(1, 5)
    ]


def _teasers(n: int) -> str:
    items = []
    for k, reporter in enumerate(("张建国", "李红梅"), start=1):
        items.append(
            f'<div class="it{k}"><a href="/a/{900 + n * 10 + k}.html">'
            f"另一篇新闻的标题第{n}{k}号很长</a>"
            f"<p>本报讯(记者 {reporter}) 近日，相关部门召开座谈会，研究部署有关工作。</p></div>"
        )
    return '<div class="box-x"><div class="bt">看点</div>' + "".join(items) + "</div>"


def article_page(n: int, *, layout: str = "v1") -> Page:
    """Article page ``n`` of the portal (``layout="v2"``: the site's redesign; "wrapped": the
    v1 page inside one more container, as an ad script leaves some pages)."""
    title = f"本市召开第{n}次重点工作推进会议"
    category = CATEGORIES[n % len(CATEGORIES)]
    editor = EDITORS[n % len(EDITORS)]
    paras = _paragraphs(n)
    body = "".join(f"<p>{p}</p>" for p in paras)
    nav = "".join(f'<li><a href="/{c}/">{c}</a></li>' for c in ("首页", *CATEGORIES))
    if layout in ("v1", "wrapped"):
        main = (
            f'<div class="lm-bar"><span class="lm">{category}</span></div>'
            f'<div class="art"><h1>{title}</h1>'
            f'<div class="info">2024-05-{n:02d} 10:00 编辑：{editor}</div>'
            f'<div class="txt">{_teasers(n)}{body}<div class="zz"><p>{BIO}</p></div></div></div>'
        )
    else:
        main = (
            f'<section class="story"><header class="hd"><h2 class="headline">{title}</h2>'
            f'<p class="meta">2024-05-{n:02d} 10:00 编辑：{editor}</p></header>'
            f'<section class="content">{body}</section></section>'
        )
    wrap = f'<div class="wrap">{main}</div>'
    if layout == "wrapped":
        wrap = f'<div class="ad-shell">{wrap}</div>'
    html = (
        f"<html><head><title>{title}_某某网</title></head><body>"
        f'<div class="top"><ul class="menu-x">{nav}</ul></div>'
        f"{wrap}"
        '<div class="foot"><p>某某网 版权所有 未经许可不得转载 '
        "联系电话：0000-1234567 地址：某某市某某路1号</p></div>"
        "</body></html>"
    )
    return Page(
        url=f"{SITE}/a/{1000 + n}.html",
        html=html,
        title=title,
        category=category,
        editor=editor,
        first_line=paras[0],
        last_line=paras[-1],
    )
