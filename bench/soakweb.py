"""The soak benchmark's fake web: many demo portals, each its own site on loopback.

    python bench/soakweb.py --portals 75 [--per-category 4] [--change-every 30] [--changing 3]

Each portal is the bundled demo portal (feedsvc/demo/portal.py: four category lists and
their article pages, with conditional GET) with its own seed, so every site has its own
articles. Every ``--changing``-th portal publishes an article every ``--change-every``
seconds and edits one every twice that; the rest never change (their lists answer 304).
Portal N listens on its own loopback address (:func:`portal_host`: 127.0.1.1, 127.0.1.2, …;
all of 127.0.0.0/8 is loopback), so per-host fetch limits apply per site as on the web.
Prints one JSON line ``{"sites": ["http://HOST:PORT", ...]}`` once every portal listens;
stops on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys

from aiohttp import web

from feedsvc.demo.portal import PortalState, create_portal_app


def portal_host(index: int) -> str:
    """The loopback address of portal ``index`` (0 … 254 × 254 - 1)."""
    if not 0 <= index < 254 * 254:
        raise ValueError(f"portal index out of range: {index}")
    return f"127.0.{index // 254 + 1}.{index % 254 + 1}"


async def serve(portals: int, per_category: int, change_every: float, changing: int) -> None:
    runners: list[web.AppRunner] = []
    sites: list[str] = []
    try:
        for index in range(portals):
            changes = index % changing == 0
            app = create_portal_app(
                PortalState(seed=index + 1, initial_per_category=per_category),
                auto_publish_every=change_every if changes else None,
                auto_edit_every=2 * change_every if changes else None,
            )
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            runners.append(runner)
            host = portal_host(index)
            await web.TCPSite(runner, host, 0).start()
            sites.append(f"http://{host}:{runner.addresses[0][1]}")
        print(json.dumps({"sites": sites}), flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        for runner in runners:
            with contextlib.suppress(Exception):
                await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--portals", type=int, required=True)
    parser.add_argument("--per-category", type=int, default=4)
    parser.add_argument("--change-every", type=float, default=30.0)
    parser.add_argument("--changing", type=int, default=3, help="every Nth portal changes")
    args = parser.parse_args(argv)
    if args.portals < 1 or args.changing < 1 or args.change_every <= 0:
        parser.error("--portals and --changing must be >= 1, --change-every > 0")
    asyncio.run(serve(args.portals, args.per_category, args.change_every, args.changing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
