"""``GET /metrics`` (Prometheus text format) and the request counter, both only when the
``metrics`` setting is on; with ``admin_tokens`` set, a bearer token from it is required
(any scope: reading metrics needs only ``read``).

The exposition sums every process of the deployment when prometheus-client runs in
multiprocess mode (feedsvc/metrics/directory.py), else reads this process's registry.
Per-source gauges come from the database at scrape time rather than from the processes
that refreshed: they are right whichever process (or machine) refreshed the source, and
survive restarts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence

from aiohttp import hdrs, web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from feedsvc.admintokens import parse_admin_tokens
from feedsvc.metrics.instruments import current, multiprocess_directory
from feedsvc.models import SourceState
from feedsvc.web.admin.context import BASE as CONSOLE
from feedsvc.web.api.auth import match_token
from feedsvc.web.api.views import PREFIX
from feedsvc.web.keys import SETTINGS_KEY
from feedsvc.web.responses import text_response

log = logging.getLogger(__name__)

SourceStates = Callable[[], Awaitable[Sequence[SourceState]]]
SOURCES_KEY: web.AppKey[SourceStates] = web.AppKey("metrics_source_states")
CHALLENGE = 'Bearer realm="feedsvc metrics"'

# Route name → class; under /api/v1 "api", under the console's /admin "admin" (with the
# operator's probes and /metrics), anything unmatched "other".
ROUTE_CLASSES = {
    "latest_feed": "latest",
    "category_feed": "category",
    "source_feed": "source",
    "index": "index",
    "opml": "opml",
    "healthz": "admin",
    "readyz": "admin",
    "metrics": "admin",
}


def route_class(request: web.BaseRequest) -> str:
    info = getattr(request, "match_info", None)
    name = info.route.name if info is not None else None
    if name is not None and name in ROUTE_CLASSES:
        return ROUTE_CLASSES[name]
    path = request.path
    if path.startswith(PREFIX + "/") or path == PREFIX:
        return "api"
    if path.startswith(CONSOLE + "/") or path == CONSOLE:
        return "admin"
    return "other"


def request_counter() -> Callable[[web.Request, int], None]:
    """Count one answered request; label children are looked up once per (class, status)."""
    requests = current().http_requests
    children: dict[tuple[str, int], Callable[[], None]] = {}

    def count(request: web.Request, status: int) -> None:
        key = (route_class(request), status)
        inc = children.get(key)
        if inc is None:
            inc = children[key] = requests.labels(key[0], str(status)).inc
        inc()

    return count


def metrics_middleware() -> Callable[..., Awaitable[web.StreamResponse]]:
    count = request_counter()

    @web.middleware
    async def counting(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            count(request, exc.status)
            raise
        except Exception:
            count(request, 500)
            raise
        count(request, response.status)
        return response

    return counting


def add_metrics(app: web.Application, source_states: SourceStates | None) -> None:
    """Serve /metrics and count requests on ``app`` (nothing unless ``metrics`` is on)."""
    if not app[SETTINGS_KEY].metrics:
        return
    if source_states is not None:
        app[SOURCES_KEY] = source_states
    app.middlewares.append(metrics_middleware())
    app.router.add_get("/metrics", metrics, name="metrics")


async def metrics(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS_KEY]
    tokens = parse_admin_tokens(settings.admin_tokens)
    if tokens:
        header = request.headers.get(hdrs.AUTHORIZATION)
        if match_token(tokens, header) is None:
            error = "invalid_token" if header else "invalid_request"
            return text_response(
                401,
                "a valid token from admin_tokens is required: Authorization: Bearer TOKEN",
                headers={hdrs.WWW_AUTHENTICATE: f'{CHALLENGE}, error="{error}"'},
            )
    states: Sequence[SourceState] = ()
    source_states = request.app.get(SOURCES_KEY)
    if source_states is not None:
        try:
            states = await source_states()
        except Exception:
            log.exception("metrics: could not read the sources; per-source gauges left out")
    body = await asyncio.to_thread(exposition, states)
    return web.Response(
        body=body,
        headers={hdrs.CONTENT_TYPE: CONTENT_TYPE_LATEST, hdrs.CACHE_CONTROL: "no-store"},
    )


def exposition(states: Sequence[SourceState]) -> bytes:
    """Every metric of the deployment (or this process), plus the per-source gauges."""
    registry = CollectorRegistry()
    directory = multiprocess_directory()
    if directory is not None:
        MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    else:
        own = current().registry
        if own is not None:
            registry.register(_Forward(own))
    registry.register(SourceGauges(states))
    return generate_latest(registry)


class _Forward:
    """Collects another registry's metrics (the in-memory set) into this one."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry

    def collect(self) -> Iterator[Metric]:
        return iter(self._registry.collect())


class SourceGauges:
    """``feedsvc_source_consecutive_failures`` and ``feedsvc_source_last_success_timestamp_seconds``
    per enabled source, from its stored state."""

    def __init__(self, states: Sequence[SourceState]) -> None:
        self._states = states

    def collect(self) -> Iterator[Metric]:
        failures = GaugeMetricFamily(
            "feedsvc_source_consecutive_failures",
            "refreshes of the source that failed in a row (0 after a success)",
            labels=["source"],
        )
        success = GaugeMetricFamily(
            "feedsvc_source_last_success_timestamp_seconds",
            "Unix time of the source's last successful refresh (absent: never)",
            labels=["source"],
        )
        for state in self._states:
            source = state.config.id
            failures.add_metric([source], state.error_count)
            if state.last_success_at is not None:
                success.add_metric([source], state.last_success_at.timestamp())
        yield failures
        yield success
