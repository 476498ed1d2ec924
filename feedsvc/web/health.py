"""``GET /healthz``: is the database reachable, and whatever the ``health`` callable adds.
``GET /readyz``: the database is reachable and migrated at least to this code (200), else
503 (a newer schema is a rolling upgrade in progress: ``Store.check_ready``).

Convention for the callable's dict: any value that is exactly ``False`` marks the service
unhealthy (e.g. ``{"scheduler": False}``); a non-empty list under ``degraded`` (reasons, e.g.
extraction processes killed for time, most sources failing) marks it degraded; other values
are reported as they are.

``status`` is ``ok`` (200), ``degraded`` (200) or ``unhealthy`` (503). Degraded stays 200
on purpose: the feeds are still served from the database, so a load balancer should keep the
server, and a liveness probe restarting it would cure nothing (the extraction pool already
replaces its own processes, and a hostile page fails again after a restart). Monitoring
should alert on the body's ``status`` not being ``ok``.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from feedsvc.errors import StoreError
from feedsvc.web.keys import HEALTH_KEY, READER_KEY, READY_KEY
from feedsvc.web.responses import json_response

log = logging.getLogger(__name__)

CHECK_TIMEOUT = 5.0  # seconds; a probe that hangs is as bad as one that fails


async def healthz(request: web.Request) -> web.StreamResponse:
    report: dict[str, object] = {}
    healthy = True
    check = request.app.get(HEALTH_KEY)
    if check is not None:
        try:
            extra = await asyncio.wait_for(check(), CHECK_TIMEOUT)
        except Exception as exc:
            log.exception("health check failed")
            report["health_check_error"] = type(exc).__name__
            healthy = False
        else:
            report.update(extra)
            healthy = not any(value is False for value in extra.values())
    try:
        await asyncio.wait_for(request.app[READER_KEY].ping(), CHECK_TIMEOUT)
    except Exception as exc:
        # The class name only: driver messages can carry hosts or DSNs.
        log.exception("database ping failed")
        report["database"] = False
        report["database_error"] = type(exc).__name__
        healthy = False
    else:
        report["database"] = True
    degraded = bool(report.get("degraded"))
    report["status"] = "unhealthy" if not healthy else "degraded" if degraded else "ok"
    return json_response(report, status=200 if healthy else 503)


async def readyz(request: web.Request) -> web.StreamResponse:
    """Cheap: one query (the schema revision) unless no ready check was given (a ping)."""
    check = request.app.get(READY_KEY) or request.app[READER_KEY].ping
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT)
    except Exception as exc:
        # StoreError says which revision is missing; driver errors only by class name.
        detail = str(exc) if isinstance(exc, StoreError) else type(exc).__name__
        log.warning("not ready: %s", detail)
        return json_response({"status": "not ready", "error": detail}, status=503)
    return json_response({"status": "ready"}, status=200)
