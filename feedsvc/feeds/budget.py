"""Fitting a feed page into ``max_feed_bytes``.

A page is the newest ``limit`` entries after its cursor. When its rendering is larger
than the budget, the oldest entries are left to the next page: the page shows the
longest newest-first prefix that fits (at least one entry, so paging always moves on),
and its ``rel="next"`` cursor is the last entry shown, so the next page starts right
after it and nothing is skipped or repeated.
"""

from __future__ import annotations

from collections.abc import Callable


def render_within(render: Callable[[int], bytes], count: int, max_bytes: int) -> bytes:
    """``render(n)`` for the largest ``n`` in 1..``count`` whose result fits in
    ``max_bytes`` (``render(1)`` when none does). ``render(n)`` renders the first ``n``
    entries; a longer prefix never renders smaller.

    The first guess scales ``n`` by the overshoot (entries of one feed are usually alike
    in size); then a bisection, so a page costs a few renders, not one per entry.
    """
    body = render(count)
    if len(body) <= max_bytes or count <= 1:
        return body
    low, high = 0, count - 1  # the answer is in low..high; 0 stands for "none fits"
    best: bytes | None = None  # render(low), once low > 0
    guess = max(1, min(high, count * max_bytes // len(body)))
    while low < high:
        attempt = render(guess)
        if len(attempt) <= max_bytes:
            low, best = guess, attempt
        else:
            high = guess - 1
        guess = (low + high + 1) // 2
    return best if best is not None else render(1)
