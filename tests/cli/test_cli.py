"""The `feedsvc` command as a user runs it: real processes, a real demo portal on 127.0.0.1."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_run import free_port, run_feedsvc

from feedsvc.demo.sources import demo_sources_yaml

PYTHON = sys.executable


feedsvc = run_feedsvc


def wait_for(url: str, deadline: float = 15.0) -> None:
    end = time.monotonic() + deadline
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.1)


@pytest.fixture(scope="module")
def portal() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "feedsvc.demo.portal",
            "--port",
            str(port),
            "--publish-every",
            "3600",
            "--edit-every",
            "3600",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def write_sources(tmp_path: Path, portal: str, extra: str = "") -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        "settings:\n"
        f"  database_url: sqlite+aiosqlite:///{tmp_path / 'feeds.db'}\n"
        "  timezone: Asia/Shanghai\n"
        "  extract_workers: 0\n" + demo_sources_yaml(portal) + extra,
        encoding="utf-8",
    )
    return path


SIDS = ("demo-caijing", "demo-shehui", "demo-wenhua", "demo-tiyu")


def test_refresh_prints_a_line_per_source_and_a_summary(tmp_path: Path, portal: str) -> None:
    config = write_sources(tmp_path, portal)
    done = feedsvc("refresh", "--config", str(config), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    for sid in SIDS:
        assert any(line.startswith(f"{sid}: ok, 12 links, 12 new") for line in lines), lines
    assert (
        lines[-1]
        == "4 sources: 4 ok, 0 failed, 0 skipped; 48 new, 0 updated articles, 0 re-checked"
    )

    again = feedsvc("refresh", "--config", str(config), "--source", "demo-tiyu", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    # A manual refresh: the list in full, its 12 known articles re-checked (conditional
    # GETs: the portal answers 304), nothing new or edited.
    assert "demo-tiyu: ok, 12 links, 0 new, 0 updated, 12 re-checked in " in again.stdout
    assert again.stdout.splitlines()[0].endswith("(manual)"), again.stdout

    listed = feedsvc("sources", "--config", str(config), cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    header, *lines = listed.stdout.splitlines()
    assert header.split()[:4] == ["ID", "ENABLED", "MANAGED", "CATEGORY"]
    rows = [line.split()[:3] for line in lines if not line.split()[0].endswith(":")]  # notes
    assert rows == [[sid, "yes", "file"] for sid in sorted(SIDS)]
    as_json = feedsvc("sources", "list", "--json", "--config", str(config), cwd=tmp_path)
    health = [s["health"] for s in json.loads(as_json.stdout)["sources"]]
    assert [(h["consecutive_failures"], h["items"]) for h in health] == [(0, 12)] * 4


def test_refresh_fails_when_every_source_fails(tmp_path: Path) -> None:
    dead = free_port()  # nothing listens there
    config = tmp_path / "sources.yaml"
    config.write_text(
        "settings:\n"
        f"  database_url: sqlite+aiosqlite:///{tmp_path / 'feeds.db'}\n"
        "  connect_timeout: 2\n"
        "sources:\n"
        "  - id: dead\n"
        f"    url: http://127.0.0.1:{dead}/news/\n"
        "    allow_private_networks: true\n",
        encoding="utf-8",
    )
    done = feedsvc("refresh", "--config", str(config), cwd=tmp_path)
    assert done.returncode == 1
    assert "dead: FAILED" in done.stdout and f"127.0.0.1:{dead}" in done.stdout


def test_private_addresses_are_refused_unless_allowed(tmp_path: Path, portal: str) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text(
        "settings:\n"
        f"  database_url: sqlite+aiosqlite:///{tmp_path / 'feeds.db'}\n"
        "sources:\n"
        "  - id: local\n"
        f"    url: {portal}/caijing/\n",
        encoding="utf-8",
    )
    done = feedsvc("refresh", "--config", str(config), cwd=tmp_path)
    assert done.returncode == 1
    assert "local: FAILED" in done.stdout and "127.0.0.1" in done.stdout


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (
            "sources:\n  - id: Bad_Id\n    url: http://example.org/\n",
            "sources.yaml:4: sources[0].id",
        ),
        (
            "sources:\n  - id: a\n    url: http://example.org/\n    interval: 5s\n",
            "sources.yaml:6: sources[0].interval",
        ),
        ("sources: [\n", "sources.yaml:"),
    ],
)
def test_bad_config_exits_2_and_writes_nothing(
    tmp_path: Path, yaml_text: str, expected: str
) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text(
        f"settings:\n  database_url: sqlite+aiosqlite:///{tmp_path / 'feeds.db'}\n" + yaml_text
        if not yaml_text.startswith("sources: [")
        else yaml_text,
        encoding="utf-8",
    )
    for command in ("refresh", "serve", "migrate", "sources"):
        done = feedsvc(command, "--config", str(config), cwd=tmp_path)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert expected in done.stderr, done.stderr
    assert not (tmp_path / "feeds.db").exists()
    assert not (tmp_path / "var").exists()


def test_migrate_then_check_json(tmp_path: Path, portal: str) -> None:
    env = {"FEEDSVC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"}
    migrated = feedsvc("migrate", cwd=tmp_path, env=env)
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "m.db").exists()

    checked = feedsvc(
        "check",
        f"{portal}/caijing/",
        "--json",
        cwd=tmp_path,
        env={"FEEDSVC_ALLOW_PRIVATE_NETWORKS": "true", "FEEDSVC_TIMEZONE": "Asia/Shanghai"},
    )
    assert checked.returncode == 0, checked.stderr
    result = json.loads(checked.stdout)
    assert len(result["items"]) == 12
    article = result["article"]
    assert article["title"] == result["items"][0]["title"]
    assert article["published"].endswith("+08:00") or article["published"].endswith("+00:00")
    assert article["category"] == "财经"
    assert "相关阅读" not in article["content_text"]
    assert not list(tmp_path.glob("var"))  # check writes nothing


def test_demo_serves_populated_feeds_and_stops_cleanly(tmp_path: Path) -> None:
    port, portal_port = free_port(), free_port()
    proc = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "feedsvc",
            "demo",
            "--port",
            str(port),
            "--portal-port",
            str(portal_port),
            "--data-dir",
            str(tmp_path / "demo"),
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 30
        lines: list[str] = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if line.startswith("feeds populated"):
                break
        assert lines[-1].startswith("feeds populated"), lines
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/feeds/latest.atom", timeout=5) as r:
            body = r.read()
        from atom_validation import assert_valid_atom

        root = assert_valid_atom(body)
        assert len(root.findall("{http://www.w3.org/2005/Atom}entry")) == 48
        assert any("/feeds/categories/%E8%B4%A2%E7%BB%8F.atom" in line for line in lines)
        # the console's URL and a demo write token, which the admin API accepts
        admin = next(line for line in lines if line.startswith("admin:"))
        assert f"http://127.0.0.1:{port}/admin/" in admin
        token = admin.rsplit("token: ", 1)[1].rstrip(")\n")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/sources",
            headers={"Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=5) as r:
            assert len(json.loads(r.read())["sources"]) == 4
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/signin", timeout=5) as r:
            assert "Content-Security-Policy" in r.headers
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
