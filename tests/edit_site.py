"""A fake news site whose articles a test edits after they were stored: a thread on
127.0.0.1, so in-process tests and real `feedsvc` processes can both read it.

``/list/`` lists the articles of ``listed`` (newest number first, later dates for higher
numbers); ``/news/{n}.html`` is article n. Every page answers with an ETag (a digest of
its bytes) and honours If-None-Match with a 304, like a CMS: an edit changes the article's
ETag and leaves the list page's (titles and dates unchanged) as it was. Requests and 304s
are counted by path.
"""

from __future__ import annotations

import collections
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Selectors matching the pages (the same as the demo portal's, so api_support's source fits).
SELECTORS = {
    "item": "ul.news-list > li",
    "title": "a",
    "link": "a@href",
    "date": "span.date",
    "content": "div.content",
}


def title(n: int) -> str:
    return f"本站第{n}条新闻的标题"


def first_text(n: int) -> str:
    return (
        f"这是第{n}条新闻的正文，内容足够长，用来测试抽取。"
        "本段继续补充一些文字，保证正文长度超过阈值。"
    )


class EditSite:
    def __init__(self, listed: list[int]) -> None:
        self.listed = list(listed)
        self.bodies: dict[int, str] = {}  # article n's text once edited
        self.list_status = 200
        self.hits: collections.Counter[str] = collections.Counter()
        self.not_modified: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = site.page(self.path)
                etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                with site._lock:
                    site.hits[self.path] += 1
                    if status == 200 and self.headers.get("If-None-Match") == etag:
                        site.not_modified[self.path] += 1
                        status, body = 304, b""
                self.send_response(status)
                if status in (200, 304):
                    self.send_header("ETag", etag)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]

    @property
    def list_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/list/"

    @staticmethod
    def path(n: int) -> str:
        return f"/news/{n}.html"

    def edit(self, n: int, text: str) -> None:
        with self._lock:
            self.bodies[n] = text

    def article_hits(self) -> dict[int, int]:
        """Article number → requests so far."""
        with self._lock:
            return {
                int(p.removeprefix("/news/").removesuffix(".html")): count
                for p, count in self.hits.items()
                if p.startswith("/news/")
            }

    def page(self, path: str) -> tuple[int, bytes]:
        if path == "/list/":
            if self.list_status != 200:
                return self.list_status, b"list unavailable"
            items = "".join(
                f'<li><a href="{self.path(n)}">{title(n)}</a>'
                f'<span class="date">2026-11-{10 + n:02d}</span></li>'
                for n in sorted(self.listed, reverse=True)
            )
            return 200, f'<html><body><ul class="news-list">{items}</ul></body></html>'.encode()
        if path.startswith("/news/") and path.endswith(".html"):
            n = int(path.removeprefix("/news/").removesuffix(".html"))
            with self._lock:
                text = self.bodies.get(n, first_text(n))
            html = (
                f"<html><head><title>{title(n)}</title></head><body>"
                f"<h1>{title(n)}</h1><p>日期: 2026-11-{10 + n:02d} 08:00</p>"
                f'<div class="content"><p>{text}</p></div></body></html>'
            )
            return 200, html.encode()
        return 404, b"not found"


@contextmanager
def serving(listed: list[int]) -> Iterator[EditSite]:
    site = EditSite(listed)
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()
