"""Commands that read never write; commands that sync refuse to disable every source.

Real `feedsvc` processes over a SQLite database that already holds five sources: `sources`
(any file) leaves the database byte-identical, `serve --role web` row-identical, and `serve
--role all|worker` and `refresh` refuse a file listing none of the enabled sources unless
`--prune`.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_run import free_port, run_feedsvc

from feedsvc.models import SourceConfig
from feedsvc.store import Store

PYTHON = sys.executable
IDS = [f"site-{i}" for i in range(5)]
SECRET = "s3cret-pw"


feedsvc = run_feedsvc


def source_yaml(sid: str, url: str) -> str:
    return f"  - id: {sid}\n    url: {url}\n    interval: 1h\n"


def write(folder: Path, name: str, sources: str | None, listen: str = "") -> Path:
    path = folder / name
    listen = listen or f"127.0.0.1:{free_port()}"
    text = (
        "settings:\n"
        f"  database_url: sqlite+aiosqlite:///{folder / 'feeds.db'}\n"
        f"  listen: {listen}\n"
        "  extract_workers: 0\n"
        "  connect_timeout: 2\n"
    )
    if sources is not None:
        text += "sources:\n" + sources if sources else "sources: []\n"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A database holding five enabled sources (one with a password in its URL and in its
    last error) and the sources file that lists them."""
    configs = [
        SourceConfig(id=sid, name=sid, urls=(f"http://{sid}.example.org/",), interval_seconds=3600)
        for sid in IDS
    ]
    configs[0] = SourceConfig(
        id=IDS[0],
        name=IDS[0],
        urls=(f"http://reader:{SECRET}@{IDS[0]}.example.org/",),
        interval_seconds=3600,
    )

    async def fill() -> None:
        store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'feeds.db'}", migrate=True)
        try:
            await store.sync_sources(configs, datetime(2024, 5, 1, tzinfo=UTC))
        finally:
            await store.close()

    asyncio.run(fill())
    db = sqlite3.connect(tmp_path / "feeds.db")
    with db:
        db.execute(
            "UPDATE sources SET last_error = ?, error_count = 1 WHERE id = ?",
            (f"http://reader:{SECRET}@{IDS[0]}.example.org/: connection refused", IDS[0]),
        )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every row in the main file: bytes settle
    db.close()
    write(
        tmp_path,
        "full.yaml",
        "".join(source_yaml(s, u) for s, u in zip(IDS, urls(configs), strict=True)),
    )
    return tmp_path


def urls(configs: list[SourceConfig]) -> list[str]:
    return [c.urls[0] for c in configs]


