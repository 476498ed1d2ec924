"""``GET /``: an HTML index of every feed, with Atom autodiscovery links. No JavaScript."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from aiohttp import web

from feedsvc.feeds.formats import FeedFormat
from feedsvc.feeds.xmltext import xml_safe
from feedsvc.web.keys import READER_KEY, SETTINGS_KEY
from feedsvc.web.listing import FeedGroup, ListedFeed, group_feeds
from feedsvc.web.responses import page_response
from feedsvc.web.urls import absolute_url

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
        render_index(groups, opml_url),
        content_type="text/html",
        max_age=settings.feed_max_age,
    )


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
    if groups:
        sections = "\n".join(_section(group) for group in groups)
    else:
        sections = "<p>No feeds yet: sources appear here after their first refresh.</p>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>feedsvc feeds</title>
{discovery}
<link rel="alternate" type="text/x-opml" title="All feeds (OPML)" href="{_attr(opml_url)}">
<style>{_STYLE}</style>
</head>
<body>
<h1>Feeds</h1>
<p>Subscribe to any feed below in a feed reader, or import
<a href="{_attr(opml_url)}">all of them as OPML</a>.</p>
{sections}
</body>
</html>
"""


def _section(group: FeedGroup) -> str:
    rows = "\n".join(_row(feed) for feed in group.feeds)
    return f"""<h2>{_text(group.label)}</h2>
<table>
<thead><tr><th>Feed</th><th>Articles</th><th>Last update</th><th>Subscribe</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>"""


def _row(feed: ListedFeed) -> str:
    info = feed.info
    lang = f' lang="{_attr(info.language)}"' if info.language else ""
    href = _attr(feed.url)
    return (
        f'<tr><td{lang}><a href="{href}">{_text(info.title)}</a></td>'
        f'<td class="num">{info.article_count}</td>'
        f"<td>{_when(info.updated_at)}</td>"
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


def _when(value: datetime | None) -> str:
    if value is None:
        return "never"
    utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return f'<time datetime="{utc.isoformat()}">{utc:%Y-%m-%d %H:%M} UTC</time>'


def _text(value: str) -> str:
    return escape(xml_safe(value), quote=False)


def _attr(value: str) -> str:
    # Control characters are parse errors in HTML too; stored titles may still carry them.
    return escape(xml_safe(value), quote=True)
