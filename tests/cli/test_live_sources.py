"""Sources reach running processes without a restart (real processes, one SQLite file).

A `serve --role worker` and a `serve --role web` share a database; a fake news site on
127.0.0.1 (a thread) counts the requests per source. A source appended to the file plus
SIGHUP, a source added by editing the file alone, and one disabled with `feedsvc sources
disable` each reach the worker within a few ticks; the web process serves the new feed.
An invalid file and a file that would disable everything change nothing and say why.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from cli_run import PYTHON, free_port, run_feedsvc
from news_site import Site

TICK = 0.3
WAIT = 45.0  # generous: a loaded 2-core machine


def entry(site: Site, sid: str, extra: str = "") -> str:
    return (
        f"  - id: {sid}\n"
        f"    url: {site.url(sid)}\n"
        "    interval: 30s\n"
        "    full_text: false\n"
        "    allow_private_networks: true\n"
        "    selectors: {item: 'ul.news li', title: a, link: a}\n" + extra
    )


def write(path: Path, listen: str, sources: str, settings: str = "") -> None:
    path.write_text(
        "settings:\n"
        f"  database_url: sqlite+aiosqlite:///{path.parent / 'feeds.db'}\n"
        f"  listen: {listen}\n"
        "  extract_workers: 0\n"
        f"  scheduler_tick: {TICK}\n"
        "  obey_robots_txt: false\n"
        "  connect_timeout: 2\n" + settings + "sources:\n" + sources,
        encoding="utf-8",
    )


def items(folder: Path, sid: str) -> int:
    """0 until the worker has created and migrated the database."""
    try:
        with sqlite3.connect(f"file:{folder / 'feeds.db'}?mode=ro", uri=True, timeout=30) as db:
            sql = "SELECT count(*) FROM article_sources WHERE source_id = ?"
            return int(db.execute(sql, (sid,)).fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def query(folder: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(folder / "feeds.db", timeout=30) as db:
        return db.execute(sql, args).fetchall()


def until(what: str, check: Callable[[], bool], log: Path | None = None) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        if time.monotonic() > deadline:
            shown = log.read_text(encoding="utf-8")[-3000:] if log else ""
            raise AssertionError(f"timed out waiting for {what}\n{shown}")
        time.sleep(0.1)


def start(folder: Path, role: str, config: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDSVC_")}
    with log.open("wb") as out:
        return subprocess.Popen(
            [PYTHON, "-m", "feedsvc", "serve", "--role", role, "--config", str(config)],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop(proc: subprocess.Popen[bytes]) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    return proc.wait(timeout=30)


def logged(log: Path, text: str) -> Callable[[], bool]:
    return lambda: text in log.read_text(encoding="utf-8")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return bytes(response.read())


def test_worker_and_web_see_file_cli_and_sighup_changes_without_restart(
    tmp_path: Path, site: Site
) -> None:
    config = tmp_path / "sources.yaml"
    port = free_port()
    listen = f"127.0.0.1:{port}"
    write(config, listen, entry(site, "one") + entry(site, "two"))
    worker_log, web_log = tmp_path / "worker.log", tmp_path / "web.log"
    worker = start(tmp_path, "worker", config, worker_log)
    web: subprocess.Popen[bytes] | None = None
    try:
        until("the first refreshes", lambda: items(tmp_path, "two") == 3, worker_log)
        web = start(tmp_path, "web", config, web_log)
        until("the web process", logged(web_log, "serving feeds"), web_log)

        # (a) appended to the file, then SIGHUP: refreshed, served by the web process.
        write(config, listen, entry(site, "one") + entry(site, "two") + entry(site, "three"))
        worker.send_signal(signal.SIGHUP)
        until("source three", lambda: items(tmp_path, "three") == 3, worker_log)
        assert logged(worker_log, "added three")()
        assert b"Story 2 from three" in fetch(f"http://{listen}/feeds/sources/three.atom")
        web.send_signal(signal.SIGHUP)  # a web process logs it and carries on
        until("the web process's note", logged(web_log, "SIGHUP ignored: role web"), web_log)
        assert web.poll() is None

        # (b) disabled from the CLI: the worker no longer claims it, though it is due.
        done = run_feedsvc("sources", "disable", "one", "--config", str(config), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "one: disabled (audit: cli:" in done.stdout
        hits = dict(site.hits)
        query(tmp_path, "UPDATE sources SET next_check_at = '2000-01-01 00:00:00.000000'")
        until("two refreshed again", lambda: site.hits["two"] > hits["two"], worker_log)
        time.sleep(3 * TICK)
        assert site.hits["one"] == hits["one"]
        actors = query(tmp_path, "SELECT actor FROM audit WHERE action = 'source.disable'")
        assert [a for (a,) in actors if str(a).startswith("cli:")], actors

        # (c) the file changes without SIGHUP: picked up by the poll; "one" stays paused
        # since its entry did not change.
        write(config, listen, entry(site, "one") + entry(site, "two") + entry(site, "four"))
        until("source four", lambda: items(tmp_path, "four") == 3, worker_log)
        assert logged(worker_log, "added four; disabled three")()
        enabled = dict(query(tmp_path, "SELECT id, enabled FROM sources"))
        assert enabled == {"one": 0, "two": 1, "three": 0, "four": 1}
        assert items(tmp_path, "three") == 3  # disabled, never deleted with its articles

        # An invalid file changes nothing and names FILE:LINE in one line.
        before = query(tmp_path, "SELECT * FROM sources ORDER BY id")
        config.write_text(config.read_text() + "    interval: often\n", encoding="utf-8")
        until("the refusal", logged(worker_log, "sources file not reloaded"), worker_log)
        line = next(
            line
            for line in worker_log.read_text(encoding="utf-8").splitlines()
            if "sources file not reloaded" in line
        )
        assert f"{config}:" in line and "sources[2].interval" in line, line
        # A file that would disable every source is refused without serve --prune.
        write(config, listen, "  []\n")
        until("the prune refusal", logged(worker_log, "start serve with --prune"), worker_log)
        assert query(tmp_path, "SELECT * FROM sources ORDER BY id") == before
        assert worker.poll() is None
    finally:
        codes = [stop(p) for p in (worker, web) if p is not None]
    assert codes == [0] * len(codes), worker_log.read_text(encoding="utf-8")[-3000:]
