"""A manual refresh picks up an article edited after it was stored (issue 12, finding 5),
in real processes over one SQLite file and a fake site on 127.0.0.1: `feedsvc refresh`
(all sources, or one), and the admin API's refresh on a `serve --role web` process, which
stores the request for a separate `serve --role worker` process to serve."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_run import free_port, run_feedsvc
from edit_site import EditSite, serving
from test_live_api_sources import TOKEN, api
from test_live_sources import items, logged, query, start, stop, until, write

EDITED = "更正：这是修改后的正文，记者补充了新的采访内容，原文中的数字有误，现已更正为正确数字。"


@pytest.fixture
def edit_site() -> Iterator[EditSite]:
    with serving([1, 2, 3]) as s:
        yield s


def _entry(site: EditSite) -> str:
    return (
        "  - id: edits\n"
        f"    url: {site.list_url}\n"
        "    interval: 1h\n"
        "    timezone: Asia/Shanghai\n"
        "    allow_private_networks: true\n"
        "    selectors: {item: 'ul.news-list > li', title: a, link: 'a@href',"
        " date: span.date, content: div.content}\n"
    )


def _content(folder: Path, n: int) -> str:
    (row,) = query(
        folder, "SELECT content_html FROM articles WHERE canonical_url LIKE ?", f"%/{n}.html"
    )
    return str(row[0])


def test_feedsvc_refresh_picks_up_an_edit(tmp_path: Path, edit_site: EditSite) -> None:
    config = tmp_path / "sources.yaml"
    write(config, f"127.0.0.1:{free_port()}", _entry(edit_site))
    first = run_feedsvc("refresh", "--config", str(config), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "edits: ok, 3 links, 3 new, 0 updated, 0 re-checked in " in first.stdout

    edit_site.edit(2, EDITED)
    # As a worker's tick (cron): the list answers 304, no article is due for a re-check.
    scheduled = run_feedsvc("refresh", "--scheduled", "--config", str(config), cwd=tmp_path)
    assert scheduled.returncode == 0, scheduled.stderr
    assert "edits: not_modified, 0 links, 0 new, 0 updated, 0 re-checked" in scheduled.stdout
    assert "(manual)" not in scheduled.stdout
    assert EDITED not in _content(tmp_path, 2)

    again = run_feedsvc("refresh", "--config", str(config), "--source", "edits", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    line = again.stdout.splitlines()[0]
    assert line.startswith("edits: ok, 3 links, 0 new, 1 updated, 3 re-checked in "), line
    assert line.endswith("(manual)"), line
    assert again.stdout.splitlines()[-1].endswith("0 new, 1 updated articles, 3 re-checked")
    assert EDITED in _content(tmp_path, 2)
    assert {n: edit_site.not_modified[edit_site.path(n)] for n in (1, 2, 3)} == {1: 1, 2: 0, 3: 1}
    runs = query(
        tmp_path, "SELECT manual, rechecked_count, updated_count FROM fetch_runs ORDER BY id"
    )
    assert runs == [(1, 0, 0), (0, 0, 0), (1, 3, 1)]
    (updated, first_seen) = query(
        tmp_path, "SELECT updated, first_seen FROM articles WHERE canonical_url LIKE '%/2.html'"
    )[0]
    assert str(updated) > str(first_seen)


def test_the_web_process_refresh_is_served_manual_by_the_worker(
    tmp_path: Path, edit_site: EditSite
) -> None:
    config = tmp_path / "sources.yaml"
    listen = f"127.0.0.1:{free_port()}"
    settings = f"  admin_tokens: ops:write:{TOKEN}\n"
    write(config, listen, _entry(edit_site), settings)
    worker_log, web_log = tmp_path / "worker.log", tmp_path / "web.log"
    worker = start(tmp_path, "worker", config, worker_log)
    web: subprocess.Popen[bytes] | None = None
    try:
        until("the first refresh", lambda: items(tmp_path, "edits") == 3, worker_log)
        web = start(tmp_path, "web", config, web_log)
        until("the web process", logged(web_log, "serving feeds"), web_log)

        edit_site.edit(3, EDITED)
        status, body = api(listen, "POST", "/sources/edits/refresh")
        assert status == 202 and body["status"] == "queued", body
        until("the edit stored", lambda: EDITED in _content(tmp_path, 3), worker_log)
        status, runs = api(listen, "GET", "/sources/edits/runs")
        latest = runs["runs"][0]
        assert (latest["manual"], latest["updated"], latest["rechecked"]) == (True, 1, 3), latest
        assert runs["runs"][-1]["manual"] is False  # the worker's first, scheduled refresh
        pending = query(tmp_path, "SELECT refresh_requested_at FROM sources WHERE id = 'edits'")
        assert pending == [(None,)]
    finally:
        codes = [stop(p) for p in (worker, web) if p is not None]
    assert codes == [0] * len(codes), worker_log.read_text(encoding="utf-8")[-3000:]
