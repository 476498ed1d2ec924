"""``GET /``: an HTML index of every feed, with Atom autodiscovery links. No JavaScript.

Each feed's last update is shown in the feed's zone (``listing.feed_zone``), labelled
with the zone's abbreviation or, when it has none, its UTC offset; the ``<time>`` element
keeps the instant in UTC and names the zone in its title. The page's ``lang`` is the one
language all feeds share, else ``en``; when it is not English, the page's own English
words (headings, column names) say so with ``lang="en"``.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from html import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web

from feedsvc.feeds.formats import FeedFormat
from feedsvc.feeds.xmltext import xml_safe
from feedsvc.langtag import common_language
from feedsvc.web.keys import READER_KEY, SETTINGS_KEY
from feedsvc.web.listing import FeedGroup, ListedFeed, group_feeds, newest_change
from feedsvc.web.responses import page_response
from feedsvc.web.urls import absolute_url

CHROME_LANGUAGE = "en"  # the language of the page's own words

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 56rem; padding: 0 1rem; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #ddd; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
"""


async def index(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS_KEY]
    groups = group_feeds(settings, await request.app[READER_KEY].list_feeds())
    opml_url = absolute_url(settings, "/opml")
    return page_response(
        request,
        render_index(groups, opml_url).encode("utf-8"),
        content_type="text/html",
        max_age=settings.feed_max_age,
        last_modified=newest_change(groups),
    )


def page_language(groups: list[FeedGroup]) -> str:
    """The language all listed feeds share, else the page's own (English)."""
    shared = common_language(f.info.language for g in groups for f in g.feeds)
    return shared or CHROME_LANGUAGE


def render_index(groups: list[FeedGroup], opml_url: str) -> str:
    # Atom first for every feed: readers that take the first alternate get the richest.
    discovery = "\n".join(
        f'<link rel="alternate" type="{fmt.media_type}"'
        f' title="{_attr(_discovery_title(feed, fmt))}" href="{_attr(url)}">'
        for fmt in FeedFormat
        for group in groups
        for feed in group.feeds
        for url in [feed.urls.get(fmt)]
        if url
    )
    language = page_language(groups)
    # The page's own words, marked English when the page as a whole is not.
    en = "" if language.split("-")[0] == CHROME_LANGUAGE else f' lang="{CHROME_LANGUAGE}"'
    if groups:
        sections = "\n".join(_section(group, en) for group in groups)
    else:
        sections = f"<p{en}>No feeds yet: sources appear here after their first refresh.</p>"
    return f"""<!DOCTYPE html>
<html lang="{_attr(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title{en}>feedsvc feeds</title>
{discovery}
<link rel="alternate" type="text/x-opml" title="All feeds (OPML)" href="{_attr(opml_url)}">
<style>{_STYLE}</style>
</head>
<body>
<h1{en}>Feeds</h1>
<p{en}>Subscribe to any feed below in a feed reader, or import
<a href="{_attr(opml_url)}">all of them as OPML</a>.</p>
{sections}
</body>
</html>
"""


def _section(group: FeedGroup, en: str) -> str:
    rows = "\n".join(_row(feed, en) for feed in group.feeds)
    return f"""<h2{en}>{_text(group.label)}</h2>
<table>
<thead{en}><tr><th>Feed</th><th>Articles</th><th>Last update</th><th>Subscribe</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>"""


def _row(feed: ListedFeed, en: str) -> str:
    info = feed.info
    lang = f' lang="{_attr(info.language)}"' if info.language else ""
    href = _attr(feed.url)
    return (
        f'<tr><td{lang}><a href="{href}">{_text(info.title)}</a></td>'
        f'<td class="num">{info.article_count}</td>'
        f"<td>{_when(info.updated_at, feed.zone, en)}</td>"
        f"<td>{_format_links(feed)}</td></tr>"
    )


def _format_links(feed: ListedFeed) -> str:
    return " · ".join(
        f'<a href="{_attr(url)}" type="{fmt.media_type}">{fmt.label}</a>'
        for fmt, url in feed.urls.items()
    )


def _discovery_title(feed: ListedFeed, fmt: FeedFormat) -> str:
    title = feed.info.title
    return title if fmt is FeedFormat.ATOM else f"{title} ({fmt.label})"


def _when(value: datetime | None, zone: str, en: str) -> str:
    if value is None:
        return f"<span{en}>never</span>"
    utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    local = utc.astimezone(_zone(zone))
    return (
        f'<time datetime="{utc.isoformat()}" title="{_attr(zone)}">'
        f"{local:%Y-%m-%d %H:%M} {zone_label(local)}</time>"
    )


def zone_label(local: datetime) -> str:
    """The zone's abbreviation at that instant (``CST``, ``CEST``, ``UTC``), or its UTC
    offset (``+04:00``) where the zone has no letters for it."""
    name = local.tzname() or ""
    if name.isalpha():
        return name
    return local.isoformat()[-6:] if local.utcoffset() else "UTC"


@lru_cache(maxsize=64)
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC  # a zone this host's tz database lacks: the instant stays right


def _text(value: str) -> str:
    return escape(xml_safe(value), quote=False)


def _attr(value: str) -> str:
    # Control characters are parse errors in HTML too; stored titles may still carry them.
    return escape(xml_safe(value), quote=True)
