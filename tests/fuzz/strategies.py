"""Hypothesis strategies for hostile pages: HTML built from fragments real pages carry
(dates, links, meta tags, JSON-LD, Chinese text, broken markup) mixed with random text."""

from __future__ import annotations

from hypothesis import strategies as st

DATES = st.sampled_from(
    [
        "2023-05-18 10:20",
        "2023-05-18T10:20:00+25:00",
        "2023-05-18T10:20:00+2400",
        "1000000000 小时前",
        "99999999999 days ago",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "2023年5月18日 10:20",
        "05-17 08:00",
        "昨天 10:20",
        "Thu, 18 May 2023 10:20:00 +2500",
        "7/5/2005 9:23:57 PM",
        "２０２３－０５－１８",
        "2023-02-30",
        "9" * 30 + " 分钟前",
    ]
)
URLS = st.sampled_from(
    [
        "/a/1.html",
        "http://example.com:99999/x",
        "https://[::1]/x",
        "http://[bad/",
        "javascript:alert(1)",
        "//example.org/x",
        "http://例子.中国/新闻",
        "http://a..b/",
        "https://example.com:0/",
        "mailto:x@example.com",
        "",
        "http://%zz/",
    ]
)
WORDS = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@st.composite
def _fragment(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return f'<a href="{draw(URLS)}">{draw(WORDS)}</a>'
    if kind == 1:
        return (
            f"<li><a href='{draw(URLS)}'>新闻标题{draw(WORDS)}</a><span>{draw(DATES)}</span></li>"
        )
    if kind == 2:
        prop = draw(st.sampled_from(["article:published_time", "og:url", "og:image", "author"]))
        value = draw(st.one_of(DATES, URLS, WORDS))
        return f'<meta property="{prop}" name="{prop}" content="{value}">'
    if kind == 3:
        body = draw(
            st.sampled_from(
                ['{"@type":"NewsArticle","datePublished":"%s"}', "[{", '{"author":[null,1,{}]}']
            )
        )
        return f'<script type="application/ld+json">{body.replace("%s", draw(DATES))}</script>'
    if kind == 4:
        return f"<p>发布时间：{draw(DATES)} 来源：{draw(WORDS)}</p>"
    if kind == 5:
        return f'<link rel="canonical" href="{draw(URLS)}"><img src="{draw(URLS)}">'
    if kind == 6:
        return draw(st.sampled_from(["<div>", "</div>", "<ul class='news'>", "</ul>", "<table>"]))
    if kind == 7:
        return f"<h1>{draw(WORDS)}</h1><time datetime='{draw(DATES)}'>{draw(DATES)}</time>"
    return draw(WORDS)


HTML = st.one_of(
    st.text(max_size=300),
    st.lists(_fragment(), max_size=25).map(
        lambda parts: "<html><head><title>t</title></head><body>" + "".join(parts)
    ),
)
