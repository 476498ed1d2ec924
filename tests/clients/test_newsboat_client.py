"""newsboat, a widely used terminal reader, against a running feedsvc.

Each feed gets its own newsboat cache: newsboat keeps one copy of an item per GUID, so in
a shared cache an article would be filed under whichever of its feeds loaded first.
``-x reload`` makes newsboat fetch every feed and exit without a terminal UI.

newsboat 2.21 saves a feed's ETag/Last-Modified with an UPDATE of the feed's row, which
does not exist yet during the first download; its second poll is therefore still
unconditional and the third is the first that revalidates. The test accepts an
unconditional second poll (a newer newsboat may fix this) but requires every conditional
one to get 304.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from client_expectations import duplicates, expected_titles, feeds_showing
from live import AccessRecord, LiveDeployment

NEWSBOAT_SECONDS = 60
CONFIG = "reload-threads 1\ndownload-retries 1\ndownload-timeout 30\nshow-read-feeds yes\n"


class Newsboat:
    def __init__(self, binary: str, workdir: Path, feeds: dict[str, str]) -> None:
        self.binary = binary
        self.workdir = workdir
        self.feeds = feeds  # path → URL
        self.config = workdir / "config"
        self.config.write_text(CONFIG, encoding="utf-8")
        self.env = {
            **os.environ,
            "HOME": str(workdir),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TERM": "dumb",
        }

    def _files(self, index: int) -> tuple[Path, Path]:
        return self.workdir / f"urls-{index}", self.workdir / f"cache-{index}.db"

    def reload_all(self) -> None:
        """``newsboat -x reload`` for every feed at once, each with its own cache."""
        running = []
        for index, url in enumerate(self.feeds.values()):
            urls, cache = self._files(index)
            urls.write_text(url + "\n", encoding="utf-8")
            argv = [self.binary, "-u", str(urls), "-c", str(cache), "-C", str(self.config)]
            running.append(
                subprocess.Popen(
                    [*argv, "-x", "reload"],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    env=self.env,
                )
            )
        for process in running:
            out, _ = process.communicate(timeout=NEWSBOAT_SECONDS)
            assert process.returncode == 0, out.decode(errors="replace")

    def items(self) -> dict[str, list[tuple[str, str]]]:
        """Feed path → (guid, title) of every item newsboat stored for it."""
        found = {}
        for index, (path, url) in enumerate(self.feeds.items()):
            _, cache = self._files(index)
            with sqlite3.connect(cache) as db:
                rows = db.execute(
                    "SELECT guid, title FROM rss_item WHERE feedurl = ? AND deleted = 0", (url,)
                ).fetchall()
            found[path] = [(str(guid), str(title)) for guid, title in rows]
        return found


def feed_requests(records: list[AccessRecord]) -> list[AccessRecord]:
    return [r for r in records if r.target.startswith("/feeds/")]


def poll(live: LiveDeployment, newsboat: Newsboat) -> list[AccessRecord]:
    """One reload of every feed; the feed server's log lines for it."""
    mark = len(live.access_log())
    newsboat.reload_all()
    records = live.wait_access_log(mark + len(newsboat.feeds))[mark:]
    requests = feed_requests(records)
    # Feed paths are percent-encoded, as the access log shows request targets.
    assert sorted(r.target for r in requests) == sorted(newsboat.feeds), requests
    return requests


def conditional(record: AccessRecord) -> bool:
    return record.if_none_match != "-" or record.if_modified_since != "-"


def test_newsboat_reads_revalidates_and_sees_a_new_article(
    newsboat: str, live: LiveDeployment, tmp_path: Path
) -> None:
    truth = live.ground_truth()
    expected = expected_titles(truth)
    workdir = tmp_path / "newsboat"
    workdir.mkdir()
    reader = Newsboat(newsboat, workdir, {p: live.base_url + p for p in expected})

    first = poll(live, reader)
    assert all(r.status == 200 for r in first), first
    items = reader.items()
    for path, titles in expected.items():
        got = items[path]
        # Exact titles: Chinese text, the & title and the GBK-only character survive.
        assert sorted(t for _, t in got) == sorted(titles), path
        assert not duplicates([g for g, _ in got]), path

    # Until it has validators newsboat polls unconditionally; once it does, always 304.
    second = poll(live, reader)
    for record in second:
        assert record.status == (304 if conditional(record) else 200), record
    third = poll(live, reader)
    for record in third:
        assert conditional(record), record
        assert record.status == 304, record
    assert reader.items() == items  # a 304 changes nothing

    new = live.publish("shehui")
    live.refresh()
    after = poll(live, reader)
    changed = feeds_showing(truth, "shehui")
    for record in after:
        assert conditional(record), record
        assert record.status == (200 if record.target in changed else 304), record
    items_after = reader.items()
    for path, before in items.items():
        got = items_after[path]
        assert not duplicates([g for g, _ in got]), path
        if path not in changed:
            assert got == before, path
            continue
        added = set(got) - set(before)
        assert [t for _, t in added] == [new["title"]], path
        assert set(before) <= set(got), path  # the old items keep their GUIDs
