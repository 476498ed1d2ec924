"""Every metric, declared once, and the helpers that record them.

The metric objects live in one :class:`Instruments` set, reachable as :func:`current`. A
process that serves metrics calls :func:`use_directory` first, which switches
prometheus-client to its multiprocess mode (values in memory-mapped files of the
directory, summed at scrape time by every process of the deployment) and builds a fresh
set. Without it the set counts in memory, cheaply, and nothing exposes it unless a
``registry`` is asked for (tests). Callers never keep a metric object: they ask
:func:`current` each time, so a switch of mode cannot leave them on a stale set.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, values

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus-client reads the directory here

# Seconds: a page fetch (list or article) and an extraction usually take well under a
# second; timeouts reach tens of seconds. Scheduler lag is due → started, up to minutes.
FETCH_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
EXTRACT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAG_BUCKETS = (0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0, 1800.0, 3600.0)

ARTICLE_CHANGES = ("new", "updated", "unchanged")

# The multiprocess mode has no ``_created`` series; the in-memory mode leaves them out too,
# so both expose the same names.
disable_created_metrics()  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class Instruments:
    fetches: Counter
    fetch_seconds: Histogram
    extraction_seconds: Histogram
    articles: Counter
    refreshes: Counter
    scheduler_lag: Histogram
    http_requests: Counter
    render_cache_hits: Counter
    render_cache_misses: Counter
    registry: CollectorRegistry | None


def build(registry: CollectorRegistry | None = None) -> Instruments:
    """A new set of metrics, registered in ``registry`` when given (None: unexposed, or
    exposed by a MultiProcessCollector reading the files)."""
    r = registry
    return Instruments(
        fetches=Counter(
            "feedsvc_fetches",
            "HTTP fetches of source pages by outcome (ok, not_modified or the error kind) "
            "and HTTP status (empty when no response arrived)",
            ["outcome", "status"],
            registry=r,
        ),
        fetch_seconds=Histogram(
            "feedsvc_fetch_duration_seconds",
            "time from sending a page request to its decoded body or error, redirects included",
            buckets=FETCH_BUCKETS,
            registry=r,
        ),
        extraction_seconds=Histogram(
            "feedsvc_extraction_duration_seconds",
            "time to extract and normalize one page off the event loop (round trip to the "
            "extraction process included)",
            buckets=EXTRACT_BUCKETS,
            registry=r,
        ),
        articles=Counter(
            "feedsvc_articles",
            "articles saved by refreshes: new, updated (content changed) or unchanged",
            ["change"],
            registry=r,
        ),
        refreshes=Counter(
            "feedsvc_refreshes",
            "finished source refreshes by status (ok, not_modified, failed)",
            ["status"],
            registry=r,
        ),
        scheduler_lag=Histogram(
            "feedsvc_scheduler_lag_seconds",
            "how late a source's refresh started: claim time minus its next_check_at",
            buckets=LAG_BUCKETS,
            registry=r,
        ),
        http_requests=Counter(
            "feedsvc_http_requests",
            "HTTP requests answered, by route class (latest, category, source, index, "
            "opml, api, admin, other) and status",
            ["route", "status"],
            registry=r,
        ),
        render_cache_hits=Counter(
            "feedsvc_render_cache_hits",
            "feed bodies answered from the render cache",
            registry=r,
        ),
        render_cache_misses=Counter(
            "feedsvc_render_cache_misses",
            "feed bodies rendered because the render cache did not hold them",
            registry=r,
        ),
        registry=r,
    )


_current = build()


def current() -> Instruments:
    """The metrics this process records into."""
    return _current


def multiprocess_directory() -> str | None:
    """The directory the multiprocess mode writes to, or None (in-memory mode)."""
    return os.environ.get(MULTIPROC_ENV)


def use_directory(directory: str | None) -> Instruments:
    """Record into memory-mapped files under ``directory`` (None: back to memory only),
    and return the fresh set. Call it before anything is recorded: values recorded in the
    old mode are not carried over."""
    global _current
    values.close_all_multiprocess_files()  # type: ignore[no-untyped-call]
    if directory is None:
        os.environ.pop(MULTIPROC_ENV, None)
        values.ValueClass = values.MutexValue
        _current = build()
    else:
        os.environ[MULTIPROC_ENV] = directory  # spawned children inherit it
        values.ValueClass = values.MultiProcessValue()  # type: ignore[no-untyped-call]
        _current = build()
    return _current


def use_registry() -> Instruments:
    """In-memory metrics registered in a registry of their own (a single process, tests)."""
    global _current
    _current = build(CollectorRegistry(auto_describe=True))
    return _current


# ---------------------------------------------------------------------------------------
# Recording helpers: one call where something finishes
# ---------------------------------------------------------------------------------------

_WORD = re.compile(r"(?<!^)(?=[A-Z])")


def error_outcome(exc: BaseException) -> str:
    """The outcome label of a failed fetch: its class in snake case without ``Error``
    (``HTTPStatusError`` → ``http_status``, ``FetchTimeoutError`` → ``fetch_timeout``)."""
    name = type(exc).__name__.removesuffix("Error") or "error"
    return _WORD.sub("_", name.replace("HTTP", "Http")).lower()


def record_fetch(outcome: str, status: int | None, seconds: float) -> None:
    metrics = _current
    metrics.fetches.labels(outcome, "" if status is None else str(status)).inc()
    metrics.fetch_seconds.observe(seconds)


def record_articles(new: int, updated: int, unchanged: int) -> None:
    articles = _current.articles
    for change, count in zip(ARTICLE_CHANGES, (new, updated, unchanged), strict=True):
        if count:
            articles.labels(change).inc(count)


def record_refresh(status: str) -> None:
    _current.refreshes.labels(status).inc()
