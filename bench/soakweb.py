"""The soak benchmark's fake web: many demo portals, each its own site on loopback.

    python bench/soakweb.py --portals 75 [--per-category 4] [--change-every 30] [--changing 3]

Each portal is the bundled demo portal (feedsvc/demo/portal.py: four category lists and
their article pages, with conditional GET) with its own seed, so every site has its own
articles. Every ``--changing``-th portal publishes an article every ``--change-every``
seconds and edits one every twice that; the rest never change (their lists answer 304).
Portal N listens on its own loopback address (bench/fakeweb.py's ``portal_host``), so
per-host fetch limits apply per site as on the web. Prints one JSON line
``{"sites": ["http://HOST:PORT", ...]}`` once every portal listens; stops on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from fakeweb import listening

from feedsvc.demo.portal import PortalState, create_portal_app


async def serve(portals: int, per_category: int, change_every: float, changing: int) -> None:
    apps = (
        create_portal_app(
            PortalState(seed=index + 1, initial_per_category=per_category),
            auto_publish_every=change_every if index % changing == 0 else None,
            auto_edit_every=2 * change_every if index % changing == 0 else None,
        )
        for index in range(portals)
    )
    async with listening(apps):
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()


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
