"""An English WordPress-style blog with JSON-LD and ``<time>``.

* ``/blog/`` lists posts as ``<article class="post">`` cards: ``h2.entry-title > a``, a
  ``<time datetime>`` with a UTC offset, an excerpt, a thumbnail and a "Continue reading"
  link to the same post; 5 posts a page, ``/blog/page/2/`` via ``rel=next`` and
  "Older posts".
* Around it: header navigation, a sidebar with "Recent posts" (the newest posts again, with
  their full titles), "Categories", a tag cloud and an archive, a footer with About/Privacy.
* Posts live at ``/2023/05/18/<slug>/`` with a ``BlogPosting`` JSON-LD block
  (``headline``, ``datePublished`` with offset, ``articleSection``, ``author``), an
  ``<h1 class="entry-title">``, the body in ``div.entry-content``.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from sites.site_support import ExpectedArticle, FixtureSite, Page, paged_lists

NEW_YORK = ZoneInfo("America/New_York")
PER_PAGE = 5

POSTS = (
    ("Why our city council finally approved the riverfront bike lanes", "Transport", "Dana Reyes"),
    (
        "A week of rain: what the storm drains told us about 1970s planning",
        "Environment",
        "Sam Ortiz",
    ),
    ("Five takeaways from the school board budget hearing", "Education", "Dana Reyes"),
    ("The bakery that survived three recessions on Elm Street", "Business", "Lee Park"),
    ("How the new transit fares will change your commute", "Transport", "Sam Ortiz"),
    ("Inside the library's plan to lend tools, not just books", "Community", "Lee Park"),
    ("Local farmers market doubles its vendors this summer", "Business", "Dana Reyes"),
    ("What the census revision means for our two districts", "Politics", "Sam Ortiz"),
    ("Hospital expansion: a timeline of delays and promises", "Health", "Lee Park"),
    ("Notes from a night shift with the volunteer fire company", "Community", "Dana Reyes"),
    ("Reading the zoning map: a beginner's guide for residents", "Politics", "Sam Ortiz"),
    ("The quiet return of the river otters upstream of the dam", "Environment", "Lee Park"),
)
CATEGORIES = ("Business", "Community", "Education", "Environment", "Health", "Politics")


def _slug(title: str) -> str:
    kept = "".join(c if c.isalnum() else "-" for c in title.lower())
    return "-".join(p for p in kept.split("-") if p)[:60].rstrip("-")


def _articles() -> tuple[ExpectedArticle, ...]:
    start = datetime(2023, 5, 18, 17, 45, tzinfo=NEW_YORK)
    out = []
    for n, (title, category, author) in enumerate(POSTS):
        when = start - timedelta(days=2 * n, hours=3 * n)
        path = f"/{when:%Y/%m/%d}/{_slug(title)}/"
        out.append(ExpectedArticle(path, title, when, category, author))
    return tuple(out)


def _list_path(page: int) -> str:
    return "/blog/" if page == 0 else f"/blog/page/{page + 1}/"


def _t(text: str) -> str:
    return escape(text, quote=True)


def _header() -> str:
    nav = "".join(
        f'<li class="menu-item"><a href="{href}">{name}</a></li>'
        for href, name in (
            ("/", "Home"),
            ("/blog/", "Blog"),
            ("/about/", "About"),
            ("/newsletter/", "Newsletter"),
            ("/contact/", "Contact"),
        )
    )
    return (
        '<header class="site-header"><p class="site-title"><a href="/">The Riverside Ledger</a>'
        f'</p><nav class="main-navigation"><ul class="menu">{nav}</ul></nav></header>'
    )


def _sidebar(articles: tuple[ExpectedArticle, ...]) -> str:
    recent = "".join(f'<li><a href="{a.path}">{_t(a.title)}</a></li>' for a in articles[:5])
    cats = "".join(
        f'<li class="cat-item"><a href="/category/{c.lower()}/">{c}</a></li>' for c in CATEGORIES
    )
    tags = " ".join(
        f'<a href="/tag/{t}/" class="tag-cloud-link">{t.replace("-", " ")}</a>'
        for t in ("city-council", "budget", "river", "schools", "transit", "zoning")
    )
    archive = "".join(
        f'<li><a href="/2023/{m:02d}/">{name} 2023</a></li>'
        for m, name in ((5, "May"), (4, "April"), (3, "March"))
    )
    return (
        '<aside id="secondary" class="widget-area">'
        '<section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2>'
        f"<ul>{recent}</ul></section>"
        '<section class="widget widget_categories"><h2 class="widget-title">Categories</h2>'
        f"<ul>{cats}</ul></section>"
        '<section class="widget widget_tag_cloud"><h2 class="widget-title">Tags</h2>'
        f"{tags}</section>"
        '<section class="widget widget_archive"><h2 class="widget-title">Archives</h2>'
        f"<ul>{archive}</ul></section></aside>"
    )


def _footer() -> str:
    return (
        '<footer class="site-footer"><a href="/about/">About us</a> · '
        '<a href="/privacy-policy/">Privacy policy</a> · '
        '<a href="https://wordpress.org/">Proudly powered by WordPress</a></footer>'
    )


def _page(title: str, body: str, articles: tuple[ExpectedArticle, ...], head: str = "") -> str:
    return (
        '<!doctype html><html lang="en-US"><head><meta charset="UTF-8">'
        f"<title>{_t(title)}</title>{head}</head><body>"
        f'<div id="page" class="site">{_header()}<div id="content" class="site-content">'
        f'<main id="main" class="site-main">{body}</main>{_sidebar(articles)}</div>'
        f"{_footer()}</div></body></html>"
    )


def _list_page(page: int, articles: tuple[ExpectedArticle, ...], pages: int) -> str:
    cards = []
    for a in articles[page * PER_PAGE : (page + 1) * PER_PAGE]:
        cards.append(
            f'<article class="post type-post category-{a.category.lower() if a.category else ""}">'
            f'<a class="post-thumbnail" href="{a.path}"><img src="/wp-content/uploads/'
            f'{_slug(a.title)[:20]}.jpg" alt=""></a>'
            '<header class="entry-header">'
            f'<h2 class="entry-title"><a href="{a.path}" rel="bookmark">{_t(a.title)}</a></h2>'
            '<div class="entry-meta"><span class="posted-on">'
            f'<time class="entry-date published" datetime="{a.published.isoformat()}">'
            f"{a.published:%B} {a.published.day}, {a.published:%Y}</time></span>"
            f' <span class="byline">by <a href="/author/{_slug(a.author or "")}/">{a.author}</a>'
            "</span></div></header>"
            '<div class="entry-summary"><p>A look at what changed this week and why it matters '
            f"for the neighbourhood, from our reporter {a.author}.</p>"
            f'<a class="more-link" href="{a.path}">Continue reading</a></div>'
            f'<footer class="entry-footer"><a href="/category/{(a.category or "").lower()}/" '
            f'rel="category tag">{a.category}</a></footer></article>'
        )
    nav = ""
    head = ""
    if page + 1 < pages:
        nav += f'<div class="nav-previous"><a href="{_list_path(page + 1)}">Older posts</a></div>'
        head += f'<link rel="next" href="{_list_path(page + 1)}">'
    if page > 0:
        nav += f'<div class="nav-next"><a href="{_list_path(page - 1)}">Newer posts</a></div>'
    body = (
        f'<h1 class="page-title">Blog</h1>{"".join(cards)}'
        f'<nav class="navigation posts-navigation"><div class="nav-links">{nav}</div></nav>'
    )
    return _page("Blog – The Riverside Ledger", body, articles, head)


def _article_page(a: ExpectedArticle, articles: tuple[ExpectedArticle, ...]) -> str:
    ld = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": a.title,
        "datePublished": a.published.isoformat(),
        "dateModified": a.published.isoformat(),
        "articleSection": a.category,
        "author": {"@type": "Person", "name": a.author},
        "publisher": {"@type": "Organization", "name": "The Riverside Ledger"},
    }
    head = (
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        f'<meta property="og:title" content="{_t(a.title)}">'
    )
    paragraphs = "".join(
        f"<p>{text}</p>"
        for text in (
            f"{a.title}. That is the short version; the long one starts at a public meeting "
            "where more residents showed up than the room could hold.",
            "Officials said the decision followed two years of studies, three rounds of public "
            "comment and a budget compromise that nobody loved but everybody could live with.",
            "We will keep following the story. Tips and corrections are welcome by email.",
        )
    )
    body = (
        '<article class="post type-post"><header class="entry-header">'
        f'<h1 class="entry-title">{_t(a.title)}</h1><div class="entry-meta">'
        f'<time class="entry-date published" datetime="{a.published.isoformat()}">'
        f"{a.published:%B} {a.published.day}, {a.published:%Y}</time> "
        f'<span class="byline">by <a href="/author/{_slug(a.author or "")}/">{a.author}</a>'
        "</span></div></header>"
        f'<div class="entry-content">{paragraphs}</div>'
        '<footer class="entry-footer">Posted in '
        f'<a href="/category/{(a.category or "").lower()}/">{a.category}</a></footer></article>'
    )
    return _page(f"{a.title} – The Riverside Ledger", body, articles, head)


def build() -> FixtureSite:
    articles = _articles()
    lists = paged_lists([a.path for a in articles], PER_PAGE, _list_path)
    pages = len(lists)
    by_path = {a.path: a for a in articles}
    ctype = "text/html; charset=UTF-8"

    def render(path: str) -> Page | None:
        for p in range(pages):
            if path == _list_path(p):
                return Page(_list_page(p, articles, pages).encode(), ctype)
        if path in by_path:
            return Page(_article_page(by_path[path], articles).encode(), ctype)
        return None

    return FixtureSite(
        "en-blog", "The Riverside Ledger", "America/New_York", lists, articles, render
    )
