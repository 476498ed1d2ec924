"""Is refreshing working? The ``degraded`` part of ``/healthz``, from in-process counts.

Two signs, each cheap (no query, nothing per request but a pass over at most 100 reports):

- an extraction process was killed or died recently (a page over ``extract_timeout``, or a
  parser crash): that page failed alone and the process was replaced, but a site is
  serving something hostile or broken, and each retry costs up to ``extract_timeout`` of CPU;
- the latest refresh failed for more than half of the sources this process refreshed.

These are known only to the process that runs the scheduler (role ``all`` or ``worker``;
with ``--workers N`` its worker 0); a web-only process reports ``"scheduler": "not in this
process"``. The per-source truth for every process is in the database (``sources.last_error``).
"""

from __future__ import annotations

from collections.abc import Sequence

from feedsvc.models import FetchStatus
from feedsvc.refresh.context import RefreshReport
from feedsvc.refresh.offload import HEALTH_WINDOW


def refresh_problems(reports: Sequence[RefreshReport], replaced: int) -> list[str]:
    """Why refreshing is degraded (empty: it is not). ``reports`` oldest first;
    ``replaced``: extraction processes replaced within ``HEALTH_WINDOW``."""
    problems: list[str] = []
    if replaced:
        problems.append(
            f"{replaced} extraction process(es) killed or died in the last "
            f"{HEALTH_WINDOW / 60:g} min (a page over extract_timeout, or a parser crash)"
        )
    latest = {report.source_id: report for report in reports}
    failed = sorted(sid for sid, report in latest.items() if report.status is FetchStatus.FAILED)
    if 2 * len(failed) > len(latest):
        problems.append(
            f"the latest refresh failed for {len(failed)} of {len(latest)} sources: "
            + ", ".join(failed[:5])
            + (", …" if len(failed) > 5 else "")
        )
    return problems
