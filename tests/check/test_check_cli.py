"""``feedsvc check`` through ``feedsvc.cli.main`` against fixture sites served in a thread.

cli.main runs its own event loop (asyncio.run), so these tests are synchronous and the
site runs on 127.0.0.1 in a background thread with a loop of its own.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiohttp import web
from sites import en_blog, gov_gbk
from sites.site_support import FixtureSite, create_site_app

from feedsvc.cli import EXIT_FAILED, EXIT_OK, main


@contextmanager
def serve_in_thread(site: FixtureSite) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(create_site_app(site))
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.SockSite(runner, sock).start())
        ready.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10), "fixture site did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


@pytest.fixture(autouse=True)
def check_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FEEDSVC_ALLOW_PRIVATE_NETWORKS", "true")
    monkeypatch.setenv("FEEDSVC_TIMEZONE", "Asia/Shanghai")
    monkeypatch.setenv("FEEDSVC_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'never.db'}")
    monkeypatch.chdir(tmp_path)


def run_check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output_shows_rule_runner_ups_selectors_and_article(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    site = gov_gbk.build()
    with serve_in_thread(site) as base:
        code, out, err = run_check(capsys, base + site.start_path)
    assert code == EXIT_OK, err
    first = site.articles[0]
    assert "rule: auto:" in out and "score " in out
    assert "runner-up candidates:" in out
    assert "selectors to pin (they reproduce this list):" in out
    assert f"next page: {base}/xxgk/gzdt/index_1.html" in out
    for article in site.articles[:10]:
        assert article.title in out
    assert f"article: {base}{first.path}" in out
    assert "2023-05-19T16:30:00+08:00" in out
    assert "category:  工作动态" in out
    assert "source:    市政府办公室" in out
    assert "provenance:" in out
    assert not list(tmp_path.glob("*.db"))  # check writes nothing


def test_json_output_has_the_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    site = en_blog.build()
    with serve_in_thread(site) as base:
        code, out, err = run_check(capsys, base + site.start_path, "--json")
    assert code == EXIT_OK, err
    result = json.loads(out)
    assert [i["url"] for i in result["items"]] == [base + p for p in site.lists[0].article_paths]
    first = site.articles[0]
    assert result["items"][0]["title"] == first.title
    assert result["items"][0]["published"] == "2023-05-18T17:45:00-04:00"
    article = result["article"]
    assert set(article) >= {
        "url",
        "title",
        "published",
        "author",
        "source",
        "category",
        "content_html",
        "content_text",
        "image",
    }
    assert article["url"] == base + first.path
    assert article["title"] == first.title
    assert article["published"] == "2023-05-18T17:45:00-04:00"
    assert article["author"] == first.author
    assert article["category"] == first.category
    assert "Officials said the decision" in article["content_text"]
    assert "Recent Posts" not in article["content_text"]
    assert isinstance(result["provenance"], dict) and result["provenance"].get("title")
    assert result["next_page_url"] == base + "/blog/page/2/"
    assert result["suggested_selectors_reproduce"] is True
    assert {"item", "title", "link"} <= set(result["suggested_selectors"])
    assert result["candidates"], "runner-up candidates are listed"


def test_suggested_selectors_pinned_on_the_command_line_give_the_same_list(
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = gov_gbk.build()
    with serve_in_thread(site) as base:
        url = base + site.start_path
        _, out, _ = run_check(capsys, url, "--json")
        auto = json.loads(out)
        pins = auto["suggested_selectors"]
        args = [f"--{k}={v}" for k, v in pins.items() if k in ("item", "title", "link", "date")]
        code, out, err = run_check(capsys, url, "--json", *args)
    assert code == EXIT_OK, err
    pinned = json.loads(out)
    assert pinned["rule"] == "selectors"
    assert [i["url"] for i in pinned["items"]] == [i["url"] for i in auto["items"]]
    assert [i["published"] for i in pinned["items"]] == [i["published"] for i in auto["items"]]


def test_saved_gbk_file_with_base_url(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    site = gov_gbk.build()
    page = site.render(site.lists[1].path)
    assert page is not None
    saved = tmp_path / "gzdt.html"
    saved.write_bytes(page.body)
    with serve_in_thread(site) as base:
        list_url = base + site.lists[1].path
        code, out, err = run_check(capsys, str(saved), "--base-url", list_url, "--json")
    assert code == EXIT_OK, err
    result = json.loads(out)
    assert [i["url"] for i in result["items"]] == [base + p for p in site.lists[1].article_paths]
    assert result["items"][0]["published"] == "2023-05-11T00:00:00+08:00"
    assert result["article"]["title"] == site.article(site.lists[1].article_paths[0]).title


def test_saved_file_without_base_url_says_what_it_guessed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    site = gov_gbk.build()
    page = site.render(site.start_path)
    assert page is not None
    saved = tmp_path / "index.html"
    saved.write_bytes(page.body)
    code, out, _ = run_check(capsys, str(saved))
    # Its links are relative: they resolve against a placeholder, the list is still found,
    # and nothing is fetched from the placeholder.
    assert code == EXIT_OK
    assert "note: no --base-url: links resolve against http://localhost/index.html" in out
    assert out.count("\n       http://localhost/gzdt/2023") == 10
    assert "not fetched: the saved page's address is a guess" in out


def test_saved_file_with_a_guessed_host_fetches_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The page links a host absolutely, so that host is the guess; it listens but must
    # never see a connection: a guess may be somebody else's real site.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    host = f"http://127.0.0.1:{listener.getsockname()[1]}"
    rows = "".join(
        f"<li><a href='{host}/news/2023-05-{day:02d}/{day}.html'>"
        f"城市新闻标题第{day}条的内容摘要</a><span>2023-05-{day:02d}</span></li>"
        for day in range(1, 11)
    )
    saved = tmp_path / "list.html"
    saved.write_text(f"<html><body><ul class='news'>{rows}</ul></body></html>", encoding="utf-8")
    try:
        code, out, _ = run_check(capsys, str(saved))
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected
    finally:
        listener.close()
    assert code == EXIT_OK
    assert f"links resolve against {host}/ (guessed)" in out
    assert out.count(f"       {host}/news/2023-05-") == 10
    assert "not fetched: the saved page's address is a guess" in out


def test_article_mode(capsys: pytest.CaptureFixture[str]) -> None:
    site = gov_gbk.build()
    article = site.articles[3]
    with serve_in_thread(site) as base:
        code, out, err = run_check(capsys, base + article.path, "--article", "--json")
    assert code == EXIT_OK, err
    result = json.loads(out)
    assert result["items"] == [] and result["list_url"] is None
    assert result["article"]["title"] == article.title  # 喆: GBK, not GB2312
    assert result["article"]["published"] == article.published.isoformat()
    assert result["article"]["source"] == "市政府办公室"


def test_unreachable_target_is_a_clear_failure(capsys: pytest.CaptureFixture[str]) -> None:
    site = gov_gbk.build()
    with serve_in_thread(site) as base:
        code, out, err = run_check(capsys, base + "/no/such/page.html")
    assert code == EXIT_FAILED
    assert out == ""
    assert "feedsvc: check" in err and "/no/such/page.html" in err and "404" in err


def test_the_zone_and_its_evidence_are_shown(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FEEDSVC_TIMEZONE")  # the setting's default: auto
    site = gov_gbk.build()
    article = site.articles[3]
    with serve_in_thread(site) as base:
        code, out, err = run_check(capsys, base + article.path, "--article", "--json")
        assert code == EXIT_OK, err
        result = json.loads(out)
        assert result["timezone"]["name"] == "Asia/Shanghai"
        assert "Chinese" in result["timezone"]["evidence"]
        assert result["article"]["published"] == article.published.isoformat()

        code, out, err = run_check(capsys, base + article.path, "--article")
        assert "times without a zone are read in Asia/Shanghai (page text in Chinese" in out

        code, out, err = run_check(
            capsys, base + article.path, "--article", "--json", "--timezone", "UTC"
        )
        result = json.loads(out)
        assert result["timezone"] == {"name": "UTC", "evidence": "the source's timezone"}
        naive = article.published.replace(tzinfo=None)
        assert result["article"]["published"] == naive.isoformat() + "+00:00"


def test_an_unknown_timezone_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_check(capsys, "http://127.0.0.1:9/", "--timezone", "Mars/Olympus")
    assert code == 2 and out == ""
    assert "unknown time zone 'Mars/Olympus'" in err


def _sources_file(tmp_path: Path, base: str, site: FixtureSite, extra: str = "") -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        f"  - id: gov\n    name: Gov\n    url: {base}{site.start_path}\n"
        "    interval: 15m\n    timezone: UTC\n    category: 政务\n" + extra,
        encoding="utf-8",
    )
    return path


def test_check_source_runs_with_the_sources_own_settings(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Only the source opts in to private networks: check must use its opt-in, its zone
    # (UTC, not the page's Chinese evidence) and its category, as a refresh would.
    monkeypatch.setenv("FEEDSVC_ALLOW_PRIVATE_NETWORKS", "false")
    monkeypatch.delenv("FEEDSVC_TIMEZONE")
    site = gov_gbk.build()
    with serve_in_thread(site) as base:
        config = _sources_file(tmp_path, base, site, "    allow_private_networks: true\n")
        code, out, err = run_check(capsys, "--config", str(config), "--source", "gov", "--json")
    assert code == EXIT_OK, err
    result = json.loads(out)
    assert result["list_url"] == base + site.start_path
    assert result["timezone"] == {"name": "UTC", "evidence": "the source's timezone"}
    assert result["article"]["category"] == "政务"
    first = site.article(result["items"][0]["url"].removeprefix(base))
    naive = first.published.replace(tzinfo=None)
    assert result["article"]["published"] == naive.isoformat() + "+00:00"


def test_check_source_keeps_the_guard_of_a_source_without_the_opt_in(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FEEDSVC_ALLOW_PRIVATE_NETWORKS", "false")
    site = gov_gbk.build()
    with serve_in_thread(site) as base:
        config = _sources_file(tmp_path, base, site)
        code, out, err = run_check(capsys, "--config", str(config), "--source", "gov")
    assert code == EXIT_FAILED and out == ""
    assert "private" in err or "blocked" in err.lower(), err


def test_check_unknown_source_names_the_known_ones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = _sources_file(tmp_path, "http://127.0.0.1:9", gov_gbk.build())
    code, out, err = run_check(capsys, "--config", str(config), "--source", "nope")
    assert code == 2 and out == ""
    assert "no source 'nope'" in err and "known: gov" in err
