"""The Grafana dashboard queries only metrics that exist, and docs/metrics.md describes
every metric the service exposes."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from metrics_support import samples
from pipeline_support import Pipeline
from prometheus_client.parser import text_string_to_metric_families

from feedsvc.web import create_app

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "feedsvc.json"
DOC = ROOT / "docs" / "metrics.md"
METRIC_NAME = re.compile(r"\bfeedsvc_[a-z_]+")


async def exposition_after_some_work(p: Pipeline) -> str:
    await p.refresh()
    settings = dataclasses.replace(p.config.settings, metrics=True)
    app = create_app(settings, reader=p.store, source_states=p.store.list_sources)
    client: TestClient[Any, Any] = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        first = await client.get("/feeds/latest.atom")
        await client.get("/feeds/latest.atom", headers={"If-None-Match": first.headers["ETag"]})
        return await (await client.get("/metrics")).text()
    finally:
        await client.close()


def dashboard_expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]


async def test_every_metric_the_dashboard_queries_is_exposed(pipeline: Pipeline) -> None:
    exposed = set(samples(await exposition_after_some_work(pipeline)))
    queried = {name for expr in dashboard_expressions() for name in METRIC_NAME.findall(expr)}
    assert queried, "the dashboard queries no feedsvc metric"
    assert queried <= exposed, sorted(queried - exposed)


async def test_docs_describe_every_exposed_metric(pipeline: Pipeline) -> None:
    text = await exposition_after_some_work(pipeline)
    families = {f.name for f in text_string_to_metric_families(text)}
    families = {name for name in families if name.startswith("feedsvc_")}
    doc = DOC.read_text(encoding="utf-8")
    # Counters are documented under their exposed name (with _total).
    documented = set(METRIC_NAME.findall(doc))
    exposed = {name + "_total" if name + "_total" in documented else name for name in families}
    assert exposed <= documented, sorted(exposed - documented)
