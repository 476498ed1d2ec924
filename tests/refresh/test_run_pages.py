"""Each run records the HTTP status of every page it fetched (list and article pages, a
failed run's too) and how many links it found already stored and unedited."""

from __future__ import annotations

from pathlib import Path

from refresh_site import Answer, NewsSite, harness, source_yaml

from feedsvc.models import FetchStatus, PageFetch


def by_path(pages: tuple[PageFetch, ...]) -> list[tuple[str, int | None, str]]:
    return sorted((p.url.split("/", 3)[3], p.status, p.kind) for p in pages)


async def test_runs_record_page_statuses_and_unchanged(tmp_path: Path, database_url: str) -> None:
    site = NewsSite(lists={"news": [1, 2, 3]}, gone={3})
    async with harness(
        tmp_path, source_yaml("s", "${base_url}/news/"), database_url=database_url, site=site
    ) as h:
        assert (await h.refresh("s")).new == 2
        (first,) = await h.store.recent_runs("s", 5)
        assert by_path(first.pages) == [
            ("news/", 200, "list"),
            ("news/1.html", 200, "article"),
            ("news/2.html", 200, "article"),
            ("news/3.html", 404, "article"),
        ]
        assert (first.items_seen, first.new_count, first.unchanged_count) == (3, 2, 0)
        assert [d.url.rsplit("/", 1)[1] for d in first.dropped] == ["3.html"]

        site.gone.clear()
        site.lists["news"] = [1, 2, 3, 4]
        h.clock.advance(minutes=5)
        assert (await h.refresh("s")).new == 2
        second = (await h.store.recent_runs("s", 5))[0]
        assert (second.items_seen, second.new_count, second.updated_count) == (4, 2, 0)
        assert second.unchanged_count == 2  # 1 and 2: already stored, not edited
        assert ("news/4.html", 200, "article") in by_path(second.pages)

        site.answers["news"] = Answer(status=503)
        h.clock.advance(minutes=5)
        assert (await h.refresh("s")).status is FetchStatus.FAILED
        failed = (await h.store.recent_runs("s", 5))[0]
        assert failed.status is FetchStatus.FAILED
        assert by_path(failed.pages) == [("news/", 503, "list")]
        assert failed.pages[0].error is not None and "503" in failed.pages[0].error
