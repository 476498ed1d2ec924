"""feedparser, the library most Python aggregators use, against a running feedsvc."""

from __future__ import annotations

from typing import Any

import feedparser
from client_expectations import duplicates, expected_titles, feeds_showing
from live import LiveDeployment


def poll(live: LiveDeployment, path: str, previous: Any = None) -> Any:
    if previous is None:
        return feedparser.parse(live.base_url + path)
    return feedparser.parse(
        live.base_url + path,
        etag=previous.get("etag"),
        modified=previous.get("modified"),
    )


def test_feedparser_reads_revalidates_and_sees_a_new_article(live: LiveDeployment) -> None:
    truth = live.ground_truth()
    expected = expected_titles(truth)
    first: dict[str, Any] = {}
    for path, titles in expected.items():
        parsed = poll(live, path)
        assert parsed.status == 200, path
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        got = [e.title for e in parsed.entries]
        # Exact titles: Chinese text, the & title and the GBK-only character survive.
        assert sorted(got) == sorted(titles), path
        assert not duplicates([e.id for e in parsed.entries]), path
        assert parsed.etag and parsed.modified, path
        first[path] = parsed
    latest_ids = {e.link: e.id for e in first["/feeds/latest.atom"].entries}
    for parsed in first.values():
        for entry in parsed.entries:
            assert latest_ids[entry.link] == entry.id  # one article, one id, in every feed

    mark = len(live.access_log())
    for path, parsed in first.items():
        again = poll(live, path, parsed)
        assert again.status == 304, path
        assert not again.entries
    revalidations = live.wait_access_log(mark + len(first))[mark:]
    assert len(revalidations) == len(first)
    for record in revalidations:
        assert record.status == 304, record
        assert record.if_none_match != "-" or record.if_modified_since != "-", record

    new = live.publish("tiyu")
    live.refresh()
    changed = feeds_showing(truth, "tiyu")
    for path, parsed in first.items():
        after = poll(live, path, parsed)
        if path not in changed:
            assert after.status == 304, path
            continue
        assert after.status == 200, path
        titles = [e.title for e in after.entries]
        ids = [e.id for e in after.entries]
        assert titles.count(str(new["title"])) == 1, path
        assert not duplicates(ids), path
        old_ids = {e.id for e in parsed.entries}
        assert old_ids <= set(ids), path  # nothing re-identified: readers see one new item
        assert len(set(ids) - old_ids) == 1, path
        assert after.entries[0].title == new["title"], path
