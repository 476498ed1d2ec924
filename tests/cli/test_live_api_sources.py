"""Sources created, changed, paused and removed through the admin API of a `serve --role web`
process reach a separate `serve --role worker` process without a restart (real processes,
one SQLite file): the database is the only thing they share."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from cli_run import free_port
from news_site import Site
from test_live_sources import TICK, entry, fetch, items, logged, query, start, stop, until, write

TOKEN = "live-write-token-0123456789"


def api(listen: str, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"http://{listen}/api/v1{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read()
        return response.status, json.loads(text) if text else None


def test_api_changes_on_the_web_process_reach_the_worker_process(
    tmp_path: Path, site: Site
) -> None:
    config = tmp_path / "sources.yaml"
    listen = f"127.0.0.1:{free_port()}"
    settings = f"  admin_tokens: ops:write:{TOKEN}\n  allow_private_networks: true\n"
    write(config, listen, entry(site, "one"), settings)
    worker_log, web_log = tmp_path / "worker.log", tmp_path / "web.log"
    worker = start(tmp_path, "worker", config, worker_log)
    web: subprocess.Popen[bytes] | None = None
    try:
        until("the first refresh", lambda: items(tmp_path, "one") == 3, worker_log)
        web = start(tmp_path, "web", config, web_log)
        until("the web process", logged(web_log, "serving feeds"), web_log)

        # created on the web process: the worker refreshes it, the web process serves it
        body = {
            "id": "fromapi",
            "name": "From the API",
            "url": site.url("alpha"),
            "interval": "30s",
            "full_text": False,
            "allow_private_networks": True,
            "selectors": {"item": "ul.news li", "title": "a", "link": "a"},
        }
        status, created = api(listen, "POST", "/sources", body)
        assert status == 201 and created["managed_by"] == "api"
        until("the new source's items", lambda: items(tmp_path, "fromapi") == 3, worker_log)
        feed = fetch(f"http://{listen}/feeds/sources/fromapi.atom")
        assert b"Story 2 from alpha" in feed

        # changed (another list page), then "refresh now" (202: the web process has no
        # scheduler; the worker runs it): the worker reads the new URL
        request = urllib.request.Request(
            f"http://{listen}/api/v1/sources/fromapi",
            method="PATCH",
            data=json.dumps({"url": site.url("beta")}).encode(),
            headers={
                "Authorization": f"Bearer {TOKEN}",
                "Content-Type": "application/merge-patch+json",
                "If-Match": created["etag"],
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        status, _ = api(listen, "POST", "/sources/fromapi/refresh")
        assert status == 202
        until("the changed URL fetched", lambda: site.hits["beta"] > 0, worker_log)
        until("its items", lambda: items(tmp_path, "fromapi") == 6, worker_log)

        # paused: though due, the worker no longer refreshes it; the file's source goes on
        status, paused = api(listen, "POST", "/sources/fromapi/disable")
        assert status == 200 and paused["enabled"] is False
        hits = dict(site.hits)
        query(tmp_path, "UPDATE sources SET next_check_at = '2000-01-01 00:00:00.000000'")
        until("one refreshed again", lambda: site.hits["one"] > hits["one"], worker_log)
        time.sleep(3 * TICK)
        assert site.hits["beta"] == hits["beta"] and site.hits["alpha"] == hits["alpha"]
        actors = query(tmp_path, "SELECT actor, action FROM audit WHERE target = 'source:fromapi'")
        assert ("ops", "source.disable") in actors, actors

        # removed: gone from the public index the web process serves; articles kept
        assert "From the API" in fetch(f"http://{listen}/").decode()
        status, _ = api(listen, "DELETE", "/sources/fromapi")
        assert status == 204
        assert "From the API" not in fetch(f"http://{listen}/").decode()
        assert items(tmp_path, "fromapi") == 6
        assert worker.poll() is None and web.poll() is None
    finally:
        codes = [stop(p) for p in (worker, web) if p is not None]
    assert codes == [0] * len(codes), worker_log.read_text(encoding="utf-8")[-3000:]
