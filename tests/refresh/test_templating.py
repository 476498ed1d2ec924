"""A source learns its template through the real worker: its first article pages are
extracted generically and observed; once enough agree the template is learned (with a note
on the run) and later pages are pinned, boilerplate gone; a redesign drifts to the generic
extractor (recorded) and, after a few drifted pages, the template is learned again."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web
from refresh_site import Harness, NewsSite, harness
from templateportal import BIO, article_page

from feedsvc.extract.templated import extract_templated
from feedsvc.extract.templatelearn import learn
from feedsvc.models import FeedKey, FeedKind
from feedsvc.refresh.offload import Offloader
from feedsvc.refresh.templating import RELEARN_AFTER
from feedsvc.store.templates import LEARNED, LEARNING

SOURCE = """\
  - id: portal
    name: Portal
    url: ${base_url}/news/
    interval: 1m
    timezone: Asia/Shanghai
    allow_private_networks: true
    selectors:
      item: "ul.news-list > li"
      title: "a"
      link: "a@href"
"""


@dataclass
class Portal(NewsSite):
    layout: str = "v1"
    layouts: dict[int, str] = field(default_factory=dict)

    async def article(self, request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        layout = self.layouts.setdefault(n, self.layout)
        return web.Response(text=article_page(n, layout=layout).html, content_type="text/html")


async def _stored(h: Harness, n: int) -> tuple[str, str | None]:
    for art in await h.store.feed_entries(FeedKey(FeedKind.SOURCE, "portal"), 50):
        if art.canonical_url.endswith(f"/news/{n}.html"):
            return art.content_html, art.category
    raise AssertionError(f"article {n} not stored")


async def test_learn_pin_drift_relearn(tmp_path: Path, database_url: str) -> None:
    site = Portal(lists={"news": [1, 2]})
    no_rechecks = "  recheck_per_refresh: 0\n"  # only new pages: counts a test can state
    async with harness(
        tmp_path, SOURCE, database_url=database_url, site=site, settings=no_rechecks
    ) as h:
        assert (await h.refresh("portal")).new == 2
        state = await h.store.template_state("portal")
        assert state is not None and state.status == LEARNING and len(state.observations) == 2
        assert (await h.store.recent_runs("portal"))[0].template_note == (
            "learning the template: 2 of 3 pages observed"
        )
        content, category = await _stored(h, 1)
        assert BIO[:10] in content and category is None  # generic, misled

        site.lists["news"] = [1, 2, 3, 4]
        h.clock.advance(minutes=5)
        assert (await h.refresh("portal")).new == 2
        state = await h.store.template_state("portal")
        assert state is not None and state.status == LEARNED and state.template is not None
        assert state.pages_agreed == 4 and state.observations == ()
        note = (await h.store.recent_runs("portal"))[0].template_note
        assert note == "template learned from 4 pages (4 agreed on the body)"

        site.lists["news"] = [1, 2, 3, 4, 5, 6]
        h.clock.advance(minutes=5)
        assert (await h.refresh("portal")).new == 2
        for n in (5, 6):
            content, category = await _stored(h, n)
            assert BIO[:10] not in content and "张建国" not in content
            assert article_page(n).first_line in content
            assert category == article_page(n).category
        state = await h.store.template_state("portal")
        assert state is not None and state.pinned_pages == 2 and state.drift_pages == 0
        assert (await h.store.recent_runs("portal"))[0].template_note is None

        site.layout = "v2"  # the site's redesign
        site.lists["news"] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        h.clock.advance(minutes=5)
        assert (await h.refresh("portal")).new == RELEARN_AFTER
        note = (await h.store.recent_runs("portal"))[0].template_note
        assert note is not None
        assert note.startswith("3 of 3 pages drifted from the template (body path")
        assert note.endswith("template relearned from 3 pages (3 agreed on the body)")
        state = await h.store.template_state("portal")
        assert state is not None and state.status == LEARNED and state.drift_total == 3
        assert state.template is not None and "section.story" in state.template.body

        site.lists["news"] = [*site.lists["news"], 10]
        h.clock.advance(minutes=5)
        assert (await h.refresh("portal")).new == 1
        state = await h.store.template_state("portal")
        assert state is not None and state.pinned_pages == 3 and state.drift_pages == 0
        content, _ = await _stored(h, 10)
        assert article_page(10, layout="v2").last_line in content


def _pinned_in_process(html: str, url: str, template_json: dict[str, object]) -> bool:
    from feedsvc.extract.template import Template

    found = extract_templated(
        html,
        url,
        selectors=None,
        tz=ZoneInfo("Asia/Shanghai"),
        now=datetime(2024, 6, 1, tzinfo=UTC),
        template=Template.from_json(template_json),
    )
    return found.pinned and pickle.loads(pickle.dumps(found)) == found


async def test_a_template_crosses_into_an_extraction_process() -> None:
    observed = []
    for n in range(1, 5):
        page = article_page(n)
        found = extract_templated(
            page.html,
            page.url,
            selectors=None,
            tz=ZoneInfo("Asia/Shanghai"),
            now=datetime(2024, 6, 1, tzinfo=UTC),
            template=None,
        )
        assert found.observation is not None
        observed.append(found.observation)
    template = learn(observed)
    assert template is not None
    pool = Offloader(1)
    try:
        page = article_page(7)
        assert await pool.run(extract_templated_pinned, page.html, page.url, template)
        assert await pool.run(_pinned_in_process, page.html, page.url, template.to_json())
    finally:
        pool.close()


def extract_templated_pinned(html: str, url: str, template: object) -> bool:
    from feedsvc.extract.template import Template

    assert isinstance(template, Template)
    return extract_templated(
        html,
        url,
        selectors=None,
        tz=ZoneInfo("Asia/Shanghai"),
        now=datetime(2024, 6, 1, tzinfo=UTC),
        template=template,
    ).pinned
