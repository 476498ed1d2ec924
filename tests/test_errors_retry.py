"""The exception tree: every class is drawn and documented with what the service does,
and carries the retry hint the refresh policy acts on."""

from __future__ import annotations

import inspect
import pickle
import re

import pytest

from feedsvc import errors
from feedsvc.errors import (
    FeedsvcError,
    HTTPStatusError,
    ListDriftError,
    Retry,
    RetryKind,
    RobotsDisallowedError,
)

CLASSES = [
    c
    for _, c in inspect.getmembers(errors, inspect.isclass)
    if issubclass(c, FeedsvcError) and c.__module__ == errors.__name__
]
TREE = (errors.__doc__ or "").split("::", 1)[1].split("The retry kinds", 1)[0]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_error_class_is_drawn_documented_and_says_what_happens(cls: type) -> None:
    assert "__doc__" in vars(cls) and cls.__doc__, f"{cls.__name__} has no docstring of its own"
    # The class's entry in the drawn tree: its line and the continuation lines under it.
    entry = re.search(rf"[─└├] {cls.__name__}\b(.*?)(?=\n\s*[│ ]*[├└]|\Z)", TREE, re.S)
    if cls is FeedsvcError:
        entry = re.search(r"FeedsvcError(.*?)\n", TREE)
    assert entry is not None, f"{cls.__name__} is not drawn in the errors docstring"
    words = entry.group(1)
    assert re.search(r"→|TRANSIENT|PERMANENT|RATE_LIMITED", words), (
        f"{cls.__name__}: the tree does not say what the service does: {words!r}"
    )


@pytest.mark.parametrize(
    ("status", "retry_after", "kind"),
    [
        (404, None, RetryKind.PERMANENT),
        (410, None, RetryKind.PERMANENT),
        (401, None, RetryKind.PERMANENT),
        (408, None, RetryKind.TRANSIENT),
        (500, None, RetryKind.TRANSIENT),
        (502, None, RetryKind.TRANSIENT),
        (429, None, RetryKind.RATE_LIMITED),
        (503, None, RetryKind.RATE_LIMITED),
        (503, 60.0, RetryKind.RATE_LIMITED),
        (500, 60.0, RetryKind.RATE_LIMITED),  # any Retry-After is honoured
    ],
)
def test_an_http_status_picks_its_retry_kind(
    status: int, retry_after: float | None, kind: RetryKind
) -> None:
    error = HTTPStatusError("https://example.cn/", status, retry_after=retry_after)
    assert error.retry == Retry(kind, retry_after)
    assert str(error) == f"https://example.cn/: HTTP {status}"


def test_class_hints_and_instance_hints() -> None:
    assert errors.TooLargeError("u", "r").retry == Retry(RetryKind.PERMANENT)
    assert errors.ConnectionFailedError("u", "r").retry == Retry(RetryKind.TRANSIENT)
    robots = RobotsDisallowedError("u", "disallowed", retry_after=3600)
    assert robots.retry == Retry(RetryKind.RATE_LIMITED, 3600)
    drift = ListDriftError("https://example.cn/news/", 12)
    assert str(drift) == (
        "https://example.cn/news/: list page yielded no items (it yielded 12 before)"
    )
    assert isinstance(drift, errors.ExtractError) and drift.before == 12


@pytest.mark.skipif(
    "__reduce__" not in vars(FeedsvcError),
    reason="errors pickle once FeedsvcError.__reduce__ (the extraction pool's change) is in",
)
@pytest.mark.parametrize(
    "error",
    [
        HTTPStatusError("https://example.cn/", 429, "HTTP 429 Too Many", retry_after=30.0),
        RobotsDisallowedError("https://example.cn/", "disallowed", retry_after=3600),
        ListDriftError("https://example.cn/news/", 7),
    ],
    ids=lambda e: type(e).__name__,
)
def test_hints_survive_pickling(error: FeedsvcError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.retry == error.retry
    assert vars(copy) == vars(error)
