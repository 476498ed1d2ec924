"""A fake news site for tests that run real processes: a thread on 127.0.0.1."""

from __future__ import annotations

import collections
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Site:
    """``/<id>/`` is a list of three articles; every request is counted by ``<id>``."""

    def __init__(self) -> None:
        self.hits: collections.Counter[str] = collections.Counter()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                sid = self.path.strip("/").split("/")[0]
                site.hits[sid] += 1
                links = "".join(
                    f'<li><a href="/{sid}/{n}.html">Story {n} from {sid}</a></li>'
                    for n in (1, 2, 3)
                )
                body = f'<html><body><ul class="news">{links}</ul></body></html>'.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]

    def url(self, sid: str) -> str:
        return f"http://127.0.0.1:{self.port}/{sid}/"
