"""A source's page in the console: its runs with every page's HTTP status, the
unchanged and re-checked counts, and which runs were manual."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from admin_support import sign_in
from api.api_support import WRITE, ApiHarness, auth

from feedsvc.adminmodels import SourceChange

SOURCES = "/api/v1/sources"


async def _scheduled_refresh(harness: ApiHarness, source_id: str) -> None:
    """Make the source due and let the scheduler's tick refresh it (not a manual refresh)."""
    due = SourceChange("test.due", "test", datetime.now(UTC), run_now=True)
    await harness.store.change_source(source_id, due)
    assert await harness.scheduler.tick() == 1
    await harness.scheduler.wait_idle()


async def test_runs_show_page_statuses_and_unchanged(harness: ApiHarness) -> None:
    await harness.create()
    refresh = "/api/v1/sources/caijing/refresh"
    assert (await harness.client.post(refresh, headers=auth())).status == 200
    await _scheduled_refresh(harness, "caijing")
    runs = (await (await harness.client.get(f"{SOURCES}/caijing/runs", headers=auth())).json())[
        "runs"
    ]
    assert [r["manual"] for r in runs] == [False, True]
    assert runs[0]["pages"][0]["status"] == 304  # the list page had not changed
    assert runs[0]["found"] == 0 and runs[0]["unchanged"] == 0

    # New selectors forget the list page's validators: the next run reads it in full and
    # finds the first run's articles again, stored and unedited.
    selectors = {**harness.source_body()["selectors"], "date": "span.date, time"}
    etag = (await harness.client.get(f"{SOURCES}/caijing", headers=auth())).headers["ETag"]
    patched = await harness.client.patch(
        f"{SOURCES}/caijing",
        json={"selectors": selectors},
        headers={**auth(), "If-Match": etag, "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status == 200, await patched.text()
    await _scheduled_refresh(harness, "caijing")
    runs = (await (await harness.client.get(f"{SOURCES}/caijing/runs", headers=auth())).json())[
        "runs"
    ]
    assert runs[0]["pages"][0]["status"] == 200
    assert runs[0]["new"] == 0 and runs[0]["unchanged"] == runs[0]["found"] > 0
    await sign_in(harness.client, WRITE)
    html = await (await harness.client.get("/admin/sources/caijing")).text()
    assert "<th>Unchanged</th>" in html and "<th>Re-checked</th>" in html
    assert html.count('<span class="badge pending">manual</span>') == 1  # the first run
    assert f"<td>{runs[0]['unchanged']}</td>" in html
    first_list = runs[0]["pages"][0]
    assert first_list["kind"] == "list"
    row = re.search(
        r'<li class="page"><span class="status[^"]*">(\d+)</span> list <code>([^<]+)</code>', html
    )
    assert row is not None, html[-3000:]
    assert (int(row.group(1)), row.group(2)) == (first_list["status"], first_list["url"])


async def test_the_source_page_shows_its_learned_template(harness: ApiHarness) -> None:
    await harness.create()
    await sign_in(harness.client, WRITE)
    html = await (await harness.client.get("/admin/sources/caijing")).text()
    assert "Not learned yet: 0 of 3 pages observed." in html
    assert (await harness.client.post("/api/v1/sources/caijing/refresh", headers=auth())).ok
    learned = await (await harness.client.get(f"{SOURCES}/caijing/template", headers=auth())).json()
    html = await (await harness.client.get("/admin/sources/caijing")).text()
    assert f"Learned from {learned['pages_observed']} pages" in html
    body = next(p for p in learned["parts"] if p["part"] == "body")
    assert f"<td>body</td><td><code>{body['path']}</code></td><td>{body['pages']}</td>" in html
    assert "template learned from" in html  # the run's note
    zh = await (
        await harness.client.get("/admin/sources/caijing", headers={"Accept-Language": "zh"})
    ).text()
    assert "页面模板" in zh and "已学会" in zh
