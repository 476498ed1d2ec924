"""Prometheus metrics (docs/metrics.md).

``instruments`` declares every metric and the small ``record_*`` helpers the service calls
where things finish; ``directory`` keeps the per-deployment directory that prometheus-client's
multiprocess mode shares between processes; the web layer serves ``/metrics`` (counted
requests, per-source gauges read from the database at scrape time) from ``feedsvc.web.metrics``.
"""
