"""``feedsvc demo``: the demo portal and the service together, preconfigured, offline.

It writes a real sources file (``<data-dir>/sources.yaml``) and loads it through the normal
loader, so the demo exercises exactly what a user's configuration does.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import time
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from aiohttp import web

from feedsvc.config import load_config
from feedsvc.demo.portal import PortalState, create_portal_app
from feedsvc.demo.sources import demo_sources_yaml
from feedsvc.listener import bind_each
from feedsvc.refresh.scheduler import Scheduler
from feedsvc.runtime import configure_logging
from feedsvc.service import running_service, wait_for_stop_signal

PUBLISH_EVERY = 20.0  # seconds between new demo articles
EDIT_EVERY = 45.0  # seconds between edits of a recent article


class DemoSockets(NamedTuple):
    feeds: list[socket.socket]
    portal: list[socket.socket]


def _write_config(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # The portal invents its articles afresh at every start, so the demo's database starts
    # afresh too: yesterday's demo articles would otherwise linger as dead links.
    for stale in path.parent.glob("feedsvc.db*"):
        stale.unlink()
    path.write_text(text, encoding="utf-8")


def demo_admin_token() -> str:
    """A fresh write token for the demo's console and API, printed at start."""
    return secrets.token_urlsafe(18)


def demo_config_text(*, base_url: str, port: int, data_dir: Path, admin_token: str) -> str:
    db = (data_dir / "feedsvc.db").resolve()
    # The console may add sources from the portal on 127.0.0.1: private networks allowed.
    settings = f"""settings:
  admin_tokens: demo:write:{admin_token}
  allow_private_networks: true
  database_url: sqlite+aiosqlite:///{db}
  listen: 127.0.0.1:{port}
  public_url: http://127.0.0.1:{port}
  timezone: Asia/Shanghai
  scheduler_tick: 2
"""
    return settings + demo_sources_yaml(base_url)


def bind_demo_ports(port: int, portal_port: int) -> DemoSockets:
    """Both ports before anything else: a busy one ends the demo with one line, unchanged."""
    portal, feeds = bind_each(("127.0.0.1", portal_port), ("127.0.0.1", port))
    return DemoSockets(feeds=feeds, portal=portal)


async def run_demo(
    port: int,
    portal_port: int,
    data_dir: Path,
    *,
    verbose: bool = False,
    sockets: DemoSockets | None = None,
) -> int:
    t0 = time.monotonic()
    bound = sockets or bind_demo_ports(port, portal_port)
    feed_sockets, portal_sockets = bound.feeds, bound.portal
    base_url = f"http://127.0.0.1:{portal_port}"
    config_path = data_dir / "sources.yaml"
    token = demo_admin_token()
    text = demo_config_text(base_url=base_url, port=port, data_dir=data_dir, admin_token=token)
    await asyncio.to_thread(_write_config, config_path, text)
    config = load_config(config_path)
    configure_logging(config.settings, verbose=verbose)

    portal = web.AppRunner(
        create_portal_app(
            PortalState(), auto_publish_every=PUBLISH_EVERY, auto_edit_every=EDIT_EVERY
        ),
        access_log=None,
    )
    await portal.setup()
    for sock in portal_sockets:
        await web.SockSite(portal, sock).start()
    try:
        async with running_service(config, role="all", listeners=feed_sockets) as scheduler:
            public = config.settings.effective_public_url
            print(f"demo portal:  {base_url}/   (ground truth: {base_url}/_demo/state.json)")
            print(f"sources file: {config_path}")
            print(f"feeds index:  {public}/")
            print(f"latest:       {public}/feeds/latest.atom")
            print(f"admin:        {public}/admin/   (token: {token})")
            for source in config.sources:
                if source.category:
                    category = quote(source.category)
                    print(f"  {source.category}: {public}/feeds/categories/{category}.atom")
                else:
                    print("  (category from each article's page: see the index)")
                print(f"  {source.id}: {public}/feeds/sources/{source.id}.atom")
            print("press Ctrl-C to stop", flush=True)
            announce = None
            if scheduler is not None:
                announce = asyncio.create_task(
                    _announce_first_refresh(scheduler, len(config.sources), t0)
                )
            await wait_for_stop_signal()
            if announce is not None:
                announce.cancel()
    finally:
        await portal.cleanup()
    return 0


async def _announce_first_refresh(scheduler: Scheduler, sources: int, t0: float) -> None:
    while len({r.source_id for r in scheduler.reports}) < sources:
        await scheduler.next_report()
    print(f"feeds populated {time.monotonic() - t0:.1f}s after start", flush=True)
