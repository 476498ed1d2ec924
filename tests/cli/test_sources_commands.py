"""`feedsvc sources list|export|import|enable|disable|refresh` through the real CLI (SQLite).

Reads write nothing; every write prints what it wrote and leaves an audit row by
``cli:<user>``; a bad file or id changes nothing and says what and where.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from cli_run import PYTHON, run_feedsvc
from news_site import Site

feedsvc = run_feedsvc


def sources_file(folder: Path, name: str, sources: str) -> Path:
    path = folder / name
    path.write_text(
        "settings:\n"
        f"  database_url: sqlite+aiosqlite:///{folder / 'feeds.db'}\n"
        "  extract_workers: 0\n"
        "  obey_robots_txt: false\n"
        "  connect_timeout: 2\n"
        "sources:\n" + sources,
        encoding="utf-8",
    )
    return path


TWO = (
    "  - id: a\n    url: http://a.example.org/\n    category: 财经\n"
    "  - id: b\n    url: http://b.example.org/\n    interval: 1h\n    enabled: false\n"
)


def rows(folder: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{folder / 'feeds.db'}?mode=ro", uri=True) as db:
        return db.execute(sql).fetchall()


def test_import_list_export_round_trip(tmp_path: Path) -> None:
    path = sources_file(tmp_path, "sources.yaml", TWO)
    bad = sources_file(tmp_path, "bad.yaml", TWO.replace("interval: 1h", "interval: often"))
    refused = feedsvc("sources", "import", str(bad), cwd=tmp_path)
    assert refused.returncode == 2, refused.stdout
    assert f"{bad}:12: sources[1].interval:" in refused.stderr
    dry = feedsvc("sources", "import", str(path), "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[:2] == ["would add a", "would add b"]
    assert "nothing written" in dry.stdout
    assert not (tmp_path / "feeds.db").exists()  # neither command wrote anything

    done = feedsvc("sources", "import", str(path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == ["added a", "added b"]
    assert f"imported {path}: added a, b (audit: cli:" in done.stdout
    audit = rows(tmp_path, "SELECT actor, action, target FROM audit ORDER BY id")
    assert [(a[:4], act, t) for a, act, t in audit] == [  # type: ignore[index]
        ("cli:", "source.sync", "source:a"),
        ("cli:", "source.sync", "source:b"),
    ]

    listed = feedsvc("sources", "list", "--config", str(path), cwd=tmp_path)
    header, a, b = listed.stdout.splitlines()
    assert header.split() == [
        "ID", "ENABLED", "MANAGED", "CATEGORY", "INTERVAL", "LAST", "SUCCESS", "FAILURES",
        "NEXT", "RUN", "ITEMS",
    ]  # fmt: skip
    assert a.split()[:5] == ["a", "yes", "file", "财经", "15m"] and a.split()[-1] == "0"
    assert b.split()[:5] == ["b", "no", "file", "-", "1h"]
    as_json = json.loads(feedsvc("sources", "--json", "--config", str(path), cwd=tmp_path).stdout)
    assert [(s["id"], s["enabled"]) for s in as_json["sources"]] == [("a", True), ("b", False)]

    out = tmp_path / "exported.yaml"
    exported = feedsvc(
        "sources", "export", "--config", str(path), "--output", str(out), cwd=tmp_path
    )
    assert exported.stdout.strip() == f"wrote 2 sources to {out}"
    check = run_check(out, tmp_path)
    assert check.returncode == 0 and f"{out}: OK, 2 sources" in check.stdout, check.stderr
    again = feedsvc("sources", "import", str(out), "--config", str(path), cwd=tmp_path)
    assert f"imported {out}: no changes" in again.stdout, again.stderr

    edited = sources_file(tmp_path, "edited.yaml", TWO.replace("interval: 1h", "interval: 2h"))
    diff = feedsvc("sources", "import", str(edited), "--dry-run", cwd=tmp_path)
    assert "would change b: interval 3600 -> 7200" in diff.stdout, diff.stderr
    assert rows(tmp_path, "SELECT interval_seconds FROM sources WHERE id = 'b'") == [(3600,)]
    assert len(rows(tmp_path, "SELECT * FROM audit")) == 2


def run_check(path: Path, cwd: Path) -> object:
    import subprocess

    return subprocess.run(
        [PYTHON, "-m", "feedsvc.config", "--check", str(path)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_enable_disable_and_refresh_one_source(tmp_path: Path, site: Site) -> None:
    one = (
        f"  - id: one\n    url: {site.url('one')}\n    full_text: false\n"
        "    allow_private_networks: true\n"
        "    selectors: {item: 'ul.news li', title: a, link: a}\n"
    )
    path = sources_file(tmp_path, "sources.yaml", one)
    assert feedsvc("sources", "import", str(path), cwd=tmp_path).returncode == 0

    refreshed = feedsvc("sources", "refresh", "one", "--config", str(path), cwd=tmp_path)
    assert refreshed.returncode == 0, refreshed.stderr
    assert "one: ok, 3 links, 3 new" in refreshed.stdout and site.hits["one"] == 1

    off = feedsvc("sources", "disable", "one", "--config", str(path), cwd=tmp_path)
    assert off.stdout.startswith("one: disabled (audit: cli:"), off.stderr
    assert "file-managed" in off.stdout
    assert rows(tmp_path, "SELECT enabled FROM sources") == [(0,)]
    again = feedsvc("sources", "disable", "one", "--config", str(path), cwd=tmp_path)
    assert again.stdout.strip() == "one: already disabled; nothing written"
    on = feedsvc("sources", "enable", "one", "--config", str(path), cwd=tmp_path)
    assert on.stdout.startswith("one: enabled (audit: cli:")
    assert rows(tmp_path, "SELECT enabled FROM sources") == [(1,)]
    actions = rows(tmp_path, "SELECT action FROM audit WHERE actor LIKE 'cli:%' ORDER BY id")
    assert [a for (a,) in actions] == [
        "source.sync",
        "source.refresh",
        "source.disable",
        "source.enable",
    ]

    for command in ("enable", "disable", "refresh"):
        unknown = feedsvc("sources", command, "nope", "--config", str(path), cwd=tmp_path)
        assert unknown.returncode == 2 and "no source 'nope'" in unknown.stderr
    assert site.hits["one"] == 1
    assert len(rows(tmp_path, "SELECT * FROM audit")) == 4
