"""When refreshing is degraded: extraction processes replaced, or most sources failing."""

from __future__ import annotations

from feedsvc.models import FetchStatus
from feedsvc.refresh.context import RefreshReport
from feedsvc.refresh.health import refresh_problems


def report(source_id: str, status: FetchStatus) -> RefreshReport:
    error = "x" if status is FetchStatus.FAILED else None
    return RefreshReport(source_id, status, 0.1, error=error)


OK, FAILED = FetchStatus.OK, FetchStatus.FAILED


def test_all_well_is_no_problem() -> None:
    assert refresh_problems([report("a", OK), report("b", FetchStatus.NOT_MODIFIED)], 0) == []
    assert refresh_problems([], 0) == []


def test_a_replaced_extraction_process_is_degraded() -> None:
    (problem,) = refresh_problems([report("a", OK)], 2)
    assert problem.startswith("2 extraction process(es) killed or died in the last 10 min")


def test_most_sources_failing_their_latest_refresh_is_degraded() -> None:
    reports = [report("a", FAILED), report("b", FAILED), report("c", OK)]
    (problem,) = refresh_problems(reports, 0)
    assert problem == "the latest refresh failed for 2 of 3 sources: a, b"


def test_only_the_latest_refresh_of_each_source_counts() -> None:
    recovered = [report("a", FAILED), report("b", FAILED), report("a", OK), report("b", OK)]
    assert refresh_problems(recovered, 0) == []
    half = [report("a", FAILED), report("b", OK)]
    assert refresh_problems(half, 0) == []  # half is not most
