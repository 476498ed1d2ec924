"""The scale benchmark's fake web: ``--sources`` sources on many sites, steered on stdin.

    python bench/scaleweb.py --sources 1000 [--articles 2] [--slow-every 100] [--fail-every 100]

Sites are demo portals (feedsvc/demo/portal.py, four category lists each, conditional GET
with ETag/Last-Modified, 304 when unchanged), each on its own loopback address
(bench/fakeweb.py's ``portal_host``) so per-host fetch limits apply per site as on the web.
Pages are padded to realistic sizes with site boilerplate (inline
statistics scripts before ``</body>``, no links): list pages to ``LIST_BYTES``, articles to
``ARTICLE_BYTES``. Every ``--slow-every``-th site answers its list pages after 2-5 s, every
``--fail-every``-th answers 503 to everything (offset so the two never coincide).

Prints ``{"sites": [...]}`` once every site listens. Then reads commands on stdin, one per
line, answering each with one JSON line:

* ``change FRACTION``: that share of the sources (random, never a failing site's) get one
  new article each → ``{"changed": K}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from collections.abc import Awaitable, Callable

from aiohttp import web
from fakeweb import listening

from feedsvc.demo.content import CATEGORIES
from feedsvc.demo.portal import PortalState, create_portal_app

LIST_BYTES = 60_000
ARTICLE_BYTES = 45_000
SLOW_OFFSET, FAIL_OFFSET = 37, 71
# No links: automatic list detection must not take boilerplate for articles.
_UNIT = '<script>var _hm{n}=window._hm{n}||[];_hm{n}.push(["_trackPageview","/zt/{n}"]);</script>\n'
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def padding(size: int) -> bytes:
    """About ``size`` bytes of ASCII boilerplate (safe in UTF-8 and GBK pages)."""
    parts = ['<div class="site-stats">\n']
    total, n = 0, 0
    while total < size:
        unit = _UNIT.format(n=n)
        parts.append(unit)
        total += len(unit)
        n += 1
    parts.append("</div>\n")
    return "".join(parts).encode("ascii")


def realism(slow: bool, failing: bool, rng: random.Random) -> Callable[..., object]:
    """Middleware: page sizes, slow list pages, failing sites."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if failing:
            return web.Response(status=503, text="down for maintenance\n")
        is_list = request.path.endswith("/") or "/index" in request.path
        if slow and is_list:
            await asyncio.sleep(rng.uniform(2.0, 5.0))
        response = await handler(request)
        if (
            isinstance(response, web.Response)
            and response.status == 200
            and response.content_type == "text/html"
            and isinstance(response.body, bytes)
        ):
            body = response.body
            missing = (LIST_BYTES if is_list else ARTICLE_BYTES) - len(body)
            at = body.rfind(b"</body>")
            if missing > 0 and at >= 0:
                response.body = body[:at] + padding(missing) + body[at:]
        return response

    return middleware


async def serve(sources: int, articles: int, slow_every: int, fail_every: int) -> None:
    portals = -(-sources // len(CATEGORIES))
    states = [PortalState(seed=i + 1, initial_per_category=articles) for i in range(portals)]
    slow = {
        i for i in range(portals) if slow_every > 0 and i % slow_every == SLOW_OFFSET % slow_every
    }
    failing = {
        i
        for i in range(portals)
        if fail_every > 0 and i % fail_every == FAIL_OFFSET % fail_every and i not in slow
    }
    rng = random.Random(13)
    apps = []
    for index, state in enumerate(states):
        app = create_portal_app(state)
        middleware = realism(index in slow, index in failing, rng)
        app.middlewares.append(middleware)  # type: ignore[arg-type]
        apps.append(app)
    async with listening(apps):
        pairs = [
            (index, category.slug)
            for index in range(portals)
            for category in CATEGORIES
            if index not in failing
        ][:sources]
        loop = asyncio.get_running_loop()
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            words = line.split()
            if words[:1] == ["change"] and len(words) == 2:
                chosen = rng.sample(pairs, min(len(pairs), round(float(words[1]) * sources)))
                for index, slug in chosen:
                    states[index].publish(slug)
                print(json.dumps({"changed": len(chosen)}), flush=True)
            else:
                print(json.dumps({"error": f"unknown command: {line.strip()!r}"}), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sources", type=int, required=True)
    parser.add_argument("--articles", type=int, default=2, help="articles per list at start")
    parser.add_argument("--slow-every", type=int, default=100, help="every Nth site is slow")
    parser.add_argument("--fail-every", type=int, default=100, help="every Nth site fails")
    args = parser.parse_args(argv)
    if args.sources < 1 or args.articles < 1:
        parser.error("--sources and --articles must be >= 1")
    asyncio.run(serve(args.sources, args.articles, args.slow_every, args.fail_every))
    return 0


if __name__ == "__main__":
    sys.exit(main())