def rows(folder: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(f"file:{folder / 'feeds.db'}?mode=ro", uri=True) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def digest(folder: Path) -> str:
    return hashlib.sha256((folder / "feeds.db").read_bytes()).hexdigest()


def enabled(folder: Path) -> list[str]:
    return [sid for sid, on in sorted(rows_of(folder, "SELECT id, enabled FROM sources")) if on]


def rows_of(folder: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{folder / 'feeds.db'}?mode=ro", uri=True) as db:
        return db.execute(sql).fetchall()


def test_sources_listing_writes_nothing_whatever_the_file(folder: Path) -> None:
    files = {
        "empty list": write(folder, "empty.yaml", ""),
        "no sources key": write(folder, "settings-only.yaml", None),
        "other sources": write(
            folder, "other.yaml", source_yaml("newcomer", "http://new.example.org/")
        ),
        "the same sources": folder / "full.yaml",
    }
    before, stored = digest(folder), rows(folder)
    for name, path in files.items():
        done = feedsvc("sources", "--config", str(path), cwd=folder)
        assert done.returncode == 0, (name, done.stderr)
        assert digest(folder) == before, name
        assert rows(folder) == stored, name
        assert SECRET not in done.stdout + done.stderr, name
        if name == "the same sources":
            header, *lines = done.stdout.splitlines()
            assert header.startswith("ID ")
            # The table's rows, then notes ("ID: last error: …").
            assert [line.split()[0] for line in lines if line[0] != " "][:5] == IDS
            assert "[" not in done.stdout  # nothing would change
        else:
            for sid in IDS:
                assert (
                    f"{sid} " in done.stdout
                    and "not in the file: a sync disables it" in done.stdout
                )
            assert f"{path} lists none of the 5 enabled sources" in done.stderr
    listed = feedsvc("sources", "--config", str(files["other sources"]), cwd=folder)
    assert "newcomer" in listed.stdout and "not in the database yet" in listed.stdout
    assert "last error: http://***@site-0.example.org/" in listed.stdout


def test_sources_listing_without_a_database_creates_none(tmp_path: Path) -> None:
    path = write(tmp_path, "sources.yaml", source_yaml("a", "http://a.example.org/"))
    done = feedsvc("sources", "--config", str(path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "a " in done.stdout and "not in the database yet" in done.stdout
    assert "no database at" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources.yaml"]


def test_serve_role_web_does_not_sync(folder: Path) -> None:
    port = free_port()
    path = write(folder, "empty.yaml", "", listen=f"127.0.0.1:{port}")
    stored = rows(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDSVC_")}
    proc = subprocess.Popen(
        [PYTHON, "-m", "feedsvc", "serve", "--role", "web", "--config", str(path)],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "the web role did not start"
                time.sleep(0.2)
        feed = f"http://127.0.0.1:{port}/feeds/sources/{IDS[1]}.atom"
        with urllib.request.urlopen(feed, timeout=5) as response:
            assert response.status == 200  # served from the database as it is
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert rows(folder) == stored


@pytest.mark.parametrize(
    "command",
    [
        ["serve", "--role", "all"],
        ["serve", "--role", "worker"],
        ["serve", "--role", "all", "--workers", "2"],
        ["refresh"],
    ],
    ids=["serve-all", "serve-worker", "serve-workers-2", "refresh"],
)
@pytest.mark.parametrize("sources", ["", "newcomer"], ids=["empty-file", "other-sources"])
def test_syncing_a_file_that_disables_every_source_is_refused(
    folder: Path, command: list[str], sources: str
) -> None:
    if command == ["refresh"] and not sources:
        pytest.skip("refresh refuses a file without sources before opening anything")
    listed = source_yaml("newcomer", "http://127.0.0.1:1/") if sources else ""
    path = write(folder, "sources.yaml", listed)
    before, stored = digest(folder), rows(folder)
    done = feedsvc(*command, "--config", str(path), cwd=folder)
    assert done.returncode == 2, (done.stdout, done.stderr)
    message = f"{path}: lists none of the 5 sources enabled in the database (site-0, site-1"
    assert message in done.stderr
    assert "--prune" in done.stderr and "Traceback" not in done.stderr
    assert rows(folder) == stored
    assert digest(folder) == before


def test_prune_confirms_and_a_partial_file_needs_no_confirmation(folder: Path) -> None:
    partial = write(folder, "partial.yaml", source_yaml(IDS[1], "http://127.0.0.1:1/"))
    done = feedsvc("refresh", "--config", str(partial), cwd=folder)
    assert done.returncode in (0, 1), done.stderr  # the fetch fails offline; the sync stands
    assert enabled(folder) == [IDS[1]]

    other = write(folder, "other.yaml", source_yaml("newcomer", "http://127.0.0.1:1/"))
    refused = feedsvc("refresh", "--config", str(other), cwd=folder)
    assert refused.returncode == 2 and "lists none of the 1 sources" in refused.stderr
    assert enabled(folder) == [IDS[1]]

    pruned = feedsvc("refresh", "--prune", "--config", str(other), cwd=folder)
    assert pruned.returncode == 1, pruned.stderr  # 127.0.0.1 is refused: private network
    assert enabled(folder) == ["newcomer"]
    assert sorted(r[0] for r in rows_of(folder, "SELECT id FROM sources")) == sorted(
        [*IDS, "newcomer"]
    )
